// Base64 (RFC 4648 section 4: the standard alphabet, padded), the one codec of the SDK: what the
// service decodes, so what the SDK checks, writes and reads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cometapi::detail {

std::string base64_encode(std::string_view bytes);

/// Where `text` is not strict base64: the offset of the first bad character, or text.size() when
/// the length or the padding is wrong. std::nullopt when it is valid.
std::optional<std::size_t> base64_problem(std::string_view text) noexcept;

/// The bytes `text` decodes to (valid base64 only: check with base64_problem first), at most
/// `limit` of them from the start.
std::string base64_decode(std::string_view text, std::size_t limit = std::string::npos);

/// How many bytes valid base64 `text` decodes to, without decoding it.
std::size_t base64_decoded_size(std::string_view text) noexcept;

/// A data URI split into its parts: "data:<media_type>;base64,<payload>".
struct DataUri {
  std::string_view media_type;
  std::string_view payload;
};
/// Splits without checking the payload; std::nullopt when it is not "data:...;base64,...".
std::optional<DataUri> split_data_uri(std::string_view text) noexcept;

}  // namespace cometapi::detail
