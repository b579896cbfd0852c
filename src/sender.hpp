// Sender: auth, user agent, retries with backoff and the idempotency gate, HTTP -> Error mapping.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "cometapi/options.hpp"
#include "cometapi/result.hpp"
#include "http/transport.hpp"

namespace cometapi::detail {

/// Submits create billable jobs; reads do not.
enum class CallKind { Read, Submit };

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
  Sender(ClientOptions options, std::shared_ptr<HttpTransport> transport);

  /// Sends the call, retrying per RetryOptions. Returns the 2xx response, or an Error for a
  /// transport failure or a non-2xx status (with the service's message), `attempts` filled in.
  Result<HttpResponse> send(const Call& call) const;

  const ClientOptions& options() const noexcept { return options_; }
  /// The full URL of a path under the configured mode.
  std::string url_for(const std::string& path) const;
  /// Removes every occurrence of the API key from the error's texts.
  void redact(Error& error) const;
  /// Sends a line to ClientOptions::trace, with the key removed.
  void trace(const std::string& line) const;

 private:
  std::chrono::milliseconds backoff(int retry) const;
  void sleep(std::chrono::milliseconds duration) const;

  ClientOptions options_;
  std::shared_ptr<HttpTransport> transport_;
  std::string user_agent_;
  std::string prefix_;
  std::string bearer_;
  mutable std::mutex rng_mutex_;
  mutable std::mt19937_64 rng_;
};

/// Maps a non-2xx answer to an Error (kind from the status and the envelope, message verbatim).
/// `now` is what an HTTP-date Retry-After is measured from.
Error error_from_response(const HttpResponse& response, std::chrono::system_clock::time_point now =
                                                            std::chrono::system_clock::now());

/// Parses Retry-After style headers: `retry-after-ms`, then `retry-after` in seconds or as an
/// HTTP date (relative to `now`).
std::optional<std::chrono::milliseconds> retry_after_from(
    const HttpResponse& response, std::chrono::system_clock::time_point now);

/// The first KiB of a body, for Error::body.
std::string body_excerpt(const std::string& body);

}  // namespace cometapi::detail
