// Tolerant reading of JSON answers: numbers from strings, strings from numbers, nulls as empty.
#include "json/read.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/error_support.hpp"

namespace cometapi::detail {

namespace {

std::int64_t clamp_to_int64(double number) {
  if (std::isnan(number)) return 0;
  if (number >= 9.2e18) return std::numeric_limits<std::int64_t>::max();
  if (number <= -9.2e18) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(number);
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

}  // namespace

std::string any_string(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return number_text(value);
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return {};
}

// Converting a double outside int64's range is undefined behaviour: clamp first.
std::int64_t any_int64(const json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) {
    return value.is_number_unsigned()
               ? static_cast<std::int64_t>(std::min<std::uint64_t>(
                     value.get<std::uint64_t>(),
                     static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())))
               : value.get<std::int64_t>();
  }
  if (value.is_number_float()) return clamp_to_int64(value.get<double>());
  if (value.is_string()) return int64_from_text(value.get_ref<const std::string&>());
  if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
  return 0;
}

std::int64_t int64_from_text(const std::string& text) {
  return std::strtoll(text.c_str(), nullptr, 10);
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

json parse_text(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return json(json::value_t::discarded);
  return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
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

namespace {

int clamp_percent(std::int64_t percent) {
  if (percent < 0) return 0;
  if (percent > 100) return 100;
  return static_cast<int>(percent);
}

}  // namespace

int parse_percent(const json& value) {
  if (value.is_string()) return percent_from_text(value.get_ref<const std::string&>());
  return clamp_percent(any_int64(value));
}

int percent_from_text(const std::string& text) {
  // "45%", " 45 %", "45.5%": the leading number counts; "" is 0.
  return clamp_percent(clamp_to_int64(std::strtod(text.c_str(), nullptr)));
}

}  // namespace cometapi::detail
