// What the C and POSIX libraries do differently on Windows, behind one small function each. The
// rest of src/ is standard C++17 and includes no system header.
#pragma once

#include <ctime>
#include <optional>

namespace cometapi::detail {

/// The "Sun, 06 Nov 1994 08:49:37" part of an HTTP date (RFC 9110 IMF-fixdate; what follows the
/// seconds, normally " GMT", is not read) as a UTC time; std::nullopt when the text does not start
/// with one. Any year is accepted: the caller clamps what it computes from the result.
std::optional<std::time_t> utc_from_http_date(const char* text);

}  // namespace cometapi::detail
