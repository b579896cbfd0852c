// JobRunner's state. Everything below `thread-owned` is touched only by the runner's thread; the
// inbox is shared with callers under `mutex`, and each JobHandle::State has a mutex of its own.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "cometapi/jobs.hpp"
#include "cometapi/waiting.hpp"
#include "pacer.hpp"

namespace cometapi {

struct JobHandle::State {
  mutable std::mutex mutex;
  std::condition_variable changed;
  Job job;
  bool cancel_requested = false;
  bool runner_stopped = false;
  std::weak_ptr<JobRunner::Impl> runner;  // woken by cancel()
};

struct JobRunner::Impl : std::enable_shared_from_this<JobRunner::Impl> {
  using Clock = std::chrono::steady_clock;
  using HandleState = std::shared_ptr<JobHandle::State>;
  using StepRef = std::pair<std::int64_t, int>;  // job id, step index

  Impl(CometClient c, std::shared_ptr<JobStore> s, JobRunnerOptions o);

  // ---- shared with callers, under `mutex`
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable idle_changed;
  std::vector<std::pair<HandleState, JobSpec>> incoming;
  std::vector<HandleState> resumed_out;  // handles made by a resume, handed back to the caller
  bool resume_requested = false;
  std::vector<std::pair<HandleState, std::int64_t>> resubmits;
  std::vector<std::tuple<HandleState, std::int64_t, std::string>> adoptions;
  bool cancel_pending = false;
  bool draining = false;
  bool stopping = false;
  int unfinished = 0;  // jobs given to the runner that are not final
  Stats stats;

  // ---- fixed
  CometClient client;
  std::shared_ptr<JobStore> store;
  JobRunnerOptions options;

  // ---- thread-owned
  struct Active {
    Active() = default;
    Active(HandleState h, Job j) : handle(std::move(h)), job(std::move(j)) {}
    HandleState handle;
    Job job;
    bool reported = false;          // on_done was called
    std::map<int, int> save_tries;  // per step: downloads that failed and may be retried
    std::map<int, int> retries;     // per step: submits that failed, created nothing, not refusals
  };
  std::map<std::int64_t, Active> active;
  std::deque<StepRef> ready;    // steps to submit, in order
  std::deque<StepRef> to_save;  // finished steps whose file is not saved yet
  std::map<std::string, StepRef> by_task;
  std::set<std::int64_t> dirty;  // changed by a watch cycle, not written yet
  std::vector<std::pair<std::string, Result<Task>>> watch_done;
  std::vector<Task> watch_progress;
  std::unique_ptr<TaskWatcher> watcher;
  detail::Pacer pacer;
  CancellationToken stop_token;  // cancelled by stop(): aborts a download (never a submit)
  Clock::time_point next_poll{};
  Clock::time_point next_save{};
  int in_flight = 0;
  std::thread thread;

  // runner.cpp
  void loop();
  void take_inbox();
  void accept_new(std::vector<std::pair<HandleState, JobSpec>> jobs);
  void do_resume(std::vector<HandleState>& made);
  void publish(Active& a, int step, std::string message, bool progress_only = false);
  void finish_if_done(Active& a);
  void record(Active& a, int step);
  void mark(Active& a) { dirty.insert(a.job.id); }
  void flush();  // writes every marked job in one transaction
  HandleState handle_for(const Job& job);
  void reopen(HandleState state, std::int64_t id, std::optional<std::string> task_id);
  bool step_open(const Job& job, const JobStep& step) const;

  // runner_steps.cpp
  void submit_step(StepRef ref);
  void on_task_done(const std::string& task_id, const Result<Task>& outcome);
  void on_task_progress(const Task& task);
  void save_step(StepRef ref);
  void watch(Active& a, JobStep& step);
  void take_up(Active& a);  // queue what a loaded job still needs
};

}  // namespace cometapi
