// FakeCometServer's insides, shared by the files of the server layer: fake_server.cpp (start,
// stop, serving a request), control.cpp (/_sim/...) and api.cpp (the public member functions).
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cometapi/testing/fake_server.hpp"
#include "server/connections.hpp"
#include "server/faults.hpp"
#include "server/hook_sender.hpp"
#include "sim/simulation.hpp"

namespace cometapi::testing {

class FakeCometServer::Impl {
 public:
  explicit Impl(FakeServerOptions options);
  ~Impl();

  void start();
  void stop();
  std::string base_url() const;
  void serve(const httplib::Request& req, httplib::Response& res);
  bool authenticate(const httplib::Request& req, std::string& key, detail::Reply& reply,
                    int request_id);
  void record(const RequestRecord& rec);
  void control(const httplib::Request& req, httplib::Response& res);
  std::map<std::string, int> requests_by_path() const;

  FakeServerOptions options_;
  detail::Simulation sim_;
  detail::FaultPlan faults_;
  detail::HookSender hooks_;
  std::vector<std::string> keys_;  // normalized

  std::mutex run_mu_;  // start() and stop()
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<int> port_{0};
  std::shared_ptr<detail::ConnectionStats> connections_ =
      std::make_shared<detail::ConnectionStats>();

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;

  mutable std::mutex journal_mu_;
  std::deque<RequestRecord> journal_;
  std::map<std::string, int> by_path_;
  std::atomic<int> request_seq_{0};
};

}  // namespace cometapi::testing
