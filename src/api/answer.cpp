#include "api/answer.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "api/retry_after.hpp"
#include "json/codec.hpp"

namespace cometapi::detail {

namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool body_is_html(std::string_view body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] == '<';
}

// The gateway's web page (served for any path it does not route, with HTTP 200), or any other
// HTML: not this API at all.
bool is_html(const HttpResponse& response) {
  if (auto type = response.header("content-type")) {
    std::string lower = *type;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (contains(lower, "text/html")) return true;
  }
  return body_is_html(response.body);
}

// An exhausted key (the gateway says so in Chinese: "this token's quota is used up").
bool is_quota(std::string_view message) {
  return contains(message, "\xE9\xA2\x9D\xE5\xBA\xA6") /* 额度 */ || contains(message, "quota");
}

bool is_task_not_found(std::string_view message) {
  return starts_with(message, "task_no_found") || starts_with(message, "task_not_found") ||
         starts_with(message, "midjourney_task_not_found");
}

// Kind and retry for a refusal, from the status, the body's code and its text. One table for
// every status: a code means the same at HTTP 200 and at HTTP 400.
void classify(CallKind kind, int status, const ErrorEnvelope& envelope, Verdict& verdict) {
  Error& error = verdict.error;
  const bool submit = kind == CallKind::Submit;
  const std::string& text = envelope.message;
  const int code = envelope.has_code ? envelope.code : 0;
  verdict.retry = Retry::No;
  if (status == 401) {
    error.kind = is_quota(text) ? ErrorKind::QuotaExhausted : ErrorKind::Authentication;
  } else if (status == 403) {
    error.kind = ErrorKind::PermissionDenied;
  } else if (code == 24) {
    error.kind = ErrorKind::BannedPrompt;
  } else if (code == 23 || code == 9) {
    // Queue full (novicezk says 23, trueai 9): nothing was created. Not retried here: a moment
    // later the queue is as full; pacing is the caller's (see JobRunner).
    error.kind = ErrorKind::RateLimited;
  } else if (status == 429 || code == 30) {
    error.kind = ErrorKind::RateLimited;  // refused before anything was created
    verdict.retry = Retry::Safe;
  } else if (is_task_not_found(text)) {
    error.kind = ErrorKind::NotFound;
  } else if (status == 404) {
    // For a read: no such task. For a submit: the upstream does not offer the endpoint, or the
    // parent task is gone; either way nothing was created.
    error.kind = submit ? ErrorKind::ApiRefused : ErrorKind::NotFound;
  } else if (contains(text, "unknown_action")) {
    error.kind = ErrorKind::ApiRefused;  // a customId the gateway cannot route
  } else if (contains(text, "new_api_panic") && submit) {
    error.kind = ErrorKind::ApiRefused;  // the gateway failed on the request before forwarding it
  } else if (code == 5 && status < 500) {
    // The gateway could not reach its upstream, or reached it and could not read the answer
    // (do_request_failed, read_/unmarshal_response_body_failed, empty_response_body ...): for a
    // submit the job may exist upstream.
    error.kind = ErrorKind::Server;
    error.maybe_submitted = submit;
    verdict.retry = Retry::Ambiguous;
  } else if (status == 408) {
    error.kind = ErrorKind::Timeout;
    error.maybe_submitted = submit;
    verdict.retry = Retry::Ambiguous;
  } else if (status >= 500) {
    error.kind = ErrorKind::Server;
    error.maybe_submitted = submit;
    verdict.retry = Retry::Ambiguous;
  } else {
    error.kind = ErrorKind::ApiRefused;
  }
}

Verdict refusal(CallKind kind, const HttpResponse& response, const ErrorEnvelope& envelope,
                std::chrono::system_clock::time_point now) {
  Verdict verdict;
  Error& error = verdict.error;
  error.http_status = response.status;
  error.body = body_excerpt(response.body);
  error.api_code = envelope.code;
  error.api_type = envelope.type;
  error.message = envelope.message;
  if (error.message.empty()) {
    if (response.status / 100 == 2 && envelope.has_code) {
      error.message = "refused with code " + std::to_string(envelope.code);
    } else {
      error.message = "HTTP " + std::to_string(response.status);
      if (!envelope.recognised && !response.body.empty()) {
        error.message += ": " + body_excerpt(response.body).substr(0, 200);
      } else if (response.body.empty() && response.status == 429) {
        error.message += ": rate limited by the gateway";
      }
    }
  }
  classify(kind, response.status, envelope, verdict);
  if (error.kind == ErrorKind::BannedPrompt && !envelope.banned_word.empty()) {
    error.message += " (banned word: " + envelope.banned_word + ")";
  }
  if (error.kind == ErrorKind::QuotaExhausted) {
    error.message += " (the key is valid but its quota is used up: top up the account)";
  }
  error.retry_after = retry_after_from(response, now);
  return verdict;
}

}  // namespace

bool is_transient(const Error& error) {
  switch (error.kind) {
    case ErrorKind::Connection:
    case ErrorKind::Timeout:
    case ErrorKind::RateLimited:
    case ErrorKind::Server:
      return true;
    case ErrorKind::ResponseInvalid:
      return !(error.http_status / 100 == 2 && body_is_html(error.body));
    default:
      return false;
  }
}

std::string body_excerpt(const std::string& body) {
  constexpr std::size_t kMax = 1024;
  if (body.size() <= kMax) return body;
  std::size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) --end;
  return body.substr(0, end);
}

Verdict judge_answer(CallKind kind, const HttpResponse& response, const std::string& url,
                     std::chrono::system_clock::time_point now) {
  const bool success = response.status >= 200 && response.status < 300;
  if (success && is_html(response)) {
    Verdict verdict;
    verdict.error.kind = ErrorKind::ResponseInvalid;
    verdict.error.http_status = response.status;
    verdict.error.body = body_excerpt(response.body);
    verdict.error.message = "the service answered " + url +
                            " with an HTML page, not the API's JSON: check the base URL "
                            "(ClientOptions::base_url / COMETAPI_BASE_URL) and that this "
                            "gateway offers the endpoint";
    return verdict;
  }
  if (success && kind == CallKind::Read) {
    Verdict verdict;
    verdict.ok = true;
    return verdict;
  }
  const ErrorEnvelope envelope = decode_error_envelope(response.body);
  if (success) {
    const bool accepted = envelope.has_code && !envelope.success_false &&
                          (envelope.code == 1 || envelope.code == 21 || envelope.code == 22);
    if (accepted) {
      Verdict verdict;
      verdict.ok = true;
      return verdict;
    }
    if (!envelope.has_code && !envelope.success_false) {
      // A 2xx we cannot read: the service may have created the job.
      Verdict verdict;
      verdict.error.kind = ErrorKind::ResponseInvalid;
      verdict.error.http_status = response.status;
      verdict.error.body = body_excerpt(response.body);
      verdict.error.message = envelope.json           ? "submit answer has no 'code'"
                              : response.body.empty() ? "empty response body"
                                                      : "response is not valid JSON";
      verdict.error.maybe_submitted = kind == CallKind::Submit;
      return verdict;
    }
  }
  return refusal(kind, response, envelope, now);
}

Verdict judge_failure(CallKind kind, const TransportError& failure) {
  Verdict verdict;
  Error& error = verdict.error;
  const bool submit = kind == CallKind::Submit;
  error.message = failure.message;
  switch (failure.failure) {
    case TransportFailure::NotSent:
      error.kind = ErrorKind::Connection;
      verdict.retry = Retry::Safe;
      break;
    case TransportFailure::Timeout:
      error.kind = ErrorKind::Timeout;
      error.maybe_submitted = submit && failure.request_sent;
      verdict.retry = failure.request_sent ? Retry::Ambiguous : Retry::Safe;
      break;
    case TransportFailure::Dropped:
      error.kind = ErrorKind::Connection;
      error.maybe_submitted = submit;
      verdict.retry = Retry::Ambiguous;
      break;
    case TransportFailure::TooLarge:
      error.kind = ErrorKind::ResponseInvalid;
      error.maybe_submitted = submit;
      break;
    case TransportFailure::Cancelled:
      error.kind = ErrorKind::Cancelled;
      error.maybe_submitted = submit && failure.request_sent;
      break;
    case TransportFailure::Other:
      error.kind = ErrorKind::Connection;
      break;
  }
  return verdict;
}

Error error_for_unexpected_body(CallKind kind, const HttpResponse& response, Error decoder_error) {
  const ErrorEnvelope envelope = decode_error_envelope(response.body);
  if (envelope.null && kind == CallKind::Read) {
    // Some upstreams answer an unknown id with 200 and no task at all.
    Error error;
    error.kind = ErrorKind::NotFound;
    error.http_status = response.status;
    error.message = "the service returned no task";
    return error;
  }
  const bool refusal_shape =
      envelope.success_false || (envelope.has_code && envelope.code != 1 && envelope.code != 0);
  if (envelope.recognised && refusal_shape)
    return refusal(kind, response, envelope, std::chrono::system_clock::now()).error;
  decoder_error.http_status = response.status;
  if (decoder_error.body.empty()) decoder_error.body = body_excerpt(response.body);
  // A 2xx we cannot read: for a submit the service may have created the job.
  if (kind == CallKind::Submit) decoder_error.maybe_submitted = true;
  return decoder_error;
}

}  // namespace cometapi::detail
