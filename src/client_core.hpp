// What CometClient copies share.
#pragma once

#include <optional>

#include "cometapi/client.hpp"
#include "sender.hpp"

namespace cometapi::detail {

struct ClientCore {
  ClientCore(ClientOptions options, std::shared_ptr<HttpTransport> transport)
      : sender(std::move(options), std::move(transport)) {}
  Sender sender;
  std::optional<Error> config_error;  // reported by every call when the options are invalid
};

/// Checks a task id before it goes into a URL path: 1-64 of [A-Za-z0-9_-].
std::optional<Error> validate_task_id(std::string_view task_id, const char* field = "task id");
/// Checks a data URI: "data:<mime>;base64,<base64>".
std::optional<Error> validate_data_uri(std::string_view text, const std::string& field);

}  // namespace cometapi::detail
