// `cometmj split TASK|FILE --out DIR` and `cometmj download TASK --split`: the four images of a
// grid, cut locally with cometapi::split_grid, saved as <name>-1.png ... <name>-4.png.
#pragma once

#include <optional>
#include <string>

#include "commands.hpp"
#include "context.hpp"

namespace CLI {
class App;
}

namespace cometmj {

class SplitCommands {
 public:
  // Adds the `split` subcommand to `app` and the --split flag to `download` (whose TASK and --out
  // it then reads from CommandArgs).
  void add(CLI::App& app, CLI::App& download);
  // The exit code when `split` or `download --split` was parsed; nothing otherwise.
  std::optional<int> run_if_parsed(Context& ctx, const CommandArgs& args) const;

 private:
  CLI::App* split_ = nullptr;
  CLI::App* download_ = nullptr;
  std::string source_;  // split TASK|FILE
  std::string out_;     // split --out
  bool download_split_ = false;
};

}  // namespace cometmj
