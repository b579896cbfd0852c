#include "core/platform.hpp"

#ifdef _WIN32
#include <iomanip>
#include <locale>
#include <sstream>
#else
#include <time.h>  // strptime, timegm (POSIX and BSD; glibc, musl, macOS)
#endif

namespace cometapi::detail {

namespace {
constexpr const char* kHttpDate = "%a, %d %b %Y %H:%M:%S";
}  // namespace

std::optional<std::time_t> utc_from_http_date(const char* text) {
  std::tm tm{};
#ifdef _WIN32
  // No strptime: the C++ reader with the classic locale (English day and month names), and the
  // CRT's UTC counterpart of mktime.
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  in >> std::get_time(&tm, kHttpDate);
  if (in.fail()) return std::nullopt;
  const std::time_t when = _mkgmtime(&tm);
  if (when == static_cast<std::time_t>(-1)) return std::nullopt;
  return when;
#else
  if (strptime(text, kHttpDate, &tm) == nullptr) return std::nullopt;
  return timegm(&tm);
#endif
}

}  // namespace cometapi::detail
