// Where cometmj writes what. stdout carries only results (ids, URLs, JSON) so that scripts can
// capture it; progress, step messages and errors go to stderr.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cometapi/cometapi.hpp"

namespace cometmj {

using Json = nlohmann::ordered_json;

class Output {
 public:
  Output(bool json, bool quiet);

  bool json() const { return json_; }
  bool quiet() const { return quiet_; }
  // A progress bar is drawn only where a person watches: stderr is a terminal that can move the
  // cursor (not TERM=dumb).
  bool interactive() const { return interactive_; }
  // Trace lines (--verbose) would tear a redrawn bar apart: plain progress lines then.
  void disable_bar() { interactive_ = false; }
  // Colours only on an interactive stderr, and never when NO_COLOR is set (no-color.org).
  bool color() const { return color_; }

  // A step message on stderr ("imagine submitted: task ..."); silent with --quiet.
  void info(const std::string& line);
  // An error line on stderr, always shown.
  void error(const std::string& line);
  // Human-readable result text on stdout (a newline is added).
  void print(const std::string& line);
  // One JSON document on stdout.
  void print_json(const Json& value);

  // Called by the progress display: a bar is on the current stderr line and must be ended before
  // any other stderr output.
  void set_bar_active(bool active) { bar_active_ = active; }
  bool bar_active() const { return bar_active_; }

  // "\x1b[<code>m" + text + reset when colours are on and code is not null; text otherwise.
  std::string paint(const std::string& text, const char* code) const;

 private:
  void end_bar();

  bool json_;
  bool quiet_;
  bool interactive_;
  bool color_;
  bool bar_active_ = false;
};

// A task in the service's own wire form (docs/service-notes.md, Task object), so that --json output
// reads like the API.
Json task_to_json(const cometapi::Task& task);
// A submit answer in wire form ({code, description, result, properties}).
Json submit_to_json(const cometapi::SubmitResult& result);
// The task's buttons with what each does.
Json buttons_to_json(const cometapi::Task& task);

// The lines of the human summary of a task ("id:", "status:", "image:", "buttons:" ...).
std::string task_summary(const cometapi::Task& task);
// "SUCCESS", or "WAITING" for the gateway's empty not-yet-synced status.
std::string status_label(const cometapi::Task& task);
// The names a user can pass to `press`, separated by two spaces.
std::string button_names(const cometapi::Task& task);

}  // namespace cometmj
