// JSON answers to models: tolerant (unknown fields ignored, nulls accepted, ids and numbers read
// from strings or numbers).
#include <string_view>

#include "core/error_support.hpp"
#include "json/codec.hpp"
#include "json/read.hpp"
#include "json/task_fields.hpp"
#include "json/task_sax.hpp"

namespace cometapi::detail {

Result<SubmitResult> decode_submit(std::string_view body) {
  auto parsed = parse_body(body);
  if (!parsed) return std::move(parsed).error();
  const json& object = *parsed;
  if (!object.is_object()) return response_invalid("submit response is not a JSON object");
  if (!object.contains("code")) return response_invalid("submit response has no 'code'");
  SubmitResult result;
  result.code = clamp_int(json_int64(object, "code"));
  result.description = json_string(object, "description");
  result.result = json_string(object, "result");
  auto props = object.find("properties");
  if (props != object.end() && props->is_object()) {
    SubmitProperties& p = result.properties;
    p.number_of_queues = clamp_int(json_int64(*props, "numberOfQueues"));
    p.discord_instance_id = json_string(*props, "discordInstanceId");
    p.discord_channel_id = json_string(*props, "discordChannelId");
    p.final_prompt = json_string(*props, "finalPrompt");
    auto remix = props->find("remix");
    p.remix = remix != props->end() && remix->is_boolean() && remix->get<bool>();
    p.prompt_en = json_string(*props, "promptEn");
    p.banned_word = json_string(*props, "bannedWord");
    p.raw_json = raw_object(object, "properties");
  }
  return result;
}

Result<std::vector<std::string>> decode_upload(std::string_view body) {
  auto parsed = parse_body(body);
  if (!parsed) return std::move(parsed).error();
  const json& object = *parsed;
  if (!object.is_object()) return response_invalid("upload response is not a JSON object");
  // A refusal (code != 1) is the answer mapping's to name: see error_for_unexpected_body.
  if (clamp_int(json_int64(object, "code")) != 1) return response_invalid("upload not accepted");
  std::vector<std::string> urls;
  auto it = object.find("result");
  if (it != object.end() && it->is_array()) {
    for (const json& item : *it) urls.push_back(any_string(item));
  } else if (it != object.end() && it->is_string()) {
    urls.push_back(it->get<std::string>());
  } else {
    return response_invalid("upload response has no 'result' list");
  }
  return urls;
}

namespace {

// Moves a string out of the tree (it is about to be thrown away); other types as any_string.
std::string take_string(json& value) {
  if (value.is_string()) return std::move(value.get_ref<std::string&>());
  return any_string(value);
}

std::vector<std::string> take_urls(json& value) {
  std::vector<std::string> urls;
  if (!value.is_array()) return urls;
  urls.reserve(value.size());
  for (json& item : value) {
    if (item.is_object()) {
      auto url = item.find("url");
      if (url != item.end()) {
        std::string text = take_string(*url);
        if (!text.empty()) urls.push_back(std::move(text));
      }
    } else if (item.is_string()) {
      urls.push_back(std::move(item.get_ref<std::string&>()));
    }
  }
  return urls;
}

Button take_button(json& item) {
  Button button;
  for (auto& [key, value] : item.get_ref<json::object_t&>()) {
    const ButtonField* field = find_button_field(key);
    if (field == nullptr) continue;
    if (field->text != nullptr) button.*field->text = take_string(value);
    if (field->number != nullptr) button.*field->number = clamp_int(any_int64(value));
  }
  return button;
}

Task take_task(json& object) {
  Task task;
  for (auto& [key, value] : object.get_ref<json::object_t&>()) {
    const TaskField* field = find_task_field(key);
    if (field == nullptr) continue;  // unknown fields are ignored
    switch (field->kind) {
      case TaskFieldKind::kText:
        task.*field->text = take_string(value);
        break;
      case TaskFieldKind::kTime:
        task.*field->time = any_int64(value);
        break;
      case TaskFieldKind::kProgress:
        task.progress = parse_percent(value);
        break;
      case TaskFieldKind::kUrls:
        task.*field->urls = take_urls(value);
        break;
      case TaskFieldKind::kButtons:
        if (value.is_array()) {
          task.buttons.reserve(value.size());
          for (json& item : value) {
            if (item.is_object()) task.buttons.push_back(take_button(item));
          }
        }
        break;
      case TaskFieldKind::kProperties:
        if (value.is_object()) read_properties(value, task.properties);
        break;
    }
  }
  task.status = parse_task_status(task.status_text);
  return task;
}

Result<Task> with_id(Task&& task) {
  if (task.id.empty()) return response_invalid("task has no 'id'");
  return std::move(task);
}

}  // namespace

Result<Task> decode_task_tree(std::string_view body) {
  auto parsed = parse_body(body);
  if (!parsed) return std::move(parsed).error();
  if (!parsed->is_object()) return response_invalid("task is not a JSON object");
  return with_id(take_task(*parsed));
}

Result<std::vector<Task>> decode_task_list_tree(std::string_view body) {
  auto parsed = parse_body(body);
  if (!parsed) return std::move(parsed).error();
  std::vector<Task> tasks;
  if (parsed->is_null()) return tasks;
  if (!parsed->is_array()) return response_invalid("task list is not a JSON array");
  tasks.reserve(parsed->size());
  for (json& item : *parsed) {
    if (item.is_object()) tasks.push_back(take_task(item));
  }
  return tasks;
}

Result<Task> decode_task(std::string_view body) {
  Task task;
  if (stream_task(body, task)) return with_id(std::move(task));
  return decode_task_tree(body);
}

Result<std::vector<Task>> decode_task_list(std::string_view body) {
  std::vector<Task> tasks;
  if (stream_task_list(body, tasks)) return tasks;
  return decode_task_list_tree(body);
}

}  // namespace cometapi::detail
