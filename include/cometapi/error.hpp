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
  InvalidArgument,  ///< Refused by the SDK before anything was sent or paid.
  Authentication,   ///< HTTP 401: the key is missing, wrong or revoked.
  /// HTTP 401 because the key's quota is used up: the key is right, the account needs topping up.
  QuotaExhausted,
  PermissionDenied,  ///< HTTP 403.
  NotFound,          ///< HTTP 404, or the service's `task_no_found`.
  /// HTTP 429, the gateway's "group saturated", or a full queue (submit code 23 or 9): nothing was
  /// created, try again later.
  RateLimited,
  /// HTTP 5xx, or the gateway failed to reach or to read its upstream (code 5).
  Server,
  /// The service answered but refused the request (a submit with code != 1, an unknown button, an
  /// endpoint the upstream does not offer).
  ApiRefused,
  BannedPrompt,  ///< Submit code 24: the prompt contains a banned word.
  TaskFailed,    ///< The task ended in FAILURE or CANCEL.
  /// The answer could not be understood (malformed JSON, wrong shape, too big, an HTML page).
  ResponseInvalid,
  Cancelled,         ///< The caller cancelled a wait.
  DeadlineExceeded,  ///< A wait ran past its total deadline.
  Stalled,           ///< A wait saw no progress for longer than the stall guard allows.
  /// A local file could not be written or read (a download's target, say): nothing to do with the
  /// service. The message names the path and the system's reason.
  LocalFile,
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
  /// The task concerned, when there is one: the task that failed (TaskFailed), was waited for
  /// (DeadlineExceeded, Stalled, Cancelled during a wait) or was not found (NotFound of a fetch),
  /// and the new task a button press created when the wait for it failed. A task named here may
  /// have cost money: it is never hidden.
  std::string task_id;
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
