#include "cometapi/waiting.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <thread>

#include "cometapi/buttons.hpp"
#include "cometapi/images.hpp"
#include "error_support.hpp"

namespace cometapi {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string button_list(const Task& task) {
  if (task.buttons.empty()) return "it has no buttons";
  std::string names;
  for (const Button& button : task.buttons) {
    if (!names.empty()) names += ", ";
    names += button_name(button);
  }
  return "it has: " + names;
}

std::string status_hint(const Task& task) {
  if (task.status == TaskStatus::Success) return {};
  return " (the task is " +
         (task.status_text.empty() ? std::string("not synced yet") : task.status_text) +
         "; buttons appear when it is SUCCESS)";
}

// NotFound for a button the task lacks, saying what it has (and why it may have none yet).
Error missing_button(const Task& task, const std::string& what) {
  return detail::make_error(ErrorKind::NotFound, "task " + task.id + " has no button '" + what +
                                                     "'" + status_hint(task) + "; " +
                                                     button_list(task));
}

}  // namespace

TaskPoller::TaskPoller(CometClient client, WaitOptions defaults)
    : client_(std::move(client)), defaults_(std::move(defaults)) {}

Result<std::string> TaskPoller::current_custom_id(std::string_view task_id,
                                                  std::string_view button) const {
  auto task = client_.fetch_task(task_id);
  if (!task) return std::move(task).error();
  auto found = find_button(*task, button);
  if (!found) return missing_button(*task, std::string(button));
  if (found->custom_id.empty()) {
    return detail::make_error(ErrorKind::ResponseInvalid,
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
    if (cancelled())
      return detail::make_error(ErrorKind::Cancelled, "wait for task " + id + " cancelled");
    const Clock::time_point before_sleep = now();
    if (before_sleep >= deadline) {
      std::string message = "task " + id + " did not finish within " +
                            std::to_string(options.timeout.count()) + " ms";
      if (last_seen)
        message += std::string(" (last status ") + to_string(last_seen->first) +
                   (last_seen->first == TaskStatus::NotSynced ? "\"\"" : "") + ", " +
                   std::to_string(last_seen->second) + "%)";
      if (last_error) message += "; last error: " + last_error->to_string();
      return detail::make_error(ErrorKind::DeadlineExceeded, std::move(message));
    }
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - before_sleep);
    if (!sleep(std::min(next_delay, remaining))) {
      return detail::make_error(ErrorKind::Cancelled, "wait for task " + id + " cancelled");
    }
    if (cancelled())
      return detail::make_error(ErrorKind::Cancelled, "wait for task " + id + " cancelled");
    // Even when the sleep ran into the deadline, one last fetch may find the task finished.

    // In doubles, capped before the conversion: any factor the caller sets stays defined.
    const double grown =
        static_cast<double>(interval.count()) *
        std::max(1.0, std::isnan(options.backoff_factor) ? 1.0 : options.backoff_factor);
    interval = milliseconds(
        static_cast<long long>(std::min(grown, static_cast<double>(options.max_interval.count()))));
    next_delay = interval;

    auto fetched = client_.fetch_task(id);
    if (!fetched) {
      if (!detail::is_transient(fetched.error())) return std::move(fetched).error();
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
        Error error = detail::make_error(
            ErrorKind::TaskFailed, task.fail_reason.empty()
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
      return detail::make_error(
          ErrorKind::Stalled,
          "task " + id + " made no progress for " +
              std::to_string(
                  std::chrono::duration_cast<milliseconds>(fetched_at - last_change).count()) +
              " ms (status " + task.status_text + ", " + std::to_string(task.progress) + "%)");
    }
  }
}

namespace {

using Finder = std::function<std::optional<Button>(const Task&)>;

}  // namespace

Result<Task> TaskPoller::complete_modal(const ModalRequest& request) const {
  auto submitted = client_.submit_modal(request);
  if (!submitted) return std::move(submitted).error();
  return wait(submitted->result);
}

// Fetches the task, finds the button with `find`, submits the action with its current customId,
// then waits; a remix MODAL continues through submit_modal when a prompt was given.
static Result<Task> press_found(const TaskPoller& poller, std::string_view task_id,
                                const std::string& what, const Finder& find,
                                const PressOptions& options) {
  const CometClient& client = poller.client();
  auto task = client.fetch_task(task_id);
  if (!task) return std::move(task).error();
  auto button = find(*task);
  if (!button || button->custom_id.empty()) return missing_button(*task, what);
  ActionRequest request;
  request.task_id = std::string(task_id);
  request.custom_id = button->custom_id;
  request.state = options.state;
  if (options.enable_remix) request.enable_remix = true;
  auto submitted = client.submit_action(request);
  if (!submitted) return std::move(submitted).error();
  const WaitOptions& wait_options = options.wait ? *options.wait : poller.defaults();
  auto result = poller.wait(submitted->result, wait_options);
  if (!result || result->status != TaskStatus::Modal || !options.remix_prompt) return result;
  ModalRequest modal;
  modal.task_id = result->id;
  modal.prompt = options.remix_prompt;
  modal.state = options.state;
  auto continued = client.submit_modal(modal);
  if (!continued) return std::move(continued).error();
  return poller.wait(continued->result, wait_options);
}

Result<Task> TaskPoller::press(std::string_view task_id, std::string_view button,
                               const PressOptions& options) const {
  const std::string name(button);
  return press_found(
      *this, task_id, name, [&name](const Task& task) { return find_button(task, name); }, options);
}

static Error bad_index(const char* what, int index) {
  Error error;
  error.kind = ErrorKind::InvalidArgument;
  error.message = std::string(what) + " index must be 1 to 4, got " + std::to_string(index);
  return error;
}

Result<Task> TaskPoller::upscale(std::string_view task_id, int index,
                                 const PressOptions& options) const {
  if (index < 1 || index > 4) return bad_index("upscale", index);
  return press_found(
      *this, task_id, "U" + std::to_string(index),
      [index](const Task& t) { return find_button(t, ButtonKind::Upscale, index); }, options);
}

Result<Task> TaskPoller::variation(std::string_view task_id, int index,
                                   const PressOptions& options) const {
  if (index < 1 || index > 4) return bad_index("variation", index);
  return press_found(
      *this, task_id, "V" + std::to_string(index),
      [index](const Task& t) { return find_button(t, ButtonKind::Variation, index); }, options);
}

Result<Task> TaskPoller::vary(std::string_view task_id, bool strong,
                              const PressOptions& options) const {
  const ButtonKind kind = strong ? ButtonKind::VaryStrong : ButtonKind::VarySubtle;
  return press_found(
      *this, task_id, strong ? "Vary (Strong)" : "Vary (Subtle)",
      [kind](const Task& t) { return find_button(t, kind); }, options);
}

Result<Task> TaskPoller::reroll(std::string_view task_id, const PressOptions& options) const {
  return press_found(
      *this, task_id, "Reroll", [](const Task& t) { return find_button(t, ButtonKind::Reroll); },
      options);
}

Result<Task> TaskPoller::zoom_out(std::string_view task_id, double factor,
                                  const PressOptions& options) const {
  if (factor != 2.0 && factor != 1.5) {
    Error error;
    error.kind = ErrorKind::InvalidArgument;
    error.message = "zoom out factor must be 2 or 1.5 (use custom_zoom for others), got " +
                    std::to_string(factor);
    return error;
  }
  return press_found(
      *this, task_id, factor == 2.0 ? "Zoom Out 2x" : "Zoom Out 1.5x",
      [factor](const Task& t) { return find_button(t, ButtonKind::ZoomOut, 0, factor); }, options);
}

Result<Task> TaskPoller::pan(std::string_view task_id, PanDirection direction,
                             const PressOptions& options) const {
  static const char* const kNames[] = {"Pan Left", "Pan Right", "Pan Up", "Pan Down"};
  return press_found(
      *this, task_id, kNames[static_cast<int>(direction)],
      [direction](const Task& t) { return find_pan(t, direction); }, options);
}

// Presses a button that always opens a modal, and returns the MODAL task's id. The gateway answers
// code 21 once the MODAL task exists; otherwise wait until the task shows MODAL.
static Result<std::string> open_modal(const TaskPoller& poller, std::string_view task_id,
                                      ButtonKind kind, const char* what, Task* parent) {
  const CometClient& client = poller.client();
  auto task = client.fetch_task(task_id);
  if (!task) return std::move(task).error();
  auto button = find_button(*task, kind);
  if (!button) return missing_button(*task, what);
  if (parent) *parent = *task;
  ActionRequest request;
  request.task_id = std::string(task_id);
  request.custom_id = button->custom_id;
  auto submitted = client.submit_action(request);
  if (!submitted) return std::move(submitted).error();
  if (submitted->modal_opened()) return submitted->result;
  auto modal = poller.wait(submitted->result);
  if (!modal) return std::move(modal).error();
  if (modal->status != TaskStatus::Modal) {
    Error error;
    error.kind = ErrorKind::ResponseInvalid;
    error.message = std::string(what) + " on task " + std::string(task_id) +
                    " did not open a modal (task " + modal->id + " is " + modal->status_text + ")";
    return error;
  }
  return modal->id;
}

Result<Task> TaskPoller::vary_region(std::string_view task_id, std::string mask_data_uri,
                                     std::string prompt) const {
  // Check the mask before anything is pressed, so a bad mask costs nothing.
  std::string media_type;
  auto mask = bytes_from_data_uri(mask_data_uri, &media_type);
  if (!mask || mask->empty() || media_type.rfind("image/", 0) != 0) {
    return detail::make_error(
        ErrorKind::InvalidArgument,
        "mask must be an image data URI (\"data:image/png;base64,...\"), white = "
        "repaint");
  }
  auto modal_id = open_modal(*this, task_id, ButtonKind::VaryRegion, "Vary (Region)", nullptr);
  if (!modal_id) return std::move(modal_id).error();
  ModalRequest request;
  request.task_id = *modal_id;
  request.mask_base64 = std::move(mask_data_uri);
  request.prompt = std::move(prompt);
  return complete_modal(request);
}

Result<Task> TaskPoller::custom_zoom(std::string_view task_id, double factor,
                                     std::string prompt) const {
  if (!(factor >= 1.0 && factor <= 2.0)) {
    return detail::make_error(
        ErrorKind::InvalidArgument,
        "custom zoom factor must be between 1.0 and 2.0, got " + std::to_string(factor));
  }
  Task parent;
  auto modal_id = open_modal(*this, task_id, ButtonKind::CustomZoom, "Custom Zoom", &parent);
  if (!modal_id) return std::move(modal_id).error();
  if (prompt.empty()) prompt = parent.prompt;
  char zoom[32];
  std::snprintf(zoom, sizeof zoom, "%g", factor);
  ModalRequest request;
  request.task_id = *modal_id;
  request.prompt = prompt + " --zoom " + zoom;
  return complete_modal(request);
}

}  // namespace cometapi
