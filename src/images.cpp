#include "cometapi/images.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "error_support.hpp"

namespace cometapi {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                            static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// Accepts the standard and the URL-safe alphabet, with or without padding.
bool base64_decode(std::string_view text, std::string& out) {
  static const std::array<int, 256> table = [] {
    std::array<int, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = i;
    t['-'] = 62;
    t['_'] = 63;
    return t;
  }();
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return false;
  out.clear();
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int value = table[static_cast<unsigned char>(c)];
    if (value < 0) return false;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return true;
}

bool starts_with(std::string_view bytes, std::string_view prefix) {
  return bytes.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string detect_image_type(std::string_view bytes) noexcept {
  if (starts_with(bytes, std::string_view("\x89PNG\r\n\x1a\n", 8))) return "image/png";
  if (starts_with(bytes, std::string_view("\xFF\xD8\xFF", 3))) return "image/jpeg";
  if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return "image/gif";
  if (bytes.size() >= 12 && starts_with(bytes, "RIFF") && bytes.substr(8, 4) == "WEBP") {
    return "image/webp";
  }
  return {};
}

Result<std::string> data_uri_from_bytes(std::string_view bytes, std::size_t max_bytes) {
  if (bytes.empty()) return detail::invalid_argument("image is empty");
  if (bytes.size() > max_bytes) {
    return detail::invalid_argument("image is " + std::to_string(bytes.size()) +
                                    " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  const std::string type = detect_image_type(bytes);
  if (type.empty())
    return detail::invalid_argument(
        "not a PNG, JPEG, WebP or GIF image (unrecognised first bytes)");
  return "data:" + type + ";base64," + base64_encode(bytes);
}

Result<std::string> data_uri_from_file(const std::string& path, std::size_t max_bytes) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file)
    return detail::invalid_argument("cannot open image file '" + path +
                                    "': " + std::strerror(errno));
  const std::streamoff size = file.tellg();
  if (size < 0) return detail::invalid_argument("cannot read image file '" + path + "'");
  if (static_cast<std::uint64_t>(size) > max_bytes) {
    return detail::invalid_argument("image file '" + path + "' is " + std::to_string(size) +
                                    " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  file.seekg(0);
  if (!file.read(bytes.data(), size))
    return detail::invalid_argument("cannot read image file '" + path + "'");
  auto uri = data_uri_from_bytes(bytes, max_bytes);
  if (!uri) {
    Error error = std::move(uri).error();
    error.message = "image file '" + path + "': " + error.message;
    return error;
  }
  return uri;
}

Result<std::string> bytes_from_data_uri(std::string_view data_uri, std::string* media_type) {
  constexpr std::string_view kMarker = ";base64,";
  const auto marker = data_uri.find(kMarker);
  if (data_uri.rfind("data:", 0) != 0 || marker == std::string_view::npos) {
    return detail::invalid_argument("not a base64 data URI");
  }
  std::string bytes;
  if (!base64_decode(data_uri.substr(marker + kMarker.size()), bytes)) {
    return detail::invalid_argument("data URI payload is not valid base64");
  }
  if (media_type) *media_type = std::string(data_uri.substr(5, marker - 5));
  return bytes;
}

}  // namespace cometapi
