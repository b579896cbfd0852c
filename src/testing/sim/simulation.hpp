// The Midjourney service as the CometAPI gateway shows it: tasks and their lifecycle on a
// controllable clock, the upstream account (running and queued jobs), the gateway's bulk sync and
// its MODAL lag, buttons, refusals, and the notifyHook payloads. It knows nothing of sockets;
// server/fake_server.cpp feeds it requests and applies faults around it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cometapi/testing/fake_server.hpp"
#include "sim/task.hpp"

namespace cometapi::testing::detail {

// A payload due for a task's notifyHook.
struct HookEvent {
  std::string task_id, url, status, progress, body;
};

// Thread-safe: one mutex guards all state.
class Simulation {
 public:
  // Throws std::invalid_argument for options it cannot run with (speed, concurrency, queue).
  explicit Simulation(const FakeServerOptions& options);

  static RouteClass classify(std::string_view method, std::string_view path);
  Reply handle(const Call& call);

  void advance(std::chrono::milliseconds simulated);
  std::int64_t now_ms() const;

  void fail_prompt(std::string substring, std::string reason);
  void stall_prompt(std::string substring, StallAt at);
  void ban_word(std::string word);
  bool fail_task(std::string_view task_id, std::string reason);
  bool cancel_task(std::string_view task_id);
  void set_remix(bool on);

  int submits() const;
  int submits_with_state(std::string_view state) const;
  std::map<std::string, int> submits_by_state() const;
  int tasks_created() const;
  void reset_counters();

  std::optional<TaskInfo> task(std::string_view task_id);
  std::vector<TaskInfo> tasks();

  // The notifyHook payloads of every change since the last call, oldest first (sim/hooks.cpp).
  std::vector<HookEvent> collect_hooks(const std::string& base_url);

 private:
  // One upstream account (one per key): the jobs holding a slot and those waiting for one.
  struct Account {
    std::vector<std::size_t> running;  // indexes into tasks_
    std::deque<std::size_t> queue;
  };
  enum class Admission { Run, Queue, Full };

  // Everything below expects mu_ to be held.
  std::int64_t now_locked() const;
  // sim/lifecycle.cpp: the upstream's state at `now`, and what fetch shows (sync, MODAL lag).
  TaskView view(const SimTask& task, std::int64_t now) const;
  TaskView shown(const SimTask& task, std::int64_t now) const;
  // When a running task stops holding its account slot.
  std::int64_t end_ms(const SimTask& task) const;
  // The instants at which a task's upstream state changes, for the hook payloads.
  std::vector<std::int64_t> milestones(const SimTask& task) const;
  Json task_json(const SimTask& task, const std::string& base_url, std::int64_t now);
  TaskInfo info(const SimTask& task, std::int64_t now) const;
  // sim/account.cpp.
  void settle(std::int64_t now);
  void settle_account(Account& account, std::int64_t now);
  Admission admit(const std::string& key, std::int64_t now);
  void place(SimTask& task, std::size_t index, Admission admission, std::int64_t now);
  // sim/hooks.cpp.
  std::string hook_payload(const SimTask& task, const TaskView& v, const std::string& base_url);
  // The store (sim/simulation.cpp).
  SimTask* find_owned(const std::string& key, const std::string& id);
  SimTask* find_any(const std::string& id);
  std::size_t index_of(const SimTask& task) const;
  std::string new_id();
  std::string new_hash();
  std::string new_digits(int count);
  std::array<Rgb, 4> new_palette();
  std::optional<std::string> banned_word_in(const std::string& text) const;
  void apply_prompt_rules(SimTask& task, const std::string& text) const;
  bool force_end(std::string_view task_id, std::string status, std::string reason);
  void count_submit(const std::string& state);
  // sim/submits.cpp. create_task returns nullptr when the account's queue is full.
  SimTask* create_task(const Call& call, const Json& request, std::string action,
                       std::string prompt, ResultKind kind, bool holds_slot = true);
  Json submit_answer(const SimTask& task, bool numeric_result) const;
  Json properties_base() const;
  std::vector<std::string> describe_suggestions();
  std::vector<std::string> shorten_suggestions(const std::string& prompt);
  Reply refusal(int code, const std::string& description) const;
  Reply banned(const std::string& prompt, const std::string& word) const;
  Reply queue_full() const;

  Reply submit_imagine(const Call& call, const Json& req);
  Reply submit_blend(const Call& call, const Json& req);
  Reply submit_describe(const Call& call, const Json& req);
  Reply submit_shorten(const Call& call, const Json& req);
  Reply submit_video(const Call& call, const Json& req);
  Reply submit_edits(const Call& call, const Json& req);
  Reply submit_upload(const Call& call, const Json& req);
  Reply submit_swap_face(const Call& call, const Json& req);
  // sim/actions.cpp.
  Reply submit_action(const Call& call, const Json& req);
  Reply submit_modal(const Call& call, const Json& req);
  Reply submit_change(const Call& call, const Json& req);
  Reply submit_simple_change(const Call& call, const Json& req);
  Reply change(const Call& call, const Json& req, const std::string& task_id,
               const std::string& action, int index);
  // Creates the child of `parent` for a button press already validated by the caller.
  Reply press(const Call& call, const Json& req, SimTask& parent, const ParsedCustomId& parsed,
              const std::string& custom_id);
  // sim/reads.cpp.
  Reply fetch(const Call& call, const std::string& id);
  Reply list_by_condition(const Call& call);
  Reply image_seed(const Call& call, const std::string& id);
  Reply image(const std::string& id);
  Reply video(const std::string& id, const std::string& file);
  Reply attachment(const std::string& name);

  mutable std::mutex mu_;
  const FakeServerOptions options_;
  const std::int64_t sync_ms_, submitted_ms_, in_progress_ms_;
  const std::int64_t modal_lag_ms_, sync_period_ms_;
  const std::int64_t epoch_ms_;
  const std::chrono::steady_clock::time_point started_;
  std::int64_t advanced_ms_ = 0;
  std::mt19937_64 rng_;
  std::deque<SimTask> tasks_;  // a deque keeps references valid while tasks are added
  std::unordered_map<std::string, std::size_t> index_;
  std::map<std::string, Account> accounts_;
  std::map<std::string, std::pair<std::string, std::string>> uploads_;  // name -> mime, bytes
  std::vector<std::pair<std::string, std::string>> fail_rules_;
  std::vector<std::pair<std::string, StallAt>> stall_rules_;
  std::vector<std::string> banned_words_;
  std::vector<std::size_t> hooked_;  // tasks with a notifyHook
  bool remix_;
  std::uint64_t rand_counter_ = 0;
  int submits_ = 0;
  int tasks_created_ = 0;
  std::map<std::string, int> submits_by_state_;
};

}  // namespace cometapi::testing::detail
