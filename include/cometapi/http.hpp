/// \file
/// The HTTP seam: the transport interface every CometClient sends through, and its request and
/// response types. The SDK ships a libcurl transport (the default); inject another one through
/// ClientOptions::transport (a test double, a recorder, another HTTP stack).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cometapi/clock.hpp"

namespace cometapi {

/// One HTTP request, as the SDK hands it to a transport.
struct HttpRequest {
  std::string method;  ///< "GET" or "POST".
  std::string url;     ///< Absolute.
  /// Header fields in order (the Authorization header carries the key: never log it).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                            ///< The POST body.
  std::size_t max_response_bytes = 16u << 20;  ///< Abort (TooLarge) past this many body bytes.
  bool follow_redirects = false;               ///< Follow 3xx (downloads only).
  /// Use a new connection. A client must never silently re-send a request whose reused
  /// connection closed without an answer: for a submit that can create the job twice. Submits set
  /// this so no such re-send can happen.
  bool fresh_connection = false;
  /// When set and cancelled, abort the transfer at once and fail with Cancelled. Not owned.
  const CancellationToken* cancel = nullptr;
  /// Time left for this attempt when the call has a deadline: abort with Timeout past it. Unset:
  /// the transport's own timeouts alone apply.
  std::optional<std::chrono::milliseconds> time_left;
};

/// One HTTP answer, whatever its status.
struct HttpResponse {
  int status = 0;  ///< The HTTP status code.
  /// Header fields of the final answer, names lower-cased.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  ///< The body, decompressed.
  int attempts = 1;  ///< Set by the SDK: attempts it took, retries included.

  /// The first header with this (lower-case) name.
  std::optional<std::string> header(const std::string& lower_name) const;
};

/// Why a transfer produced no HTTP answer.
enum class TransportFailure {
  NotSent,    ///< DNS, connect, TLS handshake, proxy: the request never reached the server.
  Timeout,    ///< Timed out after the request may have been sent.
  Dropped,    ///< The connection broke after sending (empty reply, reset, partial answer).
  TooLarge,   ///< The answer exceeded max_response_bytes.
  Cancelled,  ///< HttpRequest::cancel was cancelled (the request may have been sent).
  Other,      ///< Anything else (bad URL, out of memory ...).
};

/// A transfer without an answer: why, and a message free of secrets.
struct TransportError {
  TransportFailure failure = TransportFailure::Other;  ///< What kind of failure.
  std::string message;                                 ///< e.g. curl's error text.
  /// For Cancelled and Timeout: whether any byte of the request was sent (false: it surely
  /// never arrived, so a submit created nothing).
  bool request_sent = true;
};

/// What a transport returns: an answer, or why there is none.
struct TransportResult {
  std::optional<HttpResponse> response;  ///< Set on any HTTP answer, whatever its status.
  TransportError error;                  ///< Meaningful when !response.
};

/// Sends one request, exactly once. Implementations must be thread-safe, must honour
/// HttpRequest::cancel and time_left, and must NEVER re-send a request on their own (no silent
/// retry, no replay on a reused connection): the SDK alone decides what may be sent again, and a
/// second submit can cost the user a second job.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  /// Sends `request` once and returns the answer or the failure.
  virtual TransportResult send(const HttpRequest& request) = 0;
};

}  // namespace cometapi
