#include "json/codec.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "error_support.hpp"

namespace cometapi::detail {

using nlohmann::json;

namespace {

Error response_invalid(std::string message) {
  Error error;
  error.kind = ErrorKind::ResponseInvalid;
  error.message = std::move(message);
  return error;
}

const char* bot_type_name(BotType type) {
  return type == BotType::NijiJourney ? "NIJI_JOURNEY" : "MID_JOURNEY";
}

const char* speed_mode_name(SpeedMode mode) {
  switch (mode) {
    case SpeedMode::Relax:
      return "RELAX";
    case SpeedMode::Fast:
      return "FAST";
    case SpeedMode::Turbo:
      return "TURBO";
  }
  return "FAST";
}

const char* dimensions_name(BlendDimensions dimensions) {
  switch (dimensions) {
    case BlendDimensions::Portrait:
      return "PORTRAIT";
    case BlendDimensions::Square:
      return "SQUARE";
    case BlendDimensions::Landscape:
      return "LANDSCAPE";
  }
  return "SQUARE";
}

template <class T>
void put(json& body, const char* key, const std::optional<T>& value) {
  if (value) body[key] = *value;
}

json account_filter_json(const AccountFilter& filter) {
  json object = json::object();
  if (!filter.modes.empty()) {
    json modes = json::array();
    for (SpeedMode mode : filter.modes) modes.push_back(speed_mode_name(mode));
    object["modes"] = std::move(modes);
  }
  put(object, "instanceId", filter.instance_id);
  put(object, "channelId", filter.channel_id);
  put(object, "remark", filter.remark);
  put(object, "remix", filter.remix);
  put(object, "nijiRemix", filter.niji_remix);
  put(object, "remixAutoConsidered", filter.remix_auto_considered);
  return object;
}

// Fields every submit may carry.
template <class Request>
void put_common(json& body, const Request& request) {
  put(body, "notifyHook", request.notify_hook);
  put(body, "state", request.state);
}

template <class Request>
void put_bot_and_filter(json& body, const Request& request) {
  if (request.bot_type) body["botType"] = bot_type_name(*request.bot_type);
  if (request.account_filter) body["accountFilter"] = account_filter_json(*request.account_filter);
}

// The one JSON parse of the codec: discarded when `text` is not exactly one JSON value. nlohmann
// stops at a NUL byte as if the text ended there; JSON allows no NUL anywhere, so a text holding
// one is refused as a whole (nothing but whitespace may follow the value).
json parse_text(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return json(json::value_t::discarded);
  return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

Result<std::string> finish(json body, const std::string& extra_json) {
  if (!extra_json.empty()) {
    json extra = parse_text(extra_json);
    if (!extra.is_object()) return invalid_argument("extra_json must be a JSON object");
    for (auto& [key, value] : extra.items()) {
      if (body.contains(key)) {
        return invalid_argument("extra_json field '" + key + "' collides with a typed field");
      }
      body[key] = value;
    }
  }
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string number_text(const json& value) {
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  const double number = value.get<double>();
  if (std::isfinite(number) && std::floor(number) == number && std::fabs(number) < 9.2e18) {
    return std::to_string(static_cast<std::int64_t>(number));
  }
  return value.dump();
}

std::string any_string(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return number_text(value);
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return {};
}

// Converting a double outside int64's range is undefined behaviour: clamp first.
std::int64_t clamp_to_int64(double number) {
  if (std::isnan(number)) return 0;
  if (number >= 9.2e18) return std::numeric_limits<std::int64_t>::max();
  if (number <= -9.2e18) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(number);
}

std::int64_t any_int64(const json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) {
    return value.is_number_unsigned()
               ? static_cast<std::int64_t>(std::min<std::uint64_t>(
                     value.get<std::uint64_t>(),
                     static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())))
               : value.get<std::int64_t>();
  }
  if (value.is_number_float()) return clamp_to_int64(value.get<double>());
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    return std::strtoll(text.c_str(), nullptr, 10);
  }
  if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
  return 0;
}

int clamp_int(std::int64_t value) {
  if (value > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
  if (value < std::numeric_limits<int>::min()) return std::numeric_limits<int>::min();
  return static_cast<int>(value);
}

std::string raw_object(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return {};
  return it->dump(-1, ' ', false, json::error_handler_t::replace);
}

// Deeper nesting than any real answer has. Printing a tree recurses once per level, so a hostile
// body (a webhook comes from anyone) nested 100,000 deep would otherwise overflow the stack.
constexpr int kMaxDepth = 64;

bool too_deep(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

Result<json> parse_body(std::string_view body) {
  if (too_deep(body)) {
    return response_invalid("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  json parsed = parse_text(body);
  if (parsed.is_discarded()) {
    return response_invalid(body.empty() ? "empty response body" : "response is not valid JSON");
  }
  return parsed;
}

}  // namespace

std::string json_string(const json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it == object.end() ? std::string() : any_string(*it);
}

std::int64_t json_int64(const json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  return it == object.end() ? 0 : any_int64(*it);
}

int parse_percent(const json& value) {
  std::int64_t percent = 0;
  if (value.is_string()) {
    // "45%", " 45 %", "45.5%": the leading number counts; "" is 0.
    percent = clamp_to_int64(std::strtod(value.get_ref<const std::string&>().c_str(), nullptr));
  } else {
    percent = any_int64(value);
  }
  if (percent < 0) return 0;
  if (percent > 100) return 100;
  return static_cast<int>(percent);
}

Result<std::string> encode(const ImagineRequest& request) {
  json body = json::object();
  body["prompt"] = request.prompt;
  if (!request.base64_array.empty()) body["base64Array"] = request.base64_array;
  put_bot_and_filter(body, request);
  put_common(body, request);
  return finish(std::move(body), request.extra_json);
}

Result<std::string> encode(const ActionRequest& request) {
  json body = json::object();
  body["taskId"] = request.task_id;
  body["customId"] = request.custom_id;
  put(body, "enableRemix", request.enable_remix);
  put(body, "strong", request.strong);
  put(body, "chooseSameChannel", request.choose_same_channel);
  if (request.account_filter) body["accountFilter"] = account_filter_json(*request.account_filter);
  put_common(body, request);
  return finish(std::move(body), request.extra_json);
}

Result<std::string> encode(const ModalRequest& request) {
  json body = json::object();
  body["taskId"] = request.task_id;
  put(body, "prompt", request.prompt);
  put(body, "maskBase64", request.mask_base64);
  if (request.account_filter) body["accountFilter"] = account_filter_json(*request.account_filter);
  put_common(body, request);
  return finish(std::move(body), request.extra_json);
}

Result<std::string> encode(const BlendRequest& request) {
  json body = json::object();
  body["base64Array"] = request.base64_array;
  if (request.dimensions) body["dimensions"] = dimensions_name(*request.dimensions);
  put_bot_and_filter(body, request);
  put_common(body, request);
  return finish(std::move(body), request.extra_json);
}

Result<std::string> encode(const DescribeRequest& request) {
  json body = json::object();
  // The client accepts an empty alternative as "not given": do not send it either.
  if (request.base64 && !request.base64->empty()) body["base64"] = *request.base64;
  if (request.link && !request.link->empty()) body["link"] = *request.link;
  put(body, "language", request.language);
  put_bot_and_filter(body, request);
  put_common(body, request);
  return finish(std::move(body), request.extra_json);
}

Result<std::string> encode(const ShortenRequest& request) {
  json body = json::object();
  body["prompt"] = request.prompt;
  put_bot_and_filter(body, request);
  put_common(body, request);
  return finish(std::move(body), request.extra_json);
}

Result<std::string> encode(const VideoRequest& request) {
  json body = json::object();
  put(body, "prompt", request.prompt);
  put(body, "image", request.image);
  if (request.motion) body["motion"] = *request.motion == VideoMotion::High ? "high" : "low";
  put(body, "action", request.action);
  put(body, "index", request.index);
  put(body, "taskId", request.task_id);
  put(body, "endImage", request.end_image);
  put(body, "loop", request.loop);
  put(body, "videoType", request.video_type);
  put(body, "batchSize", request.batch_size);
  if (request.account_filter) body["accountFilter"] = account_filter_json(*request.account_filter);
  put_common(body, request);
  return finish(std::move(body), request.extra_json);
}

Result<std::string> encode(const EditsRequest& request) {
  json body = json::object();
  body["prompt"] = request.prompt;
  body["image"] = request.image;
  put(body, "maskBase64", request.mask_base64);
  put_bot_and_filter(body, request);
  put_common(body, request);
  return finish(std::move(body), request.extra_json);
}

Result<std::string> encode(const SwapFaceRequest& request) {
  json body = json::object();
  body["sourceBase64"] = request.source_base64;
  body["targetBase64"] = request.target_base64;
  if (request.account_filter) body["accountFilter"] = account_filter_json(*request.account_filter);
  put_common(body, request);
  return finish(std::move(body), request.extra_json);
}

std::string encode_upload(const std::vector<std::string>& data_uris) {
  return json{{"base64Array", data_uris}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_ids(const std::vector<std::string>& task_ids) {
  return json{{"ids", task_ids}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

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
  const int code = clamp_int(json_int64(object, "code"));
  if (code != 1) {
    Error error;
    error.kind = ErrorKind::ApiRefused;
    error.api_code = code;
    error.message = json_string(object, "description");
    return error;
  }
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

Task task_from_json(const json& object) {
  json copy = object;
  return copy.is_object() ? take_task(copy) : Task{};
}

Result<Task> decode_task(std::string_view body) {
  auto parsed = parse_body(body);
  if (!parsed) return std::move(parsed).error();
  if (parsed->is_null()) {
    // Some upstreams answer an unknown id with 200 and no task at all.
    Error error;
    error.kind = ErrorKind::NotFound;
    error.message = "the service returned no task";
    return error;
  }
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

ErrorEnvelope decode_error_envelope(std::string_view body) {
  ErrorEnvelope envelope;
  if (too_deep(body)) return envelope;
  const json parsed = parse_text(body);
  if (!parsed.is_object()) return envelope;
  // {"error": {"message", "type", "code"}} (OpenAI style) or {"error": "text"}.
  if (auto it = parsed.find("error"); it != parsed.end()) {
    if (it->is_object()) {
      envelope.recognised = true;
      envelope.message = json_string(*it, "message");
      envelope.type = json_string(*it, "type");
      auto code = it->find("code");
      if (code != it->end()) {
        if (code->is_number()) {
          envelope.code = clamp_int(any_int64(*code));
        } else if (code->is_string() && !code->get_ref<const std::string&>().empty()) {
          envelope.type = envelope.type.empty() ? code->get<std::string>()
                                                : envelope.type + "/" + code->get<std::string>();
        }
      }
      return envelope;
    }
    if (it->is_string()) {
      envelope.recognised = true;
      envelope.message = it->get<std::string>();
      return envelope;
    }
  }
  // {"description", "type", "code"} (gateway) or {"code", "description", "result"} (submit).
  if (parsed.contains("description") || parsed.contains("code")) {
    envelope.recognised = true;
    envelope.message = json_string(parsed, "description");
    envelope.type = json_string(parsed, "type");
    envelope.code = clamp_int(json_int64(parsed, "code"));
    if (envelope.message.empty()) envelope.message = json_string(parsed, "message");
  } else if (parsed.contains("message")) {
    envelope.recognised = true;
    envelope.message = json_string(parsed, "message");
  }
  return envelope;
}

}  // namespace cometapi::detail
