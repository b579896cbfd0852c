// Helpers for the simulator's tests: a FakeCometServer on a manual clock and a plain
// httplib::Client, so these tests exercise the wire and not any SDK code.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cometapi/testing/fake_server.hpp"

namespace simtest {

using nlohmann::json;

struct Answer {
  int status = 0;  // 0 when the connection failed
  httplib::Error error = httplib::Error::Success;
  std::string body;
  std::string content_type;
  httplib::Headers headers;
  // The body as JSON; a discarded value when it is not JSON.
  json body_json() const;
};

// Keys the fixtures accept.
inline const std::string kKey = "sk-test";
inline const std::string kOtherKey = "sk-other";

cometapi::testing::FakeServerOptions manual_options();

class SimTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Call in a test before anything else to use other options.
  void restart(cometapi::testing::FakeServerOptions options);

  Answer post(const std::string& path, const json& body, const std::string& key = kKey);
  Answer post_raw(const std::string& path, const std::string& body,
                  const httplib::Headers& headers);
  Answer get(const std::string& path, const std::string& key = kKey);
  Answer get_raw(const std::string& path, const httplib::Headers& headers);

  // Submits an imagine and returns the task id (asserting code 1).
  std::string imagine(const std::string& prompt, const std::string& key = kKey);
  json fetch(const std::string& id, const std::string& key = kKey);
  // Advances the manual clock past the whole lifecycle.
  void finish();
  // The customId of the button whose label or emoji is `what`, from the latest fetch.
  std::string custom_id(const std::string& task_id, const std::string& what);
  // Presses a button by label or emoji; returns the submit answer.
  Answer press(const std::string& task_id, const std::string& what, json extra = json::object());
  // Imagine, finish, press U1, finish: the id of an upscaled image.
  std::string upscaled(const std::string& prompt);

  std::unique_ptr<cometapi::testing::FakeCometServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

// The id in a submit answer's "result", whether the answer sent a string or a number.
std::string result_id(const json& answer);

}  // namespace simtest
