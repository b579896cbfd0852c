// What CometClient copies share, and the two request shapes every endpoint is built from.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/sender.hpp"
#include "cometapi/client.hpp"
#include "core/validate.hpp"

namespace cometapi::detail {

// The waiting layer's record of the gateway's passes (src/waiting/sync_estimator.hpp): the client
// only keeps it, so that every waiter on the client and its copies shares one.
class SyncEstimator;

struct ClientCore {
  ClientCore(ClientOptions options, std::shared_ptr<HttpTransport> transport,
             std::shared_ptr<const Clock> clock)
      : sender(std::move(options), std::move(transport), std::move(clock)) {
    limits.max_image_bytes = sender.options().max_image_bytes;
  }
  Sender sender;
  Limits limits;
  std::optional<Error> config_error;    // reported by every call when the client cannot work
  std::mutex sync_mutex;                // guards sync
  std::shared_ptr<SyncEstimator> sync;  // made by the first waiter that asks
};

// The waiting layer's way to what copies of a client share.
struct ClientAccess {
  static ClientCore& core(const CometClient& client) { return *client.core_; }
};

/// POSTs a submit body and reads the task id from the answer.
Result<SubmitResult> submit(const ClientCore& core, const char* path, Result<std::string> body,
                            const CallOptions& call_options);

}  // namespace cometapi::detail
