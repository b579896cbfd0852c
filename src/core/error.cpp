#include "cometapi/error.hpp"

#include <ostream>

namespace cometapi {

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::Connection:
      return "Connection";
    case ErrorKind::Timeout:
      return "Timeout";
    case ErrorKind::InvalidArgument:
      return "InvalidArgument";
    case ErrorKind::Authentication:
      return "Authentication";
    case ErrorKind::QuotaExhausted:
      return "QuotaExhausted";
    case ErrorKind::PermissionDenied:
      return "PermissionDenied";
    case ErrorKind::NotFound:
      return "NotFound";
    case ErrorKind::RateLimited:
      return "RateLimited";
    case ErrorKind::Server:
      return "Server";
    case ErrorKind::ApiRefused:
      return "ApiRefused";
    case ErrorKind::BannedPrompt:
      return "BannedPrompt";
    case ErrorKind::TaskFailed:
      return "TaskFailed";
    case ErrorKind::ResponseInvalid:
      return "ResponseInvalid";
    case ErrorKind::Cancelled:
      return "Cancelled";
    case ErrorKind::DeadlineExceeded:
      return "DeadlineExceeded";
    case ErrorKind::Stalled:
      return "Stalled";
    case ErrorKind::LocalFile:
      return "LocalFile";
  }
  return "Unknown";
}

std::ostream& operator<<(std::ostream& out, ErrorKind kind) { return out << to_string(kind); }

std::string Error::to_string() const {
  std::string line = cometapi::to_string(kind);
  line += ":";
  if (http_status != 0) line += " HTTP " + std::to_string(http_status);
  if (!method.empty()) line += " " + method;
  if (!path.empty()) line += " " + path;
  line += (line.back() == ':' ? " " : ": ");
  std::string text = message.empty() ? std::string("(no message)") : message;
  // One line: fold any newline the service put into its message.
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  line += text;
  std::string details;
  auto add = [&details](const std::string& part) {
    details += details.empty() ? part : ", " + part;
  };
  if (api_code != 0) add("code " + std::to_string(api_code));
  if (!api_type.empty()) add("type " + api_type);
  if (attempts > 1) add(std::to_string(attempts) + " attempts");
  if (retry_after) add("retry after " + std::to_string(retry_after->count()) + " ms");
  if (!task_id.empty()) add("task " + task_id);
  if (maybe_submitted) add("the job may have been created: check before submitting again");
  if (!details.empty()) line += " (" + details + ")";
  return line;
}

Exception::Exception(Error error)
    : std::runtime_error(error.to_string()), error_(std::move(error)) {}

}  // namespace cometapi
