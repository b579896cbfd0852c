// The tolerant readers every decoder shares. Internal to src/json (and the fuzzers).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cometapi/result.hpp"
#include "core/error_support.hpp"

namespace cometapi::detail {

using nlohmann::json;

/// Deeper nesting than any real answer has: refused before parsing (a hostile body nested
/// 100,000 deep would otherwise overflow the stack when printed).
constexpr int kMaxDepth = 64;
bool too_deep(std::string_view body);
/// The one JSON parse of src/json: discarded unless `text` is exactly one JSON value. nlohmann
/// stops at a NUL byte as if the text ended there; JSON allows no NUL anywhere, so a text holding
/// one is refused as a whole (nothing but whitespace may follow the value).
json parse_text(std::string_view text);
/// Parses a whole body: ResponseInvalid when it is empty, not JSON, or nested too deep.
Result<json> parse_body(std::string_view body);

/// A string from a string, a number (its text) or anything else ("").
std::string any_string(const json& value);
/// An integer from a number or a numeric string, clamped to int64; 0 otherwise.
std::int64_t any_int64(const json& value);
/// any_int64 of a string: its leading integer (strtoll), 0 when there is none.
std::int64_t int64_from_text(const std::string& text);
int clamp_int(std::int64_t value);
/// The member's JSON text when it is an object; "" otherwise.
std::string raw_object(const json& object, const char* key);

/// object[key] read with any_string / any_int64; absent or not an object: "" / 0.
std::string json_string(const json& object, const char* key);
std::int64_t json_int64(const json& object, const char* key);
/// "45%", 45, "45.5%": 0-100.
int parse_percent(const json& value);
/// parse_percent of a string.
int percent_from_text(const std::string& text);

}  // namespace cometapi::detail
