// notifyHook payloads. The upstream proxy (not the gateway) POSTs its own task JSON whenever a
// task's status or progress changes, so the payloads follow the upstream's state, not what fetch
// shows. The server layer sends them (server/hook_sender.cpp).
#include <algorithm>
#include <cctype>

#include "sim/simulation.hpp"
#include "sim/submit_fields.hpp"

namespace cometapi::testing::detail {
namespace {

// The upstream's action names, which differ from the gateway's for a few actions.
std::string upstream_action(const std::string& action) {
  if (action == "LOW_VARIATION" || action == "HIGH_VARIATION") return "VARIATION";
  if (action == "CUSTOM_ZOOM") return "ZOOM";
  if (action == "EDITS") return "EDIT";
  return action;
}

// The upstream blanks the progress of a failed task; only the gateway then shows "100%".
std::string hook_progress(const TaskView& v) {
  return v.status == "FAILURE" ? "" : std::to_string(v.progress) + "%";
}

}  // namespace

std::string Simulation::hook_payload(const SimTask& t, const TaskView& v,
                                     const std::string& base_url) {
  const bool success = v.status == "SUCCESS";
  const std::string words = success ? join(t.suggestions, "\n") : "";
  const bool has_words = t.kind == ResultKind::Describe || t.kind == ResultKind::Shorten;
  Json j;
  j["id"] = t.id;
  j["action"] = upstream_action(t.action);
  j["status"] = v.status;
  j["prompt"] = t.prompt;
  j["promptEn"] = has_words ? words : t.prompt_en;
  j["description"] = t.description;
  j["state"] = t.state;
  j["submitTime"] = t.submit_ms;
  j["startTime"] = v.start == 0 ? Json(nullptr) : Json(v.start);  // the upstream has real nulls
  j["finishTime"] = v.finish == 0 ? Json(nullptr) : Json(v.finish);
  j["progress"] = hook_progress(v);
  // The simulator's own URL rather than a CDN's, so nothing a test follows leaves the machine.
  j["imageUrl"] = success && t.kind != ResultKind::Shorten ? Json(base_url + "/mj/image/" + t.id)
                                                           : Json(nullptr);
  j["failReason"] = v.fail_reason.empty() ? Json(nullptr) : Json(v.fail_reason);
  Json properties{{"finalPrompt", has_words ? words : t.prompt_en},
                  {"discordInstanceId", kInstance}};
  j["properties"] = properties;
  j["buttons"] = success ? buttons_json(t.buttons) : Json::array();
  if (options_.flavour == Flavour::Trueai) {
    // trueai's TaskInfo carries more: a few of its fields, so receivers meet unknown keys.
    j["parentId"] = t.parent_id.empty() ? Json(nullptr) : Json(t.parent_id);
    j["botType"] = "MID_JOURNEY";
    std::string mode = t.mode.empty() ? "fast" : t.mode;
    for (char& c : mode) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    j["mode"] = mode;
    j["seed"] = success ? Json(t.seed) : Json(nullptr);
  }
  return j.dump();
}

std::vector<HookEvent> Simulation::collect_hooks(const std::string& base_url) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::int64_t now = now_locked();
  settle(now);
  // Every change of every hooked task since the last collection, in the order they happened.
  std::vector<std::pair<std::int64_t, HookEvent>> due;
  for (std::size_t index : hooked_) {
    SimTask& t = tasks_[index];
    std::vector<std::int64_t> instants;
    for (std::int64_t at : milestones(t)) {
      if (at > t.hook_checked_ms && at < now) instants.push_back(at);
    }
    instants.push_back(now);
    for (std::int64_t at : instants) {
      TaskView v = view(t, at);
      if (v.status.empty()) v.status = "SUBMITTED";  // the gateway has not synced; upstream has
      if (v.status == t.hook_status && v.progress == t.hook_progress) continue;
      t.hook_status = v.status;
      t.hook_progress = v.progress;
      HookEvent e{t.id, t.notify_hook, v.status, hook_progress(v), hook_payload(t, v, base_url)};
      due.emplace_back(at, std::move(e));
    }
    t.hook_checked_ms = now;
  }
  std::stable_sort(due.begin(), due.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<HookEvent> out;
  out.reserve(due.size());
  for (auto& [at, e] : due) out.push_back(std::move(e));
  return out;
}

}  // namespace cometapi::testing::detail
