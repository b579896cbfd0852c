// The key never leaks (errors, trace lines, curl's wire trace), TLS is verified by default, and
// nothing in options or ids can inject a header or change a path.
#include <httplib.h>

#include <cstdlib>
#include <mutex>
#include <thread>

#include "sim_fixture.hpp"

namespace cometapi {
namespace {

using test::SimTest;

class TraceTest : public SimTest {
 protected:
  ClientOptions traced(std::string key) {
    ClientOptions options = client_options(std::move(key));
    options.trace = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.emplace_back(line);
    };
    options.trace_wire = true;
    return options;
  }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

TEST_F(TraceTest, TheKeyAppearsInNoTraceLineAndNoError) {
  std::vector<std::string> texts;
  CometClient client(traced(test::kSimKey));
  ImagineRequest imagine;
  imagine.prompt = "a secret fox";
  auto submitted = client.submit_imagine(imagine);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  ASSERT_TRUE(client.fetch_task(submitted->result).ok());

  // Failures of every kind, each kept for the search below.
  server_->fail_next("/mj/task/", testing::FaultKind::ServiceUnavailable, 1);
  ASSERT_TRUE(client.fetch_task(submitted->result).ok());  // retried
  server_->fail_next("/mj/submit/", testing::FaultKind::InternalError, 1);
  auto ambiguous = client.submit_imagine(imagine);
  ASSERT_FALSE(ambiguous.ok());
  texts.push_back(ambiguous.error().to_string());
  texts.push_back(ambiguous.error().body);
  auto missing = client.fetch_task("1000000000000000");
  ASSERT_FALSE(missing.ok());
  texts.push_back(missing.error().to_string());

  const std::string wrong_key = "sk-wrong-key-0123456789";
  CometClient stranger(traced(wrong_key));
  auto refused = stranger.fetch_task(submitted->result);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Authentication);
  texts.push_back(refused.error().to_string());
  texts.push_back(refused.error().body);

  const std::vector<std::string> traced_lines = lines();
  ASSERT_GT(traced_lines.size(), 20u);
  bool saw_redacted_header = false, saw_retry = false, saw_status = false;
  for (const std::string& line : traced_lines) {
    EXPECT_EQ(line.find(test::kSimKey), std::string::npos) << line;
    EXPECT_EQ(line.find(wrong_key), std::string::npos) << line;
    saw_redacted_header |= line.find("> Authorization: Bearer [REDACTED]") != std::string::npos;
    saw_retry |= line.find("retrying in") != std::string::npos;
    saw_status |= line.find("HTTP 200 after") != std::string::npos;
  }
  EXPECT_TRUE(saw_redacted_header);
  EXPECT_TRUE(saw_retry);
  EXPECT_TRUE(saw_status);
  for (const std::string& text : texts) {
    EXPECT_EQ(text.find(test::kSimKey), std::string::npos) << text;
    EXPECT_EQ(text.find(wrong_key), std::string::npos) << text;
  }
  // Bodies are never traced.
  for (const std::string& line : traced_lines) {
    EXPECT_EQ(line.find("a secret fox"), std::string::npos) << line;
  }
}

TEST_F(SimTest, OptionsThatWouldInjectAHeaderAreRefused) {
  ClientOptions options = client_options();
  options.user_agent_suffix = "app/1.0\r\nX-Injected: 1";
  CometClient client(options);
  auto result = client.fetch_task("1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::InvalidArgument);
  EXPECT_TRUE(server_->journal().empty());
}

TEST_F(SimTest, LabelsAndCustomIdsTravelOnlyInsideJson) {
  const Task grid = finished(imagine("quotes \" and \r\n newlines"));
  ActionRequest action;
  action.task_id = grid.id;
  action.custom_id = "MJ::JOB::upsample::1::x\r\nX-Injected: 1";
  auto refused = client_->submit_action(action);
  ASSERT_FALSE(refused.ok());  // not among the buttons: refused by the service, not the transport
  auto record = server_->last_request();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->header("X-Injected"), "");
}

// A TLS server with a self-signed certificate: the SDK must refuse it unless told otherwise.
class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "cometapi_tls_" + std::to_string(::getpid());
    const std::string command = "mkdir -p " + dir_ +
                                " && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "
                                "/CN=127.0.0.1 -keyout " +
                                dir_ + "/key.pem -out " + dir_ + "/cert.pem >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) GTEST_SKIP() << "openssl is not installed";
    server_ = std::make_unique<httplib::SSLServer>((dir_ + "/cert.pem").c_str(),
                                                   (dir_ + "/key.pem").c_str());
    server_->Get(R"(/mj/task/(\d+)/fetch)", [](const httplib::Request& request,
                                               httplib::Response& response) {
      response.set_content(R"({"id":")" + request.matches[1].str() + R"(","status":"SUCCESS"})",
                           "application/json");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
    std::system(("rm -rf " + dir_).c_str());
  }
  ClientOptions options() const {
    ClientOptions options;
    options.api_key = "sk-tls";
    options.base_url = "https://127.0.0.1:" + std::to_string(port_);
    options.retry.max_retries = 0;
    return options;
  }
  std::string dir_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(TlsTest, SelfSignedCertificateIsRefusedByDefault) {
  CometClient client(options());
  auto result = client.fetch_task("1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Connection);
  EXPECT_NE(result.error().message.find("certificate"), std::string::npos)
      << result.error().to_string();
}

TEST_F(TlsTest, TheDangerousOptionOrTheRightCaFileLetItThrough) {
  ClientOptions dangerous = options();
  dangerous.dangerous_disable_tls_verification = true;
  EXPECT_TRUE(CometClient(dangerous).fetch_task("1").ok());

  ClientOptions trusted = options();
  trusted.ca_file = dir_ + "/cert.pem";
  auto result = CometClient(trusted).fetch_task("2");
  EXPECT_TRUE(result.ok()) << result.error().to_string();
}

}  // namespace
}  // namespace cometapi
