// Reading a server's wish for how long to wait before the next attempt.
#pragma once

#include <chrono>
#include <optional>

#include "cometapi/http.hpp"

namespace cometapi::detail {

/// `retry-after-ms`, then `retry-after` in seconds or as an HTTP date (relative to `now`), clamped
/// to a week; std::nullopt when absent or unreadable.
std::optional<std::chrono::milliseconds> retry_after_from(
    const HttpResponse& response, std::chrono::system_clock::time_point now);

}  // namespace cometapi::detail
