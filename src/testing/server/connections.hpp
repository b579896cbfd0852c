// Connection plumbing around cpp-httplib: counting accepted connections, serving each one on its
// own thread, and closing sockets on demand (dropped-connection faults, fast stop).
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

namespace cometapi::testing::detail {

struct ConnectionStats {
  std::atomic<int> accepted{0};
  std::mutex mu;
  std::condition_variable idle;
  int active = 0;
};

// httplib hands every accepted socket to its TaskQueue, so enqueue() is exactly "a connection was
// accepted". A thread per connection, rather than httplib's fixed pool, keeps a client that holds
// many keep-alive connections from starving new ones.
class ConnectionQueue : public httplib::TaskQueue {
 public:
  // `kick` is called repeatedly during shutdown() to make idle keep-alive connections let go.
  ConnectionQueue(std::shared_ptr<ConnectionStats> stats, std::function<void()> kick);
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  std::shared_ptr<ConnectionStats> stats_;
  std::function<void()> kick_;
};

// Shuts down (without closing: httplib still owns the descriptor) the accepted sockets whose
// local port is `local_port` and, unless `remote_port` is -1, whose peer port is `remote_port`.
// The peer sees the connection end without an answer. Returns how many sockets it shut down.
// Linux only: it walks /proc/self/fd, as httplib does not expose the socket to handlers.
int shutdown_connections(int local_port, int remote_port);

}  // namespace cometapi::testing::detail
