/// \file
/// Waiting: TaskPoller waits for one task and presses its buttons by name; TaskWatcher watches
/// many tasks with list-by-condition.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  /// `strong`: V1-V4 as a strong variation (some upstreams).
  bool strong = false;
  /// Called with each new task's id as soon as it is known (the action's task; a modal submit
  /// that answers with another id, that one too), before any waiting: the task may cost money, so
  /// record it. Runs on the calling thread.
  std::function<void(const std::string& task_id)> on_submitted;
};

/// What a task's current state means for someone waiting on it: std::nullopt while it runs; the
/// task when it is SUCCESS, or MODAL when `modal_is_end` (after your own modal submit pass false:
/// the gateway keeps showing MODAL for a while); TaskFailed naming the task (Error::task_id) and
/// its fail reason on FAILURE or CANCEL. The one rule TaskPoller, TaskWatcher and cometmj share.
std::optional<Result<Task>> task_outcome(const Task& task, bool modal_is_end = true);

/// Polls tasks through a CometClient. Thread-safe (it holds only a client copy and options).
class TaskPoller {
 public:
  /// A poller over `client` (a cheap copy sharing its connections) that waits with `defaults`
  /// unless a call passes other WaitOptions.
  explicit TaskPoller(CometClient client, WaitOptions defaults = {});

  /// Fetches the task afresh and returns the customId its latest buttons carry for `button`
  /// (a label, emoji or derived name, see find_button). Fails with NotFound when the task has no
  /// such button (the message lists the buttons it has), or with the fetch's error.
  Result<std::string> current_custom_id(std::string_view task_id, std::string_view button) const;

  /// Polls until the task is SUCCESS (returned), MODAL (returned: the caller must submit_modal),
  /// or fails: TaskFailed on FAILURE or CANCEL (message = the fail reason), DeadlineExceeded,
  /// Stalled, Cancelled, or a non-transient fetch error (NotFound, Authentication ...); each names
  /// the task in Error::task_id. Transient fetch errors (connection, timeout, 5xx, 429, malformed
  /// answer) are retried until the deadline, each reported to WaitOptions::on_retry. The wait's
  /// deadline and cancellation reach the HTTP call in flight.
  Result<Task> wait(std::string_view task_id) const;
  /// wait(task_id) with these options instead of the poller's defaults.
  Result<Task> wait(std::string_view task_id, const WaitOptions& options) const;

  /// Presses `button` (label, emoji or derived name) on a finished task without waiting: fetches
  /// it, finds the button, submits the action with its current customId, calls
  /// options.on_submitted, and returns the new task's id. The one place that presses a button.
  /// Fails with NotFound (the message lists the buttons the task has) or the calls' errors.
  Result<std::string> submit_press(std::string_view task_id, std::string_view button,
                                   const PressOptions& options = {}) const;

  /// Presses `button` (label, emoji or derived name) on a finished task: fetches it, finds the
  /// button, submits the action with its current customId, and waits for the new task. When the
  /// wait fails, Error::task_id names the new task (it exists, and may have cost money).
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
  /// mask (a PNG data URI, white = repaint) and prompt, and waits for the result (through the
  /// MODAL the gateway keeps showing for a while after the modal submit). The mask and prompt are
  /// checked before anything is sent: a bad mask costs nothing (InvalidArgument).
  Result<Task> vary_region(std::string_view task_id, std::string mask_data_uri, std::string prompt,
                           const PressOptions& options = {}) const;
  /// Custom Zoom as one call: presses the button, waits for MODAL, submits the modal with
  /// "<prompt> --zoom <factor>" (the task's own prompt when `prompt` is empty; factor 1.0 to 2.0),
  /// and waits for the result.
  Result<Task> custom_zoom(std::string_view task_id, double factor, std::string prompt = {},
                           const PressOptions& options = {}) const;

  /// Continues a task waiting in MODAL (request.task_id = the MODAL task) and waits for its
  /// result, through the MODAL the gateway keeps showing for a while after the modal submit.
  Result<Task> complete_modal(const ModalRequest& request, const PressOptions& options = {}) const;

  /// The client the poller sends through.
  const CometClient& client() const noexcept { return client_; }
  /// The WaitOptions used when a call passes none.
  const WaitOptions& defaults() const noexcept { return defaults_; }

 private:
  CometClient client_;
  WaitOptions defaults_;
};

/// How a TaskWatcher polls. Value type.
struct WatchOptions {
  /// Pause between cycles under PollSchedule::Intervals, and while the learned schedule knows no
  /// passes yet. The gateway syncs about every 15 s, so a few seconds is plenty.
  std::chrono::milliseconds interval{5000};
  /// Ids per list-by-condition request: each cycle costs ceil(pending / chunk_size) requests.
  std::size_t chunk_size = 100;
  /// A task watched longer than this ends with DeadlineExceeded.
  std::chrono::milliseconds timeout{15 * 60 * 1000};
  /// A task whose status and progress do not change for this long ends with Stalled.
  std::chrono::milliseconds stall_timeout{5 * 60 * 1000};
  /// A task missing from this many answers in a row ends with NotFound (list-by-condition drops
  /// unknown and foreign ids silently).
  int missing_cycles = 3;
  /// Called when a task's status or progress changed (from the watching thread).
  std::function<void(const Task&)> on_progress;
  /// Called once per task when watching it ends: the SUCCESS or MODAL task, or the Error
  /// (TaskFailed, DeadlineExceeded, Stalled, NotFound, or a non-transient request error, with
  /// Error::task_id set). Time comes from the client's Clock (ClientOptions::clock).
  std::function<void(const std::string& task_id, const Result<Task>& outcome)> on_done;
  /// Learned (the default): one cycle just after each pass of the gateway, once known; Intervals:
  /// every `interval`.
  PollSchedule schedule = PollSchedule::Learned;
  /// The longest pause the learned schedule makes. Longer than the gateway's usual 15 s, so
  /// that a cycle just after each pass is one cycle per pass even when the passes run a little
  /// slow (at 15 s, a cycle cut short would need a second one just after).
  std::chrono::milliseconds max_interval{20000};
};

/// Watches many tasks with one list-by-condition request per chunk of ids per cycle, instead of
/// one fetch per task. Ids can be added while it runs; pending() gives the ids still watched, to be
/// saved and passed to add() after a restart.
///
/// Thread-safe: add(), pending(), stop() may be called from any thread, including from the
/// callbacks, which run on the thread that drives the cycles (run(), or the one start() made).
class TaskWatcher {
 public:
  /// A watcher over `client` (a cheap copy sharing its connections). Nothing runs until add()
  /// and then poll_once(), run() or start().
  explicit TaskWatcher(CometClient client, WatchOptions options = {});
  /// Stops and joins the background thread, if any. Must not run on that thread (do not destroy
  /// the watcher from its own callback).
  ~TaskWatcher();
  TaskWatcher(const TaskWatcher&) = delete;
  TaskWatcher& operator=(const TaskWatcher&) = delete;

  /// Starts watching these ids (duplicates and ids already watched are ignored). An invalid id
  /// ends at once through on_done with InvalidArgument.
  void add(const std::vector<std::string>& task_ids);
  /// add() of a braced list of ids.
  void add(std::initializer_list<std::string> task_ids);  // so that add({"1", "2"}) is a list
  /// add() of one id.
  void add(const std::string& task_id);
  /// Watches a task whose modal you submitted: MODAL is not its end (the gateway keeps showing
  /// MODAL for a while after the modal submit), only SUCCESS or a failure is.
  void add_after_modal(const std::string& task_id);

  /// One cycle on the calling thread: list every pending id (in chunks), report changes and
  /// ends. Returns the number of ids still pending.
  std::size_t poll_once();
  /// Cycles on the calling thread until nothing is pending or stop() is called.
  void run();
  /// Runs the cycles on a background thread until stop() (it keeps waiting for new ids when
  /// nothing is pending).
  void start();
  /// Stops the cycles (interrupting the pause, however time is injected, and the request in
  /// flight) and joins the background thread. Idempotent.
  void stop();

  /// The ids still watched.
  std::vector<std::string> pending() const;

  /// Counters since construction.
  struct Stats {
    /// Cycles run (poll_once() calls, by you or by run() / start()).
    std::uint64_t cycles = 0;
    std::uint64_t requests = 0;  ///< list-by-condition requests sent
    /// Requests that ended in an Error (transient ones included).
    std::uint64_t failed_requests = 0;
  };
  /// The counters so far.
  Stats stats() const;

  /// The watcher's shared state (opaque; defined in the library).
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace cometapi
