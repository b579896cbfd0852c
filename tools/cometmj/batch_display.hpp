// What `cometmj batch` and `resume` show: one plain line per event (or one JSON object with
// --json), or, on a terminal, a live block with one line per running job and a summary line.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cometapi/jobs.hpp"
#include "output.hpp"

namespace cometmj {

class BatchDisplay {
 public:
  explicit BatchDisplay(Output& out);
  ~BatchDisplay();

  // On the main thread: an event the runner posted.
  void event(const cometapi::JobEvent& event);
  // Redraws the live block (no-op without one). Called every ~100 ms.
  void tick();
  // Clears the live block and prints the final summary line on stderr.
  void finish(const std::string& closing);

  // The live block's lines for the jobs as they are: running jobs first (at most `rows`), then
  // the summary. Pure, for tests and for tick().
  static std::vector<std::string> render(const std::map<std::int64_t, cometapi::Job>& jobs,
                                         std::size_t rows, std::size_t width);
  // "12 done, 3 running, 1 failed, 0 need attention, 44 queued (of 60)".
  static std::string summary(const std::map<std::int64_t, cometapi::Job>& jobs);

  const std::map<std::int64_t, cometapi::Job>& jobs() const { return jobs_; }

 private:
  void clear_block();

  Output& out_;
  bool live_;
  std::size_t drawn_ = 0;  // lines of the live block on screen
  std::map<std::int64_t, cometapi::Job> jobs_;
};

}  // namespace cometmj
