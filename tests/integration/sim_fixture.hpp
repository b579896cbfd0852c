// A simulator on 127.0.0.1 and a client of it, reached through real libcurl.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "cometapi/cometapi.hpp"
#include "cometapi/testing/fake_server.hpp"

namespace cometapi::test {

constexpr const char* kSimKey = "sk-integration";

/// The simulator's manual clock as the SDK's Clock: a sleep advances the simulator, so time
/// moves only when the SDK waits, and no test depends on the machine's speed.
class SimClock final : public Clock {
 public:
  explicit SimClock(testing::FakeCometServer* server) : server_(server) {}
  time_point now() const override {
    return time_point(std::chrono::milliseconds(server_->now_ms()));
  }
  bool sleep_until(time_point until, const CancellationToken* cancel) const override {
    if (cancel && cancel->cancelled()) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now());
    if (left.count() > 0) server_->advance(left);
    return !(cancel && cancel->cancelled());
  }

 private:
  testing::FakeCometServer* server_;
};

class SimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::FakeServerOptions options;
    options.api_keys = {kSimKey, "sk-other"};
    // Time moves only when a wait sleeps (see wait_options), so no test depends on the machine's
    // speed and none sleeps for real.
    options.manual_clock = true;
    // A fixed start, so that ids and times do not depend on the host clock.
    options.epoch_ms = 1750000000000;
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
    // Retries, waits, deadlines and the stall guard all follow the simulator's time.
    options.clock = std::make_shared<SimClock>(server_.get());
    return options;
  }

  /// The poller's defaults: the client's (simulated) clock does the rest.
  WaitOptions wait_options() const { return {}; }

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
