#include "core/base64.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace cometapi::detail {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const std::array<std::int8_t, 256>& decode_table() {
  static const std::array<std::int8_t, 256> table = [] {
    std::array<std::int8_t, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 64; ++i)
      t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    return t;
  }();
  return table;
}

std::size_t padding_of(std::string_view text) noexcept {
  std::size_t padding = 0;
  while (padding < text.size() && padding < 3 && text[text.size() - 1 - padding] == '=') ++padding;
  return padding;
}

}  // namespace

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

std::optional<std::size_t> base64_problem(std::string_view text) noexcept {
  const auto& table = decode_table();
  const std::size_t padding = padding_of(text);
  const std::size_t data = text.size() - padding;
  for (std::size_t i = 0; i < data; ++i) {
    if (table[static_cast<unsigned char>(text[i])] < 0) return i;
  }
  if (text.empty() || text.size() % 4 != 0 || padding > 2) return text.size();
  // The bits that padding leaves over must be zero (RFC 4648 section 3.5: canonical encoding).
  const int last = table[static_cast<unsigned char>(text[data - 1])];
  if ((padding == 1 && (last & 0x3) != 0) || (padding == 2 && (last & 0xF) != 0)) return data - 1;
  return std::nullopt;
}

std::string base64_decode(std::string_view text, std::size_t limit) {
  const auto& table = decode_table();
  text.remove_suffix(padding_of(text));
  std::string out;
  out.reserve(std::min(limit, text.size() * 3 / 4));
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (out.size() >= limit) break;
    const int value = table[static_cast<unsigned char>(c)];
    if (value < 0) break;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::size_t base64_decoded_size(std::string_view text) noexcept {
  return text.size() / 4 * 3 - padding_of(text);
}

std::optional<DataUri> split_data_uri(std::string_view text) noexcept {
  constexpr std::string_view kMarker = ";base64,";
  if (text.substr(0, 5) != "data:") return std::nullopt;
  const auto marker = text.find(kMarker);
  if (marker == std::string_view::npos) return std::nullopt;
  return DataUri{text.substr(5, marker - 5), text.substr(marker + kMarker.size())};
}

}  // namespace cometapi::detail
