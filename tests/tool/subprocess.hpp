// Runs the cometmj binary as a child process and collects what it printed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cometmj::test {

struct RunSpec {
  std::vector<std::string> args;  // without the program name
  // Environment changes on top of this process's environment; nullopt removes the variable.
  std::map<std::string, std::optional<std::string>> env;
  // Generous: a loaded 2-core machine may be slow, and a hang should fail, not block ctest.
  std::chrono::seconds timeout{90};
  // stderr on a pseudo-terminal instead of a pipe, to see what a person sees.
  bool stderr_tty = false;
  // Called with everything the child wrote so far, after each read, while it runs. Return true
  // once done with it (it is not called again).
  std::function<bool(pid_t child, const std::string& out, const std::string& err)> on_output;
};

struct RunResult {
  int exit_code = -1;  // the exit status, or 128 + signal when killed
  std::string out;
  std::string err;
  bool timed_out = false;
};

RunResult run(const std::string& program, const RunSpec& spec);

}  // namespace cometmj::test
