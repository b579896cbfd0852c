#include "data_uri.hpp"

#include <cstdint>

namespace cometapi::testing::detail {
namespace {

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after padding
      v[k] = sextet(c);
      if (v[k] < 0) return std::nullopt;
    }
    const std::uint32_t n =
        (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
        (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out.push_back(static_cast<char>((n >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

std::optional<DataUri> parse_data_uri(std::string_view text) {
  constexpr std::string_view kScheme = "data:";
  constexpr std::string_view kMarker = ";base64,";
  if (text.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  const auto marker = text.find(kMarker);
  if (marker == std::string_view::npos) return std::nullopt;
  DataUri uri;
  uri.mime = std::string(text.substr(kScheme.size(), marker - kScheme.size()));
  if (uri.mime.empty() || uri.mime.find('/') == std::string::npos) return std::nullopt;
  auto bytes = base64_decode(text.substr(marker + kMarker.size()));
  if (!bytes || bytes->empty()) return std::nullopt;
  uri.bytes = std::move(*bytes);
  return uri;
}

std::string extension_for(std::string_view mime) {
  if (mime == "image/png") return "png";
  if (mime == "image/jpeg" || mime == "image/jpg") return "jpg";
  if (mime == "image/webp") return "webp";
  if (mime == "image/gif") return "gif";
  return "bin";
}

}  // namespace cometapi::testing::detail
