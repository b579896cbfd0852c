#include "output.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <vector>

#include "terminal.hpp"

namespace cometmj {

namespace {

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

void field(std::string& out, const char* name, const std::string& value) {
  if (value.empty()) return;
  // An empty name continues the field above, aligned under its value.
  std::string label = *name == '\0' ? std::string() : std::string(name) + ":";
  label.resize(std::max<std::size_t>(label.size() + 1, 10), ' ');
  out += label + value + "\n";
}

const char* direction_name(cometapi::PanDirection direction) {
  switch (direction) {
    case cometapi::PanDirection::Left:
      return "left";
    case cometapi::PanDirection::Right:
      return "right";
    case cometapi::PanDirection::Up:
      return "up";
    case cometapi::PanDirection::Down:
      return "down";
  }
  return "";
}

}  // namespace

Output::Output(bool json, bool quiet) : json_(json), quiet_(quiet) {
  const char* term = std::getenv("TERM");
  interactive_ =
      terminal::stderr_is_terminal() && !(term != nullptr && std::strcmp(term, "dumb") == 0);
  color_ = interactive_ && !env_set("NO_COLOR");
}

void Output::end_bar() {
  if (!bar_active_) return;
  std::fputs("\n", stderr);
  bar_active_ = false;
}

void Output::info(const std::string& line) {
  if (quiet_) return;
  end_bar();
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void Output::error(const std::string& line) {
  end_bar();
  std::fprintf(stderr, "%s %s\n", paint("cometmj:", "1;31").c_str(), line.c_str());
  std::fflush(stderr);
}

void Output::print(const std::string& line) { std::cout << line << '\n' << std::flush; }

void Output::print_json(const Json& value) {
  // The service's text is not guaranteed to be valid UTF-8; replace rather than throw.
  std::cout << value.dump(2, ' ', false, Json::error_handler_t::replace) << '\n' << std::flush;
}

std::string Output::paint(const std::string& text, const char* code) const {
  if (!color_ || code == nullptr) return text;
  return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
}

Json task_to_json(const cometapi::Task& task) {
  Json j;
  j["id"] = task.id;
  j["action"] = task.action;
  j["customId"] = task.custom_id;
  j["botType"] = task.bot_type;
  j["prompt"] = task.prompt;
  j["promptEn"] = task.prompt_en;
  j["description"] = task.description;
  j["state"] = task.state;
  j["submitTime"] = task.submit_time;
  j["startTime"] = task.start_time;
  j["finishTime"] = task.finish_time;
  j["imageUrl"] = task.image_url;
  j["videoUrl"] = task.video_url;
  Json videos = Json::array();
  for (const std::string& url : task.video_urls) videos.push_back(Json{{"url", url}});
  j["videoUrls"] = std::move(videos);
  j["status"] = task.status_text.empty() && task.status != cometapi::TaskStatus::NotSynced
                    ? std::string(cometapi::to_string(task.status))
                    : task.status_text;
  j["progress"] = std::to_string(task.progress) + "%";
  j["failReason"] = task.fail_reason;
  Json buttons = Json::array();
  for (const cometapi::Button& b : task.buttons) {
    buttons.push_back(Json{{"customId", b.custom_id},
                           {"emoji", b.emoji},
                           {"label", b.label},
                           {"type", b.type},
                           {"style", b.style}});
  }
  j["buttons"] = std::move(buttons);
  j["maskBase64"] = task.mask_base64;
  Json properties = nullptr;
  if (!task.properties.raw_json.empty()) {
    properties = Json::parse(task.properties.raw_json, nullptr, false);
    if (properties.is_discarded()) properties = nullptr;
  }
  if (properties.is_null() &&
      !(task.properties.final_prompt.empty() && task.properties.final_zh_prompt.empty())) {
    properties = Json{{"finalPrompt", task.properties.final_prompt},
                      {"finalZhPrompt", task.properties.final_zh_prompt}};
  }
  j["properties"] = std::move(properties);
  // Upstream-only fields (webhooks) appear only when the service sent them.
  if (!task.image_urls.empty()) {
    Json images = Json::array();
    for (const std::string& url : task.image_urls) images.push_back(Json{{"url", url}});
    j["imageUrls"] = std::move(images);
  }
  if (!task.parent_id.empty()) j["parentId"] = task.parent_id;
  if (!task.seed.empty()) j["seed"] = task.seed;
  return j;
}

Json submit_to_json(const cometapi::SubmitResult& result) {
  Json j;
  j["code"] = result.code;
  j["description"] = result.description;
  j["result"] = result.result;
  Json properties = Json::object();
  if (!result.properties.raw_json.empty()) {
    properties = Json::parse(result.properties.raw_json, nullptr, false);
    if (properties.is_discarded()) properties = Json::object();
  }
  j["properties"] = std::move(properties);
  return j;
}

Json buttons_to_json(const cometapi::Task& task) {
  Json list = Json::array();
  for (const cometapi::AvailableAction& action : cometapi::available_actions(task)) {
    Json j;
    j["name"] = action.name;
    j["kind"] = cometapi::to_string(action.action.kind);
    j["label"] = action.button.label;
    j["emoji"] = action.button.emoji;
    j["customId"] = action.button.custom_id;
    j["needsModal"] = action.needs_modal();
    if (action.action.index != 0) j["index"] = action.action.index;
    if (action.action.zoom_factor != 0) j["zoomFactor"] = action.action.zoom_factor;
    if (action.action.direction) j["direction"] = direction_name(*action.action.direction);
    list.push_back(std::move(j));
  }
  return list;
}

std::string status_label(const cometapi::Task& task) {
  if (task.status == cometapi::TaskStatus::NotSynced) return "WAITING";
  if (!task.status_text.empty()) return task.status_text;
  return cometapi::to_string(task.status);
}

std::string button_names(const cometapi::Task& task) {
  std::string names;
  for (const cometapi::AvailableAction& action : cometapi::available_actions(task)) {
    if (!names.empty()) names += "  ";
    names += action.name;
  }
  return names;
}

std::string task_summary(const cometapi::Task& task) {
  std::string out;
  field(out, "id", task.id);
  std::string status = status_label(task) + " " + std::to_string(task.progress) + "%";
  if (!task.action.empty()) status += " (" + task.action + ")";
  field(out, "status", status);
  field(out, "prompt", task.prompt);
  const bool suggestions = task.action == "DESCRIBE" || task.action == "SHORTEN";
  if (suggestions) {
    const std::vector<std::string> prompts = cometapi::prompt_suggestions(task);
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      field(out, i == 0 ? "prompts" : "", prompts[i]);
    }
  }
  field(out, "image", task.image_url);
  if (!task.video_urls.empty()) {
    for (const std::string& url : task.video_urls) field(out, "video", url);
  } else {
    field(out, "video", task.video_url);
  }
  field(out, "failed", task.fail_reason);
  field(out, "buttons", button_names(task));
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace cometmj
