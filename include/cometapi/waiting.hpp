// TaskPoller: wait for tasks and press their buttons by name.
#pragma once

#include <string>
#include <string_view>

#include "cometapi/client.hpp"
#include "cometapi/models.hpp"
#include "cometapi/options.hpp"
#include "cometapi/result.hpp"

namespace cometapi {

/// Polls tasks through a CometClient. Thread-safe (it holds only a client copy and options).
class TaskPoller {
 public:
  explicit TaskPoller(CometClient client, WaitOptions defaults = {});

  /// Fetches the task afresh and returns the customId its latest buttons carry for `button`
  /// (a label, emoji or derived name, see find_button). Fails with NotFound when the task has no
  /// such button (the message lists the buttons it has), or with the fetch's error.
  Result<std::string> current_custom_id(std::string_view task_id, std::string_view button) const;

  /// Polls until the task is SUCCESS (returned), MODAL (returned: the caller must submit_modal),
  /// or fails: TaskFailed on FAILURE or CANCEL (message = the fail reason), DeadlineExceeded,
  /// Stalled, Cancelled, or a non-transient fetch error (NotFound, Authentication ...). Transient
  /// fetch errors (connection, timeout, 5xx, 429, malformed answer) are retried until the deadline.
  Result<Task> wait(std::string_view task_id) const;
  Result<Task> wait(std::string_view task_id, const WaitOptions& options) const;

  /// Presses `button` on a finished task: fetches it, finds the button, submits the action with
  /// its current customId, and waits for the new task. Returns the new task (SUCCESS or MODAL).
  Result<Task> press(std::string_view task_id, std::string_view button) const;

  const CometClient& client() const noexcept { return client_; }
  const WaitOptions& defaults() const noexcept { return defaults_; }

 private:
  CometClient client_;
  WaitOptions defaults_;
};

}  // namespace cometapi
