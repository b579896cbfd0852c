#include "server/connections.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

namespace cometapi::testing::detail {
namespace {

int port_of(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  }
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  }
  return -1;
}

std::vector<int> open_descriptors() {
  std::vector<int> fds;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  const int own = dirfd(dir);
  while (const dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end != entry->d_name && *end == '\0' && fd != own) fds.push_back(static_cast<int>(fd));
  }
  closedir(dir);
  return fds;
}

}  // namespace

ConnectionQueue::ConnectionQueue(std::shared_ptr<ConnectionStats> stats, std::function<void()> kick)
    : stats_(std::move(stats)), kick_(std::move(kick)) {}

void ConnectionQueue::enqueue(std::function<void()> fn) {
  stats_->accepted.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(stats_->mu);
    ++stats_->active;
  }
  // The thread owns a reference to the stats so that it may finish after the queue is gone.
  std::thread([stats = stats_, fn = std::move(fn)] {
    fn();
    std::lock_guard<std::mutex> lock(stats->mu);
    --stats->active;
    stats->idle.notify_all();
  }).detach();
}

void ConnectionQueue::shutdown() {
  std::unique_lock<std::mutex> lock(stats_->mu);
  while (stats_->active > 0) {
    lock.unlock();
    if (kick_) kick_();
    lock.lock();
    stats_->idle.wait_for(lock, std::chrono::milliseconds(20), [&] { return stats_->active == 0; });
  }
}

int shutdown_connections(int local_port, int remote_port) {
  int count = 0;
  for (int fd : open_descriptors()) {
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage local{};
    socklen_t len = sizeof(local);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) continue;
    if (port_of(local) != local_port) continue;
    sockaddr_storage peer{};
    len = sizeof(peer);
    // The listening socket has no peer; only accepted connections do.
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    if (remote_port != -1 && port_of(peer) != remote_port) continue;
    if (::shutdown(fd, SHUT_RDWR) == 0) ++count;
  }
  return count;
}

}  // namespace cometapi::testing::detail
