// What an error body says, whichever envelope the gateway or the upstream used.
#include "core/error_support.hpp"
#include "json/codec.hpp"
#include "json/read.hpp"

namespace cometapi::detail {

ErrorEnvelope decode_error_envelope(std::string_view body) {
  ErrorEnvelope envelope;
  if (too_deep(body)) return envelope;
  json parsed = parse_text(body);
  envelope.json = !parsed.is_discarded();
  envelope.null = parsed.is_null();
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
          envelope.has_code = true;
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
  // {"description", "type", "code"} (gateway), {"code", "description", "result"} (submit) or
  // {"success": false, "code", "message", "data"} (an upstream's own).
  if (auto success = parsed.find("success"); success != parsed.end() && success->is_boolean()) {
    envelope.success_false = !success->get<bool>();
  }
  if (parsed.contains("description") || parsed.contains("code")) {
    envelope.recognised = true;
    envelope.message = json_string(parsed, "description");
    envelope.type = json_string(parsed, "type");
    auto code = parsed.find("code");
    envelope.has_code = code != parsed.end() && (code->is_number() || code->is_string());
    envelope.code = clamp_int(json_int64(parsed, "code"));
    if (envelope.message.empty()) envelope.message = json_string(parsed, "message");
    if (auto props = parsed.find("properties"); props != parsed.end() && props->is_object()) {
      envelope.banned_word = json_string(*props, "bannedWord");
    }
  } else if (parsed.contains("message")) {
    envelope.recognised = true;
    envelope.message = json_string(parsed, "message");
  }
  return envelope;
}

}  // namespace cometapi::detail
