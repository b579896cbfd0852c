#include "waiting/rules.hpp"

#include "core/error_support.hpp"

namespace cometapi::detail {

std::optional<Result<Task>> task_outcome(const Task& task, ModalIs modal) {
  switch (task.status) {
    case TaskStatus::Success:
      return Result<Task>(task);
    case TaskStatus::Modal:
      if (modal == ModalIs::End) return Result<Task>(task);
      return std::nullopt;
    case TaskStatus::Failure:
    case TaskStatus::Cancel: {
      Error error = make_error(ErrorKind::TaskFailed,
                               task.fail_reason.empty()
                                   ? "task " + task.id + " ended with status " + task.status_text
                                   : task.fail_reason);
      error.api_type = task.status_text;
      error.task_id = task.id;
      return Result<Task>(std::move(error));
    }
    default:
      return std::nullopt;
  }
}

std::string status_summary(TaskStatus status, const std::string& status_text, int progress) {
  const std::string name =
      status == TaskStatus::NotSynced ? std::string("not synced yet") : status_text;
  return name + ", " + std::to_string(progress) + "%";
}

Error wait_deadline_error(const std::string& task_id, std::chrono::milliseconds timeout,
                          const std::string& last_seen) {
  std::string message =
      "task " + task_id + " did not finish within " + std::to_string(timeout.count()) + " ms";
  if (!last_seen.empty()) message += " (" + last_seen + ")";
  Error error = make_error(ErrorKind::DeadlineExceeded, std::move(message));
  error.task_id = task_id;
  return error;
}

Error stalled_error(const std::string& task_id, std::chrono::milliseconds for_how_long,
                    const Task& task) {
  Error error = make_error(ErrorKind::Stalled,
                           "task " + task_id + " made no progress for " +
                               std::to_string(for_how_long.count()) + " ms (status " +
                               status_summary(task.status, task.status_text, task.progress) + ")");
  error.task_id = task_id;
  return error;
}

Error wait_cancelled_error(const std::string& task_id) {
  Error error = make_error(ErrorKind::Cancelled, "wait for task " + task_id + " cancelled");
  error.task_id = task_id;
  return error;
}

}  // namespace cometapi::detail
