// Fuzzes the error codec: detail::decode_error_envelope (the three envelopes of
// docs/service-notes.md) and detail::judge_answer, which maps an answer (status, Retry-After
// headers, body) to success or an Error.
//
// Input: either a JSON body (sent as HTTP 400), or a raw answer
//   "HTTP/1.1 <status>\r\n<name>: <value>\r\n...\r\n\r\n<body>"
// so that the status and the retry-after / retry-after-ms headers are fuzzed too.
//
// Invariants: nothing throws; an envelope is recognised exactly when the body is a JSON object with
// an `error` object or string, or a `description`, `code` or `message`; an unrecognised envelope
// is empty; the Error keeps the status, a message, the envelope's code and type, a body excerpt
// that is a prefix of at most 1 KiB not ending inside a UTF-8 sequence, the kind the status
// dictates, and a non-negative retry_after.
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <limits>

#include "api/answer.hpp"
#include "fuzz_support.hpp"
#include "json/codec.hpp"
#include "json/read.hpp"

namespace {

using cometapi::Error;
using cometapi::ErrorKind;
using cometapi::HttpResponse;
using nlohmann::json;
namespace detail = cometapi::detail;
namespace fuzz = cometapi::fuzz;

int clamped(std::int64_t value) {
  if (value > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
  if (value < std::numeric_limits<int>::min()) return std::numeric_limits<int>::min();
  return static_cast<int>(value);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// "HTTP/1.1 429 ...\r\nretry-after: 3\r\n\r\n{...}" or a bare body (status 400).
HttpResponse read_response(std::string_view input) {
  HttpResponse response;
  response.status = 400;
  if (input.substr(0, 5) != "HTTP/") {
    response.body = std::string(input);
    return response;
  }
  auto next_line = [&input]() {
    const auto end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };
  const std::string_view status_line = next_line();
  const auto space = status_line.find(' ');
  response.status = 0;
  if (space != std::string_view::npos) {
    for (char c : status_line.substr(space + 1, 3)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) break;
      response.status = response.status * 10 + (c - '0');
    }
  }
  while (!input.empty()) {
    const std::string_view line = next_line();
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(trim(line.substr(0, colon)));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    response.headers.emplace_back(std::move(name), std::string(trim(line.substr(colon + 1))));
  }
  response.body = std::string(input);
  return response;
}

detail::ErrorEnvelope check_envelope(std::string_view body) {
  const detail::ErrorEnvelope envelope = detail::decode_error_envelope(body);
  const json parsed = fuzz::parse_json(body);
  if (parsed.is_discarded() || !parsed.is_object()) {
    FUZZ_CHECK(!envelope.recognised);
  } else {
    const auto error = parsed.find("error");
    const bool nested = error != parsed.end() && (error->is_object() || error->is_string());
    FUZZ_CHECK(envelope.recognised == (nested || parsed.contains("description") ||
                                       parsed.contains("code") || parsed.contains("message")));
    if (nested && error->is_string()) {
      FUZZ_CHECK(envelope.message == error->get<std::string>());
      FUZZ_CHECK(envelope.code == 0 && envelope.type.empty());
    } else if (nested) {
      FUZZ_CHECK(envelope.message == detail::json_string(*error, "message"));
      const auto code = error->find("code");
      if (code != error->end() && code->is_number()) {
        FUZZ_CHECK(envelope.code == clamped(detail::json_int64(*error, "code")));
      } else {
        FUZZ_CHECK(envelope.code == 0);
      }
    } else if (envelope.recognised && (parsed.contains("description") || parsed.contains("code"))) {
      FUZZ_CHECK(envelope.code == clamped(detail::json_int64(parsed, "code")));
      FUZZ_CHECK(envelope.type == detail::json_string(parsed, "type"));
    }
  }
  if (!envelope.recognised) {
    FUZZ_CHECK(envelope.message.empty() && envelope.type.empty() && envelope.code == 0);
  }
  return envelope;
}

void check_error_from_response(const HttpResponse& response,
                               const detail::ErrorEnvelope& envelope) {
  const bool success = response.status >= 200 && response.status < 300;
  for (const detail::CallKind kind : {detail::CallKind::Read, detail::CallKind::Submit}) {
    // A fixed "now" (2026-01-01T00:00:00Z) for HTTP-date Retry-After values: the clock must not
    // steer the fuzzer, or two runs from the same seed would explore different paths.
    const detail::Verdict verdict =
        detail::judge_answer(kind, response, "http://127.0.0.1/mj/task/1/fetch",
                             std::chrono::system_clock::from_time_t(std::time_t{1767225600}));
    if (verdict.ok) {
      FUZZ_CHECK(success);
      continue;
    }
    const Error& error = verdict.error;
    FUZZ_CHECK(error.http_status == response.status);
    FUZZ_CHECK(!error.message.empty());
    FUZZ_CHECK(error.body.size() <= 1024);
    FUZZ_CHECK(response.body.compare(0, error.body.size(), error.body) == 0);
    if (response.body.size() <= 1024) {
      FUZZ_CHECK(error.body == response.body);
    } else {
      // Cut before a UTF-8 continuation byte, never inside a sequence.
      FUZZ_CHECK((static_cast<unsigned char>(response.body[error.body.size()]) & 0xC0) != 0x80 ||
                 error.body.empty());
    }
    FUZZ_CHECK(error.body == detail::body_excerpt(response.body));
    if (success) continue;  // a 2xx refusal: the envelope's code decides, checked in unit tests
    if (!envelope.message.empty()) FUZZ_CHECK(error.message.rfind(envelope.message, 0) == 0);
    FUZZ_CHECK(error.api_code == envelope.code);
    FUZZ_CHECK(error.api_type == envelope.type);
    switch (response.status) {
      case 401:
        FUZZ_CHECK(error.kind == ErrorKind::Authentication ||
                   error.kind == ErrorKind::QuotaExhausted);
        break;
      case 403:
        FUZZ_CHECK(error.kind == ErrorKind::PermissionDenied);
        break;
      default:
        FUZZ_CHECK((error.kind == ErrorKind::BannedPrompt) ==
                   (envelope.has_code && envelope.code == 24));
        FUZZ_CHECK(error.kind == ErrorKind::BannedPrompt || error.kind == ErrorKind::RateLimited ||
                   error.kind == ErrorKind::NotFound || error.kind == ErrorKind::ApiRefused ||
                   error.kind == ErrorKind::Server || error.kind == ErrorKind::Timeout);
    }
    if (error.maybe_submitted) FUZZ_CHECK(kind == detail::CallKind::Submit);
    if (error.retry_after) FUZZ_CHECK(error.retry_after->count() >= 0);
    FUZZ_CHECK(!error.to_string().empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  fuzz::no_throw([&] {
    const HttpResponse response = read_response(input);
    const detail::ErrorEnvelope envelope = check_envelope(response.body);
    check_error_from_response(response, envelope);
  });
  return 0;
}
