#include "core/validate.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>

#include "core/base64.hpp"
#include "core/error_support.hpp"

namespace cometapi::detail {

namespace {

std::string named(std::string_view field, const char* what) {
  return std::string(field) + " " + what;
}

std::string printable(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", u);
  return buffer;
}

std::uint32_t big_endian32(std::string_view bytes, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

// The bytes of a PNG up to the end of its IHDR chunk's data: signature (8), length (4), "IHDR" (4)
// and width, height, bit depth, colour type, compression, filter, interlace (13).
constexpr std::size_t kPngHeadBytes = 8 + 4 + 4 + 13;

std::optional<std::string> png_problem(std::string_view head) {
  if (head.size() < kPngHeadBytes) return "is too short to be a PNG";
  if (head.substr(0, 8) != std::string_view("\x89PNG\r\n\x1a\n", 8)) {
    return "is not a PNG (wrong signature)";
  }
  if (big_endian32(head, 8) != 13 || head.substr(12, 4) != "IHDR") {
    return "is not a PNG (no IHDR chunk first)";
  }
  const std::uint32_t width = big_endian32(head, 16);
  const std::uint32_t height = big_endian32(head, 20);
  if (width == 0 || height == 0 || width > 0x7fffffff || height > 0x7fffffff) {
    return "is a PNG with an impossible size";
  }
  const int depth = static_cast<unsigned char>(head[24]);
  const int colour = static_cast<unsigned char>(head[25]);
  const bool depth_ok =
      (colour == 0 && (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16)) ||
      (colour == 3 && (depth == 1 || depth == 2 || depth == 4 || depth == 8)) ||
      ((colour == 2 || colour == 4 || colour == 6) && (depth == 8 || depth == 16));
  if (!depth_ok) return "is a PNG with an invalid bit depth or colour type";
  if (head[26] != 0 || head[27] != 0 || (head[28] != 0 && head[28] != 1)) {
    return "is a PNG with an invalid compression, filter or interlace method";
  }
  return std::nullopt;
}

}  // namespace

bool blank(std::string_view text) noexcept {
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::optional<Error> validate_task_id(std::string_view task_id, std::string_view field) {
  if (task_id.empty()) return invalid_argument(named(field, "is empty"));
  if (task_id.size() > 64) return invalid_argument(named(field, "is longer than 64 characters"));
  for (std::size_t i = 0; i < task_id.size(); ++i) {
    const auto c = static_cast<unsigned char>(task_id[i]);
    if (!std::isalnum(c) && c != '-' && c != '_') {
      return invalid_argument(std::string(field) + " contains " + printable(task_id[i]) +
                              " at position " + std::to_string(i) +
                              "; ids are letters, digits, '-' and '_' only");
    }
  }
  return std::nullopt;
}

std::optional<Error> validate_utf8(std::string_view text, std::string_view field) {
  const auto bad = [&field](std::size_t at) {
    return invalid_argument(std::string(field) + " is not valid UTF-8 (at byte " +
                            std::to_string(at) + ")");
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int length = 0;
    std::uint32_t point = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
      point = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      point = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      point = c & 0x07;
    } else {
      return bad(i);
    }
    if (i + static_cast<std::size_t>(length) > text.size()) return bad(i);
    for (int k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((next & 0xC0) != 0x80) return bad(i);
      point = (point << 6) | (next & 0x3F);
    }
    const bool overlong = (length == 3 && point < 0x800) || (length == 4 && point < 0x10000);
    if (overlong || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF)) return bad(i);
    i += static_cast<std::size_t>(length);
  }
  return std::nullopt;
}

std::optional<Error> validate_data_uri(std::string_view text, std::string_view field,
                                       const Limits& limits) {
  const auto uri = split_data_uri(text);
  if (text.substr(0, 5) != "data:") {
    return invalid_argument(
        named(field, "is not a data URI (expected \"data:image/png;base64,...\")"));
  }
  if (!uri)
    return invalid_argument(named(field, "is not a base64 data URI (missing \";base64,\")"));
  if (uri->media_type.empty() || uri->media_type.find('/') == std::string_view::npos) {
    return invalid_argument(
        named(field, "has no media type (expected e.g. \"data:image/png;base64,\")"));
  }
  for (char c : uri->media_type) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && std::string_view("/+-.;=_").find(c) == std::string_view::npos) {
      return invalid_argument(named(field, "has a character that cannot be in a media type"));
    }
  }
  if (uri->payload.empty()) return invalid_argument(named(field, "has an empty base64 payload"));
  if (auto at = base64_problem(uri->payload)) {
    if (*at < uri->payload.size()) {
      return invalid_argument(
          std::string(field) + " has a character that is not base64 at payload offset " +
          std::to_string(*at) + " (standard padded base64 only: URL-safe base64 is refused)");
    }
    return invalid_argument(
        named(field, "is not padded base64 (its length must be a multiple of 4)"));
  }
  const std::size_t bytes = base64_decoded_size(uri->payload);
  if (bytes > limits.max_image_bytes) {
    return invalid_argument(
        std::string(field) + " is " + std::to_string(bytes) + " bytes, more than the limit of " +
        std::to_string(limits.max_image_bytes) + " (ClientOptions::max_image_bytes)");
  }
  return std::nullopt;
}

std::optional<Error> validate_mask(std::string_view text, std::string_view field,
                                   const Limits& limits) {
  if (auto error = validate_data_uri(text, field, limits)) return error;
  const auto uri = split_data_uri(text);
  if (auto problem = png_problem(base64_decode(uri->payload, kPngHeadBytes))) {
    return invalid_argument(std::string(field) + " " + *problem +
                            "; a mask is a PNG, white = repaint, black = keep");
  }
  return std::nullopt;
}

}  // namespace cometapi::detail
