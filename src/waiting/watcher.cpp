#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "api/answer.hpp"
#include "cometapi/waiting.hpp"
#include "core/error_support.hpp"
#include "core/validate.hpp"
#include "waiting/rules.hpp"
#include "waiting/schedule.hpp"

namespace cometapi {

namespace {

struct Watched {
  Clock::time_point added;
  Clock::time_point last_change;
  std::optional<std::pair<TaskStatus, int>> seen;
  int missing = 0;
  detail::ModalIs modal = detail::ModalIs::End;
  std::optional<Clock::time_point> seen_at;  // when `seen` was last read
  bool moving = false;                       // it had changed at that answer
};

// An Error about one task, naming it.
Result<Task> about(const std::string& id, Error error) {
  if (error.task_id.empty()) error.task_id = id;
  return Result<Task>(std::move(error));
}

struct Event {
  std::string id;
  std::optional<Task> progress;         // on_progress
  std::optional<Result<Task>> outcome;  // on_done
};

}  // namespace

struct TaskWatcher::State {
  State(CometClient c, WatchOptions o)
      : client(std::move(c)),
        options(std::move(o)),
        estimator(options.schedule == PollSchedule::Learned ? detail::sync_estimator_of(client)
                                                            : nullptr),
        planner(estimator, {options.interval, 1.0, options.interval,
                            std::max(options.interval, options.max_interval)}) {
    if (options.chunk_size == 0) options.chunk_size = 1;
  }

  Clock::time_point now() const { return client.clock().now(); }

  CometClient client;
  // Cancelled by stop(): ends the pause between cycles (on whatever clock) and the request in
  // flight. A new token each start().
  CancellationToken stop_token;
  WatchOptions options;
  mutable std::mutex mutex;
  std::condition_variable wake;
  std::map<std::string, Watched> pending;  // ordered, so chunks are stable between cycles
  std::vector<Event> early;                // ends decided in add(), delivered by the next cycle
  bool stopping = false;
  std::thread thread;
  Stats stats;
  std::shared_ptr<detail::SyncEstimator> estimator;    // null under PollSchedule::Intervals
  detail::PollPlanner planner;                         // the pauses between cycles
  bool cycle_changed = false, cycle_answered = false;  // in the cycle running
};

TaskWatcher::TaskWatcher(CometClient client, WatchOptions options)
    : state_(std::make_shared<State>(std::move(client), std::move(options))) {}

TaskWatcher::~TaskWatcher() { stop(); }

void TaskWatcher::add(const std::string& task_id) { add(std::vector<std::string>{task_id}); }

void TaskWatcher::add(std::initializer_list<std::string> task_ids) {
  add(std::vector<std::string>(task_ids));
}

namespace {

void add_ids(TaskWatcher::State& s, const std::vector<std::string>& task_ids,
             detail::ModalIs modal);

}  // namespace

void TaskWatcher::add(const std::vector<std::string>& task_ids) {
  add_ids(*state_, task_ids, detail::ModalIs::End);
}

void TaskWatcher::add_after_modal(const std::string& task_id) {
  add_ids(*state_, {task_id}, detail::ModalIs::Passing);
}

namespace {

void add_ids(TaskWatcher::State& s, const std::vector<std::string>& task_ids,
             detail::ModalIs modal) {
  const Clock::time_point now = s.now();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    for (const std::string& id : task_ids) {
      if (auto error = detail::validate_task_id(id)) {
        s.early.push_back({id, std::nullopt, about(id, *error)});
        continue;
      }
      auto [it, added] =
          s.pending.try_emplace(id, Watched{now, now, std::nullopt, 0, modal, std::nullopt, false});
      if (!added && modal == detail::ModalIs::Passing) it->second.modal = modal;
    }
  }
  s.wake.notify_all();
}

}  // namespace

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
    s.cycle_changed = s.cycle_answered = false;
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
    CallOptions call;
    call.cancel = s.stop_token;
    auto listed = s.client.list_tasks(chunk, call);
    // stop() aborted the request: the tasks are not done, only no longer watched by this cycle.
    if (!listed && listed.error().kind == ErrorKind::Cancelled) break;
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
          events.push_back(
              {id, std::nullopt,
               Result<Task>(detail::wait_deadline_error(
                   id, s.options.timeout, "last error: " + listed.error().to_string()))});
        } else {
          events.push_back({id, std::nullopt, about(id, listed.error())});
        }
        s.pending.erase(it);
      }
      lock.unlock();
      deliver();
      continue;
    }
    s.cycle_answered = true;
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
          outcome = about(id, detail::make_error(ErrorKind::NotFound,
                                                 "task " + id + " is missing from " +
                                                     std::to_string(watched.missing) +
                                                     " list-by-condition answers in a row"));
        }
      } else {
        Task& task = *found->second;
        watched.missing = 0;
        const std::pair<TaskStatus, int> seen{task.status, task.progress};
        const bool changed = watched.seen && *watched.seen != seen;
        if (s.estimator && watched.seen_at) {
          const std::int64_t since = detail::to_ms(*watched.seen_at);
          if (changed) s.estimator->observe_change(since, detail::to_ms(now));
          // It runs and moved at its last answer, so it moves with the passes: none came since.
          if (!changed && watched.moving && task.status == TaskStatus::InProgress) {
            s.estimator->observe_quiet(since, detail::to_ms(now));
          }
        }
        s.cycle_changed = s.cycle_changed || changed;
        watched.moving = changed;
        watched.seen_at = now;
        if (!watched.seen || *watched.seen != seen) {
          watched.seen = seen;
          watched.last_change = now;
          if (s.options.on_progress) events.push_back({id, task, std::nullopt});
        }
        outcome = detail::task_outcome(task, watched.modal);
        if (!outcome && now - watched.last_change >= s.options.stall_timeout) {
          outcome = Result<Task>(detail::stalled_error(
              id, std::chrono::duration_cast<std::chrono::milliseconds>(now - watched.last_change),
              task));
        }
      }
      if (!outcome && now - watched.added >= s.options.timeout) {
        outcome = Result<Task>(detail::wait_deadline_error(id, s.options.timeout, ""));
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
  if (s.cycle_answered) {
    s.planner.answered(s.now(), s.cycle_changed, std::nullopt);
  } else if (!ids.empty()) {
    s.planner.failed();
  }
  return s.pending.size();
}

namespace {

// The pause between cycles, on the client's clock; stop() cuts it short through the stop token.
void pause(TaskWatcher::State& s) {
  CancellationToken stop;
  const Clock& clock = s.client.clock();
  Clock::time_point wake;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.stopping) return;
    stop = s.stop_token;
    const Clock::time_point now = clock.now();
    wake = now + s.planner.next_delay(now);
  }
  (void)clock.sleep_until(wake, &stop);
}

}  // namespace

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
    pause(s);
  }
}

void TaskWatcher::start() {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.thread.joinable()) return;
  if (s.stopping) s.stop_token = CancellationToken();
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
      pause(st);
      std::lock_guard<std::mutex> lock(st.mutex);
      if (st.stopping) return;
    }
  });
}

void TaskWatcher::stop() {
  State& s = *state_;
  std::thread thread;
  CancellationToken stop;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.stopping = true;
    stop = s.stop_token;
    // From a callback, stop() runs on the watcher thread: it cannot join itself. The loop ends
    // when the callback returns, and a later stop() or the destructor joins it.
    if (s.thread.get_id() != std::this_thread::get_id()) thread.swap(s.thread);
  }
  s.wake.notify_all();
  stop.cancel();
  if (thread.joinable()) thread.join();
}

}  // namespace cometapi
