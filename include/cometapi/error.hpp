/// \file
/// Errors: one type, Error, for every failure the SDK reports, and the Exception that
/// Result<T>::value() throws.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>

namespace cometapi {

/// What went wrong, coarse enough to branch on.
enum class ErrorKind {
  /// No HTTP answer: DNS, connect (a connect timeout included), TLS or proxy failure, or the
  /// connection dropped.
  Connection,
  /// Sent, but no full answer in time (request_timeout, low-speed guard), or HTTP 408.
  Timeout,
  InvalidArgument,   ///< Refused by the SDK before anything was sent.
  Authentication,    ///< HTTP 401: the key is missing, wrong or revoked.
  PermissionDenied,  ///< HTTP 403.
  NotFound,          ///< HTTP 404, or the service's `task_no_found`.
  RateLimited,       ///< HTTP 429 (also the gateway's "group saturated").
  Server,            ///< HTTP 5xx, or the gateway could not reach its upstream.
  ApiRefused,    ///< The service answered but refused the request (e.g. a submit with code != 1).
  BannedPrompt,  ///< Submit code 24: the prompt contains a banned word.
  TaskFailed,    ///< The task ended in FAILURE or CANCEL.
  ResponseInvalid,   ///< The answer could not be understood (malformed JSON, wrong shape, too big).
  Cancelled,         ///< The caller cancelled a wait.
  DeadlineExceeded,  ///< A wait ran past its total deadline.
  Stalled,           ///< A wait saw no progress for longer than the stall guard allows.
};

/// The enumerator's name, e.g. "RateLimited".
const char* to_string(ErrorKind kind) noexcept;
/// Writes to_string(kind) (so test frameworks and logs print names, not numbers).
std::ostream& operator<<(std::ostream& out, ErrorKind kind);

/// Everything known about one failure. Never contains the API key.
struct Error {
  /// What went wrong; the one field to branch on.
  ErrorKind kind = ErrorKind::Connection;
  int http_status = 0;   ///< 0 when no HTTP answer was received.
  int api_code = 0;      ///< The body's numeric `code`, 0 when absent or not a number.
  std::string api_type;  ///< The body's `type` (e.g. "upstream_error"), or a textual `code`.
  std::string message;   ///< The service's description / error message, verbatim when present.
  std::optional<std::chrono::milliseconds> retry_after;  ///< From the response headers.
  int attempts = 0;    ///< HTTP attempts made, retries included (0: nothing was sent).
  std::string method;  ///< "GET" or "POST"; empty when nothing was sent.
  std::string path;    ///< The request path, e.g. "/mj/submit/imagine".
  std::string body;    ///< The first KiB of the response body.
  /// True when a submit failed after the request may have reached the service (timeout, dropped
  /// connection, 5xx): the job may exist and may be billed. Check before submitting it again.
  bool maybe_submitted = false;

  /// One readable line, e.g. `RateLimited: HTTP 429 POST /mj/submit/imagine: too many requests
  /// (code 30, 3 attempts)`.
  std::string to_string() const;
};

/// Thrown only by Result<T>::value() on a failed result; carries the Error.
class Exception : public std::runtime_error {
 public:
  /// Wraps `error`; what() is error.to_string().
  explicit Exception(Error error);
  /// The Error that made Result<T>::value() throw.
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

}  // namespace cometapi
