#include "test_support.hpp"

namespace simtest {

json Answer::body_json() const { return json::parse(body, nullptr, false); }

cometapi::testing::FakeServerOptions manual_options() {
  cometapi::testing::FakeServerOptions options;
  options.api_keys = {kKey, kOtherKey};
  options.manual_clock = true;
  options.epoch_ms = 1750000000000;  // fixed, so ids and times do not depend on the host clock
  options.slow_delay = std::chrono::milliseconds(300);
  return options;
}

void SimTest::SetUp() { restart(manual_options()); }

void SimTest::TearDown() {
  client_.reset();
  if (server_) server_->stop();
}

void SimTest::restart(cometapi::testing::FakeServerOptions options) {
  client_.reset();
  server_.reset();
  server_ = std::make_unique<cometapi::testing::FakeCometServer>(std::move(options));
  server_->start();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  client_->set_tcp_nodelay(true);
  client_->set_keep_alive(true);
  client_->set_read_timeout(std::chrono::seconds(20));
}

namespace {

Answer to_answer(const httplib::Result& r) {
  Answer a;
  a.error = r.error();
  if (!r) return a;
  a.status = r->status;
  a.body = r->body;
  a.content_type = r->get_header_value("Content-Type");
  a.headers = r->headers;
  return a;
}

}  // namespace

Answer SimTest::post(const std::string& path, const json& body, const std::string& key) {
  httplib::Headers headers;
  if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
  return post_raw(path, body.dump(), headers);
}

Answer SimTest::post_raw(const std::string& path, const std::string& body,
                         const httplib::Headers& headers) {
  return to_answer(client_->Post(path.c_str(), headers, body, "application/json"));
}

Answer SimTest::get(const std::string& path, const std::string& key) {
  httplib::Headers headers;
  if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
  return get_raw(path, headers);
}

Answer SimTest::get_raw(const std::string& path, const httplib::Headers& headers) {
  return to_answer(client_->Get(path.c_str(), headers));
}

std::string result_id(const json& answer) {
  const json& r = answer.at("result");
  return r.is_string() ? r.get<std::string>() : std::to_string(r.get<std::uint64_t>());
}

std::string SimTest::imagine(const std::string& prompt, const std::string& key) {
  const Answer a = post("/mj/submit/imagine", json{{"prompt", prompt}}, key);
  EXPECT_EQ(a.status, 200) << a.body;
  const json j = a.body_json();
  EXPECT_EQ(j.value("code", -1), 1) << a.body;
  return result_id(j);
}

json SimTest::fetch(const std::string& id, const std::string& key) {
  const Answer a = get("/mj/task/" + id + "/fetch", key);
  EXPECT_EQ(a.status, 200) << a.body;
  return a.body_json();
}

void SimTest::finish() { server_->advance(std::chrono::seconds(10)); }

std::string SimTest::custom_id(const std::string& task_id, const std::string& what) {
  const json task = fetch(task_id);
  if (!task["buttons"].is_array()) return "";
  for (const json& b : task["buttons"]) {
    if (b["label"] == what || b["emoji"] == what) return b["customId"].get<std::string>();
  }
  return "";
}

Answer SimTest::press(const std::string& task_id, const std::string& what, json extra) {
  json body{{"taskId", task_id}, {"customId", custom_id(task_id, what)}};
  body.update(extra);
  return post("/mj/submit/action", body);
}

std::string SimTest::upscaled(const std::string& prompt) {
  const std::string grid = imagine(prompt);
  finish();
  const Answer a = press(grid, "U1");
  EXPECT_EQ(a.body_json().value("code", -1), 1) << a.body;
  const std::string id = result_id(a.body_json());
  finish();
  return id;
}

}  // namespace simtest
