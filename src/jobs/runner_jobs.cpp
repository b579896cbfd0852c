// JobRunner's bookkeeping on the runner thread: new jobs, resumed jobs, the user's choices for
// ambiguous submits, the final status, and telling handles and callbacks.
#include "job_names.hpp"
#include "runner_impl.hpp"

namespace cometapi {

namespace {

constexpr const char* kInFlightAtStop =
    "the submit was in flight when the process stopped; it may have created a task (look for "
    "state ";

}  // namespace

void JobRunner::Impl::record(Active& a, int step) {
  // A failed write is reported on the job; the step it records has already happened or will not.
  if (auto written = store->update(a.job, a.job.steps[static_cast<std::size_t>(step)]); !written) {
    a.job.error = written.error().to_string();
  }
}

void JobRunner::Impl::flush() {
  if (dirty.empty()) return;
  std::vector<Job> jobs;
  jobs.reserve(dirty.size());
  for (std::int64_t id : dirty) jobs.push_back(active.at(id).job);
  dirty.clear();
  if (auto written = store->update(jobs); !written) {
    for (const Job& job : jobs) active.at(job.id).job.error = written.error().to_string();
  }
}

void JobRunner::Impl::publish(Active& a, int step, std::string message, bool progress_only) {
  const bool final_now = is_final(a.job.status) && !a.reported;
  {
    // A final job leaves `unfinished` under the same locks that make it final on the handle, so
    // whoever sees one sees the other (runner mutex first, then the handle's, always).
    std::unique_lock<std::mutex> runner_lock(mutex, std::defer_lock);
    if (final_now) runner_lock.lock();
    std::lock_guard<std::mutex> lock(a.handle->mutex);
    a.handle->job = a.job;
    if (final_now) {
      a.reported = true;
      --unfinished;
      stats.in_flight = in_flight;
      idle_changed.notify_all();
    }
    a.handle->changed.notify_all();
  }
  const auto run = [this](std::function<void()> call) {
    if (options.executor) {
      options.executor(std::move(call));
    } else {
      call();
    }
  };
  if (options.on_progress) {
    JobEvent event{a.job, step, std::move(message), progress_only};
    run([callback = options.on_progress, event = std::move(event)] { callback(event); });
  }
  if (final_now && options.on_done) {
    run([callback = options.on_done, job = a.job] { callback(job); });
  }
}

bool JobRunner::Impl::step_open(const Job& job, const JobStep& step) const {
  switch (step.phase) {
    case StepPhase::Pending:
      // A follow-up is sent only on a finished first task.
      return step.index == 0 || job.steps[0].phase == StepPhase::Finished ||
             job.steps[0].phase == StepPhase::Saved;
    case StepPhase::Submitting:
    case StepPhase::Submitted:
      return true;
    case StepPhase::Finished:
      return step.index > 0 || job.steps.size() == 1;  // a leaf still to save
    default:
      return false;
  }
}

void JobRunner::Impl::finish_if_done(Active& a) {
  if (is_final(a.job.status)) return;
  for (const JobStep& step : a.job.steps) {
    if (step_open(a.job, step)) return;
  }
  a.job.status = JobStatus::Done;
  a.job.error.clear();
  for (const JobStep& step : a.job.steps) {
    if (step.phase == StepPhase::Ambiguous && a.job.status == JobStatus::Done) {
      a.job.status = JobStatus::NeedsAttention;
      a.job.error = (step.button.empty() ? std::string("first submit") : step.button) + " (state " +
                    step.state + "): " + step.error;
    }
  }
  for (const JobStep& step : a.job.steps) {
    if (step.phase == StepPhase::Failed) {
      a.job.status = JobStatus::Failed;
      a.job.error = step.error;
      break;
    }
  }
  mark(a);
  flush();
  publish(a, 0, std::string("job ") + to_string(a.job.status));
}

JobRunner::Impl::HandleState JobRunner::Impl::handle_for(const Job& job) {
  auto state = std::make_shared<JobHandle::State>();
  state->job = job;
  state->runner = weak_from_this();
  return state;
}

void JobRunner::Impl::accept_new(std::vector<std::pair<HandleState, JobSpec>> fresh) {
  std::vector<Job> jobs;
  jobs.reserve(fresh.size());
  for (auto& [state, spec] : fresh) {
    Job job;
    job.spec = std::move(spec);
    job.steps.push_back(JobStep{});
    for (std::size_t i = 0; i < job.spec.then.size(); ++i) {
      JobStep step;
      step.index = static_cast<int>(i + 1);
      step.button = job.spec.then[i];
      job.steps.push_back(step);
    }
    jobs.push_back(std::move(job));
  }
  // Ids come from the store, so the tokens are made there (one transaction for the lot).
  auto added = store->add(jobs);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    Active a{fresh[i].first, std::move(jobs[i])};
    if (!added) {
      a.job.status = JobStatus::Failed;
      a.job.error = "not recorded, so not submitted: " + added.error().to_string();
      publish(a, 0, a.job.error);
      continue;
    }
    const std::int64_t id = a.job.id;
    auto& slot = active[id] = std::move(a);
    ready.push_back({id, 0});
    publish(slot, 0, "recorded");
  }
}

void JobRunner::Impl::take_up(Active& a) {
  for (JobStep& step : a.job.steps) {
    if (step.phase == StepPhase::Submitting) {
      // Never sent again on its own: it may have reached the service.
      step.phase = StepPhase::Ambiguous;
      step.error = kInFlightAtStop + step.state + ")";
      record(a, step.index);
    }
  }
  for (JobStep& step : a.job.steps) {
    if (step.phase == StepPhase::Submitted) {
      watch(a, step);
    } else if (step.phase == StepPhase::Pending && step_open(a.job, step)) {
      ready.push_back({a.job.id, step.index});
    } else if (step.phase == StepPhase::Finished && step_open(a.job, step)) {
      to_save.push_back({a.job.id, step.index});
    }
  }
  if (a.job.status == JobStatus::Queued || a.job.status == JobStatus::Running) {
    publish(a, 0, "resumed");
  }
  finish_if_done(a);
}

void JobRunner::Impl::do_resume(std::vector<HandleState>& made) {
  auto jobs = store->list();
  if (!jobs) return;
  for (Job& job : *jobs) {
    if (is_final(job.status) || active.count(job.id) != 0) continue;
    HandleState state = handle_for(job);
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++unfinished;
    }
    made.push_back(state);
    auto& slot = active[job.id] = Active{state, std::move(job)};
    take_up(slot);
  }
}

void JobRunner::Impl::reopen(HandleState state, std::int64_t id, std::optional<std::string> task) {
  auto loaded = store->get(id);
  auto it = active.find(id);
  Job job = it != active.end() ? it->second.job : loaded ? *loaded : Job{};
  Active a{state, job};
  const auto give_up = [&](std::string why) {
    a.job.id = id;
    a.job.error = std::move(why);
    if (!is_final(a.job.status)) a.job.status = JobStatus::Failed;
    publish(a, 0, a.job.error);  // tells the handle; the store is left as it was
  };
  if (it == active.end() && !loaded) return give_up(loaded.error().to_string());
  if (it != active.end() && !is_final(it->second.job.status)) {
    return give_up("job " + std::to_string(id) + " is still running");
  }
  bool changed = false;
  for (JobStep& step : a.job.steps) {
    if (step.phase != StepPhase::Ambiguous && step.phase != StepPhase::Submitting) continue;
    if (task) {
      step.task_id = *task;
      step.phase = StepPhase::Submitted;
      step.error = "adopted task " + *task;
    } else {
      // The user chose to pay again: a new token, so the two submits stay apart.
      step.state = detail::make_state_token(id, step.index, step.attempts + 1);
      step.phase = StepPhase::Pending;
      step.error = "resubmitted at the user's request";
    }
    changed = true;
    if (task) break;  // one task id names one submit
  }
  if (!changed) return give_up("job " + std::to_string(id) + " has no ambiguous submit");
  a.job.status = JobStatus::Running;
  a.job.error.clear();
  (void)store->update(a.job);
  if (it != active.end()) active.erase(it);
  auto& slot = active[id] = std::move(a);
  take_up(slot);
}

}  // namespace cometapi
