// The HTTP seam: everything above it is tested with a scripted transport, everything below is curl.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cometapi::detail {

struct HttpRequest {
  std::string method;  // "GET" or "POST"
  std::string url;     // absolute
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::size_t max_response_bytes = 16u << 20;
  bool follow_redirects = false;
  // Use a new connection. libcurl silently re-sends a request whose reused connection closed
  // without a byte of answer; for a submit that can create the job twice, so submits never ride
  // on a reused connection.
  bool fresh_connection = false;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  int attempts = 1;  // set by the Sender: attempts it took, retries included

  /// The first header with this (lower-case) name.
  std::optional<std::string> header(const std::string& lower_name) const;
};

/// Why a transfer produced no HTTP answer.
enum class TransportFailure {
  NotSent,   // DNS, connect, TLS handshake, proxy: the request never reached the server
  Timeout,   // timed out after the request may have been sent
  Dropped,   // connection broke after sending (empty reply, reset, partial answer)
  TooLarge,  // the answer exceeded max_response_bytes
  Other,     // anything else (bad URL, out of memory ...)
};

struct TransportError {
  TransportFailure failure = TransportFailure::Other;
  std::string message;  // no secrets: curl's error text
};

struct TransportResult {
  std::optional<HttpResponse> response;  // set on any HTTP answer, whatever its status
  TransportError error;                  // meaningful when !response
};

/// Sends one request, no retries. Implementations must be thread-safe.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual TransportResult send(const HttpRequest& request) = 0;
};

}  // namespace cometapi::detail
