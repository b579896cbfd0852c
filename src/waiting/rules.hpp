// The waiting layer's rules, shared by TaskPoller, TaskWatcher (and through them the tool and the
// job runner): what a fetched task means for its waiter, and the errors a wait ends with.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "cometapi/models.hpp"
#include "cometapi/result.hpp"

namespace cometapi::detail {

/// What MODAL means for this waiter. A task whose button opened a modal rests in MODAL until
/// someone submits the modal: for a plain wait that is an end (the caller must act). After the
/// waiter's own modal submit the gateway keeps showing MODAL for a while (same id, the old row,
/// until its next sync), so there MODAL is not an end.
enum class ModalIs { End, Passing };

/// nullopt while the task is still running; else how the wait ends: the task (SUCCESS, or MODAL
/// when ModalIs::End) or TaskFailed (FAILURE, CANCEL) naming the task and its fail reason.
std::optional<Result<Task>> task_outcome(const Task& task, ModalIs modal);

/// "task <id> did not finish within <n> ms", with what was last seen, as DeadlineExceeded.
Error wait_deadline_error(const std::string& task_id, std::chrono::milliseconds timeout,
                          const std::string& last_seen);
/// "task <id> made no progress for <n> ms (...)" as Stalled.
Error stalled_error(const std::string& task_id, std::chrono::milliseconds for_how_long,
                    const Task& task);
/// "wait for task <id> cancelled" as Cancelled.
Error wait_cancelled_error(const std::string& task_id);

/// "STATUS, N%" of a task, for messages ("not synced yet" for the empty status).
std::string status_summary(TaskStatus status, const std::string& status_text, int progress);

}  // namespace cometapi::detail
