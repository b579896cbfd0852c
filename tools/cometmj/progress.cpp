#include "progress.hpp"

#include <algorithm>
#include <cstdio>

#include "terminal.hpp"

namespace cometmj {

namespace {

const char* status_colour(cometapi::TaskStatus status) {
  switch (status) {
    case cometapi::TaskStatus::Success:
      return "32";
    case cometapi::TaskStatus::Failure:
    case cometapi::TaskStatus::Cancel:
      return "31";
    case cometapi::TaskStatus::Modal:
      return "33";
    case cometapi::TaskStatus::InProgress:
      return "36";
    default:
      return nullptr;
  }
}

}  // namespace

Progress::Progress(Output& out, std::string task_id, std::string what)
    : out_(out),
      task_id_(std::move(task_id)),
      what_(std::move(what)),
      start_(std::chrono::steady_clock::now()) {
  if (out_.quiet()) return;
  if (out_.interactive()) {
    cometapi::Task waiting;
    waiting.id = task_id_;
    draw(waiting);
  } else {
    out_.info("waiting for task " + task_id_ + " (" + what_ + ")");
  }
}

Progress::~Progress() { finish(); }

void Progress::update(const cometapi::Task& task) {
  if (out_.quiet()) return;
  if (out_.interactive()) {
    draw(task);  // redrawn on every poll so that the elapsed time moves
    return;
  }
  // Plain output: one line per change, so a log shows the task's history without repeats.
  const std::pair<cometapi::TaskStatus, int> seen{task.status, task.progress};
  if (last_ && *last_ == seen) return;
  last_ = seen;
  out_.info("task " + task_id_ + ": " + status_label(task) + " " + std::to_string(task.progress) +
            "%");
}

void Progress::draw(const cometapi::Task& task) {
  const long elapsed = static_cast<long>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start_)
          .count());
  const std::string label = what_ + ": task " + task_id_ + " ";
  const std::string status = status_label(task);
  char tail[64];
  std::snprintf(tail, sizeof tail, " %3d%% ", std::clamp(task.progress, 0, 100));
  const std::string time = " " + std::to_string(elapsed) + "s";
  const int fixed =
      static_cast<int>(label.size() + 2 + std::string(tail).size() + status.size() + time.size());
  const int width = std::clamp(terminal::stderr_columns() - fixed - 1, 10, 40);
  const int filled = std::clamp(task.progress, 0, 100) * width / 100;
  std::string bar = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                    std::string(static_cast<std::size_t>(width - filled), '-') + "]";
  // \r plus "erase line" redraws in place, whatever the previous line's length was.
  std::string line = "\r\x1b[2K" + label + out_.paint(bar, status_colour(task.status)) + tail +
                     out_.paint(status, status_colour(task.status)) + time;
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
  out_.set_bar_active(true);
}

void Progress::finish() {
  if (!drawn_) return;
  drawn_ = false;
  if (!out_.bar_active()) return;  // another message already ended the line
  std::fputs("\n", stderr);
  std::fflush(stderr);
  out_.set_bar_active(false);
}

}  // namespace cometmj
