// Argument helpers and result reporting shared by the subcommands.
#include "shared.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <system_error>

namespace cometmj {

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    if (!text.empty()) text += ' ';
    text += word;
  }
  return text;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool is_url(const std::string& text) {
  const std::string head = lower(text.substr(0, 8));
  return head.rfind("http://", 0) == 0 || head.rfind("https://", 0) == 0;
}

// An image argument as the service takes it: URLs and data URIs pass through, a file becomes a
// data URI (format checked by its magic bytes, so a wrong file fails here and costs nothing).
Result<std::string> image_argument(const std::string& argument) {
  if (is_url(argument) || argument.rfind("data:", 0) == 0) return argument;
  return cometapi::data_uri_from_file(argument);
}

// "2", "2x", "1.5", "1.5X" -> the number; nullopt when it is not one.
std::optional<double> parse_factor(std::string text) {
  if (!text.empty() && (text.back() == 'x' || text.back() == 'X')) text.pop_back();
  if (text.empty()) return std::nullopt;
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  double value = 0;
  if (!(in >> value) || !in.eof() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<cometapi::PanDirection> parse_direction(const std::string& text) {
  const std::string d = lower(text);
  if (d == "left" || d == "l") return cometapi::PanDirection::Left;
  if (d == "right" || d == "r") return cometapi::PanDirection::Right;
  if (d == "up" || d == "u") return cometapi::PanDirection::Up;
  if (d == "down" || d == "d") return cometapi::PanDirection::Down;
  return std::nullopt;
}

std::optional<cometapi::BotType> bot_type(const CommandArgs& args) {
  if (args.niji) return cometapi::BotType::NijiJourney;
  return std::nullopt;
}

std::optional<std::string> optional_text(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// Columns a name takes in a terminal: one per code point, two for an emoji, none for the emoji
// variation selector. Enough to line up button names; not a full wcwidth().
std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    std::uint32_t code = length == 1 ? byte : byte & (0x3F >> (length - 1));
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    i += length;
    if (code == 0xFE0F || code == 0x200D) continue;
    width += (code >= 0x1F000 || (code >= 0x2600 && code <= 0x27BF)) ? 2 : 1;
  }
  return width;
}

// ---- saving results

namespace {

// The extension for a downloaded file, from its first bytes (the image proxy's URLs carry none).
std::string extension_of(const fs::path& file, const std::string& url) {
  std::ifstream in(file, std::ios::binary);
  std::string head(16, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  const std::string type = cometapi::detect_image_type(head);
  if (type == "image/png") return ".png";
  if (type == "image/jpeg") return ".jpg";
  if (type == "image/webp") return ".webp";
  if (type == "image/gif") return ".gif";
  if (head.size() >= 8 && head.compare(4, 4, "ftyp") == 0) return ".mp4";
  std::string path = url.substr(0, url.find_first_of("?#"));
  const std::size_t dot = path.find_last_of("./");
  if (dot != std::string::npos && path[dot] == '.' && path.size() - dot <= 5) {
    return path.substr(dot);
  }
  return ".bin";
}

// What to download: the video of a video task, else the image, else any video.
std::string result_url(const Task& task) {
  const std::string video = !task.video_urls.empty() ? task.video_urls.front() : task.video_url;
  if (task.action == "VIDEO" && !video.empty()) return video;
  if (!task.image_url.empty()) return task.image_url;
  return video;
}

}  // namespace

// Downloads the task's result to `out`: a file path, or a directory ("" = the current one) in
// which the file is named <task id>.<extension from its content>. Returns the path written.
Result<std::string> save_result(const CometClient& client, const Task& task, const std::string& out,
                                const cometapi::CallOptions& call) {
  const std::string url = result_url(task);
  if (url.empty()) {
    return make_error(ErrorKind::NotFound,
                      "task " + task.id + " has no image or video to download");
  }
  std::error_code ec;
  const bool directory = out.empty() || out.back() == '/' || fs::is_directory(out, ec);
  if (!directory) {
    auto written = client.download_to_file(url, out, call);
    if (!written) return std::move(written).error();
    return out;
  }
  const fs::path dir = out.empty() ? fs::path(".") : fs::path(out);
  fs::create_directories(dir, ec);
  const fs::path partial = dir / (task.id + ".download");
  auto written = client.download_to_file(url, partial.string(), call);
  if (!written) return std::move(written).error();
  const std::string name = task.id + extension_of(partial, url);
  const fs::path final_path = out.empty() ? fs::path(name) : dir / name;
  fs::rename(partial, final_path, ec);
  if (ec) {
    fs::remove(partial, ec);
    return make_error(ErrorKind::LocalFile,
                      "cannot write " + final_path.string() + ": " + ec.message());
  }
  return final_path.string();
}

// ---- printing results ---------------------------------------------------------------------------

// Prints a finished (or MODAL) task the way the options ask, downloading it first with
// --download.
int report_task(Context& ctx, const CometClient& client, const Task& task,
                const CommandArgs& args) {
  std::string saved;
  if (args.download && task.status == TaskStatus::Success) {
    auto path = save_result(client, task, args.out, ctx.call());
    if (!path) return ctx.fail(path.error());
    saved = *path;
  }
  if (ctx.out().json()) {
    ctx.out().print_json(task_to_json(task));
    if (!saved.empty()) ctx.out().info("saved " + saved);
  } else {
    ctx.out().print(task_summary(task));
    if (!saved.empty()) ctx.out().print("saved:    " + saved);
  }
  if (task.status == TaskStatus::Modal) {
    ctx.out().info("task " + task.id +
                   " waits in MODAL for more input: continue with `cometmj modal " + task.id +
                   " --prompt ...`");
  }
  return ctx.done();
}

// After a submit: --no-wait prints the id (or the submit answer with --json) and stops;
// otherwise the task is waited for and reported.
int follow(Context& ctx, const CometClient& client, const CommandArgs& args,
           const SubmitResult& submitted, const std::string& what) {
  ctx.out().info(
      what + " submitted: task " + submitted.result +
      (submitted.properties.number_of_queues > 0
           ? " (queued behind " + std::to_string(submitted.properties.number_of_queues) + ")"
           : ""));
  if (args.no_wait) {
    if (ctx.out().json()) {
      ctx.out().print_json(submit_to_json(submitted));
    } else {
      ctx.out().print(submitted.result);
    }
    return ctx.done();
  }
  auto task = ctx.wait(client, submitted.result, what);
  if (!task) return ctx.fail(task.error());
  return report_task(ctx, client, *task, args);
}

// The task's state as an error when it cannot be acted on yet (or any more).
cometapi::Error not_ready(const Task& task, const std::string& doing) {
  if (task.status == TaskStatus::Failure || task.status == TaskStatus::Cancel) {
    return make_error(ErrorKind::TaskFailed,
                      "task " + task.id + " ended " + status_label(task) +
                          (task.fail_reason.empty() ? "" : ": " + task.fail_reason));
  }
  return make_error(ErrorKind::ApiRefused, "task " + task.id + " is " + status_label(task) + " " +
                                               std::to_string(task.progress) + "%: " + doing +
                                               " once it is SUCCESS (`cometmj wait " + task.id +
                                               "`)");
}

}  // namespace cometmj
