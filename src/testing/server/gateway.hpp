// The parts of the CometAPI gateway that sit in front of the Midjourney model: key handling, the
// speed-mode path prefixes, and the faults it (or what is behind it) produces.
#pragma once

#include <chrono>
#include <string>

#include "cometapi/testing/fake_server.hpp"
#include "sim/task.hpp"

namespace cometapi::testing::detail {

struct Route {
  std::string mode;  // "", "fast", "relax", "turbo"
  std::string path;  // without the mode prefix
};

// The gateway strips /mj-fast, /mj-relax and /mj-turbo before routing.
Route split_mode(const std::string& path);

// The key the gateway looks up, from the Authorization and mj-api-secret headers: "Bearer "
// dropped, mj-api-secret used when Authorization is empty or "midjourney-proxy", then a leading
// "sk-" and anything from the next '-' on removed. "" when no key was sent.
std::string request_key(const std::string& authorization, const std::string& mj_api_secret);
// The same normalization for a configured key.
std::string normalize_key(const std::string& key);

Reply unauthorized(bool key_missing, int request_id);
// The answer for a fault applied instead of handling the request (see applied_before_handling).
Reply fault_instead(FaultKind fault, const Call& call, std::chrono::seconds retry_after);
// Replaces or damages `reply` for a fault applied after the handler ran. Other kinds leave it.
void apply_fault(FaultKind fault, Reply& reply, int request_id, std::chrono::seconds retry_after);

}  // namespace cometapi::testing::detail
