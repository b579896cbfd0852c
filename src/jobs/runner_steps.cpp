// JobRunner's steps, on the runner thread: record, then submit; watch; save.
#include <cstdio>

#include "job_names.hpp"
#include "runner_impl.hpp"

namespace cometapi {

namespace {

constexpr int kMaxAttempts = 8;  // submits of one step that created nothing, before giving up

// The first submit of a job, by kind, with the step's state token.
Result<SubmitResult> send_first(const CometClient& client, const JobSpec& spec,
                                const std::string& state) {
  const std::string first_image = spec.images.empty() ? std::string() : spec.images.front();
  switch (spec.kind) {
    case JobKind::Imagine: {
      ImagineRequest r;
      r.prompt = spec.prompt;
      r.base64_array = spec.images;
      r.state = state;
      return client.submit_imagine(r);
    }
    case JobKind::Blend: {
      BlendRequest r;
      r.base64_array = spec.images;
      r.state = state;
      return client.submit_blend(r);
    }
    case JobKind::Describe: {
      DescribeRequest r;
      if (first_image.rfind("data:", 0) == 0) {
        r.base64 = first_image;
      } else {
        r.link = first_image;
      }
      r.state = state;
      return client.submit_describe(r);
    }
    case JobKind::Shorten: {
      ShortenRequest r;
      r.prompt = spec.prompt;
      r.state = state;
      return client.submit_shorten(r);
    }
    case JobKind::Video: {
      VideoRequest r;
      if (!spec.prompt.empty()) r.prompt = spec.prompt;
      r.image = first_image;
      r.state = state;
      return client.submit_video(r);
    }
    case JobKind::Edits: {
      EditsRequest r;
      r.prompt = spec.prompt;
      r.image = first_image;
      r.state = state;
      return client.submit_edits(r);
    }
  }
  Error error;
  error.kind = ErrorKind::InvalidArgument;
  error.message = "unknown job kind";
  return error;
}

struct Pressed {
  Result<SubmitResult> result;
  bool sent = false;  // false: refused before the submit went out (fetch failed, no such button)
};

// A follow-up goes through the SDK's one pressing path (fetch, find the button, submit).
Pressed press_button(const CometClient& client, const std::string& task_id,
                     const std::string& button, const std::string& state) {
  PressOptions options;
  options.state = state;
  auto pressed = TaskPoller(client).submit_press(task_id, button, options);
  if (pressed) {
    SubmitResult result;
    result.code = 1;
    result.result = *pressed;
    return {Result<SubmitResult>(std::move(result)), true};
  }
  // Only the action's own request is a submit; the fetch before it and a missing button are not.
  const Error& error = pressed.error();
  const bool sent = error.path.find("/submit/") != std::string::npos;
  return {Result<SubmitResult>(error), sent};
}

bool retry_later(const Error& error) {
  switch (error.kind) {
    case ErrorKind::Connection:
    case ErrorKind::Timeout:
    case ErrorKind::RateLimited:
    case ErrorKind::Server:
    case ErrorKind::ResponseInvalid:
      return true;
    default:
      return false;
  }
}

std::string file_name(const Job& job, const JobStep& step) {
  std::string name = std::to_string(job.id);
  while (name.size() < 4) name.insert(name.begin(), '0');
  if (!step.button.empty()) {
    name += '-';
    for (char c : step.button) {
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      name += plain ? c : '_';
    }
  }
  std::string ext = job.spec.kind == JobKind::Video ? ".mp4" : ".png";
  const std::string path = step.result_url.substr(0, step.result_url.find('?'));
  for (const char* known : {".png", ".jpg", ".jpeg", ".webp", ".gif", ".mp4"}) {
    const std::string k = known;
    if (path.size() > k.size() && path.compare(path.size() - k.size(), k.size(), k) == 0) ext = k;
  }
  return job.spec.out_dir + "/" + name + ext;
}

}  // namespace

void JobRunner::Impl::watch(Active& a, JobStep& step) {
  by_task[step.task_id] = {a.job.id, step.index};
  watcher->add(step.task_id);
  ++in_flight;
  // The first cycle for a new task comes one interval later (the service needs time anyway).
  if (by_task.size() == 1) next_poll = Clock::now() + options.poll_interval;
}

void JobRunner::Impl::submit_step(StepRef ref) {
  auto it = active.find(ref.first);
  if (it == active.end() || is_final(it->second.job.status)) return;
  Active& a = it->second;
  JobStep& step = a.job.steps[static_cast<std::size_t>(ref.second)];
  if (step.phase != StepPhase::Pending) return;

  // "About to submit", with the token the request carries, is on disk before the request exists.
  step.phase = StepPhase::Submitting;
  ++step.attempts;
  a.job.status = JobStatus::Running;
  if (!store->update(a.job, step)) {
    step.phase = StepPhase::Pending;
    a.job.status = JobStatus::Failed;
    a.job.error = "the journal cannot be written; nothing was submitted";
    publish(a, step.index, a.job.error);
    return;
  }
  const Pressed sent = step.index == 0
                           ? Pressed{send_first(client, a.job.spec, step.state), true}
                           : press_button(client, a.job.steps[0].task_id, step.button, step.state);
  {
    std::lock_guard<std::mutex> lock(mutex);
    stats.requests += step.index == 0 ? 1 : 2;
    if (sent.sent) ++stats.submits;
  }
  const std::string what = step.index == 0 ? to_string(a.job.spec.kind) : step.button;

  if (sent.result) {
    step.task_id = sent.result->result;
    step.phase = StepPhase::Submitted;
    step.error.clear();
    pacer.accepted();
    record(a, step.index);
    watch(a, step);
    publish(a, step.index, what + " submitted as task " + step.task_id);
    return;
  }
  const Error& error = sent.result.error();
  step.error = error.to_string();
  if (error.maybe_submitted) {
    step.phase = StepPhase::Ambiguous;
    record(a, step.index);
    publish(a, step.index, what + " submit ambiguous (state " + step.state + "): " + step.error);
    finish_if_done(a);
    return;
  }
  // A refusal for capacity is retried for as long as it takes (the pace drops, so this costs
  // little); other errors that created nothing get kMaxAttempts tries.
  const bool refusal = error.kind == ErrorKind::RateLimited;
  if (refusal || (retry_later(error) && ++a.retries[step.index] < kMaxAttempts)) {
    // Nothing was created (a full queue, a 429, a connection that never reached the service):
    // back in line, at the front, with the pace lowered.
    step.phase = StepPhase::Pending;
    record(a, step.index);
    pacer.refused(Clock::now(), error.retry_after);
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (refusal) ++stats.refusals;
      stats.pace = pacer.window();
    }
    ready.push_front(ref);
    publish(a, step.index, what + " refused, will retry: " + step.error);
    return;
  }
  step.phase = StepPhase::Failed;
  record(a, step.index);
  publish(a, step.index, what + " failed: " + step.error);
  finish_if_done(a);
}

void JobRunner::Impl::on_task_progress(const Task& task) {
  auto found = by_task.find(task.id);
  if (found == by_task.end()) return;
  Active& a = active.at(found->second.first);
  JobStep& step = a.job.steps[static_cast<std::size_t>(found->second.second)];
  step.progress = task.progress;
  // The status is written when it changes; the percentage only travels to the callbacks.
  if (step.task_status != task.status_text) {
    step.task_status = task.status_text;
    mark(a);
  }
  publish(a, step.index,
          "task " + task.id + " " + task.status_text + " " + std::to_string(task.progress) + "%",
          true);
}

void JobRunner::Impl::on_task_done(const std::string& task_id, const Result<Task>& outcome) {
  auto found = by_task.find(task_id);
  if (found == by_task.end()) return;
  const StepRef ref = found->second;
  by_task.erase(found);
  --in_flight;
  Active& a = active.at(ref.first);
  JobStep& step = a.job.steps[static_cast<std::size_t>(ref.second)];
  const bool leaf = step.index > 0 || a.job.steps.size() == 1;
  if (outcome && outcome->status == TaskStatus::Success) {
    pacer.finished();
    const Task& task = *outcome;
    step.task_status = task.status_text;
    step.progress = task.progress;
    step.result_url = !task.image_url.empty()    ? task.image_url
                      : !task.video_url.empty()  ? task.video_url
                      : !task.video_urls.empty() ? task.video_urls.front()
                                                 : std::string();
    step.result_text = !task.prompt_en.empty() ? task.prompt_en : task.properties.final_prompt;
    const bool save = leaf && !a.job.spec.out_dir.empty() && !step.result_url.empty();
    step.phase = save ? StepPhase::Finished : (leaf ? StepPhase::Saved : StepPhase::Finished);
    mark(a);
    publish(a, step.index, "task " + task_id + " finished");
    if (save) to_save.push_back(ref);
    if (!leaf && !is_final(a.job.status)) {
      // Follow-ups go first: a job half done is worth more than a new one started.
      for (auto s = a.job.steps.rbegin(); s != a.job.steps.rend(); ++s) {
        if (s->index > 0 && s->phase == StepPhase::Pending) ready.push_front({a.job.id, s->index});
      }
    }
  } else {
    step.phase = StepPhase::Failed;
    if (outcome) {
      step.task_status = outcome->status_text;
      step.error =
          "task " + task_id + " went MODAL: it needs a modal submit, which jobs do not make";
    } else {
      step.error = outcome.error().to_string();
    }
    mark(a);
    publish(a, step.index, "task " + task_id + " failed: " + step.error);
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    stats.pace = pacer.window();
    stats.in_flight = in_flight;
  }
  finish_if_done(a);
}

void JobRunner::Impl::save_step(StepRef ref) {
  Active& a = active.at(ref.first);
  JobStep& step = a.job.steps[static_cast<std::size_t>(ref.second)];
  if (step.phase != StepPhase::Finished || a.job.status == JobStatus::Cancelled) return;
  // A crash before "saved" is recorded downloads again: that costs nothing and the file is
  // written whole or not at all (download_to_file renames a complete temporary file).
  const std::string path = file_name(a.job, step);
  CallOptions call;
  call.cancel = stop_token;  // stop() does not wait for a download
  auto saved = client.download_to_file(step.result_url, path, call);
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.requests;
  }
  if (saved) {
    step.file = path;
    step.phase = StepPhase::Saved;
    // Written with the job's final status when this was its last step (one commit, not two); a
    // crash before that commit only downloads the file again.
    mark(a);
    publish(a, step.index, "saved " + path);
  } else if (retry_later(saved.error()) && ++a.save_tries[step.index] < kMaxAttempts) {
    to_save.push_back(ref);
    next_save = Clock::now() + options.refusal_backoff;
    return;
  } else {
    step.phase = StepPhase::Failed;
    step.error = "saving " + path + ": " + saved.error().to_string();
    record(a, step.index);
    publish(a, step.index, step.error);
  }
  finish_if_done(a);
  flush();
}

}  // namespace cometapi
