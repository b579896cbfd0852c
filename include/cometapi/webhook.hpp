/// \file
/// notifyHook callbacks: parse them, and route them to whoever waits for them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cometapi/models.hpp"
#include "cometapi/result.hpp"

namespace cometapi {

/// Parses the JSON body of a notifyHook callback into a Task. Accepts both shapes that upstream
/// proxies send (the original proxy's task object, with nulls for missing values, and the Plus /
/// C# proxy's TaskInfo with extra fields such as imageUrls, parentId and seed). Unknown fields are
/// ignored. Fails with ResponseInvalid when the body is not a JSON object with an `id`.
///
/// Callbacks are unsigned and come from the upstream, not the gateway: `imageUrl` is the raw CDN
/// URL and `action` uses the upstream's names. Treat a callback as a hint and confirm it with
/// CometClient::fetch_task before acting on it (examples/webhook_receiver.cpp does).
Result<Task> parse_webhook(std::string_view body);

/// Routes parsed callbacks to handlers registered by `state` (the value you sent with the submit)
/// or by task id. Thread-safe: a web server may dispatch from many threads while others register.
/// Handlers run on the dispatching thread, outside the router's lock.
class WebhookRouter {
 public:
  /// Receives the parsed (unconfirmed) task of a callback.
  using Handler = std::function<void(const Task&)>;

  /// A router with no handlers.
  WebhookRouter();

  /// Calls `handler` for every callback whose task carries this state, until forget_state().
  /// Registering the same state again replaces the handler.
  void on_state(std::string state, Handler handler);
  /// Calls `handler` for every callback about this task id, until forget_task(). Registering
  /// the same id again replaces the handler.
  void on_task(std::string task_id, Handler handler);
  /// Removes the handler registered for this state, if any.
  void forget_state(const std::string& state);
  /// Removes the handler registered for this task id, if any.
  void forget_task(const std::string& task_id);

  /// Parses `body` and calls the handlers registered for its task id and its state (each at most
  /// once). Returns the task, or the parse error. `matched` (when given) tells whether any handler
  /// ran.
  Result<Task> dispatch(std::string_view body, bool* matched = nullptr) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace cometapi
