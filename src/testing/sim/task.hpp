// The simulator's vocabulary: a request as the model sees it, an answer, a task and what a read
// shows of it. No sockets here; the server layer turns HTTP into a Call and a Reply back.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cometapi/testing/fake_server.hpp"
#include "sim/png.hpp"

namespace cometapi::testing::detail {

// What the gateway (Gin) sends. A bare "application/json" would also make cpp-httplib compress
// every answer with brotli at its highest quality, which costs a millisecond or more per request.
inline constexpr const char* kJsonType = "application/json; charset=utf-8";

// The gateway serializes Go structs, so keys come in declaration order; ordered_json keeps ours
// in the same order, which makes answers easy to compare with the docs by eye.
using Json = nlohmann::ordered_json;

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = kJsonType;  // "" = no body and no Content-Type at all
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Call {
  std::string method;
  std::string path;  // without the mode prefix: "/mj/..."
  std::string mode;  // "", "fast", "relax", "turbo"
  std::string body;
  std::string key;       // the caller's normalized key; "" on public routes
  std::string base_url;  // "http://127.0.0.1:<port>"
  int request_id = 0;    // for the "(request id: ...)" the gateway appends to OpenAI-shaped errors
};

enum class RouteClass { Unknown, Public, Private };

// What a finished task holds, which decides its buttons and its served image.
enum class ResultKind { Grid, Upscaled, UpscaledHd, Describe, Shorten, Video, FaceSwap };

struct ButtonSpec {
  std::string custom_id, emoji, label;
  int style = 2;  // Discord "secondary"; a used U button turns 1 ("primary")
};

// A customId read with the gateway's rule: split on "::"; the verb is part 2 after "JOB", else
// part 1; some verbs take an index from part 3.
struct ParsedCustomId {
  // "" when parsed; "unknown_action" (a verb it does not know), "new_api_panic" (too few parts:
  // the gateway indexes past the end) or "index_parse_failed".
  std::string error;
  std::string action;  // gateway action name: UPSCALE, VARIATION, ...
  std::string verb;    // e.g. "upsample", "upsample_v7_2x_subtle", "Outpaint"
  int index = 0;
};

ParsedCustomId parse_custom_id(std::string_view custom_id);
std::vector<ButtonSpec> buttons_for(ResultKind kind, const std::string& hash);
// The buttons as the wire shows them (type 2: a Discord button component).
Json buttons_json(const std::vector<ButtonSpec>& buttons);
// The kind of task an action creates, from the parsed customId.
ResultKind result_kind_of_action(const ParsedCustomId& parsed);

struct SimTask {
  std::string id, key, action, prompt, prompt_en, description, state, parent_id, mode;
  std::string notify_hook, custom_id, hash, seed;
  std::int64_t submit_ms = 0;
  // The account model: a task runs from run_from_ms once `started`; until then it waits for a
  // slot (queued since enqueued_ms).
  bool started = true;
  std::int64_t enqueued_ms = 0;
  std::int64_t run_from_ms = 0;
  bool waiting_modal = false;
  std::optional<std::int64_t> modal_at;  // when /submit/modal continued it
  ResultKind kind = ResultKind::Grid;
  std::vector<ButtonSpec> buttons;
  std::optional<std::string> fail_reason;  // from a prompt rule
  std::optional<StallAt> stall;
  // fail_task() and cancel_task(): the task ends at this instant with this status and reason.
  std::optional<std::int64_t> forced_end_ms;
  std::string forced_status, forced_reason;
  std::array<Rgb, 4> palette{};
  bool single_image = false;
  int width = 128, height = 128;
  int cell = 0;  // 1-4: the image is that quadrant of the parent grid (an upscale)
  int video_count = 0;
  int queued_ahead = 0;                  // numberOfQueues in the submit answer
  std::vector<std::string> suggestions;  // describe / shorten output
  std::string hook_status;               // the last notifyHook payload's status...
  int hook_progress = -1;                // ... and progress
  std::int64_t hook_checked_ms = -1;     // hooks collected up to this instant
};

// What the upstream (or, through shown(), a fetch) says of a task at a given instant.
struct TaskView {
  std::string status;  // "", NOT_START, MODAL, SUBMITTED, IN_PROGRESS, SUCCESS, FAILURE, CANCEL
  int progress = 0;
  std::int64_t start = 0, finish = 0;
  std::string fail_reason;
  bool synced = false;  // the gateway has synced it at least once
};

// Field checks the gateway's Go binding makes: a known field of the wrong JSON type fails the
// whole body. Returns nullopt for a body that is not a JSON object or has such a field.
std::optional<Json> bind_request(const std::string& body);

std::string lower(std::string_view text);
std::string join(const std::vector<std::string>& lines, std::string_view separator);
bool starts_with(std::string_view text, std::string_view prefix);

}  // namespace cometapi::testing::detail
