// download_to_file: the folder checked first, the bytes written beside the target and renamed.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <system_error>

#include "client/client_core.hpp"
#include "core/error_support.hpp"
#include "core/platform.hpp"

namespace cometapi {

namespace {

namespace fs = std::filesystem;

Error local_file(const std::string& what, const fs::path& path, const std::string& reason) {
  return detail::make_error(ErrorKind::LocalFile, what + " '" + path.string() + "'" +
                                                      (reason.empty() ? "" : ": " + reason));
}

// A name beside `target` that no other writer uses: the target's name, the process and a counter.
fs::path temporary_beside(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  return target.parent_path() / (target.filename().string() + ".part" + std::to_string(stamp) +
                                 "-" + std::to_string(counter.fetch_add(1)));
}

}  // namespace

Result<Done> CometClient::download_to_file(std::string_view url, const std::string& path,
                                           const CallOptions& call) const {
  if (path.empty()) return detail::invalid_argument("download path is empty");
  const fs::path target(path);
  // Checked before the download: a missing folder should cost no transfer.
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code code;
  if (!fs::is_directory(folder, code)) {
    return local_file("cannot save into the folder", folder,
                      code ? code.message() : "it does not exist or is not a folder");
  }
  if (fs::is_directory(target, code)) return local_file("cannot write over the folder", target, "");

  auto bytes = download(url, call);
  if (!bytes) return std::move(bytes).error();

  // Written beside the target, put on the disk and renamed: readers see the old file or the whole
  // new one, a failure leaves no partial file behind, and once this returns the file survives a
  // crash of the machine (the job runner records "saved" on that promise). The file is created
  // like any other (the umask applies).
  const fs::path temporary = temporary_beside(target);
  const std::string failure =
      detail::write_file_synced(temporary.string(), bytes->data(), bytes->size());
  if (!failure.empty()) return local_file("cannot write", target, failure);
  fs::rename(temporary, target, code);
  if (code) {
    fs::remove(temporary, code);
    return local_file("cannot move the download into place at", target, code.message());
  }
  detail::sync_folder(folder.string());
  return Done{};
}

}  // namespace cometapi
