// Requests to JSON: strict, optional fields left out when unset.
#include <string_view>

#include "core/error_support.hpp"
#include "json/codec.hpp"
#include "json/read.hpp"

namespace cometapi::detail {

namespace {

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

// Data URIs that JSON carries as they are (no quote, backslash, control or non-ASCII byte): what
// validation lets through, so in practice every image.
bool plain(const std::vector<std::string>& items) {
  for (const std::string& item : items) {
    for (char c : item) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') return false;
    }
  }
  return true;
}

// The body with `key` set to `images`. Images are most of a blend's bytes (tens of MiB): when they
// are plain and nothing else can hold the key's text, they are written once into the dumped
// body instead of being copied into the JSON tree and dumped again.
Result<std::string> finish_with_images(json body, const std::string& extra_json, const char* key,
                                       const std::vector<std::string>& images);

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

Result<std::string> finish_with_images(json body, const std::string& extra_json, const char* key,
                                       const std::vector<std::string>& images) {
  if (!extra_json.empty() || !plain(images)) {
    body[key] = images;
    return finish(std::move(body), extra_json);
  }
  body[key] = nullptr;  // a place holder, replaced in the text below
  std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
  // Every other member is a typed field whose strings are escaped, so the only unescaped
  // `"key":null` in the text is the place holder.
  const std::string marker = std::string("\"") + key + "\":null";
  const auto at = text.find(marker);
  std::size_t size = text.size() + 2;
  for (const std::string& image : images) size += image.size() + 3;
  std::string out;
  out.reserve(size);
  out.append(text, 0, at + marker.size() - 4);
  out += '[';
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    out += images[i];
    out += '"';
  }
  out += ']';
  out.append(text, at + marker.size(), std::string::npos);
  return out;
}

}  // namespace

Result<std::string> encode(const ImagineRequest& request) {
  json body = json::object();
  body["prompt"] = request.prompt;
  put_bot_and_filter(body, request);
  put_common(body, request);
  if (request.base64_array.empty()) return finish(std::move(body), request.extra_json);
  return finish_with_images(std::move(body), request.extra_json, "base64Array",
                            request.base64_array);
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
  if (request.dimensions) body["dimensions"] = dimensions_name(*request.dimensions);
  put_bot_and_filter(body, request);
  put_common(body, request);
  return finish_with_images(std::move(body), request.extra_json, "base64Array",
                            request.base64_array);
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

}  // namespace cometapi::detail
