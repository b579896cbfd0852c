// Pressing buttons: the one place that turns a button name into an action, and the flows built
// on it (a press and its wait, remix, Vary (Region), Custom Zoom).
#include <cstdio>
#include <functional>

#include "cometapi/waiting.hpp"
#include "core/error_support.hpp"
#include "core/validate.hpp"
#include "waiting/poller_internal.hpp"

namespace cometapi {

namespace {

using Finder = std::function<std::optional<Button>(const Task&)>;

std::string button_list(const Task& task) {
  if (task.buttons.empty()) return "it has no buttons";
  std::string names;
  for (const Button& button : task.buttons) {
    if (!names.empty()) names += ", ";
    names += button_name(button);
  }
  return "it has: " + names;
}

// NotFound for a button the task lacks, saying what it has (and why it may have none yet).
Error missing_button(const Task& task, const std::string& what) {
  std::string hint;
  if (task.status != TaskStatus::Success) {
    hint = " (the task is " +
           (task.status_text.empty() ? std::string("not synced yet") : task.status_text) +
           "; buttons appear when it is SUCCESS)";
  }
  Error error =
      detail::make_error(ErrorKind::NotFound, "task " + task.id + " has no button '" + what + "'" +
                                                  hint + "; " + button_list(task));
  error.task_id = task.id;
  return error;
}

// Reports each id the flow learns once (a modal submit may answer with the id already known).
struct Reporter {
  const PressOptions& options;
  std::string last;
  void operator()(const std::string& id) {
    if (id == last) return;
    last = id;
    if (options.on_submitted) options.on_submitted(id);
  }
};

const WaitOptions& wait_options(const TaskPoller& poller, const PressOptions& options) {
  return options.wait ? *options.wait : poller.defaults();
}

CallOptions call_options(const WaitOptions& wait) {
  CallOptions call;
  call.cancel = wait.cancel;
  return call;
}

// Finds the button on a fetched task and submits the action with its current customId.
Result<SubmitResult> press_on(const TaskPoller& poller, const Task& task, const std::string& what,
                              const Finder& find, const PressOptions& options, Reporter& report) {
  auto button = find(task);
  if (!button || button->custom_id.empty()) return missing_button(task, what);
  ActionRequest request;
  request.task_id = task.id;
  request.custom_id = button->custom_id;
  request.state = options.state;
  if (options.enable_remix) request.enable_remix = true;
  auto submitted =
      poller.client().submit_action(request, call_options(wait_options(poller, options)));
  if (submitted) report(submitted->result);
  return submitted;
}

// Fetches the task afresh (customIds change), then press_on.
Result<std::string> press_button(const TaskPoller& poller, std::string_view task_id,
                                 const std::string& what, const Finder& find,
                                 const PressOptions& options, Reporter& report) {
  auto task = poller.client().fetch_task(task_id, call_options(wait_options(poller, options)));
  if (!task) return std::move(task).error();
  auto submitted = press_on(poller, *task, what, find, options, report);
  if (!submitted) return std::move(submitted).error();
  return submitted->result;
}

// Waits for a task the flow created; a failure names it, since it exists and may cost money.
Result<Task> wait_created(const TaskPoller& poller, const std::string& id,
                          const PressOptions& options, detail::ModalIs modal) {
  auto result = detail::wait_for(poller.client(), id, wait_options(poller, options), modal);
  if (!result && result.error().task_id.empty()) {
    Error error = std::move(result).error();
    error.task_id = id;
    return error;
  }
  return result;
}

// Submits the modal of a MODAL task and waits through the MODAL the gateway keeps showing.
Result<Task> submit_modal_and_wait(const TaskPoller& poller, const ModalRequest& request,
                                   const PressOptions& options, Reporter& report) {
  const CallOptions call = call_options(wait_options(poller, options));
  auto submitted = poller.client().submit_modal(request, call);
  if (!submitted) {
    Error error = std::move(submitted).error();
    error.task_id = request.task_id;
    return error;
  }
  report(submitted->result);
  return wait_created(poller, submitted->result, options, detail::ModalIs::Passing);
}

// A press and its wait; a remix MODAL continues through submit_modal when a prompt was given.
Result<Task> press_and_wait(const TaskPoller& poller, std::string_view task_id,
                            const std::string& what, const Finder& find,
                            const PressOptions& options) {
  if (options.remix_prompt) {
    // Checked before the press, so that a bad prompt costs nothing.
    ModalRequest probe;
    probe.task_id = "0";
    probe.prompt = options.remix_prompt;
    probe.state = options.state;
    if (auto e = detail::validate(probe, {})) return *e;
  }
  Reporter report{options, {}};
  auto id = press_button(poller, task_id, what, find, options, report);
  if (!id) return std::move(id).error();
  auto result = wait_created(poller, *id, options, detail::ModalIs::End);
  if (!result || result->status != TaskStatus::Modal || !options.remix_prompt) return result;
  ModalRequest modal;
  modal.task_id = result->id;
  modal.prompt = options.remix_prompt;
  modal.state = options.state;
  return submit_modal_and_wait(poller, modal, options, report);
}

Error bad_index(const char* what, int index) {
  return detail::invalid_argument(std::string(what) + " index must be 1 to 4, got " +
                                  std::to_string(index));
}

Finder named(const std::string& name) {
  return [name](const Task& task) { return find_button(task, name); };
}

Finder of_kind(ButtonKind kind, int index = 0, double factor = 0) {
  return [=](const Task& task) { return find_button(task, kind, index, factor); };
}

// Presses a button that always opens a modal and returns the MODAL task's id: at once when the
// answer says the modal opened (code 21), else once the new task shows MODAL. `check` sees the
// parent before anything is pressed, so that what depends on it is checked before anything is paid.
Result<std::string> open_modal(const TaskPoller& poller, std::string_view task_id, ButtonKind kind,
                               const char* what, const PressOptions& options, Reporter& report,
                               const std::function<std::optional<Error>(const Task&)>& check = {}) {
  auto parent = poller.client().fetch_task(task_id, call_options(wait_options(poller, options)));
  if (!parent) return std::move(parent).error();
  if (check) {
    if (auto e = check(*parent)) return *e;
  }
  auto submitted = press_on(poller, *parent, what, of_kind(kind), options, report);
  if (!submitted) return std::move(submitted).error();
  if (submitted->modal_opened()) return submitted->result;
  auto modal = wait_created(poller, submitted->result, options, detail::ModalIs::End);
  if (!modal) return std::move(modal).error();
  if (modal->status != TaskStatus::Modal) {
    Error error = detail::make_error(ErrorKind::ResponseInvalid,
                                     std::string(what) + " on task " + std::string(task_id) +
                                         " did not open a modal (task " + modal->id + " is " +
                                         modal->status_text + ")");
    error.task_id = modal->id;
    return error;
  }
  return modal->id;
}

}  // namespace

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

Result<std::string> TaskPoller::submit_press(std::string_view task_id, std::string_view button,
                                             const PressOptions& options) const {
  Reporter report{options, {}};
  const std::string name(button);
  return press_button(*this, task_id, name, named(name), options, report);
}

Result<Task> TaskPoller::press(std::string_view task_id, std::string_view button,
                               const PressOptions& options) const {
  const std::string name(button);
  return press_and_wait(*this, task_id, name, named(name), options);
}

Result<Task> TaskPoller::upscale(std::string_view task_id, int index,
                                 const PressOptions& options) const {
  if (index < 1 || index > 4) return bad_index("upscale", index);
  return press_and_wait(*this, task_id, "U" + std::to_string(index),
                        of_kind(ButtonKind::Upscale, index), options);
}

Result<Task> TaskPoller::variation(std::string_view task_id, int index,
                                   const PressOptions& options) const {
  if (index < 1 || index > 4) return bad_index("variation", index);
  return press_and_wait(*this, task_id, "V" + std::to_string(index),
                        of_kind(ButtonKind::Variation, index), options);
}

Result<Task> TaskPoller::vary(std::string_view task_id, bool strong,
                              const PressOptions& options) const {
  return press_and_wait(*this, task_id, strong ? "Vary (Strong)" : "Vary (Subtle)",
                        of_kind(strong ? ButtonKind::VaryStrong : ButtonKind::VarySubtle), options);
}

Result<Task> TaskPoller::reroll(std::string_view task_id, const PressOptions& options) const {
  return press_and_wait(*this, task_id, "Reroll", of_kind(ButtonKind::Reroll), options);
}

Result<Task> TaskPoller::zoom_out(std::string_view task_id, double factor,
                                  const PressOptions& options) const {
  if (factor != 2.0 && factor != 1.5) {
    return detail::invalid_argument(
        "zoom out factor must be 2 or 1.5 (use custom_zoom for others), got " +
        std::to_string(factor));
  }
  return press_and_wait(*this, task_id, factor == 2.0 ? "Zoom Out 2x" : "Zoom Out 1.5x",
                        of_kind(ButtonKind::ZoomOut, 0, factor), options);
}

Result<Task> TaskPoller::pan(std::string_view task_id, PanDirection direction,
                             const PressOptions& options) const {
  static const char* const kNames[] = {"Pan Left", "Pan Right", "Pan Up", "Pan Down"};
  return press_and_wait(
      *this, task_id, kNames[static_cast<int>(direction)],
      [direction](const Task& t) { return find_pan(t, direction); }, options);
}

Result<Task> TaskPoller::complete_modal(const ModalRequest& request,
                                        const PressOptions& options) const {
  Reporter report{options, request.task_id};
  return submit_modal_and_wait(*this, request, options, report);
}

Result<Task> TaskPoller::vary_region(std::string_view task_id, std::string mask_data_uri,
                                     std::string prompt, const PressOptions& options) const {
  ModalRequest request;
  request.task_id = "0";  // checked with a stand-in id: the real one comes from the press
  request.mask_base64 = std::move(mask_data_uri);
  request.prompt = std::move(prompt);
  request.state = options.state;
  if (!request.mask_base64 || request.mask_base64->empty()) {
    return detail::invalid_argument("vary_region needs a mask (a PNG data URI, white = repaint)");
  }
  // Everything is checked before the press, so a bad mask or prompt costs nothing.
  if (auto e = detail::validate(request, {client_.options().max_image_bytes})) return *e;
  Reporter report{options, {}};
  auto modal_id =
      open_modal(*this, task_id, ButtonKind::VaryRegion, "Vary (Region)", options, report);
  if (!modal_id) return std::move(modal_id).error();
  request.task_id = *modal_id;
  return submit_modal_and_wait(*this, request, options, report);
}

Result<Task> TaskPoller::custom_zoom(std::string_view task_id, double factor, std::string prompt,
                                     const PressOptions& options) const {
  if (!(factor >= 1.0 && factor <= 2.0)) {
    return detail::invalid_argument("custom zoom factor must be between 1.0 and 2.0, got " +
                                    std::to_string(factor));
  }
  char zoom[32];
  std::snprintf(zoom, sizeof zoom, "%g", factor);
  ModalRequest request;
  request.state = options.state;
  // The prompt (the caller's, or the parent's when empty) is checked before the press.
  const auto final_prompt = [&](const Task& parent) {
    return (prompt.empty() ? parent.prompt : prompt) + " --zoom " + zoom;
  };
  const auto check = [&](const Task& parent) -> std::optional<Error> {
    request.prompt = final_prompt(parent);
    ModalRequest probe = request;
    probe.task_id = "0";
    return detail::validate(probe, {});
  };
  Reporter report{options, {}};
  auto modal_id =
      open_modal(*this, task_id, ButtonKind::CustomZoom, "Custom Zoom", options, report, check);
  if (!modal_id) return std::move(modal_id).error();
  request.task_id = *modal_id;
  return submit_modal_and_wait(*this, request, options, report);
}

}  // namespace cometapi
