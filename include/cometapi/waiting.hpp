// TaskPoller: wait for tasks and press their buttons by name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cometapi/buttons.hpp"
#include "cometapi/client.hpp"
#include "cometapi/models.hpp"
#include "cometapi/options.hpp"
#include "cometapi/result.hpp"

namespace cometapi {

/// Extra choices for the button-pressing helpers.
struct PressOptions {
  /// Prompt for a remix: when the new task goes MODAL, it is sent through submit_modal.
  std::optional<std::string> remix_prompt;
  /// Ask for remix even when the account does not have it on (the new task goes MODAL).
  bool enable_remix = false;
  /// Your `state` for the new task.
  std::optional<std::string> state;
  /// Overrides the poller's WaitOptions for this call.
  std::optional<WaitOptions> wait;
};

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

  /// Presses `button` (label, emoji or derived name) on a finished task: fetches it, finds the
  /// button, submits the action with its current customId, and waits for the new task.
  /// When the new task goes MODAL (remix on, or enable_remix set) and `options.remix_prompt` is
  /// set, it continues through submit_modal with that prompt and waits again; without a prompt the
  /// MODAL task is returned. Vary (Region) and Custom Zoom need vary_region() / custom_zoom()
  /// instead.
  Result<Task> press(std::string_view task_id, std::string_view button,
                     const PressOptions& options = {}) const;

  /// U1-U4 on a grid (index 1-4).
  Result<Task> upscale(std::string_view task_id, int index, const PressOptions& options = {}) const;
  /// V1-V4 on a grid (index 1-4).
  Result<Task> variation(std::string_view task_id, int index,
                         const PressOptions& options = {}) const;
  /// Vary (Subtle) or, with strong, Vary (Strong) on an upscaled image.
  Result<Task> vary(std::string_view task_id, bool strong = false,
                    const PressOptions& options = {}) const;
  /// 🔄 on a grid.
  Result<Task> reroll(std::string_view task_id, const PressOptions& options = {}) const;
  /// Zoom Out 2x or 1.5x on an upscaled image.
  Result<Task> zoom_out(std::string_view task_id, double factor,
                        const PressOptions& options = {}) const;
  /// One of the four pans on an upscaled image.
  Result<Task> pan(std::string_view task_id, PanDirection direction,
                   const PressOptions& options = {}) const;

  /// Vary (Region) as one call: presses the button, waits for MODAL, submits the modal with the
  /// mask (a PNG data URI, white = repaint) and prompt, and waits for the result.
  Result<Task> vary_region(std::string_view task_id, std::string mask_data_uri,
                           std::string prompt) const;
  /// Custom Zoom as one call: presses the button, waits for MODAL, submits the modal with
  /// "<prompt> --zoom <factor>" (the task's own prompt when `prompt` is empty; factor 1.0 to 2.0),
  /// and waits for the result.
  Result<Task> custom_zoom(std::string_view task_id, double factor, std::string prompt = {}) const;

  /// Continues a task waiting in MODAL (request.task_id = the MODAL task) and waits for it.
  Result<Task> complete_modal(const ModalRequest& request) const;

  const CometClient& client() const noexcept { return client_; }
  const WaitOptions& defaults() const noexcept { return defaults_; }

 private:
  CometClient client_;
  WaitOptions defaults_;
};

}  // namespace cometapi
