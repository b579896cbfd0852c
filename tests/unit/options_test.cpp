// ClientOptions: the environment, the key, the base URL. Nothing is sent when they are wrong.
#include <gtest/gtest.h>

#include <cstdlib>

#include "test_support.hpp"

namespace cometapi {
namespace {

class EnvGuard {
 public:
  EnvGuard() {
    save("COMETAPI_KEY", key_);
    save("COMETAPI_BASE_URL", base_);
  }
  ~EnvGuard() {
    restore("COMETAPI_KEY", key_);
    restore("COMETAPI_BASE_URL", base_);
  }

 private:
  static void save(const char* name, std::optional<std::string>& slot) {
    if (const char* v = std::getenv(name)) slot = v;
  }
  static void restore(const char* name, const std::optional<std::string>& slot) {
    if (slot)
      setenv(name, slot->c_str(), 1);
    else
      unsetenv(name);
  }
  std::optional<std::string> key_, base_;
};

TEST(FromEnv, MissingKeyNamesTheVariable) {
  EnvGuard guard;
  unsetenv("COMETAPI_KEY");
  auto options = ClientOptions::from_env();
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.error().kind, ErrorKind::InvalidArgument);
  EXPECT_NE(options.error().message.find("COMETAPI_KEY"), std::string::npos);

  setenv("COMETAPI_KEY", "", 1);
  auto empty = ClientOptions::from_env();
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("COMETAPI_KEY"), std::string::npos);
}

TEST(FromEnv, ReadsKeyAndBaseUrl) {
  EnvGuard guard;
  setenv("COMETAPI_KEY", "sk-env", 1);
  setenv("COMETAPI_BASE_URL", "http://127.0.0.1:8080", 1);
  auto options = ClientOptions::from_env();
  ASSERT_TRUE(options.ok()) << options.error().to_string();
  EXPECT_EQ(options->api_key, "sk-env");
  EXPECT_EQ(options->base_url, "http://127.0.0.1:8080");

  unsetenv("COMETAPI_BASE_URL");
  EXPECT_EQ(ClientOptions::from_env()->base_url, "https://api.cometapi.com");
}

TEST(FromEnv, KeyWithNewlineIsRefusedWithoutEchoingIt) {
  EnvGuard guard;
  setenv("COMETAPI_KEY", "sk-abc\r\nX-Evil: 1", 1);
  auto options = ClientOptions::from_env();
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.error().message.find("control character"), std::string::npos);
  EXPECT_EQ(options.error().message.find("sk-abc"), std::string::npos);
}

TEST(Validate, KeyMustBeNonEmptyAndFreeOfControlCharacters) {
  for (const char* key : {"", "a\nb", "a\rb", "a\tb",
                          "a\x7f"
                          "b",
                          "\x01"}) {
    ClientOptions options;
    options.api_key = key;
    auto error = options.validate();
    ASSERT_TRUE(error.has_value()) << "key accepted";
    EXPECT_EQ(error->kind, ErrorKind::InvalidArgument);
  }
  ClientOptions good;
  good.api_key = "sk-good";
  EXPECT_FALSE(good.validate().has_value());
}

TEST(Validate, PlainHttpOnlyForLoopbackUnlessAllowed) {
  ClientOptions options;
  options.api_key = "k";
  for (const char* ok : {"https://api.cometapi.com", "http://127.0.0.1:1234", "http://localhost:80",
                         "http://[::1]:9", "https://api.cometapi.com/", "https://proxy.test/comet",
                         "https://proxy.test/a/b/"}) {
    options.base_url = ok;
    EXPECT_FALSE(options.validate().has_value()) << ok;
  }
  options.base_url = "http://api.cometapi.com";
  auto error = options.validate();
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->message.find("clear text"), std::string::npos);
  options.allow_insecure_http = true;
  EXPECT_FALSE(options.validate().has_value());

  for (const char* bad : {"api.cometapi.com", "ftp://x", "https://", "https://h/mj",
                          "https://h/x/mj/", "https://h/mj-fast", "https:///x", "https://h?x=1",
                          "https://user@h", "https://h\r\nX: y"}) {
    options.base_url = bad;
    EXPECT_TRUE(options.validate().has_value()) << bad;
  }
}

TEST(Validate, ClientWithBadOptionsSendsNothing) {
  auto transport = std::make_shared<test::ScriptedTransport>();
  ClientOptions options;
  options.api_key = "bad\nkey";
  options.transport = transport;
  CometClient client(options);
  ImagineRequest request;
  request.prompt = "x";
  auto result = client.submit_imagine(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::InvalidArgument);
  EXPECT_FALSE(client.fetch_task("1").ok());
  EXPECT_EQ(transport->request_count(), 0u);

  auto created = CometClient::create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, ErrorKind::InvalidArgument);
}

TEST(Cancellation, TokenCopiesShareState) {
  CancellationToken token;
  CancellationToken copy = token;
  EXPECT_FALSE(copy.cancelled());
  token.cancel();
  EXPECT_TRUE(copy.cancelled());
  EXPECT_TRUE(copy.sleep_for(std::chrono::hours(1)));  // returns at once when cancelled
}

}  // namespace
}  // namespace cometapi
