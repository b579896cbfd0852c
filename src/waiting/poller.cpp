// TaskPoller::wait: one task, polled on its schedule (waiting/schedule.hpp) until it ends.
#include <algorithm>

#include "api/answer.hpp"
#include "cometapi/waiting.hpp"
#include "core/error_support.hpp"
#include "core/validate.hpp"
#include "waiting/poller_internal.hpp"
#include "waiting/rules.hpp"
#include "waiting/schedule.hpp"

namespace cometapi {

TaskPoller::TaskPoller(CometClient client, WaitOptions defaults)
    : client_(std::move(client)), defaults_(std::move(defaults)) {}

Result<Task> TaskPoller::wait(std::string_view task_id) const { return wait(task_id, defaults_); }

Result<Task> TaskPoller::wait(std::string_view task_id, const WaitOptions& options) const {
  return detail::wait_for(client_, task_id, options);
}

namespace detail {

using std::chrono::milliseconds;

Result<Task> wait_for(const CometClient& client, std::string_view task_id,
                      const WaitOptions& options) {
  const ModalIs modal = options.modal_ends_wait ? ModalIs::End : ModalIs::Passing;
  const Clock& clock = client.clock();
  const std::string id(task_id);
  if (auto e = validate_task_id(id)) return *e;
  const CancellationToken* cancel = options.cancel ? &*options.cancel : nullptr;

  const Clock::time_point start = clock.now();
  const Clock::time_point deadline = start + options.timeout;
  CallOptions call;
  call.cancel = options.cancel;
  call.deadline = deadline;
  Clock::time_point last_change = start;
  std::optional<std::pair<TaskStatus, int>> last_seen;
  std::string last_seen_text;
  std::optional<Error> last_error;
  int failures = 0;
  std::optional<Clock::time_point> last_answer;
  PollPlanner planner(
      options.schedule == PollSchedule::Learned ? sync_estimator_of(client) : nullptr,
      {options.first_poll, options.backoff_factor, options.max_interval, options.max_interval});
  milliseconds next_delay = planner.next_delay(start);

  const auto deadline_error = [&] {
    std::string seen = last_seen_text.empty() ? "" : "last status " + last_seen_text;
    if (last_error) seen += (seen.empty() ? "" : "; ") + ("last error: " + last_error->to_string());
    return wait_deadline_error(id, options.timeout, seen);
  };

  while (true) {
    if (cancel && cancel->cancelled()) return wait_cancelled_error(id);
    const Clock::time_point before_sleep = clock.now();
    if (before_sleep >= deadline) return deadline_error();
    const Clock::time_point wake = std::min(before_sleep + next_delay, deadline);
    if (!clock.sleep_until(wake, cancel)) return wait_cancelled_error(id);

    auto fetched = client.fetch_task(id, call);
    if (!fetched) {
      Error error = std::move(fetched).error();
      if (error.kind == ErrorKind::Cancelled) return wait_cancelled_error(id);
      if (error.kind == ErrorKind::DeadlineExceeded) return deadline_error();
      if (!is_transient(error)) {
        error.task_id = id;
        return error;
      }
      ++failures;
      if (options.on_retry) options.on_retry(error, failures);
      last_error = std::move(error);
      if (clock.now() >= deadline) return deadline_error();
      planner.failed();
      next_delay = planner.next_delay(clock.now());
      continue;
    }
    failures = 0;
    last_error.reset();
    Task& task = *fetched;
    const std::pair<TaskStatus, int> seen{task.status, task.progress};
    // What the schedule learns from, the end included: a change since the last answer.
    const Clock::time_point answered_at = clock.now();
    planner.answered(answered_at, last_seen && *last_seen != seen, last_answer,
                     task.status == TaskStatus::InProgress);
    last_answer = answered_at;
    if (options.on_progress) options.on_progress(task);
    if (auto outcome = task_outcome(task, modal)) return std::move(*outcome);

    last_seen_text = status_summary(task.status, task.status_text, task.progress);
    const Clock::time_point fetched_at = clock.now();
    if (!last_seen || *last_seen != seen) {
      last_seen = seen;
      last_change = fetched_at;
    } else if (fetched_at - last_change >= options.stall_timeout) {
      return stalled_error(id, std::chrono::duration_cast<milliseconds>(fetched_at - last_change),
                           task);
    }
    if (fetched_at >= deadline) return deadline_error();
    next_delay = planner.next_delay(fetched_at);
  }
}

}  // namespace detail

}  // namespace cometapi
