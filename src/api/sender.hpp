// Sender: auth, user agent, retries with backoff, the idempotency gate, CallOptions (cancel and
// deadline) and the one clock. What an answer means is answer.hpp's to say.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "api/answer.hpp"
#include "cometapi/options.hpp"
#include "cometapi/result.hpp"

namespace cometapi::detail {

struct Call {
  std::string method = "GET";
  std::string path;  // below the mode prefix, e.g. "/mj/task/123/fetch"
  std::string body;
  CallKind kind = CallKind::Read;
  std::string absolute_url;            // set for downloads: the URL as given, sent without the key
  std::size_t max_response_bytes = 0;  // 0: ClientOptions::max_response_bytes
};

/// Thread-safe.
class Sender {
 public:
  /// `transport` and `clock` must not be null.
  Sender(ClientOptions options, std::shared_ptr<HttpTransport> transport,
         std::shared_ptr<const Clock> clock);

  /// Sends the call, retrying per RetryOptions, within `call_options`. Returns the usable
  /// response, or the Error (with `attempts`, method and path filled in, the key redacted).
  Result<HttpResponse> send(Call call, const CallOptions& call_options) const;

  const ClientOptions& options() const noexcept { return options_; }
  const Clock& clock() const noexcept { return *clock_; }
  /// Removes every occurrence of the API key from the error's texts.
  void redact(Error& error) const;
  /// Fills in what the call says about an Error made above the Sender (a decoder's).
  void describe(Error& error, const Call& call, const HttpResponse& response) const;

 private:
  std::chrono::milliseconds backoff(int retry) const;
  void trace(const std::string& line) const;

  ClientOptions options_;
  std::shared_ptr<HttpTransport> transport_;
  std::shared_ptr<const Clock> clock_;
  std::string user_agent_;
  std::string base_;  // base URL and mode prefix, built once
  std::string bearer_;
  mutable std::mutex rng_mutex_;
  mutable std::mt19937_64 rng_;
};

}  // namespace cometapi::detail
