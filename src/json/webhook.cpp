#include "cometapi/webhook.hpp"

#include <map>
#include <mutex>
#include <vector>

#include "json/codec.hpp"

namespace cometapi {

Result<Task> parse_webhook(std::string_view body) {
  auto task = detail::decode_task(body);
  if (!task) {
    Error error = std::move(task).error();
    error.message = "webhook body: " + error.message;
    return error;
  }
  return task;
}

struct WebhookRouter::State {
  std::mutex mutex;
  std::map<std::string, Handler> by_state;
  std::map<std::string, Handler> by_task;
};

WebhookRouter::WebhookRouter() : state_(std::make_shared<State>()) {}

void WebhookRouter::on_state(std::string state, Handler handler) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->by_state[std::move(state)] = std::move(handler);
}

void WebhookRouter::on_task(std::string task_id, Handler handler) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->by_task[std::move(task_id)] = std::move(handler);
}

void WebhookRouter::forget_state(const std::string& state) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->by_state.erase(state);
}

void WebhookRouter::forget_task(const std::string& task_id) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->by_task.erase(task_id);
}

Result<Task> WebhookRouter::dispatch(std::string_view body, bool* matched) const {
  if (matched) *matched = false;
  auto task = parse_webhook(body);
  if (!task) return task;
  std::vector<Handler> handlers;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (auto it = state_->by_task.find(task->id); it != state_->by_task.end()) {
      handlers.push_back(it->second);
    }
    if (!task->state.empty()) {
      if (auto it = state_->by_state.find(task->state); it != state_->by_state.end()) {
        handlers.push_back(it->second);
      }
    }
  }
  for (const Handler& handler : handlers) handler(*task);
  if (matched) *matched = !handlers.empty();
  return task;
}

}  // namespace cometapi
