// What the poller's files share.
#pragma once

#include <string_view>

#include "cometapi/waiting.hpp"
#include "waiting/rules.hpp"

namespace cometapi::detail {

/// The wait behind TaskPoller::wait, with what MODAL means for this waiter.
Result<Task> wait_for(const CometClient& client, std::string_view task_id,
                      const WaitOptions& options, ModalIs modal);

}  // namespace cometapi::detail
