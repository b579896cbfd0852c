#include "commands.hpp"

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

namespace {

namespace fs = std::filesystem;
using cometapi::Button;
using cometapi::ButtonKind;
using cometapi::CometClient;
using cometapi::ErrorKind;
using cometapi::Result;
using cometapi::SubmitResult;
using cometapi::Task;
using cometapi::TaskStatus;

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

// Shortest decimal form: 2 -> "2", 1.5 -> "1.5" (Midjourney reads `--zoom 2`).
std::string format_factor(double factor) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", factor);
  return text;
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

// ---- saving results -----------------------------------------------------------------------------

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

// Downloads the task's result to `out`: a file path, or a directory ("" = the current one) in
// which the file is named <task id>.<extension from its content>. Returns the path written.
Result<std::string> save_result(const CometClient& client, const Task& task,
                                const std::string& out) {
  const std::string url = result_url(task);
  if (url.empty()) {
    return make_error(ErrorKind::NotFound,
                      "task " + task.id + " has no image or video to download");
  }
  std::error_code ec;
  const bool directory = out.empty() || out.back() == '/' || fs::is_directory(out, ec);
  if (!directory) {
    auto written = client.download_to_file(url, out);
    if (!written) return std::move(written).error();
    return out;
  }
  const fs::path dir = out.empty() ? fs::path(".") : fs::path(out);
  fs::create_directories(dir, ec);
  const fs::path partial = dir / (task.id + ".download");
  auto written = client.download_to_file(url, partial.string());
  if (!written) return std::move(written).error();
  const std::string name = task.id + extension_of(partial, url);
  const fs::path final_path = out.empty() ? fs::path(name) : dir / name;
  fs::rename(partial, final_path, ec);
  if (ec) {
    fs::remove(partial, ec);
    return make_error(ErrorKind::InvalidArgument,
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
    auto path = save_result(client, task, args.out);
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

// ---- pressing buttons ---------------------------------------------------------------------------

using Finder = std::function<std::optional<Button>(const Task&)>;
// Builds the modal request for a task that went MODAL; nullopt leaves it waiting in MODAL.
using ModalStep =
    std::function<std::optional<cometapi::ModalRequest>(const Task& parent, const Task& modal)>;

struct PressSpec {
  Finder find;
  std::string wanted;   // what the user asked for, for the "no such button" message
  ModalStep modal;      // how to complete a MODAL task, if the command knows
  bool strong = false;  // ActionRequest::strong (vary --strong on a grid)
};

// The one path of every button command: fetch the parent for its current customIds, press,
// wait, complete a modal when asked, report. Doing the steps here rather than through
// TaskPoller::press lets the tool print the new id at once (so Ctrl-C never loses a paid job)
// and honour --no-wait.
int press_flow(Context& ctx, const CommandArgs& args, const PressSpec& spec) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto parent = client->fetch_task(args.task);
  if (!parent) return ctx.fail(parent.error());
  if (parent->status != TaskStatus::Success) {
    return ctx.fail(not_ready(*parent, "its buttons can be pressed"));
  }
  const std::optional<Button> button = spec.find(*parent);
  if (!button) {
    const std::string names = button_names(*parent);
    return ctx.fail(make_error(ErrorKind::NotFound,
                               "task " + parent->id + " has no button " + spec.wanted + "; " +
                                   (names.empty() ? "it has none" : "it has: " + names)));
  }
  const cometapi::ButtonAction action = cometapi::parse_custom_id(button->custom_id);
  const bool opens_modal =
      action.kind == ButtonKind::VaryRegion || action.kind == ButtonKind::CustomZoom;
  if (opens_modal && !spec.modal) {
    return ctx.usage("\"" + cometapi::button_name(*button) + "\" needs more input: use `cometmj " +
                     (action.kind == ButtonKind::VaryRegion ? "vary-region" : "custom-zoom") + "`");
  }
  const std::string name = cometapi::button_name(*button);
  const std::string what = name + " of " + parent->id;

  cometapi::ActionRequest request;
  request.task_id = parent->id;
  request.custom_id = button->custom_id;
  request.state = optional_text(args.state);
  const bool remix = args.remix || !args.remix_prompt.empty();
  if (remix) request.enable_remix = true;
  if (spec.strong) request.strong = true;
  auto submitted = client->submit_action(request);
  if (!submitted) return ctx.fail(submitted.error());

  const bool modal_expected = opens_modal || (remix && !args.remix_prompt.empty());
  if (!modal_expected) return follow(ctx, *client, args, *submitted, what);

  ctx.out().info(what + " submitted: task " + submitted->result);
  auto task = ctx.wait(*client, submitted->result, what);
  if (!task) return ctx.fail(task.error());
  if (task->status != TaskStatus::Modal || !spec.modal) {
    return report_task(ctx, *client, *task, args);
  }
  std::optional<cometapi::ModalRequest> modal = spec.modal(*parent, *task);
  if (!modal) return report_task(ctx, *client, *task, args);
  modal->task_id = task->id;
  modal->state = optional_text(args.state);
  auto continued = client->submit_modal(*modal);
  if (!continued) return ctx.fail(continued.error());
  return follow(ctx, *client, args, *continued, what + ", modal");
}

// The remix prompt, for commands whose new task may go MODAL under remix.
ModalStep remix_step(const CommandArgs& args) {
  if (args.remix_prompt.empty()) return nullptr;
  const std::string prompt = args.remix_prompt;
  return [prompt](const Task&, const Task&) -> std::optional<cometapi::ModalRequest> {
    cometapi::ModalRequest request;
    request.prompt = prompt;
    return request;
  };
}

}  // namespace

// ---- submits
// --------------------------------------------------------------------------------------

int run_imagine(Context& ctx, const CommandArgs& args) {
  cometapi::ImagineRequest request;
  std::string prompt = join(args.words);
  for (const std::string& image : args.images) {
    // Midjourney takes image prompts as URLs at the start of the prompt; files go as base64.
    if (is_url(image)) {
      prompt = image + " " + prompt;
      continue;
    }
    auto uri = image_argument(image);
    if (!uri) return ctx.fail(uri.error());
    request.base64_array.push_back(std::move(uri).value());
  }
  request.prompt = prompt;
  request.bot_type = bot_type(args);
  request.state = optional_text(args.state);
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_imagine(request);
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "imagine");
}

int run_press(Context& ctx, const CommandArgs& args) {
  const std::string wanted = args.button;
  return press_flow(ctx, args,
                    {[wanted](const Task& task) { return cometapi::find_button(task, wanted); },
                     "\"" + wanted + "\"",
                     remix_step(args),
                     {}});
}

int run_upscale(Context& ctx, const CommandArgs& args) {
  const int index = args.index;
  return press_flow(ctx, args,
                    {[index](const Task& task) {
                       return cometapi::find_button(task, ButtonKind::Upscale, index);
                     },
                     "U" + std::to_string(index),
                     nullptr,
                     {}});
}

int run_vary(Context& ctx, const CommandArgs& args) {
  if (args.index != 0) {
    // V1-V4 on a grid. `strong` is the upstream's per-press strength for these buttons.
    const int index = args.index;
    return press_flow(ctx, args,
                      {[index](const Task& task) {
                         return cometapi::find_button(task, ButtonKind::Variation, index);
                       },
                       "V" + std::to_string(index), remix_step(args), args.strong});
  }
  const ButtonKind kind = args.strong ? ButtonKind::VaryStrong : ButtonKind::VarySubtle;
  return press_flow(ctx, args,
                    {[kind](const Task& task) { return cometapi::find_button(task, kind); },
                     args.strong ? "\"Vary (Strong)\"" : "\"Vary (Subtle)\"",
                     remix_step(args),
                     {}});
}

int run_reroll(Context& ctx, const CommandArgs& args) {
  return press_flow(
      ctx, args,
      {[](const Task& task) { return cometapi::find_button(task, ButtonKind::Reroll); },
       "\"Reroll\" (🔄)",
       remix_step(args),
       {}});
}

int run_zoom(Context& ctx, const CommandArgs& args) {
  const std::optional<double> factor = parse_factor(args.factor);
  if (!factor || !(std::fabs(*factor - 2.0) < 1e-9 || std::fabs(*factor - 1.5) < 1e-9)) {
    return ctx.usage("zoom FACTOR must be 2 or 1.5 (for other factors use custom-zoom), not \"" +
                     args.factor + "\"");
  }
  const double value = *factor;
  return press_flow(ctx, args,
                    {[value](const Task& task) {
                       return cometapi::find_button(task, ButtonKind::ZoomOut, 0, value);
                     },
                     "\"Zoom Out " + format_factor(value) + "x\"",
                     nullptr,
                     {}});
}

int run_pan(Context& ctx, const CommandArgs& args) {
  const std::optional<cometapi::PanDirection> direction = parse_direction(args.direction);
  if (!direction) {
    return ctx.usage("pan DIR must be left, right, up or down, not \"" + args.direction + "\"");
  }
  const cometapi::PanDirection d = *direction;
  return press_flow(ctx, args,
                    {[d](const Task& task) { return cometapi::find_pan(task, d); },
                     "\"Pan " + lower(args.direction) + "\"",
                     remix_step(args),
                     {}});
}

int run_vary_region(Context& ctx, const CommandArgs& args) {
  auto mask = cometapi::data_uri_from_file(args.mask);
  if (!mask) return ctx.fail(mask.error());
  if (mask->rfind("data:image/png", 0) != 0) {
    return ctx.usage("--mask must be a PNG (white = repaint, black = keep): " + args.mask);
  }
  const std::string mask_uri = *mask;
  const std::string prompt = args.prompt;
  return press_flow(
      ctx, args,
      {[](const Task& task) { return cometapi::find_button(task, ButtonKind::VaryRegion); },
       "\"Vary (Region)\"",
       [mask_uri, prompt](const Task&, const Task&) -> std::optional<cometapi::ModalRequest> {
         cometapi::ModalRequest request;
         request.mask_base64 = mask_uri;
         request.prompt = prompt;
         return request;
       },
       {}});
}

int run_custom_zoom(Context& ctx, const CommandArgs& args) {
  const std::optional<double> factor = parse_factor(args.factor);
  if (!factor || *factor < 1.0 || *factor > 2.0) {
    return ctx.usage("custom-zoom FACTOR must be a number from 1.0 to 2.0, not \"" + args.factor +
                     "\"");
  }
  const std::string zoom = "--zoom " + format_factor(*factor);
  const std::string prompt = args.prompt;
  return press_flow(
      ctx, args,
      {[](const Task& task) { return cometapi::find_button(task, ButtonKind::CustomZoom); },
       "\"Custom Zoom\"",
       [zoom, prompt](const Task& parent,
                      const Task& modal) -> std::optional<cometapi::ModalRequest> {
         // Without --prompt the image's own prompt is kept, as Midjourney's dialog pre-fills it.
         std::string text = prompt;
         if (text.empty()) text = modal.properties.final_prompt;
         if (text.empty()) text = parent.prompt;
         cometapi::ModalRequest request;
         request.prompt = text + " " + zoom;
         return request;
       },
       {}});
}

int run_modal(Context& ctx, const CommandArgs& args) {
  cometapi::ModalRequest request;
  request.task_id = args.task;
  request.prompt = optional_text(args.prompt);
  request.state = optional_text(args.state);
  if (!args.mask.empty()) {
    auto mask = cometapi::data_uri_from_file(args.mask);
    if (!mask) return ctx.fail(mask.error());
    request.mask_base64 = std::move(mask).value();
  }
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_modal(request);
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "modal of " + args.task);
}

int run_blend(Context& ctx, const CommandArgs& args) {
  if (args.files.size() < 2 || args.files.size() > 5) {
    return ctx.usage("blend takes 2 to 5 images, got " + std::to_string(args.files.size()));
  }
  cometapi::BlendRequest request;
  for (const std::string& file : args.files) {
    auto uri = cometapi::data_uri_from_file(file);
    if (!uri) return ctx.fail(uri.error());
    request.base64_array.push_back(std::move(uri).value());
  }
  const std::string dimensions = lower(args.dimensions);
  if (dimensions == "portrait") request.dimensions = cometapi::BlendDimensions::Portrait;
  if (dimensions == "square") request.dimensions = cometapi::BlendDimensions::Square;
  if (dimensions == "landscape") request.dimensions = cometapi::BlendDimensions::Landscape;
  request.bot_type = bot_type(args);
  request.state = optional_text(args.state);
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_blend(request);
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "blend");
}

int run_describe(Context& ctx, const CommandArgs& args) {
  cometapi::DescribeRequest request;
  if (is_url(args.source)) {
    request.link = args.source;
  } else {
    auto uri = image_argument(args.source);
    if (!uri) return ctx.fail(uri.error());
    request.base64 = std::move(uri).value();
  }
  request.language = optional_text(args.language);
  request.bot_type = bot_type(args);
  request.state = optional_text(args.state);
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_describe(request);
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "describe");
}

int run_shorten(Context& ctx, const CommandArgs& args) {
  cometapi::ShortenRequest request;
  request.prompt = join(args.words);
  request.bot_type = bot_type(args);
  request.state = optional_text(args.state);
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_shorten(request);
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "shorten");
}

int run_video(Context& ctx, const CommandArgs& args) {
  cometapi::VideoRequest request;
  if (!args.extend.empty()) {
    if (args.video_index < 0) return ctx.usage("video --extend needs --index N (0-based)");
    request.action = "extend";
    request.task_id = args.extend;
    request.index = args.video_index;
  } else if (args.source.empty()) {
    return ctx.usage("video needs an IMAGE (file or URL), or --extend TASK --index N");
  }
  if (!args.source.empty()) {
    auto image = image_argument(args.source);
    if (!image) return ctx.fail(image.error());
    request.image = std::move(image).value();
  }
  if (!args.end_image.empty()) {
    auto image = image_argument(args.end_image);
    if (!image) return ctx.fail(image.error());
    request.end_image = std::move(image).value();
  }
  request.prompt = optional_text(args.prompt);
  if (args.motion == "low") request.motion = cometapi::VideoMotion::Low;
  if (args.motion == "high") request.motion = cometapi::VideoMotion::High;
  if (args.loop) request.loop = true;
  if (args.batch_size > 0) request.batch_size = args.batch_size;
  request.video_type = optional_text(args.video_type);
  request.state = optional_text(args.state);
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_video(request);
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "video");
}

// ---- reading tasks
// --------------------------------------------------------------------------------

int run_fetch(Context& ctx, const CommandArgs& args) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  std::vector<Task> tasks;
  for (const std::string& id : args.tasks) {
    auto task = client->fetch_task(id);
    if (!task) return ctx.fail(task.error());
    tasks.push_back(std::move(task).value());
  }
  if (ctx.out().json()) {
    if (tasks.size() == 1) {
      ctx.out().print_json(task_to_json(tasks.front()));
    } else {
      Json list = Json::array();
      for (const Task& task : tasks) list.push_back(task_to_json(task));
      ctx.out().print_json(list);
    }
  } else {
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      ctx.out().print((i == 0 ? "" : "\n") + task_summary(tasks[i]));
    }
  }
  return ctx.done();
}

int run_wait(Context& ctx, const CommandArgs& args) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  // One fetch first: an unknown id, a bad key or an unreachable service fails at once instead of
  // being retried as transient until the deadline.
  auto first = client->fetch_task(args.task);
  if (!first) return ctx.fail(first.error());
  const Task& known = *first;
  auto task =
      ctx.wait(*client, known.id, known.action.empty() ? "task" : lower(known.action), &known);
  if (!task) return ctx.fail(task.error());
  return report_task(ctx, *client, *task, args);
}

int run_buttons(Context& ctx, const CommandArgs& args) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto task = client->fetch_task(args.task);
  if (!task) return ctx.fail(task.error());
  if (ctx.out().json()) {
    ctx.out().print_json(buttons_to_json(*task));
    return ctx.done();
  }
  const auto actions = cometapi::available_actions(*task);
  if (actions.empty()) {
    ctx.out().info("task " + task->id + " (" + status_label(*task) + ") has no buttons");
    return ctx.done();
  }
  std::size_t name_width = 0;
  std::size_t kind_width = 0;
  for (const cometapi::AvailableAction& action : actions) {
    name_width = std::max(name_width, display_width(action.name));
    kind_width = std::max(kind_width, std::strlen(cometapi::to_string(action.action.kind)));
  }
  for (const cometapi::AvailableAction& action : actions) {
    std::string line = action.name + std::string(name_width + 2 - display_width(action.name), ' ');
    std::string kind = cometapi::to_string(action.action.kind);
    if (action.needs_modal()) {
      kind.resize(kind_width + 2, ' ');
      kind += action.action.kind == ButtonKind::VaryRegion ? "(cometmj vary-region)"
                                                           : "(cometmj custom-zoom)";
    }
    ctx.out().print(line + kind);
  }
  return ctx.done();
}

int run_download(Context& ctx, const CommandArgs& args) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto task = client->fetch_task(args.task);
  if (!task) return ctx.fail(task.error());
  if (task->status != TaskStatus::Success) {
    return ctx.fail(not_ready(*task, "it can be downloaded"));
  }
  auto path = save_result(*client, *task, args.out);
  if (!path) return ctx.fail(path.error());
  if (ctx.out().json()) {
    ctx.out().print_json(task_to_json(*task));
    ctx.out().info("saved " + *path);
  } else {
    ctx.out().print(*path);
  }
  return ctx.done();
}

int run_seed(Context& ctx, const CommandArgs& args) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto seed = client->image_seed(args.task);
  if (!seed) return ctx.fail(seed.error());
  if (ctx.out().json()) {
    ctx.out().print_json(Json{{"id", args.task}, {"seed", *seed}});
  } else {
    ctx.out().print(*seed);
  }
  return ctx.done();
}

}  // namespace cometmj
