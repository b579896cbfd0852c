// `cometmj batch`, `cometmj jobs` and `cometmj resume`: many jobs from a file, recorded in a
// journal (a SQLite file) so that a crash or Ctrl-C loses nothing and repeats nothing.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cometapi/jobs.hpp"
#include "context.hpp"

namespace cometmj {

struct BatchArgs {
  std::string file;           // batch FILE
  std::string then = "none";  // U1 | "U1,U3" | all | none
  std::string out = ".";
  int concurrency = 3;
  std::string journal;                 // default: journal_path()
  std::vector<std::int64_t> resubmit;  // resume --resubmit ID
  std::vector<std::string> adopt;      // resume --adopt ID=TASK
};

// Registers the three subcommands on `app`; run() runs the one that was parsed.
class BatchCommands {
 public:
  explicit BatchCommands(CLI::App& app);
  bool parsed() const;
  int run(Context& ctx);

 private:
  BatchArgs args_;
  CLI::App* batch_ = nullptr;
  CLI::App* jobs_ = nullptr;
  CLI::App* resume_ = nullptr;
};

// $XDG_DATA_HOME/cometmj/journal.db, else ~/.local/share/cometmj/journal.db.
std::string default_journal_path();

// "U1" -> {"U1"}, "U1,U3" -> {"U1","U3"}, "all" -> U1..U4, "none" or "" -> {}. Names are kept as
// given (find_button decides what they mean).
std::vector<std::string> parse_then(const std::string& text);

// One job per line of a batch file: a prompt, or a JSON object {"prompt", "kind", "then",
// "images", "out", "label"}. Blank lines and lines starting with '#' are skipped. Image entries
// that are not URLs or data URIs are read as files. On a bad line: false and `error` names it.
bool parse_batch(const std::string& text, const BatchArgs& defaults,
                 std::vector<cometapi::JobSpec>& specs, std::string& error);

}  // namespace cometmj
