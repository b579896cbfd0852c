// A simulator on 127.0.0.1 sped up in real time, a journal in a fresh temporary folder, and a
// client with test-sized timeouts: what the job tests share.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "cometapi/cometapi.hpp"
#include "cometapi/jobs.hpp"
#include "cometapi/testing/fake_server.hpp"

namespace cometapi::test {

inline constexpr const char* kJobsKey = "sk-jobs";

// A fresh folder under the temporary directory, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "cometapi-jobs-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline bool is_png(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  in.read(head, 8);
  return in.gcount() == 8 && std::string(head, 8) == std::string("\x89PNG\r\n\x1a\n", 8);
}

class JobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::FakeServerOptions options;
    options.api_keys = {kJobsKey};
    // Real time, sped up: a task takes about 18 ms. Outcomes, never timings, are asserted.
    options.speed = 100;
    options.slow_delay = std::chrono::milliseconds(30);
    options.retry_after = std::chrono::seconds(0);  // the runner's own backoff paces the tests
    configure(options);
    server_ = std::make_unique<testing::FakeCometServer>(options);
    server_->start();
    auto store = JobStore::open(dir_.path() + "/journal.db");
    ASSERT_TRUE(store.ok()) << store.error().to_string();
    store_ = *store;
  }
  void TearDown() override { server_->stop(); }

  virtual void configure(testing::FakeServerOptions&) {}

  ClientOptions client_options() const {
    ClientOptions options;
    options.api_key = kJobsKey;
    options.base_url = server_->base_url();
    options.request_timeout = std::chrono::milliseconds(10000);
    // Retries of reads wait 1 ms, not 0.5-8 s.
    options.retry.initial_backoff = options.retry.max_backoff = std::chrono::milliseconds(1);
    return options;
  }

  JobRunnerOptions runner_options() const {
    JobRunnerOptions options;
    options.poll_interval = std::chrono::milliseconds(5);
    options.refusal_backoff = std::chrono::milliseconds(5);
    return options;
  }

  static JobSpec imagine(std::string prompt, std::vector<std::string> then = {},
                         std::string out = {}) {
    JobSpec spec;
    spec.prompt = std::move(prompt);
    spec.then = std::move(then);
    spec.out_dir = std::move(out);
    return spec;
  }

  // No state was submitted twice, and every state counted belongs to one of `jobs`.
  void expect_no_duplicates() const {
    for (const auto& [state, count] : server_->submits_by_state()) {
      EXPECT_LE(count, 1) << "state " << state << " submitted " << count << " times";
    }
  }

  TempDir dir_;
  std::unique_ptr<testing::FakeCometServer> server_;
  std::shared_ptr<JobStore> store_;
};

}  // namespace cometapi::test
