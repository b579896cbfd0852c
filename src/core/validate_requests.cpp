// The checks of each request, before it is encoded: required fields, formats, sizes, UTF-8.
#include <algorithm>
#include <cctype>

#include "core/error_support.hpp"
#include "core/validate.hpp"

namespace cometapi::detail {

namespace {

using Problem = std::optional<Error>;

Problem text(const std::string& value, const char* field) { return validate_utf8(value, field); }

Problem text(const std::optional<std::string>& value, const char* field) {
  return value ? validate_utf8(*value, field) : std::nullopt;
}

Problem required_prompt(const std::string& prompt) {
  if (blank(prompt)) return invalid_argument("prompt is empty");
  return validate_utf8(prompt, "prompt");
}

Problem account_filter(const std::optional<AccountFilter>& filter) {
  if (!filter) return std::nullopt;
  if (auto e = text(filter->instance_id, "account_filter.instance_id")) return e;
  if (auto e = text(filter->channel_id, "account_filter.channel_id")) return e;
  return text(filter->remark, "account_filter.remark");
}

// The fields every submit has: notify_hook, state, account_filter, extra_json.
template <class Request>
Problem common(const Request& request) {
  if (request.notify_hook) {
    const std::string& hook = *request.notify_hook;
    if (hook.size() > 2000) return invalid_argument("notify_hook is longer than 2000 characters");
    if (!hook.empty() && hook.rfind("https://", 0) != 0 && hook.rfind("http://", 0) != 0) {
      return invalid_argument("notify_hook must be an http:// or https:// URL");
    }
    if (auto e = validate_utf8(hook, "notify_hook")) return e;
  }
  if (request.state) {
    if (request.state->size() > 255) return invalid_argument("state is longer than 255 characters");
    if (auto e = validate_utf8(*request.state, "state")) return e;
  }
  if (auto e = account_filter(request.account_filter)) return e;
  return validate_utf8(request.extra_json, "extra_json");
}

Problem images(const std::vector<std::string>& uris, const char* field, const Limits& limits) {
  for (std::size_t i = 0; i < uris.size(); ++i) {
    const std::string name = std::string(field) + "[" + std::to_string(i) + "]";
    if (auto e = validate_data_uri(uris[i], name, limits)) return e;
  }
  return std::nullopt;
}

// An image that may be a URL or a data URI.
Problem image_ref(const std::string& image, const char* field, const Limits& limits) {
  if (image.rfind("data:", 0) == 0) return validate_data_uri(image, field, limits);
  if (image.rfind("https://", 0) == 0 || image.rfind("http://", 0) == 0) {
    return validate_utf8(image, field);
  }
  return invalid_argument(std::string(field) + " must be an http(s) URL or a data URI");
}

bool is_extend(const std::optional<std::string>& action) {
  return action && action->size() == 6 &&
         std::equal(action->begin(), action->end(), "extend", [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

Problem validate(const ImagineRequest& request, const Limits& limits) {
  if (auto e = required_prompt(request.prompt)) return e;
  if (auto e = images(request.base64_array, "base64_array", limits)) return e;
  return common(request);
}

Problem validate(const ActionRequest& request, const Limits&) {
  if (auto e = validate_task_id(request.task_id, "task_id")) return e;
  if (blank(request.custom_id)) {
    return invalid_argument("custom_id is empty: take it from the task's buttons");
  }
  if (auto e = validate_utf8(request.custom_id, "custom_id")) return e;
  return common(request);
}

Problem validate(const ModalRequest& request, const Limits& limits) {
  if (auto e = validate_task_id(request.task_id, "task_id")) return e;
  if (auto e = text(request.prompt, "prompt")) return e;
  if (request.mask_base64) {
    if (auto e = validate_mask(*request.mask_base64, "mask_base64", limits)) return e;
  }
  return common(request);
}

Problem validate(const BlendRequest& request, const Limits& limits) {
  const auto count = request.base64_array.size();
  if (count < 2 || count > 5) {
    return invalid_argument("blend needs 2 to 5 images in base64_array, got " +
                            std::to_string(count));
  }
  if (auto e = images(request.base64_array, "base64_array", limits)) return e;
  return common(request);
}

Problem validate(const DescribeRequest& request, const Limits& limits) {
  const bool has_image = request.base64 && !request.base64->empty();
  const bool has_link = request.link && !request.link->empty();
  if (has_image == has_link)
    return invalid_argument("describe needs exactly one of base64 and link");
  if (has_image) {
    if (auto e = validate_data_uri(*request.base64, "base64", limits)) return e;
  } else if (request.link->rfind("https://", 0) != 0 && request.link->rfind("http://", 0) != 0) {
    return invalid_argument("link must be an http:// or https:// URL");
  } else if (auto e = validate_utf8(*request.link, "link")) {
    return e;
  }
  if (auto e = text(request.language, "language")) return e;
  return common(request);
}

Problem validate(const ShortenRequest& request, const Limits&) {
  if (auto e = required_prompt(request.prompt)) return e;
  return common(request);
}

Problem validate(const VideoRequest& request, const Limits& limits) {
  if (is_extend(request.action)) {
    if (!request.task_id) return invalid_argument("video extend needs task_id");
    if (auto e = validate_task_id(*request.task_id, "task_id")) return e;
    if (!request.index) return invalid_argument("video extend needs index");
    if (*request.index < 0) return invalid_argument("video index must not be negative");
  } else if (!request.image || request.image->empty()) {
    return invalid_argument("video needs image (or action \"extend\" with task_id and index)");
  }
  if (request.image && !request.image->empty()) {
    if (auto e = image_ref(*request.image, "image", limits)) return e;
  }
  if (request.end_image) {
    if (auto e = image_ref(*request.end_image, "end_image", limits)) return e;
  }
  if (request.batch_size && *request.batch_size != 1 && *request.batch_size != 2 &&
      *request.batch_size != 4) {
    return invalid_argument("batch_size must be 1, 2 or 4");
  }
  if (auto e = text(request.prompt, "prompt")) return e;
  if (auto e = text(request.action, "action")) return e;
  if (auto e = text(request.video_type, "video_type")) return e;
  return common(request);
}

Problem validate(const EditsRequest& request, const Limits& limits) {
  if (auto e = required_prompt(request.prompt)) return e;
  if (request.image.empty()) return invalid_argument("edits needs image");
  if (auto e = image_ref(request.image, "image", limits)) return e;
  if (request.mask_base64) {
    if (auto e = validate_mask(*request.mask_base64, "mask_base64", limits)) return e;
  }
  return common(request);
}

Problem validate(const SwapFaceRequest& request, const Limits& limits) {
  if (request.source_base64.empty() || request.target_base64.empty()) {
    return invalid_argument("face swap needs both source_base64 and target_base64");
  }
  if (auto e = validate_data_uri(request.source_base64, "source_base64", limits)) return e;
  if (auto e = validate_data_uri(request.target_base64, "target_base64", limits)) return e;
  return common(request);
}

Problem validate_upload(const std::vector<std::string>& data_uris, const Limits& limits) {
  if (data_uris.empty()) return invalid_argument("upload needs at least one image");
  return images(data_uris, "data_uris", limits);
}

}  // namespace cometapi::detail
