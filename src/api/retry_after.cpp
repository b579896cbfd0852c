#include "api/retry_after.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <string>

#include "core/platform.hpp"

namespace cometapi::detail {

std::optional<std::chrono::milliseconds> retry_after_from(
    const HttpResponse& response, std::chrono::system_clock::time_point now) {
  using std::chrono::milliseconds;
  // Any value is clamped to a week before it becomes an integer: a server may send 1e300 or a
  // date in the year 9999, and converting those unchecked is undefined behaviour.
  static constexpr double kWeekMs = 7.0 * 24 * 3600 * 1000;
  const auto clamp_ms = [](double ms) {
    return milliseconds(static_cast<long long>(std::min(std::max(ms, 0.0), kWeekMs)));
  };
  if (auto ms = response.header("retry-after-ms")) {
    char* end = nullptr;
    const double value = std::strtod(ms->c_str(), &end);
    if (end != ms->c_str() && !std::isnan(value) && value >= 0) return clamp_ms(value);
  }
  if (auto text = response.header("retry-after")) {
    char* end = nullptr;
    const double seconds = std::strtod(text->c_str(), &end);
    if (end != text->c_str() && *end == '\0' && !std::isnan(seconds) && seconds >= 0) {
      return clamp_ms(seconds * 1000);
    }
    if (const auto when = utc_from_http_date(text->c_str())) {
      // Seconds between two time_t values, computed as doubles: no overflow for any year.
      const double delta = std::difftime(*when, std::chrono::system_clock::to_time_t(now));
      return clamp_ms(delta * 1000);
    }
  }
  return std::nullopt;
}

}  // namespace cometapi::detail
