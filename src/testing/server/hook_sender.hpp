// Sends the notifyHook payloads the model collects, from one worker thread: it collects every
// 50 ms (real time) and whenever flush() asks, and POSTs each payload in turn. Only http URLs on
// a loopback host are called; anything else is refused and recorded, so no test reaches out.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "cometapi/testing/fake_server.hpp"
#include "sim/simulation.hpp"

namespace cometapi::testing::detail {

class HookSender {
 public:
  using Collect = std::function<std::vector<HookEvent>()>;
  // out_of_order: each collected batch is sent newest first; repeats: extra copies of each.
  HookSender(Collect collect, bool out_of_order, int repeats);
  ~HookSender();
  HookSender(const HookSender&) = delete;
  HookSender& operator=(const HookSender&) = delete;

  void start();
  // Joins the worker; payloads not yet sent are dropped.
  void stop();
  // Collects now and returns once every payload collected so far has been attempted.
  void flush();
  std::vector<HookDelivery> deliveries() const;

 private:
  void run();
  void collect_and_enqueue();
  HookDelivery deliver(const HookEvent& event) const;

  Collect collect_;
  const bool out_of_order_;
  const int repeats_;
  std::mutex collect_mu_;  // one collection at a time, so batches are queued in order
  mutable std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::deque<HookEvent> queue_;
  bool busy_ = false;
  bool stopping_ = true;  // until start()
  std::vector<HookDelivery> done_;
  std::thread thread_;
};

// Splits an http URL into host, port and target; false for any other scheme or a URL with user
// info. `host` keeps IPv6 brackets off.
bool split_http_url(const std::string& url, std::string& host, int& port, std::string& target);
bool is_loopback_host(const std::string& host);

}  // namespace cometapi::testing::detail
