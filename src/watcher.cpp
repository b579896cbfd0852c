#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "client_core.hpp"
#include "cometapi/waiting.hpp"
#include "error_support.hpp"

namespace cometapi {

namespace {

using Clock = std::chrono::steady_clock;

// A request error that a later cycle may not see again.
struct Watched {
  Clock::time_point added;
  Clock::time_point last_change;
  std::optional<std::pair<TaskStatus, int>> seen;
  int missing = 0;
};

struct Event {
  std::string id;
  std::optional<Task> progress;         // on_progress
  std::optional<Result<Task>> outcome;  // on_done
};

}  // namespace

struct TaskWatcher::State {
  State(CometClient c, WatchOptions o) : client(std::move(c)), options(std::move(o)) {
    if (options.chunk_size == 0) options.chunk_size = 1;
  }

  Clock::time_point now() const { return options.clock ? options.clock() : Clock::now(); }

  CometClient client;
  WatchOptions options;
  mutable std::mutex mutex;
  std::condition_variable wake;
  std::map<std::string, Watched> pending;  // ordered, so chunks are stable between cycles
  std::vector<Event> early;                // ends decided in add(), delivered by the next cycle
  bool stopping = false;
  std::thread thread;
  Stats stats;
};

TaskWatcher::TaskWatcher(CometClient client, WatchOptions options)
    : state_(std::make_shared<State>(std::move(client), std::move(options))) {}

TaskWatcher::~TaskWatcher() { stop(); }

void TaskWatcher::add(const std::string& task_id) { add(std::vector<std::string>{task_id}); }

void TaskWatcher::add(std::initializer_list<std::string> task_ids) {
  add(std::vector<std::string>(task_ids));
}

void TaskWatcher::add(const std::vector<std::string>& task_ids) {
  State& s = *state_;
  const Clock::time_point now = s.now();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    for (const std::string& id : task_ids) {
      if (auto error = detail::validate_task_id(id)) {
        s.early.push_back({id, std::nullopt, Result<Task>(*error)});
        continue;
      }
      s.pending.try_emplace(id, Watched{now, now, std::nullopt, 0});
    }
  }
  s.wake.notify_all();
}

std::vector<std::string> TaskWatcher::pending() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  std::vector<std::string> ids;
  ids.reserve(state_->pending.size());
  for (const auto& entry : state_->pending) ids.push_back(entry.first);
  return ids;
}

TaskWatcher::Stats TaskWatcher::stats() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->stats;
}

std::size_t TaskWatcher::poll_once() {
  State& s = *state_;
  std::vector<std::string> ids;
  std::vector<Event> events;
  // Callbacks run without the lock (they may call add(), pending() or stop()), after each chunk,
  // so a cycle over many tasks never holds more than one chunk of results at a time.
  const auto deliver = [&s, &events] {
    for (const Event& event : events) {
      if (event.progress && s.options.on_progress) s.options.on_progress(*event.progress);
      if (event.outcome && s.options.on_done) s.options.on_done(event.id, *event.outcome);
    }
    events.clear();
  };
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    ++s.stats.cycles;
    events.swap(s.early);
    ids.reserve(s.pending.size());
    for (const auto& entry : s.pending) ids.push_back(entry.first);
  }
  deliver();

  for (std::size_t begin = 0; begin < ids.size(); begin += s.options.chunk_size) {
    const std::vector<std::string> chunk(
        ids.begin() + static_cast<std::ptrdiff_t>(begin),
        ids.begin() +
            static_cast<std::ptrdiff_t>(std::min(ids.size(), begin + s.options.chunk_size)));
    // The request runs without the lock, so add() and pending() never wait on the network.
    auto listed = s.client.list_tasks(chunk);
    const Clock::time_point now = s.now();

    std::unique_lock<std::mutex> lock(s.mutex);
    ++s.stats.requests;
    if (!listed) {
      ++s.stats.failed_requests;
      const bool retry_later = detail::is_transient(listed.error());
      for (const std::string& id : chunk) {
        auto it = s.pending.find(id);
        if (it == s.pending.end()) continue;
        if (retry_later) {
          // An outage must not keep a task forever: its deadline still runs.
          if (now - it->second.added < s.options.timeout) continue;
          events.push_back({id, std::nullopt,
                            Result<Task>(detail::make_error(
                                ErrorKind::DeadlineExceeded,
                                "task " + id + " did not finish within " +
                                    std::to_string(s.options.timeout.count()) +
                                    " ms; last error: " + listed.error().to_string()))});
        } else {
          events.push_back({id, std::nullopt, Result<Task>(listed.error())});
        }
        s.pending.erase(it);
      }
      lock.unlock();
      deliver();
      continue;
    }
    std::unordered_map<std::string, Task*> by_id;
    for (Task& task : *listed) by_id[task.id] = &task;

    for (const std::string& id : chunk) {
      auto it = s.pending.find(id);
      if (it == s.pending.end()) continue;  // ended elsewhere meanwhile
      Watched& watched = it->second;
      auto found = by_id.find(id);
      std::optional<Result<Task>> outcome;
      if (found == by_id.end()) {
        if (++watched.missing >= s.options.missing_cycles) {
          outcome = Result<Task>(
              detail::make_error(ErrorKind::NotFound, "task " + id + " is missing from " +
                                                          std::to_string(watched.missing) +
                                                          " list-by-condition answers in a row"));
        }
      } else {
        Task& task = *found->second;
        watched.missing = 0;
        const std::pair<TaskStatus, int> seen{task.status, task.progress};
        if (!watched.seen || *watched.seen != seen) {
          watched.seen = seen;
          watched.last_change = now;
          if (s.options.on_progress) events.push_back({id, task, std::nullopt});
        }
        if (task.status == TaskStatus::Success || task.status == TaskStatus::Modal) {
          outcome = Result<Task>(std::move(task));
        } else if (task.status == TaskStatus::Failure || task.status == TaskStatus::Cancel) {
          Error error = detail::make_error(
              ErrorKind::TaskFailed, task.fail_reason.empty()
                                         ? "task " + id + " ended with status " + task.status_text
                                         : task.fail_reason);
          error.api_type = task.status_text;
          outcome = Result<Task>(std::move(error));
        } else if (now - watched.last_change >= s.options.stall_timeout) {
          outcome = Result<Task>(detail::make_error(
              ErrorKind::Stalled, "task " + id + " made no progress (status " + task.status_text +
                                      ", " + std::to_string(task.progress) + "%)"));
        }
      }
      if (!outcome && now - watched.added >= s.options.timeout) {
        outcome = Result<Task>(detail::make_error(
            ErrorKind::DeadlineExceeded, "task " + id + " did not finish within " +
                                             std::to_string(s.options.timeout.count()) + " ms"));
      }
      if (outcome) {
        s.pending.erase(it);
        events.push_back({id, std::nullopt, std::move(outcome)});
      }
    }
    lock.unlock();
    deliver();
  }

  std::lock_guard<std::mutex> lock(s.mutex);
  return s.pending.size();
}

void TaskWatcher::run() {
  State& s = *state_;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      if (s.stopping || (s.pending.empty() && s.early.empty())) return;
    }
    if (poll_once() == 0) {
      std::lock_guard<std::mutex> lock(s.mutex);
      if (s.early.empty()) return;
    }
    if (s.options.sleeper) {
      s.options.sleeper(s.options.interval);
    } else {
      std::unique_lock<std::mutex> lock(s.mutex);
      s.wake.wait_for(lock, s.options.interval, [&s] { return s.stopping; });
    }
  }
}

void TaskWatcher::start() {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.thread.joinable()) return;
  s.stopping = false;
  s.thread = std::thread([this] {
    State& st = *state_;
    while (true) {
      {
        // Idle until there is something to watch.
        std::unique_lock<std::mutex> lock(st.mutex);
        st.wake.wait(lock,
                     [&st] { return st.stopping || !st.pending.empty() || !st.early.empty(); });
        if (st.stopping) return;
      }
      poll_once();
      if (st.options.sleeper) {
        st.options.sleeper(st.options.interval);
      } else {
        std::unique_lock<std::mutex> lock(st.mutex);
        st.wake.wait_for(lock, st.options.interval, [&st] { return st.stopping; });
      }
      std::lock_guard<std::mutex> lock(st.mutex);
      if (st.stopping) return;
    }
  });
}

void TaskWatcher::stop() {
  State& s = *state_;
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.stopping = true;
    // From a callback, stop() runs on the watcher thread: it cannot join itself. The loop ends
    // when the callback returns, and a later stop() or the destructor joins it.
    if (s.thread.get_id() != std::this_thread::get_id()) thread.swap(s.thread);
  }
  s.wake.notify_all();
  if (thread.joinable()) thread.join();
}

}  // namespace cometapi
