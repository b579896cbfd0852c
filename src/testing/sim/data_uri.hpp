// Data URIs as the upstream proxies read them: "data:<mime>;base64,<payload>".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cometapi::testing::detail {

struct DataUri {
  std::string mime;
  std::string bytes;
};

// The decoded bytes, or nullopt when `text` is not a valid base64 data URI.
std::optional<DataUri> parse_data_uri(std::string_view text);

// Strict standard-alphabet base64 (padding required); nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);

// A file name extension for a MIME type ("png" for image/png, "bin" when unknown).
std::string extension_for(std::string_view mime);

}  // namespace cometapi::testing::detail
