// Fuzzes parse_webhook and WebhookRouter::dispatch with notifyHook bodies (both upstream shapes of
// docs/service-notes.md: a task with nulls, and a TaskInfo with extra fields).
// Webhook bodies come from the network unauthenticated, so this is the SDK's most exposed parser.
//
// Invariants: nothing throws; parse_webhook succeeds exactly when decode_task does and returns the
// same task; failures are ResponseInvalid (never NotFound, even for `null`) with a message saying
// it is the webhook body; a parsed task satisfies the task invariants (non-empty id,
// 0 <= progress <= 100 ...); the router calls the handlers registered for the task's id and state,
// each at most once, and reports whether one ran.
#include <cstddef>
#include <cstdint>

#include "cometapi/webhook.hpp"
#include "fuzz_support.hpp"
#include "json/codec.hpp"

namespace {

using cometapi::ErrorKind;
using cometapi::Task;
namespace detail = cometapi::detail;
namespace fuzz = cometapi::fuzz;

constexpr std::string_view kWatchedId = "1730000000000001";
constexpr std::string_view kWatchedState = "order-42";

struct Calls {
  int by_task = 0;
  int by_state = 0;
  std::string seen_id;
};

Calls& calls() {
  static Calls value;
  return value;
}

const cometapi::WebhookRouter& router() {
  static const cometapi::WebhookRouter value = [] {
    cometapi::WebhookRouter router;
    router.on_task(std::string(kWatchedId), [](const Task& task) {
      ++calls().by_task;
      calls().seen_id = task.id;
    });
    router.on_state(std::string(kWatchedState), [](const Task& task) {
      ++calls().by_state;
      calls().seen_id = task.id;
    });
    return router;
  }();
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = fuzz::as_text(data, size);
  fuzz::no_throw([&] {
    const auto task = cometapi::parse_webhook(body);
    const auto decoded = detail::decode_task(body);
    FUZZ_CHECK(task.ok() == decoded.ok());
    if (!task.ok()) {
      FUZZ_CHECK(task.error().kind == ErrorKind::ResponseInvalid);
      FUZZ_CHECK(task.error().message.rfind("webhook body", 0) == 0);
    } else {
      FUZZ_CHECK(!task->id.empty());
      FUZZ_CHECK(task->id == decoded->id && task->status == decoded->status &&
                 task->progress == decoded->progress && task->state == decoded->state &&
                 task->buttons.size() == decoded->buttons.size() &&
                 task->properties.raw_json == decoded->properties.raw_json);
      fuzz::check_task(*task);
    }

    calls() = Calls{};
    bool matched = true;
    const auto dispatched = router().dispatch(body, &matched);
    FUZZ_CHECK(dispatched.ok() == task.ok());
    const int expected_task = task.ok() && task->id == kWatchedId ? 1 : 0;
    const int expected_state = task.ok() && task->state == kWatchedState ? 1 : 0;
    FUZZ_CHECK(calls().by_task == expected_task);
    FUZZ_CHECK(calls().by_state == expected_state);
    FUZZ_CHECK(matched == (expected_task + expected_state > 0));
    if (matched) FUZZ_CHECK(calls().seen_id == task->id);
  });
  return 0;
}
