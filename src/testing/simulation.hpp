// The Midjourney service as the CometAPI gateway shows it (docs/mj-api.md): tasks, their
// lifecycle on a controllable clock, buttons, refusals and the three error envelopes. It knows
// nothing of sockets; fake_server.cpp feeds it requests and applies faults around it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cometapi/testing/fake_server.hpp"
#include "png.hpp"

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
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Call {
  std::string method;
  std::string path;  // without the mode prefix: "/mj/..."
  std::string mode;  // "", "fast", "relax", "turbo"
  std::string body;
  std::string key;       // the caller's normalized key; "" on public routes
  std::string base_url;  // "http://127.0.0.1:<port>"
};

enum class RouteClass { Unknown, Public, Private };

// What a finished task holds, which decides its buttons and its served image.
enum class ResultKind { Grid, Upscaled, UpscaledHd, Describe, Shorten, Video, FaceSwap };

struct ButtonSpec {
  std::string custom_id, emoji, label;
  int style = 2;  // Discord "secondary"; a used U button turns 1 ("primary")
};

// A customId read with the gateway's rule (mj-api.md §5).
struct ParsedCustomId {
  std::string error;   // "" when parsed; else the gateway's description
  std::string action;  // gateway action name: UPSCALE, VARIATION, ...
  std::string verb;    // e.g. "upsample", "upsample_v7_2x_subtle", "Outpaint"
  int index = 0;
};

ParsedCustomId parse_custom_id(std::string_view custom_id);
std::vector<ButtonSpec> buttons_for(ResultKind kind, const std::string& hash);
// The kind of task an action creates, given the parent's kind and the parsed customId.
ResultKind result_kind_of_action(const ParsedCustomId& parsed);

struct SimTask {
  std::string id, key, action, prompt, prompt_en, description, state, parent_id, mode;
  std::string notify_hook, custom_id, hash, seed;
  std::int64_t submit_ms = 0;
  std::int64_t run_from_ms = 0;  // lifecycle origin: submit time, or the modal call
  bool waiting_modal = false;
  bool continued_by_modal = false;
  ResultKind kind = ResultKind::Grid;
  std::vector<ButtonSpec> buttons;
  std::optional<std::string> fail_reason;  // from a prompt rule
  std::optional<StallAt> stall;
  std::optional<std::int64_t> forced_fail_ms;
  std::string forced_fail_reason;
  std::array<Rgb, 4> palette{};
  bool single_image = false;
  int width = 128, height = 128;
  int cell = 0;  // 1-4: the image is that quadrant of the parent grid (an upscale)
  int video_count = 0;
  int queued_ahead = 0;     // numberOfQueues in the submit answer
  std::string suggestions;  // describe / shorten output, one per line
};

// What a fetch shows at a given instant.
struct TaskView {
  std::string status;  // "", MODAL, SUBMITTED, IN_PROGRESS, SUCCESS, FAILURE
  int progress = 0;
  std::int64_t start = 0, finish = 0;
  std::string fail_reason;
  bool synced = false;  // the gateway has synced it at least once
};

// Thread-safe: one mutex guards all state.
class Simulation {
 public:
  explicit Simulation(const FakeServerOptions& options);

  static RouteClass classify(std::string_view method, std::string_view path);
  Reply handle(const Call& call);

  void advance(std::chrono::milliseconds simulated);
  std::int64_t now_ms() const;

  void fail_prompt(std::string substring, std::string reason);
  void stall_prompt(std::string substring, StallAt at);
  void ban_word(std::string word);
  bool fail_task(std::string_view task_id, std::string reason);
  void set_remix(bool on);

  int submits() const;
  int submits_with_state(std::string_view state) const;
  std::map<std::string, int> submits_by_state() const;
  int tasks_created() const;
  void reset_counters();

  std::optional<TaskInfo> task(std::string_view task_id) const;
  std::vector<TaskInfo> tasks() const;

 private:
  // Everything below expects mu_ to be held.
  std::int64_t now_locked() const;
  TaskView view(const SimTask& task, std::int64_t now) const;
  Json task_json(const SimTask& task, const std::string& base_url, std::int64_t now);
  TaskInfo info(const SimTask& task, std::int64_t now) const;
  SimTask* find_owned(const std::string& key, const std::string& id);
  SimTask* find_any(const std::string& id);
  std::string new_id();
  std::string new_hash();
  std::string new_digits(int count);
  std::array<Rgb, 4> new_palette();
  std::optional<std::string> banned_word_in(const std::string& text) const;
  void apply_prompt_rules(SimTask& task, const std::string& text) const;
  int in_flight(const std::string& key, std::int64_t now) const;
  void count_submit(const std::string& state);
  SimTask& create_task(const Call& call, const Json& request, std::string action,
                       std::string prompt, ResultKind kind);
  int queue_ahead(const std::string& key, std::int64_t now) const;
  Json submit_answer(const SimTask& task, bool numeric_result) const;
  Reply change(const Call& call, const Json& req, const std::string& task_id,
               const std::string& action, int index);
  Json properties_base() const;
  std::string describe_suggestions();
  std::string shorten_suggestions(const std::string& prompt);

  // Answers.
  Reply json_reply(const Json& body, int status = 200) const;
  Reply gateway_error(const std::string& description, int code = 4, int status = 400) const;
  Reply refusal(int code, const std::string& description) const;
  Reply banned(const std::string& prompt, const std::string& word) const;

  // Endpoints (sim_submit.cpp holds the submits).
  Reply submit_imagine(const Call& call, const Json& req);
  Reply submit_blend(const Call& call, const Json& req);
  Reply submit_describe(const Call& call, const Json& req);
  Reply submit_shorten(const Call& call, const Json& req);
  Reply submit_video(const Call& call, const Json& req);
  Reply submit_edits(const Call& call, const Json& req);
  Reply submit_upload(const Call& call, const Json& req);
  Reply submit_swap_face(const Call& call, const Json& req);
  Reply submit_action(const Call& call, const Json& req);
  Reply submit_modal(const Call& call, const Json& req);
  Reply submit_change(const Call& call, const Json& req);
  Reply submit_simple_change(const Call& call, const Json& req);
  // Creates the child of `parent` for a button press already validated by the caller.
  Reply press(const Call& call, const Json& req, SimTask& parent, const ParsedCustomId& parsed,
              const std::string& custom_id);
  Reply fetch(const Call& call, const std::string& id);
  Reply list_by_condition(const Call& call);
  Reply image_seed(const Call& call, const std::string& id);
  Reply image(const std::string& id);
  Reply video(const std::string& id, const std::string& file);
  Reply attachment(const std::string& name);

  mutable std::mutex mu_;
  const FakeServerOptions options_;
  const std::int64_t sync_ms_, submitted_ms_, in_progress_ms_;
  const std::int64_t epoch_ms_;
  const std::chrono::steady_clock::time_point started_;
  std::int64_t advanced_ms_ = 0;
  std::mt19937_64 rng_;
  std::deque<SimTask> tasks_;  // a deque keeps references valid while tasks are added
  std::unordered_map<std::string, std::size_t> index_;
  std::map<std::string, std::pair<std::string, std::string>> uploads_;  // name -> mime, bytes
  std::vector<std::pair<std::string, std::string>> fail_rules_;
  std::vector<std::pair<std::string, StallAt>> stall_rules_;
  std::vector<std::string> banned_words_;
  bool remix_;
  std::uint64_t rand_counter_ = 0;
  int submits_ = 0;
  int tasks_created_ = 0;
  std::map<std::string, int> submits_by_state_;
};

// Field checks the gateway's Go binding makes: a known field of the wrong JSON type fails the
// whole body. Returns nullopt for a body that is not a JSON object or has such a field.
std::optional<Json> bind_request(const std::string& body);

std::string lower(std::string_view text);

}  // namespace cometapi::testing::detail
