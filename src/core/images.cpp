#include "cometapi/images.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/base64.hpp"
#include "core/error_support.hpp"

namespace cometapi {

namespace {

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
  return "data:" + type + ";base64," + detail::base64_encode(bytes);
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
  const auto uri = detail::split_data_uri(data_uri);
  if (!uri) return detail::invalid_argument("not a base64 data URI");
  if (detail::base64_problem(uri->payload)) {
    return detail::invalid_argument("data URI payload is not valid (standard, padded) base64");
  }
  if (media_type) *media_type = std::string(uri->media_type);
  return detail::base64_decode(uri->payload);
}

}  // namespace cometapi
