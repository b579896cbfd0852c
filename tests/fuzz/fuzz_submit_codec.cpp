// Fuzzes the submit codec: detail::decode_submit and detail::decode_upload (the common submit
// answer and the upload answer, docs/service-notes.md), and the request encoders with the input as
// extra_json and as free text.
//
// Invariants: nothing throws; decode_submit succeeds exactly for a JSON object with a `code`, keeps
// `result` as a string whether the wire sent a string or a number, and keeps properties verbatim
// in raw_json; decode_upload succeeds only for code 1 with a result list (ResponseInvalid
// otherwise: the answer mapping names the refusal); bodies nested deeper than fuzz::kPlainDepth may
// be refused, or their raw_json dropped; an encoder either refuses extra_json with InvalidArgument
// or produces a JSON object holding the typed fields and every extra member.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "fuzz_support.hpp"
#include "json/codec.hpp"
#include "json/read.hpp"

namespace {

using cometapi::ErrorKind;
using nlohmann::json;
namespace detail = cometapi::detail;
namespace fuzz = cometapi::fuzz;

// Whether a number is not finite: nlohmann reads 1e400 as infinity and writes it back as null, so
// such values do not round-trip. Iterative: bodies may nest very deeply.
bool has_non_finite(const json& value) {
  std::vector<const json*> pending{&value};
  while (!pending.empty()) {
    const json* item = pending.back();
    pending.pop_back();
    if (item->is_number_float() && !std::isfinite(item->get<double>())) return true;
    if (item->is_structured()) {
      for (const json& child : *item) pending.push_back(&child);
    }
  }
  return false;
}

int clamped(std::int64_t value) {
  if (value > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
  if (value < std::numeric_limits<int>::min()) return std::numeric_limits<int>::min();
  return static_cast<int>(value);
}

void check_decode_submit(std::string_view body, const json& parsed) {
  const auto submit = detail::decode_submit(body);
  const bool deep = fuzz::json_depth(parsed) > fuzz::kPlainDepth;
  const bool expected_ok = !parsed.is_discarded() && parsed.is_object() && parsed.contains("code");
  FUZZ_CHECK(submit.ok() == expected_ok || (deep && !submit.ok()));
  if (!submit.ok()) {
    FUZZ_CHECK(submit.error().kind == ErrorKind::ResponseInvalid);
    FUZZ_CHECK(!submit.error().message.empty());
    return;
  }
  FUZZ_CHECK(submit->code == clamped(detail::json_int64(parsed, "code")));
  FUZZ_CHECK(submit->modal_opened() == (submit->code == 21));
  FUZZ_CHECK(submit->result == detail::json_string(parsed, "result"));
  if (auto it = parsed.find("result"); it != parsed.end() && it->is_number_integer()) {
    // A numeric task id comes back as its decimal text.
    const std::string text = it->is_number_unsigned() ? std::to_string(it->get<std::uint64_t>())
                                                      : std::to_string(it->get<std::int64_t>());
    FUZZ_CHECK(submit->result == text);
  }
  const auto& properties = submit->properties;
  if (auto it = parsed.find("properties"); it != parsed.end() && it->is_object()) {
    if (deep && properties.raw_json.empty()) return;  // dropped rather than dumped: allowed
    const json raw = fuzz::parse_json(properties.raw_json);
    FUZZ_CHECK(raw.is_object());
    // json's operator== recurses: compare only what cannot exhaust the stack.
    if (!deep && !has_non_finite(*it)) FUZZ_CHECK(raw == *it);
  } else {
    FUZZ_CHECK(properties.raw_json.empty());
    FUZZ_CHECK(properties.number_of_queues == 0 && !properties.remix);
  }
}

void check_decode_upload(std::string_view body, const json& parsed) {
  const auto urls = detail::decode_upload(body);
  if (!urls.ok() && urls.error().kind == ErrorKind::ResponseInvalid &&
      fuzz::json_depth(parsed) > fuzz::kPlainDepth) {
    return;
  }
  if (parsed.is_discarded() || !parsed.is_object()) {
    FUZZ_CHECK(!urls.ok() && urls.error().kind == ErrorKind::ResponseInvalid);
    return;
  }
  const int code = clamped(detail::json_int64(parsed, "code"));
  if (code != 1) {
    // The refusal is named by the answer mapping (error_for_unexpected_body), not the decoder.
    FUZZ_CHECK(!urls.ok() && urls.error().kind == ErrorKind::ResponseInvalid);
    return;
  }
  const auto it = parsed.find("result");
  if (it != parsed.end() && it->is_array()) {
    FUZZ_CHECK(urls.ok() && urls->size() == it->size());
  } else if (it != parsed.end() && it->is_string()) {
    FUZZ_CHECK(urls.ok() && urls->size() == 1 && urls->front() == it->get<std::string>());
  } else {
    FUZZ_CHECK(!urls.ok() && urls.error().kind == ErrorKind::ResponseInvalid);
  }
}

// The input as extra_json of an imagine, and as free text in the typed fields of an action.
void check_encoders(std::string_view input, const json& parsed) {
  // extra_json comes from the program, not the network; nesting it thousands deep overflows the
  // stack in nlohmann's recursive copy and dump (a caller's own doing), so only plain shapes here.
  if (fuzz::json_depth(parsed) > fuzz::kPlainDepth) return;
  cometapi::ImagineRequest imagine;
  imagine.prompt = "a red fox --ar 16:9";
  imagine.extra_json = std::string(input);
  const auto encoded = detail::encode(imagine);
  if (input.empty()) {
    FUZZ_CHECK(encoded.ok());
  } else if (parsed.is_discarded() || !parsed.is_object() || parsed.contains("prompt")) {
    FUZZ_CHECK(!encoded.ok() && encoded.error().kind == ErrorKind::InvalidArgument);
  } else {
    FUZZ_CHECK(encoded.ok());
  }
  if (encoded.ok()) {
    const json body = fuzz::parse_json(*encoded);
    FUZZ_CHECK(body.is_object());
    FUZZ_CHECK(body.value("prompt", std::string()) == imagine.prompt);
    if (!input.empty()) {
      for (const auto& item : parsed.items()) FUZZ_CHECK(body.contains(item.key()));
      FUZZ_CHECK(body.size() == parsed.size() + 1);
    }
  }

  // Arbitrary bytes (invalid UTF-8 included) in string fields still encode to valid JSON.
  cometapi::ActionRequest action;
  action.task_id = "1730000000000001";
  action.custom_id = std::string(input);
  action.state = std::string(input.substr(0, input.size() / 2));
  const auto action_body = detail::encode(action);
  FUZZ_CHECK(action_body.ok());
  FUZZ_CHECK(fuzz::parse_json(*action_body).is_object());
  FUZZ_CHECK(fuzz::parse_json(detail::encode_ids({std::string(input)})).is_object());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = fuzz::as_text(data, size);
  fuzz::no_throw([&] {
    const json parsed = fuzz::parse_json(body);
    check_decode_submit(body, parsed);
    check_decode_upload(body, parsed);
    check_encoders(body, parsed);
  });
  return 0;
}
