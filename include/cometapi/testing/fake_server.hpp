/// \file
/// The CometAPI Midjourney simulator: a real HTTP server on 127.0.0.1 that answers the `/mj/...`
/// API the way the live gateway and the upstream proxies behind it do (docs/service-notes.md),
/// quirks and faults included. See docs/simulator.md for a guided tour.
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

/// What can go wrong on the wire. "Before" kinds answer without handling the request (nothing is
/// created, as when the gateway itself refuses); "after" kinds are applied once the handler ran,
/// so a submit has already created its task (and counts in submits()) when the client sees them.
enum class FaultKind {
  /// No fault: the normal answer.
  None,
  /// "429" (before): HTTP 429, gateway body with code 30, Retry-After header.
  TooManyRequests,
  /// "500" (after): HTTP 500 with an `{"error":{...}}` body of type comet_api_error.
  InternalError,
  /// "502" (after): HTTP 502 with an HTML body, as a reverse proxy answers.
  BadGateway,
  /// "503" (after): HTTP 503 with an `{"error":{...}}` body and a Retry-After header.
  ServiceUnavailable,
  /// "drop" (after): the socket is shut down without a byte of answer.
  Drop,
  /// "truncate" (after): the normal status and headers, the body cut in half.
  Truncate,
  /// "slow" (after): the normal answer after FakeServerOptions::slow_delay (real time).
  Slow,
  /// "do_request_failed" (before): HTTP 400
  /// `{"description":"do_request_failed ","type":"upstream_error","code":5}`: the gateway could
  /// not reach the upstream.
  DoRequestFailed,
  /// "read_response_body_failed" (after): as DoRequestFailed with that description; the upstream
  /// was reached, so a submit's job exists.
  ReadResponseBodyFailed,
  /// "unmarshal_response_body_failed" (after): likewise (e.g. the upstream sent a numeric result).
  UnmarshalResponseBodyFailed,
  /// "empty_response_body" (after): likewise.
  EmptyResponseBody,
  /// "close_request_body_failed" (after): likewise.
  CloseRequestBodyFailed,
  /// "close_response_body_failed" (after): likewise.
  CloseResponseBodyFailed,
  /// "trueai_unavailable" (before): HTTP 200
  /// `{"success":false,"code":-1,"message":"服务暂不可用，请联系管理员","data":null}`.
  TrueaiUnavailable,
  /// "html" (before): HTTP 200, `text/html`, the gateway's web page (what any unknown path gets).
  HtmlPage,
  /// "unknown_action" (before): HTTP 400, `{"error":{"message":"Invalid request,
  /// unknown_action:<customId>","type":"comet_api_error","code":"unknown_action"}}`.
  UnknownAction,
  /// "new_api_panic" (before): HTTP 500, `{"error":{"message":"Panic detected, ...","type":
  /// "new_api_panic","code":""}}`.
  NewApiPanic,
  /// "quota" (before): HTTP 401, `{"error":{"message":"该令牌额度已用尽 ...","type":
  /// "comet_api_error","code":""}}`: the token's quota is used up.
  QuotaExhausted,
  /// "429_empty" (before): HTTP 429 with an empty body and no Retry-After (the gateway's own rate
  /// limiter).
  BareTooManyRequests,
};

/// The spec name of a kind, as listed on each FaultKind ("none" for None).
std::string_view to_string(FaultKind kind);
/// Whether the simulator applies `kind` before handling the request (nothing is created).
bool applied_before_handling(FaultKind kind);

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

/// Which upstream proxy sits behind the gateway, where their answers differ.
enum class Flavour {
  /// "novicezk" (midjourney-proxy): queue full is code 23; describe suggestions are in
  /// `properties.finalPrompt`, one per line, numbered 1️⃣ to 4️⃣; a cancelled task is
  /// CANCEL.
  Novicezk,
  /// "trueai" (midjourney-proxy Plus): queue full is code 9 `提交失败，队列已满，请稍后重试`;
  /// describe suggestions are in `promptEn`, lines joined by "\r\n"; a cancelled task is FAILURE
  /// `取消任务`.
  Trueai,
};

/// "novicezk" or "trueai".
std::string_view to_string(Flavour flavour);
/// The flavour of that name; throws std::invalid_argument for another name.
Flavour parse_flavour(std::string_view name);

/// One notifyHook delivery attempt (see FakeCometServer::hook_deliveries()).
struct HookDelivery {
  /// The task the payload is about.
  std::string task_id;
  /// The hook URL as the submit sent it.
  std::string url;
  /// The payload's status, e.g. "IN_PROGRESS".
  std::string status;
  /// The payload's progress, e.g. "45%".
  std::string progress;
  /// The JSON POSTed (upstream shape).
  std::string body;
  /// The hook's HTTP status; 0 when refused or unreachable.
  int http_status = 0;
  /// The URL was not a loopback http URL, so nothing was sent.
  bool refused = false;
  /// Why nothing was delivered; "" on delivery.
  std::string error;
};

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
  /// The upstream proxy behind the gateway (see Flavour).
  Flavour flavour = Flavour::Novicezk;
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
  /// The account model. Each key is one upstream account: `concurrency` jobs run at once, up to
  /// `queue_size` more wait (status NOT_START; the submit answers code 22 with
  /// properties.numberOfQueues), and a queued job starts when a running one ends. Beyond that a
  /// submit is refused (code 23, or 9 for trueai) and nothing is created. Must be >= 1.
  int concurrency = 3;
  /// Jobs that may wait for a slot per key (see concurrency); >= 0.
  int queue_size = 10;
  /// The gateway rewrites a queued answer's code 22 to 1 (it does so on the live service); false
  /// shows the upstream's 22.
  bool rewrite_queued_code = true;
  /// After /mj/submit/modal (which answers the MODAL task's own id) fetch and list keep showing
  /// the old MODAL row for this long (simulated) before the task goes on; 0 = no lag.
  std::chrono::milliseconds modal_lag{3000};
  /// The gateway's bulk sync: fetch and list show each task as it was at the last multiple of
  /// this period (simulated time since start), as the live gateway syncs every 15 s; 0 = off
  /// (fetch shows the upstream's state at once, after sync_delay).
  std::chrono::milliseconds sync_period{0};
  /// notifyHook: each status or progress change is POSTed (upstream shape) to the submit's hook
  /// URL from a worker thread; only http URLs on 127.0.0.1, localhost or [::1] are called, others
  /// are refused and recorded. With this on, the changes collected at one time are sent newest
  /// first.
  bool hook_out_of_order = false;
  /// notifyHook: each payload is sent this many extra times.
  int hook_repeats = 0;
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
  /// The status fetch shows now, e.g. "IN_PROGRESS"; "" before the first sync.
  std::string status;
  /// The upstream's status now, which fetch shows only after the next sync tick (see
  /// FakeServerOptions::sync_period) or the MODAL lag: e.g. "NOT_START" while queued.
  std::string upstream_status;
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
  /// The `notifyHook` sent with the submit (called on changes, see hook_deliveries()).
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
  /// Cancels an unfinished task now, as the upstream's cancel does: status CANCEL (novicezk) or
  /// FAILURE with failReason `取消任务` (trueai). Returns false as fail_task() does.
  bool cancel_task(std::string_view task_id);
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

  /// notifyHook deliveries attempted so far, in the order made.
  std::vector<HookDelivery> hook_deliveries() const;
  /// Collects the hook payloads due at the current simulated time and returns once every one has
  /// been attempted (the worker sends them; this waits).
  void flush_hooks();

  /// The task with this id; std::nullopt when there is none.
  std::optional<TaskInfo> task(std::string_view task_id) const;
  /// Every task, in creation order.
  std::vector<TaskInfo> tasks() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cometapi::testing
