// The progress display of a wait: a redrawn bar on a terminal, one plain line per change
// elsewhere (logs and CI read those), nothing with --quiet. Always on stderr.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "cometapi/cometapi.hpp"
#include "output.hpp"

namespace cometmj {

class Progress {
 public:
  // `what` names the job ("imagine", "U1 of 1732..."); shown with the task id.
  Progress(Output& out, std::string task_id, std::string what);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Called with every fetched state of the task.
  void update(const cometapi::Task& task);
  // Ends the bar's line; called once the wait is over, whatever its outcome.
  void finish();

 private:
  void draw(const cometapi::Task& task);

  Output& out_;
  std::string task_id_;
  std::string what_;
  std::chrono::steady_clock::time_point start_;
  std::optional<std::pair<cometapi::TaskStatus, int>> last_;
  bool drawn_ = false;
};

}  // namespace cometmj
