#include "cometapi/waiting.hpp"

#include <algorithm>
#include <thread>

#include "cometapi/buttons.hpp"

namespace cometapi {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

Error make_error(ErrorKind kind, std::string message) {
  Error error;
  error.kind = kind;
  error.message = std::move(message);
  return error;
}

// Errors a later poll may not see again: keep polling until the deadline.
bool transient(const Error& error) {
  switch (error.kind) {
    case ErrorKind::Connection:
    case ErrorKind::Timeout:
    case ErrorKind::RateLimited:
    case ErrorKind::Server:
    case ErrorKind::ResponseInvalid:
      return true;
    default:
      return false;
  }
}

std::string button_list(const Task& task) {
  if (task.buttons.empty()) return "it has no buttons";
  std::string names;
  for (const Button& button : task.buttons) {
    if (!names.empty()) names += ", ";
    names += button_name(button);
  }
  return "it has: " + names;
}

}  // namespace

TaskPoller::TaskPoller(CometClient client, WaitOptions defaults)
    : client_(std::move(client)), defaults_(std::move(defaults)) {}

Result<std::string> TaskPoller::current_custom_id(std::string_view task_id,
                                                  std::string_view button) const {
  auto task = client_.fetch_task(task_id);
  if (!task) return std::move(task).error();
  auto found = find_button(*task, button);
  if (!found) {
    return make_error(ErrorKind::NotFound, "task " + task->id + " has no button '" +
                                               std::string(button) + "'; " + button_list(*task));
  }
  if (found->custom_id.empty()) {
    return make_error(ErrorKind::ResponseInvalid,
                      "button '" + std::string(button) + "' has an empty customId");
  }
  return found->custom_id;
}

Result<Task> TaskPoller::wait(std::string_view task_id) const { return wait(task_id, defaults_); }

Result<Task> TaskPoller::wait(std::string_view task_id, const WaitOptions& options) const {
  const auto now = [&options] { return options.clock ? options.clock() : Clock::now(); };
  // Returns false when the sleep was cut short by cancellation.
  const auto sleep = [&options](milliseconds duration) {
    if (duration.count() <= 0) return true;
    if (options.sleeper) {
      options.sleeper(duration);
      return !(options.cancel && options.cancel->cancelled());
    }
    if (options.cancel) return !options.cancel->sleep_for(duration);
    std::this_thread::sleep_for(duration);
    return true;
  };
  const auto cancelled = [&options] { return options.cancel && options.cancel->cancelled(); };
  const std::string id(task_id);

  const Clock::time_point start = now();
  const Clock::time_point deadline = start + options.timeout;
  Clock::time_point last_change = start;
  std::optional<std::pair<TaskStatus, int>> last_seen;
  std::optional<Error> last_error;
  milliseconds interval = options.first_poll;
  milliseconds next_delay = options.first_poll;

  while (true) {
    if (cancelled()) return make_error(ErrorKind::Cancelled, "wait for task " + id + " cancelled");
    const Clock::time_point before_sleep = now();
    if (before_sleep >= deadline) {
      std::string message = "task " + id + " did not finish within " +
                            std::to_string(options.timeout.count()) + " ms";
      if (last_seen)
        message += std::string(" (last status ") + to_string(last_seen->first) +
                   (last_seen->first == TaskStatus::NotSynced ? "\"\"" : "") + ", " +
                   std::to_string(last_seen->second) + "%)";
      if (last_error) message += "; last error: " + last_error->to_string();
      return make_error(ErrorKind::DeadlineExceeded, std::move(message));
    }
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - before_sleep);
    if (!sleep(std::min(next_delay, remaining))) {
      return make_error(ErrorKind::Cancelled, "wait for task " + id + " cancelled");
    }
    if (cancelled()) return make_error(ErrorKind::Cancelled, "wait for task " + id + " cancelled");
    // Even when the sleep ran into the deadline, one last fetch may find the task finished.

    interval =
        std::min(options.max_interval,
                 milliseconds(static_cast<long long>(static_cast<double>(interval.count()) *
                                                     std::max(1.0, options.backoff_factor))));
    next_delay = interval;

    auto fetched = client_.fetch_task(id);
    if (!fetched) {
      if (!transient(fetched.error())) return std::move(fetched).error();
      last_error = fetched.error();
      continue;
    }
    last_error.reset();
    Task& task = *fetched;
    if (options.on_progress) options.on_progress(task);

    switch (task.status) {
      case TaskStatus::Success:
      case TaskStatus::Modal:
        return std::move(task);
      case TaskStatus::Failure:
      case TaskStatus::Cancel: {
        Error error = make_error(ErrorKind::TaskFailed,
                                 task.fail_reason.empty()
                                     ? "task " + id + " ended with status " + task.status_text
                                     : task.fail_reason);
        error.api_type = task.status_text;
        return error;
      }
      default:
        break;
    }
    const std::pair<TaskStatus, int> seen{task.status, task.progress};
    const Clock::time_point fetched_at = now();
    if (!last_seen || *last_seen != seen) {
      last_seen = seen;
      last_change = fetched_at;
    } else if (fetched_at - last_change >= options.stall_timeout) {
      return make_error(
          ErrorKind::Stalled,
          "task " + id + " made no progress for " +
              std::to_string(
                  std::chrono::duration_cast<milliseconds>(fetched_at - last_change).count()) +
              " ms (status " + task.status_text + ", " + std::to_string(task.progress) + "%)");
    }
  }
}

Result<Task> TaskPoller::press(std::string_view task_id, std::string_view button) const {
  auto custom_id = current_custom_id(task_id, button);
  if (!custom_id) return std::move(custom_id).error();
  ActionRequest request;
  request.task_id = std::string(task_id);
  request.custom_id = std::move(custom_id).value();
  auto submitted = client_.submit_action(request);
  if (!submitted) return std::move(submitted).error();
  return wait(submitted->result);
}

}  // namespace cometapi
