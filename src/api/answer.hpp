// What an answer means: the one place that turns every shape the gateway and its upstreams send
// (HTTP status, the three error envelopes, a body `code` at any status, HTML and other non-JSON
// bodies, a transfer that got no answer at all) into success or an Error, and says whether the
// same request may be sent again. The Sender's retry loop asks it; nothing else decides.
#pragma once

#include <chrono>
#include <string>

#include "cometapi/error.hpp"
#include "cometapi/http.hpp"

namespace cometapi::detail {

/// Submits create billable jobs; reads do not.
enum class CallKind { Read, Submit };

/// Whether sending the same request again is safe.
enum class Retry {
  No,         ///< It would fail the same way (or is the caller's to pace): never retried.
  Safe,       ///< Nothing was done (not sent, refused before anything was created): retried.
  Ambiguous,  ///< It may have been done: retried for reads, for submits only when the user opted
              ///< in.
};

/// The meaning of one attempt.
struct Verdict {
  bool ok = false;  ///< A usable answer; `error` is meaningless then.
  Error error;      ///< kind, message, api code/type, maybe_submitted, retry_after, body excerpt.
  Retry retry = Retry::No;
};

/// Judges an HTTP answer to a call of `kind` sent to `url`. A 2xx answer to a read is ok unless
/// its body is an HTML page; a 2xx answer to a submit is ok only when its `code` is 1, 21 or 22.
/// `now` is what an HTTP-date Retry-After is measured from.
Verdict judge_answer(CallKind kind, const HttpResponse& response, const std::string& url,
                     std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

/// Judges a transfer that produced no HTTP answer.
Verdict judge_failure(CallKind kind, const TransportError& failure);

/// The Error for a 2xx body that a decoder could not read as what it expected: the service's own
/// refusal when the body is one of the envelopes (e.g. `{"success":false,"message":...}`, a
/// `code`/`description` pair, `null` for a task that does not exist), else `decoder_error`.
Error error_for_unexpected_body(CallKind kind, const HttpResponse& response, Error decoder_error);

/// Whether an Error from a call may not happen again when the same call is repeated later (a
/// wait or a watcher keeps polling through such errors): no answer, a timeout, a 429 or full
/// queue, a 5xx, a garbled answer. Not an HTML page instead of JSON: that is the wrong address.
bool is_transient(const Error& error);

/// The first KiB of a body, for Error::body (never cutting a UTF-8 sequence).
std::string body_excerpt(const std::string& body);

}  // namespace cometapi::detail
