// What the subcommands share: argument parsing helpers and how a result is saved and reported.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"

namespace cometmj {

// The names every subcommand file uses.
namespace fs = std::filesystem;
using cometapi::Button;
using cometapi::ButtonKind;
using cometapi::CometClient;
using cometapi::ErrorKind;
using cometapi::Result;
using cometapi::SubmitResult;
using cometapi::Task;
using cometapi::TaskStatus;

std::string join(const std::vector<std::string>& words);
std::string lower(std::string text);
bool is_url(const std::string& text);
// An image argument as the service takes it: URLs and data URIs pass through, a file becomes a
// data URI (format checked by its magic bytes, so a wrong file fails here and costs nothing).
cometapi::Result<std::string> image_argument(const std::string& argument);
// "2", "2x", "1.5", "1.5X" -> the number; nullopt when it is not one.
std::optional<double> parse_factor(std::string text);
std::optional<cometapi::PanDirection> parse_direction(const std::string& text);
std::optional<cometapi::BotType> bot_type(const CommandArgs& args);
std::optional<std::string> optional_text(const std::string& text);
// Columns a name takes in a terminal (enough to line up button names).
std::size_t display_width(const std::string& text);

// Downloads the task's result to `out`: a file path, or a directory ("" = the current one) in
// which the file is named <task id>.<extension from its content>. Returns the path written.
cometapi::Result<std::string> save_result(const cometapi::CometClient& client,
                                          const cometapi::Task& task, const std::string& out,
                                          const cometapi::CallOptions& call);
// Prints a finished (or MODAL) task the way the options ask, downloading it first with
// --download.
int report_task(Context& ctx, const cometapi::CometClient& client, const cometapi::Task& task,
                const CommandArgs& args);
// After a submit: --no-wait prints the id (or the submit answer with --json) and stops;
// otherwise the task is waited for and reported.
int follow(Context& ctx, const cometapi::CometClient& client, const CommandArgs& args,
           const cometapi::SubmitResult& submitted, const std::string& what);
// The task's state as an error when it cannot be acted on yet (or any more).
cometapi::Error not_ready(const cometapi::Task& task, const std::string& doing);

}  // namespace cometmj
