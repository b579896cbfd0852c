// JobRunner: the public calls (which only queue work and return) and the runner thread's loop.
#include <algorithm>

#include "job_names.hpp"
#include "runner_impl.hpp"

namespace cometapi {

// ---- JobHandle

JobHandle::JobHandle(std::shared_ptr<State> state) : state_(std::move(state)) {}

std::int64_t JobHandle::id() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->job.id;
}

JobStatus JobHandle::status() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->job.status;
}

Job JobHandle::snapshot() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->job;
}

void JobHandle::cancel() const {
  std::shared_ptr<JobRunner::Impl> runner;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->cancel_requested = true;
    runner = state_->runner.lock();
  }
  if (runner) {
    std::lock_guard<std::mutex> lock(runner->mutex);
    runner->cancel_pending = true;
    runner->wake.notify_all();
  }
}

Job JobHandle::wait() const {
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->changed.wait(lock,
                       [this] { return is_final(state_->job.status) || state_->runner_stopped; });
  return state_->job;
}

std::optional<Job> JobHandle::wait_for(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(state_->mutex);
  if (!state_->changed.wait_for(lock, timeout, [this] {
        return is_final(state_->job.status) || state_->runner_stopped;
      })) {
    return std::nullopt;
  }
  if (!is_final(state_->job.status)) return std::nullopt;
  return state_->job;
}

// ---- JobRunner: callers' side

JobRunner::Impl::Impl(CometClient c, std::shared_ptr<JobStore> s, JobRunnerOptions o)
    : client(std::move(c)),
      store(std::move(s)),
      options(std::move(o)),
      pacer(options.max_in_flight, options.refusal_backoff) {
  WatchOptions watch;
  watch.interval = options.poll_interval;
  watch.timeout = options.task_timeout;
  watch.stall_timeout = options.stall_timeout;
  // Called inside poll_once(), on the runner thread: collected and handled after the cycle.
  watch.on_progress = [this](const Task& task) { watch_progress.push_back(task); };
  watch.on_done = [this](const std::string& id, const Result<Task>& outcome) {
    watch_done.emplace_back(id, outcome);
  };
  watcher = std::make_unique<TaskWatcher>(client, std::move(watch));
}

JobRunner::JobRunner(CometClient client, std::shared_ptr<JobStore> store, JobRunnerOptions options)
    : impl_(std::make_shared<Impl>(std::move(client), std::move(store), std::move(options))) {
  impl_->stats.pace = impl_->pacer.window();
  impl_->thread = std::thread([impl = impl_.get()] { impl->loop(); });
}

JobRunner::~JobRunner() { stop(); }

JobHandle JobRunner::submit(JobSpec spec) {
  std::vector<JobSpec> one;
  one.push_back(std::move(spec));
  return std::move(submit(std::move(one)).front());
}

std::vector<JobHandle> JobRunner::submit(std::vector<JobSpec> specs) {
  std::vector<JobHandle> handles;
  handles.reserve(specs.size());
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    for (JobSpec& spec : specs) {
      auto state = std::make_shared<JobHandle::State>();
      state->job.spec = spec;
      state->runner = impl_;
      // After stop() nothing will take the job: its wait() must not block forever.
      state->runner_stopped = impl_->stopping;
      handles.emplace_back(state);
      impl_->incoming.emplace_back(std::move(state), std::move(spec));
      ++impl_->unfinished;
    }
  }
  impl_->wake.notify_all();
  return handles;
}

std::vector<JobHandle> JobRunner::resume() {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  impl_->resume_requested = true;
  impl_->wake.notify_all();
  // The store is read on the runner thread; the handles come back as soon as it has (no network).
  impl_->idle_changed.wait(lock, [this] { return !impl_->resume_requested || impl_->stopping; });
  std::vector<JobHandle> handles;
  for (auto& state : impl_->resumed_out) handles.emplace_back(std::move(state));
  impl_->resumed_out.clear();
  return handles;
}

JobHandle JobRunner::resubmit(std::int64_t job_id) {
  auto state = std::make_shared<JobHandle::State>();
  state->job.id = job_id;
  state->runner = impl_;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->resubmits.emplace_back(state, job_id);
    ++impl_->unfinished;
  }
  impl_->wake.notify_all();
  return JobHandle(state);
}

JobHandle JobRunner::adopt(std::int64_t job_id, std::string task_id) {
  auto state = std::make_shared<JobHandle::State>();
  state->job.id = job_id;
  state->runner = impl_;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->adoptions.emplace_back(state, job_id, std::move(task_id));
    ++impl_->unfinished;
  }
  impl_->wake.notify_all();
  return JobHandle(state);
}

void JobRunner::drain() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->draining = true;
  impl_->wake.notify_all();
}

bool JobRunner::idle() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->unfinished == 0;
}

void JobRunner::wait_idle() {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  impl_->idle_changed.wait(lock, [this] {
    return (impl_->unfinished == 0 && !impl_->resume_requested) || impl_->stopping;
  });
}

void JobRunner::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->stop_token.cancel();
  impl_->wake.notify_all();
  impl_->idle_changed.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

JobRunner::Stats JobRunner::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Stats stats = impl_->stats;
  stats.requests += impl_->watcher->stats().requests;
  return stats;
}

// ---- the runner thread

void JobRunner::Impl::loop() {
  while (true) {
    // Read before the inbox is taken: a job submitted before stop() is then always recorded.
    bool stop_now;
    {
      std::lock_guard<std::mutex> lock(mutex);
      stop_now = stopping;
    }
    take_inbox();
    if (stop_now) break;
    bool draining_now;
    {
      std::lock_guard<std::mutex> lock(mutex);
      draining_now = draining;
    }
    // A free slot first: a task running is worth more than a file saved a moment sooner. One
    // submit per turn, so that a long queue never delays the polls.
    if (!ready.empty() && !draining_now && pacer.may_submit(in_flight, Clock::now())) {
      const StepRef ref = ready.front();
      ready.pop_front();
      submit_step(ref);
      continue;
    }
    if (!to_save.empty() && Clock::now() >= next_save) {
      std::deque<StepRef> saving;
      saving.swap(to_save);
      for (const StepRef& ref : saving) save_step(ref);
      continue;
    }
    if (!by_task.empty() && Clock::now() >= next_poll) {
      watcher->poll_once();
      next_poll = Clock::now() + options.poll_interval;
      auto progress = std::move(watch_progress);
      watch_progress.clear();
      for (const Task& task : progress) on_task_progress(task);
      auto done = std::move(watch_done);
      watch_done.clear();
      for (const auto& [id, outcome] : done) on_task_done(id, outcome);
      // One transaction for the whole cycle, before anything acts on what it saw.
      flush();
      continue;
    }
    // Sleep until the next thing to do, or until a caller wakes us.
    Clock::time_point until = Clock::now() + std::chrono::seconds(1);
    if (!by_task.empty()) until = std::min(until, next_poll);
    if (!ready.empty() && !draining_now && in_flight < static_cast<int>(pacer.window())) {
      until = std::min(until, pacer.not_before());
    }
    if (!to_save.empty()) until = std::min(until, next_save);
    std::unique_lock<std::mutex> lock(mutex);
    wake.wait_until(lock, until, [this] {
      return stopping || cancel_pending || resume_requested || !incoming.empty() ||
             !resubmits.empty() || !adoptions.empty();
    });
  }
  // Stopped: write what a cycle left unwritten, then tell the waiters.
  flush();
  for (auto& [id, a] : active) {
    std::lock_guard<std::mutex> lock(a.handle->mutex);
    a.handle->runner_stopped = true;
    a.handle->changed.notify_all();
  }
  std::vector<std::pair<HandleState, JobSpec>> left;
  {
    std::lock_guard<std::mutex> lock(mutex);
    left.swap(incoming);
  }
  for (auto& [state, spec] : left) {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->runner_stopped = true;
    state->changed.notify_all();
  }
  idle_changed.notify_all();
}

void JobRunner::Impl::take_inbox() {
  std::vector<std::pair<HandleState, JobSpec>> fresh;
  std::vector<std::pair<HandleState, std::int64_t>> again;
  std::vector<std::tuple<HandleState, std::int64_t, std::string>> adopted;
  bool resume_now;
  {
    std::lock_guard<std::mutex> lock(mutex);
    fresh.swap(incoming);
    again.swap(resubmits);
    adopted.swap(adoptions);
    resume_now = resume_requested;
    cancel_pending = false;
  }
  if (resume_now) {
    std::vector<HandleState> made;
    do_resume(made);
    std::lock_guard<std::mutex> lock(mutex);
    for (auto& m : made) resumed_out.push_back(std::move(m));
    resume_requested = false;
    idle_changed.notify_all();
  }
  if (!fresh.empty()) accept_new(std::move(fresh));
  for (auto& [state, id] : again) reopen(state, id, std::nullopt);
  for (auto& [state, id, task] : adopted) reopen(state, id, task);
  // Cancellations asked through handles.
  for (auto& [id, a] : active) {
    bool cancel;
    {
      std::lock_guard<std::mutex> lock(a.handle->mutex);
      cancel = a.handle->cancel_requested;
    }
    if (cancel && !is_final(a.job.status)) {
      a.job.status = JobStatus::Cancelled;
      a.job.error = "cancelled by the caller";
      (void)store->update(a.job);
      publish(a, 0, "cancelled");
    }
  }
}

}  // namespace cometapi
