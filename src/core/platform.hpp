// What the C and POSIX libraries do differently on Windows (dates, files put on the disk), behind
// one small function each. The rest of src/ is standard C++17 and includes no system header.
#pragma once

#include <cstddef>
#include <ctime>
#include <optional>
#include <string>

namespace cometapi::detail {

/// The "Sun, 06 Nov 1994 08:49:37" part of an HTTP date (RFC 9110 IMF-fixdate; what follows the
/// seconds, normally " GMT", is not read) as a UTC time; std::nullopt when the text does not start
/// with one. Any year is accepted: the caller clamps what it computes from the result.
std::optional<std::time_t> utc_from_http_date(const char* text);

/// Creates (or truncates) the file at `path`, writes `size` bytes and has the system put them on
/// the disk (fsync; _commit on Windows) before it returns. Empty on success, else the system's
/// reason; a file that could not be written whole is removed.
std::string write_file_synced(const std::string& path, const char* data, std::size_t size);

/// Has the system put the folder's list of names on the disk, so that a file just renamed into it
/// survives a power loss (fsync of the directory; Windows has no such call, and NTFS's journal
/// keeps the rename). Best effort: a failure is ignored.
void sync_folder(const std::string& folder);

}  // namespace cometapi::detail
