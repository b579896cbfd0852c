// What input is valid: the one place that decides, used by the client before anything is sent
// and by the waiting layer before a two-step flow makes its first (paid) request.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cometapi/error.hpp"
#include "cometapi/models.hpp"

namespace cometapi::detail {

/// Limits the checks apply (from ClientOptions).
struct Limits {
  std::size_t max_image_bytes = 10u << 20;
};

/// A task id before it goes into a URL path: 1-64 of [A-Za-z0-9_-].
std::optional<Error> validate_task_id(std::string_view task_id, std::string_view field = "task id");
/// Valid UTF-8 (no overlongs, no surrogates), since JSON carries nothing else.
std::optional<Error> validate_utf8(std::string_view text, std::string_view field);
/// "data:<type>/<subtype>;base64,<strict padded base64>", decoding to at most max_image_bytes.
std::optional<Error> validate_data_uri(std::string_view text, std::string_view field,
                                       const Limits& limits = {});
/// A Vary (Region) mask: a valid data URI whose bytes are a PNG (signature and a sane IHDR).
std::optional<Error> validate_mask(std::string_view text, std::string_view field,
                                   const Limits& limits = {});
/// True when the text is empty or only white space.
bool blank(std::string_view text) noexcept;

// Every check of one request, in the order of its fields; the first problem is returned.
std::optional<Error> validate(const ImagineRequest& request, const Limits& limits);
std::optional<Error> validate(const ActionRequest& request, const Limits& limits);
std::optional<Error> validate(const ModalRequest& request, const Limits& limits);
std::optional<Error> validate(const BlendRequest& request, const Limits& limits);
std::optional<Error> validate(const DescribeRequest& request, const Limits& limits);
std::optional<Error> validate(const ShortenRequest& request, const Limits& limits);
std::optional<Error> validate(const VideoRequest& request, const Limits& limits);
std::optional<Error> validate(const EditsRequest& request, const Limits& limits);
std::optional<Error> validate(const SwapFaceRequest& request, const Limits& limits);
std::optional<Error> validate_upload(const std::vector<std::string>& data_uris,
                                     const Limits& limits);

}  // namespace cometapi::detail
