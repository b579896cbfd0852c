// Keeping the key out of every text the SDK hands back or traces.
#pragma once

#include <string>

namespace cometapi::detail {

/// Replaces every occurrence of `secret` in `text` with "[REDACTED]".
inline std::string redact_secret(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "[REDACTED]");
  }
  return text;
}

}  // namespace cometapi::detail
