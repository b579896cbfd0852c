// JSON answers to models: tolerant (unknown fields ignored, nulls accepted, ids and numbers read
// from strings or numbers).
#include <string_view>
#include <unordered_map>

#include "core/error_support.hpp"
#include "json/codec.hpp"
#include "json/read.hpp"

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

// The fields of a task and of a button, so each member of an object is looked at once.
enum class TaskField {
  kId,
  kAction,
  kCustomId,
  kBotType,
  kPrompt,
  kPromptEn,
  kDescription,
  kState,
  kStatus,
  kProgress,
  kSubmitTime,
  kStartTime,
  kFinishTime,
  kImageUrl,
  kVideoUrl,
  kVideoUrls,
  kImageUrls,
  kFailReason,
  kMaskBase64,
  kParentId,
  kSeed,
  kButtons,
  kProperties
};

const std::unordered_map<std::string_view, TaskField>& task_fields() {
  static const std::unordered_map<std::string_view, TaskField> fields = {
      {"id", TaskField::kId},
      {"action", TaskField::kAction},
      {"customId", TaskField::kCustomId},
      {"botType", TaskField::kBotType},
      {"prompt", TaskField::kPrompt},
      {"promptEn", TaskField::kPromptEn},
      {"description", TaskField::kDescription},
      {"state", TaskField::kState},
      {"status", TaskField::kStatus},
      {"progress", TaskField::kProgress},
      {"submitTime", TaskField::kSubmitTime},
      {"startTime", TaskField::kStartTime},
      {"finishTime", TaskField::kFinishTime},
      {"imageUrl", TaskField::kImageUrl},
      {"videoUrl", TaskField::kVideoUrl},
      {"videoUrls", TaskField::kVideoUrls},
      {"imageUrls", TaskField::kImageUrls},
      {"failReason", TaskField::kFailReason},
      {"maskBase64", TaskField::kMaskBase64},
      {"parentId", TaskField::kParentId},
      {"seed", TaskField::kSeed},
      {"buttons", TaskField::kButtons},
      {"properties", TaskField::kProperties},
  };
  return fields;
}

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
    if (key == "customId") {
      button.custom_id = take_string(value);
    } else if (key == "emoji") {
      button.emoji = take_string(value);
    } else if (key == "label") {
      button.label = take_string(value);
    } else if (key == "type") {
      button.type = clamp_int(any_int64(value));
    } else if (key == "style") {
      button.style = clamp_int(any_int64(value));
    }
  }
  return button;
}

Task take_task(json& object) {
  Task task;
  const auto& fields = task_fields();
  for (auto& [key, value] : object.get_ref<json::object_t&>()) {
    const auto field = fields.find(key);
    if (field == fields.end()) continue;  // unknown fields are ignored
    switch (field->second) {
      case TaskField::kId:
        task.id = take_string(value);
        break;
      case TaskField::kAction:
        task.action = take_string(value);
        break;
      case TaskField::kCustomId:
        task.custom_id = take_string(value);
        break;
      case TaskField::kBotType:
        task.bot_type = take_string(value);
        break;
      case TaskField::kPrompt:
        task.prompt = take_string(value);
        break;
      case TaskField::kPromptEn:
        task.prompt_en = take_string(value);
        break;
      case TaskField::kDescription:
        task.description = take_string(value);
        break;
      case TaskField::kState:
        task.state = take_string(value);
        break;
      case TaskField::kStatus:
        task.status_text = take_string(value);
        break;
      case TaskField::kProgress:
        task.progress = parse_percent(value);
        break;
      case TaskField::kSubmitTime:
        task.submit_time = any_int64(value);
        break;
      case TaskField::kStartTime:
        task.start_time = any_int64(value);
        break;
      case TaskField::kFinishTime:
        task.finish_time = any_int64(value);
        break;
      case TaskField::kImageUrl:
        task.image_url = take_string(value);
        break;
      case TaskField::kVideoUrl:
        task.video_url = take_string(value);
        break;
      case TaskField::kVideoUrls:
        task.video_urls = take_urls(value);
        break;
      case TaskField::kImageUrls:
        task.image_urls = take_urls(value);
        break;
      case TaskField::kFailReason:
        task.fail_reason = take_string(value);
        break;
      case TaskField::kMaskBase64:
        task.mask_base64 = take_string(value);
        break;
      case TaskField::kParentId:
        task.parent_id = take_string(value);
        break;
      case TaskField::kSeed:
        task.seed = take_string(value);
        break;
      case TaskField::kButtons:
        if (value.is_array()) {
          task.buttons.reserve(value.size());
          for (json& item : value) {
            if (item.is_object()) task.buttons.push_back(take_button(item));
          }
        }
        break;
      case TaskField::kProperties:
        if (value.is_object()) {
          task.properties.raw_json = value.dump(-1, ' ', false, json::error_handler_t::replace);
          task.properties.final_prompt = json_string(value, "finalPrompt");
          task.properties.final_zh_prompt = json_string(value, "finalZhPrompt");
        }
        break;
    }
  }
  task.status = parse_task_status(task.status_text);
  return task;
}

}  // namespace

Result<Task> decode_task(std::string_view body) {
  auto parsed = parse_body(body);
  if (!parsed) return std::move(parsed).error();
  if (!parsed->is_object()) return response_invalid("task is not a JSON object");
  Task task = take_task(*parsed);
  if (task.id.empty()) return response_invalid("task has no 'id'");
  return task;
}

Result<std::vector<Task>> decode_task_list(std::string_view body) {
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

}  // namespace cometapi::detail
