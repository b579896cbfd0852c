/// \file
/// Image input helpers: data URIs from files or bytes, with the format checked by its magic bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cometapi/result.hpp"

namespace cometapi {

/// Largest image the helpers accept: 10 MiB (before base64), about what the service takes.
inline constexpr std::size_t kMaxImageBytes = 10u << 20;

/// "image/png", "image/jpeg", "image/webp" or "image/gif" from the first bytes; "" otherwise.
std::string detect_image_type(std::string_view bytes) noexcept;

/// "data:image/png;base64,..." from raw image bytes. Fails with InvalidArgument when the bytes are
/// not PNG, JPEG, WebP or GIF, are empty, or exceed max_bytes.
Result<std::string> data_uri_from_bytes(std::string_view bytes,
                                        std::size_t max_bytes = kMaxImageBytes);

/// Reads an image file and returns its data URI. Fails with InvalidArgument naming the path when it
/// cannot be read, is larger than max_bytes, or is not PNG, JPEG, WebP or GIF.
Result<std::string> data_uri_from_file(const std::string& path,
                                       std::size_t max_bytes = kMaxImageBytes);

/// Decodes a base64 data URI back into bytes (and its media type into `media_type` when given).
Result<std::string> bytes_from_data_uri(std::string_view data_uri,
                                        std::string* media_type = nullptr);

}  // namespace cometapi
