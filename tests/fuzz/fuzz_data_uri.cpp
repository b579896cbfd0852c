// Fuzzes the data-URI reader bytes_from_data_uri, the writer data_uri_from_bytes with
// detect_image_type, and the client's input checks detail::validate_data_uri and
// detail::validate_task_id, plus what the client does with a data URI it accepted
// (detail::encode_upload).
//
// Invariants: nothing throws; a data URI produced by data_uri_from_bytes is accepted by
// validate_data_uri and round-trips through bytes_from_data_uri to the same bytes and media type;
// data_uri_from_bytes honours max_bytes; a decoded payload is at most 3/4 of its base64 text; a
// data URI validate_data_uri accepts can be put in an upload body; validate_task_id accepts
// exactly 1-64 of [A-Za-z0-9_-].
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "cometapi/images.hpp"
#include "core/validate.hpp"
#include "fuzz_support.hpp"
#include "json/codec.hpp"

namespace {

using cometapi::ErrorKind;
namespace detail = cometapi::detail;
namespace fuzz = cometapi::fuzz;

constexpr std::string_view kMarker = ";base64,";

void check_reader(std::string_view input) {
  std::string media_type = "unchanged";
  const auto bytes = cometapi::bytes_from_data_uri(input, &media_type);
  if (!bytes.ok()) {
    FUZZ_CHECK(bytes.error().kind == ErrorKind::InvalidArgument);
    FUZZ_CHECK(media_type == "unchanged");
    return;
  }
  FUZZ_CHECK(input.substr(0, 5) == "data:");
  const auto marker = input.find(kMarker);
  FUZZ_CHECK(marker != std::string_view::npos);
  FUZZ_CHECK(media_type == input.substr(5, marker - 5));
  const std::size_t payload = input.size() - marker - kMarker.size();
  FUZZ_CHECK(bytes->size() <= payload * 3 / 4);

  // Decoded image bytes re-encode to a canonical URI that decodes to the same bytes.
  if (!bytes->empty() && !cometapi::detect_image_type(*bytes).empty()) {
    const auto uri = cometapi::data_uri_from_bytes(*bytes, bytes->size());
    FUZZ_CHECK(uri.ok());
    const auto again = cometapi::bytes_from_data_uri(*uri);
    FUZZ_CHECK(again.ok() && *again == *bytes);
  }
}

// What the client does with a data URI: refuse it up front, or send it.
void check_validator(std::string_view input) {
  const auto refused = detail::validate_data_uri(input, "image");
  if (refused) {
    FUZZ_CHECK(refused->kind == ErrorKind::InvalidArgument);
    FUZZ_CHECK(refused->message.rfind("image ", 0) == 0);
    return;
  }
  FUZZ_CHECK(input.substr(0, 5) == "data:");
  const auto marker = input.find(kMarker);
  FUZZ_CHECK(marker != std::string_view::npos && marker > 5);
  FUZZ_CHECK(marker + kMarker.size() < input.size());
  // Accepted, so CometClient::upload_images sends it: the body must be valid JSON.
  const std::string body = detail::encode_upload({std::string(input)});
  FUZZ_CHECK(fuzz::parse_json(body).is_object());
}

void check_task_id(std::string_view input) {
  bool expected = !input.empty() && input.size() <= 64;
  for (char c : input) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_';
    expected = expected && allowed;
  }
  const auto refused = detail::validate_task_id(input);
  FUZZ_CHECK(refused.has_value() != expected);
  if (refused) FUZZ_CHECK(refused->kind == ErrorKind::InvalidArgument);
}

// Image bytes: the input behind one of the magic numbers detect_image_type knows.
std::string image_bytes(std::string_view input) {
  static constexpr std::string_view kMagic[] = {
      std::string_view("\x89PNG\r\n\x1a\n", 8),
      std::string_view("\xFF\xD8\xFF", 3),
      "GIF87a",
      "GIF89a",
  };
  const unsigned choice = input.empty() ? 0 : static_cast<unsigned char>(input[0]) % 5;
  const std::string_view rest = input.empty() ? input : input.substr(1);
  if (choice == 4) {
    // "RIFF", four size bytes (from the input, zero-padded), "WEBP", then the rest.
    std::string size_bytes(rest.substr(0, 4));
    size_bytes.resize(4, '\0');
    return "RIFF" + size_bytes + "WEBP" +
           std::string(rest.substr(std::min<std::size_t>(4, rest.size())));
  }
  return std::string(kMagic[choice]) + std::string(rest);
}

void check_round_trip(std::string_view input) {
  // The raw input is an image exactly when detect_image_type recognises it.
  const auto raw = cometapi::data_uri_from_bytes(input);
  FUZZ_CHECK(raw.ok() == (!input.empty() && !cometapi::detect_image_type(input).empty()));
  if (!raw.ok()) FUZZ_CHECK(raw.error().kind == ErrorKind::InvalidArgument);

  const std::string bytes = image_bytes(input);
  const std::string type = cometapi::detect_image_type(bytes);
  FUZZ_CHECK(!type.empty());
  const auto uri = cometapi::data_uri_from_bytes(bytes);
  FUZZ_CHECK(uri.ok());
  FUZZ_CHECK(uri->rfind("data:" + type + ";base64,", 0) == 0);
  FUZZ_CHECK(!detail::validate_data_uri(*uri, "image").has_value());
  std::string media_type;
  const auto decoded = cometapi::bytes_from_data_uri(*uri, &media_type);
  FUZZ_CHECK(decoded.ok());
  FUZZ_CHECK(*decoded == bytes);
  FUZZ_CHECK(media_type == type);

  // max_bytes is a hard limit.
  FUZZ_CHECK(cometapi::data_uri_from_bytes(bytes, bytes.size()).ok());
  const auto too_big = cometapi::data_uri_from_bytes(bytes, bytes.size() - 1);
  FUZZ_CHECK(!too_big.ok() && too_big.error().kind == ErrorKind::InvalidArgument);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  fuzz::no_throw([&] {
    check_reader(input);
    check_validator(input);
    check_task_id(input);
    check_round_trip(input);
  });
  return 0;
}
