// The task and button field table (see task_fields.hpp).
#include "json/task_fields.hpp"

#include <unordered_map>

namespace cometapi::detail {

namespace {

TaskField text(std::string Task::*member) { return {TaskFieldKind::kText, member}; }
TaskField time(std::int64_t Task::*member) { return {TaskFieldKind::kTime, nullptr, member}; }
TaskField urls(std::vector<std::string> Task::*member) {
  return {TaskFieldKind::kUrls, nullptr, nullptr, member};
}

}  // namespace

const TaskField* find_task_field(std::string_view key) {
  static const std::unordered_map<std::string_view, TaskField> fields = {
      {"id", text(&Task::id)},
      {"action", text(&Task::action)},
      {"customId", text(&Task::custom_id)},
      {"botType", text(&Task::bot_type)},
      {"prompt", text(&Task::prompt)},
      {"promptEn", text(&Task::prompt_en)},
      {"description", text(&Task::description)},
      {"state", text(&Task::state)},
      {"status", text(&Task::status_text)},
      {"progress", {TaskFieldKind::kProgress}},
      {"submitTime", time(&Task::submit_time)},
      {"startTime", time(&Task::start_time)},
      {"finishTime", time(&Task::finish_time)},
      {"imageUrl", text(&Task::image_url)},
      {"videoUrl", text(&Task::video_url)},
      {"videoUrls", urls(&Task::video_urls)},
      {"imageUrls", urls(&Task::image_urls)},
      {"failReason", text(&Task::fail_reason)},
      {"maskBase64", text(&Task::mask_base64)},
      {"parentId", text(&Task::parent_id)},
      {"seed", text(&Task::seed)},
      {"buttons", {TaskFieldKind::kButtons}},
      {"properties", {TaskFieldKind::kProperties}},
  };
  const auto it = fields.find(key);
  return it == fields.end() ? nullptr : &it->second;
}

void read_properties(const json& object, TaskProperties& properties) {
  properties.raw_json = object.dump(-1, ' ', false, json::error_handler_t::replace);
  properties.final_prompt = json_string(object, "finalPrompt");
  properties.final_zh_prompt = json_string(object, "finalZhPrompt");
}

void clear_task_field(Task& task, const TaskField& field) {
  switch (field.kind) {
    case TaskFieldKind::kText:
      (task.*field.text).clear();
      break;
    case TaskFieldKind::kTime:
      task.*field.time = 0;
      break;
    case TaskFieldKind::kProgress:
      task.progress = 0;
      break;
    case TaskFieldKind::kUrls:
      (task.*field.urls).clear();
      break;
    case TaskFieldKind::kButtons:
      task.buttons.clear();
      break;
    case TaskFieldKind::kProperties:
      task.properties = TaskProperties();
      break;
  }
}

const ButtonField* find_button_field(std::string_view key) {
  static const ButtonField custom_id{&Button::custom_id};
  static const ButtonField emoji{&Button::emoji};
  static const ButtonField label{&Button::label};
  static const ButtonField type{nullptr, &Button::type};
  static const ButtonField style{nullptr, &Button::style};
  if (key == "customId") return &custom_id;
  if (key == "emoji") return &emoji;
  if (key == "label") return &label;
  if (key == "type") return &type;
  if (key == "style") return &style;
  return nullptr;
}

void clear_button_field(Button& button, const ButtonField& field) {
  if (field.text != nullptr) (button.*field.text).clear();
  if (field.number != nullptr) button.*field.number = 0;
}

}  // namespace cometapi::detail
