#include "core/platform.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#ifdef _WIN32
#include <io.h>
#include <sys/stat.h>

#include <iomanip>
#include <locale>
#include <sstream>
#else
#include <time.h>    // strptime, timegm (POSIX and BSD; glibc, musl, macOS)
#include <unistd.h>  // write, fsync, close
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

std::string write_file_synced(const std::string& path, const char* data, std::size_t size) {
#ifdef _WIN32
  const int fd =
      _open(path.c_str(), _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY, _S_IREAD | _S_IWRITE);
#else
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
#endif
  if (fd < 0) return std::strerror(errno);
  std::string failure;
  while (size > 0 && failure.empty()) {
#ifdef _WIN32
    const unsigned chunk = size > (1u << 30) ? (1u << 30) : static_cast<unsigned>(size);
    const int n = _write(fd, data, chunk);
#else
    const ssize_t n = ::write(fd, data, size);
#endif
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failure = n < 0 ? std::strerror(errno) : "nothing could be written";
      break;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
#ifdef _WIN32
  if (failure.empty() && _commit(fd) != 0) failure = std::strerror(errno);
  if (_close(fd) != 0 && failure.empty()) failure = std::strerror(errno);
#else
  if (failure.empty() && ::fsync(fd) != 0) failure = std::strerror(errno);
  if (::close(fd) != 0 && failure.empty()) failure = std::strerror(errno);
#endif
  if (!failure.empty()) std::remove(path.c_str());
  return failure;
}

void sync_folder(const std::string& folder) {
#ifndef _WIN32
  const int fd = ::open(folder.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
#else
  (void)folder;
#endif
}

}  // namespace cometapi::detail
