#include "server/hook_sender.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>

namespace cometapi::testing::detail {

bool split_http_url(const std::string& url, std::string& host, int& port, std::string& target) {
  const std::string scheme = "http://";
  if (lower(url.substr(0, scheme.size())) != scheme) return false;
  const std::string rest = url.substr(scheme.size());
  const std::size_t end = std::min(rest.find_first_of("/?#"), rest.size());
  const std::string authority = rest.substr(0, end);
  target = end < rest.size() ? rest.substr(end) : "/";
  if (target[0] != '/') target = "/" + target;
  if (authority.empty() || authority.find('@') != std::string::npos) return false;
  std::string port_text;
  if (authority[0] == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return false;
      port_text = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  port = 80;
  if (!port_text.empty()) {
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(),
                                             [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    port = std::stoi(port_text);
  }
  return !host.empty() && port > 0 && port < 65536;
}

bool is_loopback_host(const std::string& host) {
  const std::string h = lower(host);
  return h == "127.0.0.1" || h == "localhost" || h == "::1";
}

HookSender::HookSender(Collect collect, bool out_of_order, int repeats)
    : collect_(std::move(collect)), out_of_order_(out_of_order), repeats_(std::max(0, repeats)) {}

HookSender::~HookSender() { stop(); }

void HookSender::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void HookSender::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  idle_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HookSender::collect_and_enqueue() {
  std::lock_guard<std::mutex> serial(collect_mu_);
  std::vector<HookEvent> batch = collect_();
  if (batch.empty()) return;
  if (out_of_order_) std::reverse(batch.begin(), batch.end());
  std::lock_guard<std::mutex> lock(mu_);
  for (const HookEvent& event : batch) {
    for (int copy = 0; copy <= repeats_; ++copy) queue_.push_back(event);
  }
  wake_.notify_all();
}

void HookSender::flush() {
  collect_and_enqueue();
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return stopping_ || (queue_.empty() && !busy_); });
}

std::vector<HookDelivery> HookSender::deliveries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return done_;
}

void HookSender::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (queue_.empty()) {
      wake_.wait_for(lock, std::chrono::milliseconds(50));
      if (stopping_) break;
      if (queue_.empty()) {
        lock.unlock();
        collect_and_enqueue();
        lock.lock();
      }
      continue;
    }
    const HookEvent event = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    HookDelivery delivery = deliver(event);
    lock.lock();
    busy_ = false;
    done_.push_back(std::move(delivery));
    idle_.notify_all();
  }
  busy_ = false;
  idle_.notify_all();
}

HookDelivery HookSender::deliver(const HookEvent& event) const {
  HookDelivery d;
  d.task_id = event.task_id;
  d.url = event.url;
  d.status = event.status;
  d.progress = event.progress;
  d.body = event.body;
  std::string host, target;
  int port = 0;
  if (!split_http_url(event.url, host, port, target) || !is_loopback_host(host)) {
    d.refused = true;
    d.error = "not called: the simulator only calls http URLs on 127.0.0.1, localhost or [::1]";
    return d;
  }
  httplib::Client client(host == "::1" ? "[::1]" : host, port);
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(5));
  client.set_write_timeout(std::chrono::seconds(5));
  if (auto answer = client.Post(target, event.body, "application/json")) {
    d.http_status = answer->status;
  } else {
    d.error = httplib::to_string(answer.error());
  }
  return d;
}

}  // namespace cometapi::testing::detail
