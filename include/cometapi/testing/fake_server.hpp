/// \file
/// The CometAPI Midjourney simulator: a real HTTP server on 127.0.0.1 that answers the `/mj/...`
/// API the way the live gateway does (the project's mj-api.md), quirks and faults included. See
/// docs/simulator.md for a guided tour.
///
/// This header is independent of the SDK: it includes no other cometapi header, no HTTP library
/// and no JSON library, so a test can use it with any client.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// \namespace cometapi::testing
/// The simulator (FakeCometServer) and its options, for tests of code that uses the SDK or any
/// other client of the CometAPI Midjourney API. Built as the separate `cometapi::testing` target.
namespace cometapi::testing {

/// What can go wrong on the wire. The simulator applies TooManyRequests before the request is
/// handled (nothing is created, as the gateway's rate limiter does); every other kind is applied
/// after the handler ran, so a submit has already created its task when the client sees the fault.
enum class FaultKind {
  /// No fault: the normal answer.
  None,
  /// "429": HTTP 429, gateway body with code 30, Retry-After header.
  TooManyRequests,
  /// "500": HTTP 500 with an `{"error":{...}}` body of type comet_api_error.
  InternalError,
  /// "502": HTTP 502 with an HTML body, as a reverse proxy answers.
  BadGateway,
  /// "503": HTTP 503 with an `{"error":{...}}` body and a Retry-After header.
  ServiceUnavailable,
  /// "drop": the socket is shut down without a byte of answer.
  Drop,
  /// "truncate": the normal status and headers, the body cut in half.
  Truncate,
  /// "slow": the normal answer after FakeServerOptions::slow_delay (real time).
  Slow,
};

/// The spec name of a kind: "429", "500", "502", "503", "drop", "truncate", "slow" ("none").
std::string_view to_string(FaultKind kind);

/// One entry of a fault spec: how often `kind` happens.
struct FaultRate {
  /// The fault.
  FaultKind kind = FaultKind::None;
  /// Its chance per request, in [0, 1].
  double probability = 0;
};

/// Parses a fault spec: comma-separated `kind=probability` pairs, e.g.
/// "500=0.05,502=0.02,503=0.02,429=0.05,drop=0.03,truncate=0.02,slow=0.01". Kinds are the names of
/// to_string(); probabilities are in [0, 1] and add up to at most 1; spaces are ignored; "" means
/// no faults. Throws std::invalid_argument naming the bad part.
std::vector<FaultRate> parse_fault_spec(std::string_view spec);

/// Where a stalled task stops moving (see FakeCometServer::stall_prompt).
enum class StallAt {
  /// Status "" and "0%" forever, as when the gateway never syncs.
  NotSynced,
  /// SUBMITTED forever.
  Submitted,
  /// IN_PROGRESS at a fixed percentage forever.
  InProgress,
};

/// One request as the simulator saw it.
struct RequestRecord {
  /// The HTTP method, e.g. "GET" or "POST".
  std::string method;
  /// As sent, with any /mj-fast, /mj-relax or /mj-turbo prefix, without the query.
  std::string path;
  /// "", "fast", "relax" or "turbo", from the path prefix.
  std::string mode;
  /// The request headers, in the order received.
  std::vector<std::pair<std::string, std::string>> headers;
  /// The first 64 KiB of the request body.
  std::string body;
  /// HTTP status answered; 0 when the connection was dropped.
  int status = 0;
  /// The fault applied to this request, None for a normal answer.
  FaultKind fault = FaultKind::None;
  /// The first header of that name, compared case-insensitively; "" when absent.
  std::string header(std::string_view name) const;
};

/// How a FakeCometServer behaves. Value type.
struct FakeServerOptions {
  /// Accepted keys. The gateway compares keys after dropping "Bearer ", a leading "sk-" and
  /// anything from the next '-' on, so "sk-test" and "test" are the same key, and so are
  /// "sk-team-1" and "sk-team-2". Tasks belong to the key that created them.
  std::vector<std::string> api_keys{"sk-test"};
  /// The port to bind; 0 = an ephemeral port (port() reports the real one).
  int port = 0;
  /// Simulated-time multiplier (10 = ten times faster); must be > 0.
  double speed = 1.0;
  /// Time moves only with advance().
  bool manual_clock = false;
  /// Simulated wall clock at start, epoch ms; 0 = now.
  std::int64_t epoch_ms = 0;
  /// Simulated time a task shows status "" and "0%" (the gateway has not synced it yet). The
  /// phases follow one another from the submit: sync_delay, submitted_for, in_progress_for; a task
  /// is SUCCESS after their sum.
  std::chrono::milliseconds sync_delay{300};
  /// Simulated time a task stays SUBMITTED, after sync_delay.
  std::chrono::milliseconds submitted_for{300};
  /// Simulated time a task stays IN_PROGRESS (its percentage rising), after submitted_for.
  std::chrono::milliseconds in_progress_for{1200};
  /// Drives hashes, ids' last digits, seeds, list order and faults.
  std::uint64_t seed = 1;
  /// Random faults, parse_fault_spec() syntax; "" = none.
  std::string faults;
  /// Real time a "slow" fault waits.
  std::chrono::milliseconds slow_delay{2000};
  /// Retry-After of 429 and 503 faults.
  std::chrono::seconds retry_after{1};
  /// Words that make a submit answer code 24 (banned prompt); case-insensitive.
  std::vector<std::string> banned_words{"bannedword"};
  /// The upstream account has remix on without auto-submit: variation, reroll and pan go MODAL
  /// even without "enableRemix": true.
  bool remix = false;
  /// In-flight tasks per key before a submit is reported as queued (properties.numberOfQueues).
  int concurrency = 3;
  /// Adds "extraField" to tasks and submit answers, to prove that clients ignore unknown keys.
  bool extra_fields = true;
  /// Serves /_sim/advance, /_sim/stats, /_sim/tasks and /_sim/fail-next (no auth; see
  /// docs/simulator.md).
  bool control_endpoints = true;
  /// Called for each journaled request once its answer is decided, just before it is written (or
  /// the connection dropped), on the serving thread, possibly from several threads at once.
  std::function<void(const RequestRecord&)> on_request;
};

/// A task as the simulator holds it, for assertions.
struct TaskInfo {
  /// The task id.
  std::string id;
  /// The API key that created the task, normalized (see FakeServerOptions::api_keys).
  std::string key;
  /// The gateway's action name, e.g. "IMAGINE", "UPSCALE".
  std::string action;
  /// The wire status, e.g. "IN_PROGRESS"; "" before the first sync.
  std::string status;
  /// The progress text, e.g. "45%".
  std::string progress;
  /// The prompt (for actions, the parent's).
  std::string prompt;
  /// The `state` sent with the submit.
  std::string state;
  /// The task whose button created this one; "" for other submits.
  std::string parent_id;
  /// "", "fast", "relax" or "turbo", from the submit's path prefix.
  std::string mode;
  /// The `notifyHook` sent with the submit (recorded, never called).
  std::string notify_hook;
  /// The customId of the button that created it, for actions.
  std::string custom_id;
  /// When it was submitted, simulated epoch ms.
  std::int64_t submit_time = 0;
};

/// The simulator. Thread-safe: every member function may be called from any thread while the
/// server runs. Task lifecycles are computed from the (scaled or manual) clock relative to each
/// task's submit time, so no background ticking thread exists. Not copyable or movable.
class FakeCometServer {
 public:
  /// A server with these options, not yet listening (call start()). Throws std::invalid_argument
  /// when options.speed is not positive.
  explicit FakeCometServer(FakeServerOptions options = {});
  /// Stops the server (see stop()).
  ~FakeCometServer();
  FakeCometServer(const FakeCometServer&) = delete;
  FakeCometServer& operator=(const FakeCometServer&) = delete;

  /// Binds 127.0.0.1 and serves on background threads. Throws std::runtime_error when the port
  /// cannot be bound (the socket does not share ports) or the server is already running, and
  /// std::invalid_argument for a bad options.faults spec.
  void start();
  /// Closes the listener and every open connection, and waits for the serving threads. Idempotent.
  void stop();
  /// The port it listens on; 0 before start().
  int port() const;
  /// `http://127.0.0.1:PORT`, ready for ClientOptions::base_url.
  std::string base_url() const;

  /// Moves simulated time forward (in both clock modes; with manual_clock the only way it moves).
  void advance(std::chrono::milliseconds simulated);
  /// The simulated wall clock, epoch ms.
  std::int64_t now_ms() const;

  /// Scripting: tasks created later whose prompt contains `substring` (case-insensitive; actions
  /// inherit their parent's prompt, and a modal prompt counts too) end in FAILURE halfway through
  /// IN_PROGRESS, with `reason` as failReason.
  void fail_prompt(std::string substring, std::string reason = "Job failed: upstream error");
  /// Scripting: tasks created later whose prompt contains `substring` (matched as for
  /// fail_prompt()) stop moving at `at`.
  void stall_prompt(std::string substring, StallAt at = StallAt::InProgress);
  /// Adds a banned word (see FakeServerOptions::banned_words).
  void ban_word(std::string word);
  /// Turns an existing, unfinished task into FAILURE now. Returns false when no such task exists
  /// or it has already finished.
  bool fail_task(std::string_view task_id, std::string reason);
  /// Turns the account's remix on or off (see FakeServerOptions::remix).
  void set_remix(bool on);
  /// Replaces the random fault spec (parse_fault_spec syntax; throws std::invalid_argument).
  void set_faults(std::string_view spec);
  /// The next `count` requests whose path (as sent, or without its mode prefix) starts with
  /// `path_prefix` get `kind`, before any random fault. "" matches every path.
  void fail_next(std::string path_prefix, FaultKind kind, int count = 1);
  /// Drops the scripted faults and the random spec.
  void clear_faults();

  /// The journal: the last 20000 requests, oldest first. Control endpoints (/_sim/...) are not
  /// journaled; the counters below count every request since reset_journal().
  std::vector<RequestRecord> journal() const;
  /// The last journaled request; std::nullopt when there is none.
  std::optional<RequestRecord> last_request() const;
  /// Headers of the last journaled request (e.g. to check Authorization or User-Agent).
  std::vector<std::pair<std::string, std::string>> last_request_headers() const;
  /// Requests per path as sent (mode prefix included).
  std::map<std::string, int> requests_by_path() const;
  /// Requests whose path starts with `path_prefix`, matched as in fail_next().
  int requests_to(std::string_view path_prefix) const;
  /// TCP connections accepted.
  int connections_accepted() const;
  /// Submits the simulator accepted: each created task, each /submit/modal that continued a task,
  /// each image upload, whatever fault followed. Refusals do not count.
  int submits() const;
  /// submits() whose request carried this `state` ("" = none).
  int submits_with_state(std::string_view state) const;
  /// submits() per request `state`: a count above 1 means the same job was submitted twice.
  std::map<std::string, int> submits_by_state() const;
  /// Tasks created since the server was made or reset_journal() last ran.
  int tasks_created() const;
  /// Clears the journal and every counter (not the tasks).
  void reset_journal();

  /// The task with this id; std::nullopt when there is none.
  std::optional<TaskInfo> task(std::string_view task_id) const;
  /// Every task, in creation order.
  std::vector<TaskInfo> tasks() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cometapi::testing
