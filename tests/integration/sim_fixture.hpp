// A simulator on 127.0.0.1 and a client of it, reached through real libcurl.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "cometapi/cometapi.hpp"
#include "cometapi/testing/fake_server.hpp"

namespace cometapi::test {

constexpr const char* kSimKey = "sk-integration";

class SimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::FakeServerOptions options;
    options.api_keys = {kSimKey, "sk-other"};
    // Time moves only when a wait sleeps (see wait_options), so no test depends on the machine's
    // speed and none sleeps for real.
    options.manual_clock = true;
    configure(options);
    server_ = std::make_unique<testing::FakeCometServer>(options);
    server_->start();
    client_ = std::make_unique<CometClient>(client_options());
  }
  void TearDown() override { server_->stop(); }

  virtual void configure(testing::FakeServerOptions&) {}

  ClientOptions client_options(std::string key = kSimKey) const {
    ClientOptions options;
    options.api_key = std::move(key);
    options.base_url = server_->base_url();
    options.request_timeout = std::chrono::milliseconds(10000);
    options.retry.sleeper = [](std::chrono::milliseconds) {};  // retries do not wait in tests
    return options;
  }

  /// Waits whose sleeps advance the simulator's clock instead of the real one.
  WaitOptions wait_options() const {
    WaitOptions options;
    testing::FakeCometServer* server = server_.get();
    options.sleeper = [server](std::chrono::milliseconds d) { server->advance(d); };
    // Deadlines and the stall guard follow the same simulated time.
    options.clock = [server] {
      return std::chrono::steady_clock::time_point(std::chrono::milliseconds(server->now_ms()));
    };
    return options;
  }

  std::string imagine(const std::string& prompt, std::optional<std::string> state = {}) {
    ImagineRequest request;
    request.prompt = prompt;
    request.state = std::move(state);
    auto submitted = client_->submit_imagine(request);
    EXPECT_TRUE(submitted.ok()) << submitted.error().to_string();
    return submitted.ok() ? submitted->result : std::string();
  }

  Task finished(const std::string& task_id) {
    auto task = TaskPoller(*client_).wait(task_id, wait_options());
    EXPECT_TRUE(task.ok()) << task.error().to_string();
    return task.ok() ? *task : Task{};
  }

  std::unique_ptr<testing::FakeCometServer> server_;
  std::unique_ptr<CometClient> client_;
};

}  // namespace cometapi::test
