#include "batch_display.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace cometmj {

namespace {

using cometapi::Job;
using cometapi::JobStatus;
using cometapi::StepPhase;

// The step a running job is busy with: the last one submitted, else the first.
const cometapi::JobStep& current_step(const Job& job) {
  const cometapi::JobStep* current = &job.steps.front();
  for (const auto& step : job.steps) {
    if (step.phase == StepPhase::Submitted || step.phase == StepPhase::Submitting) current = &step;
  }
  return *current;
}

std::string what(const Job& job) {
  if (job.spec.label.empty()) return job.spec.prompt;
  return job.spec.prompt.empty() ? job.spec.label : job.spec.label + ": " + job.spec.prompt;
}

Json event_json(const cometapi::JobEvent& event) {
  const Job& job = event.job;
  Json j;
  j["job"] = job.id;
  j["status"] = to_string(job.status);
  const auto& step = job.steps[static_cast<std::size_t>(event.step)];
  j["step"] = step.button.empty() ? std::string(to_string(job.spec.kind)) : step.button;
  j["phase"] = to_string(step.phase);
  j["task_id"] = step.task_id;
  j["state"] = step.state;
  if (!step.file.empty()) j["file"] = step.file;
  if (!job.error.empty()) j["error"] = job.error;
  j["message"] = event.message;
  return j;
}

}  // namespace

BatchDisplay::BatchDisplay(Output& out)
    : out_(out), live_(out.interactive() && !out.quiet() && !out.json()) {}

BatchDisplay::~BatchDisplay() { clear_block(); }

void BatchDisplay::event(const cometapi::JobEvent& event) {
  jobs_[event.job.id] = event.job;
  if (out_.json()) {
    if (!event.progress_only) {
      out_.print(event_json(event).dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    return;
  }
  if (event.progress_only) return;  // shown by the live block only
  const bool final_line =
      cometapi::is_final(event.job.status) && event.message.rfind("job ", 0) == 0;
  std::string line = "job " + std::to_string(event.job.id) + ": " + event.message;
  if (final_line && !event.job.error.empty()) line += ": " + event.job.error;
  // On a terminal the live block shows the steps; only the ends scroll above it.
  if (live_ && isatty(STDOUT_FILENO) == 1 && !final_line) return;
  clear_block();
  out_.print(line);
  std::fflush(stdout);
}

std::string BatchDisplay::summary(const std::map<std::int64_t, Job>& jobs) {
  int counts[6] = {0, 0, 0, 0, 0, 0};
  for (const auto& [id, job] : jobs) ++counts[static_cast<int>(job.status)];
  return std::to_string(counts[static_cast<int>(JobStatus::Done)]) + " done, " +
         std::to_string(counts[static_cast<int>(JobStatus::Running)]) + " running, " +
         std::to_string(counts[static_cast<int>(JobStatus::Failed)]) + " failed, " +
         std::to_string(counts[static_cast<int>(JobStatus::NeedsAttention)]) + " need attention, " +
         std::to_string(counts[static_cast<int>(JobStatus::Queued)]) + " queued (of " +
         std::to_string(jobs.size()) + ")";
}

std::vector<std::string> BatchDisplay::render(const std::map<std::int64_t, Job>& jobs,
                                              std::size_t rows, std::size_t width) {
  std::vector<std::string> lines;
  std::size_t running = 0;
  for (const auto& [id, job] : jobs) {
    if (job.status != JobStatus::Running) continue;
    if (++running > rows) continue;
    const auto& step = current_step(job);
    std::string line = "job " + std::to_string(id) + " " +
                       (step.button.empty() ? to_string(job.spec.kind) : step.button) + " " +
                       (step.task_status.empty() ? "WAITING" : step.task_status) + " " +
                       std::to_string(step.progress) + "%  " + what(job);
    if (line.size() > width) line.resize(width);
    lines.push_back(line);
  }
  if (running > rows) lines.push_back("... and " + std::to_string(running - rows) + " more");
  lines.push_back(summary(jobs));
  return lines;
}

void BatchDisplay::clear_block() {
  if (drawn_ == 0) return;
  // Up to the block's first line, then clear to the end of the screen.
  std::fprintf(stderr, "\x1b[%zuF\x1b[J", drawn_);
  drawn_ = 0;
}

void BatchDisplay::tick() {
  if (!live_) return;
  clear_block();
  const auto lines = render(jobs_, 20, 100);
  for (const std::string& line : lines) std::fprintf(stderr, "%s\n", line.c_str());
  drawn_ = lines.size();
  std::fflush(stderr);
}

void BatchDisplay::finish(const std::string& closing) {
  clear_block();
  out_.info(summary(jobs_));
  if (!closing.empty()) out_.info(closing);
}

}  // namespace cometmj
