// What a task looks like at a given instant: its phase on the clock, and the gateway's JSON for it.
#include <algorithm>
#include <limits>

#include "simulation.hpp"

namespace cometapi::testing::detail {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
// The gateway fails what upstream has not finished within an hour (mj-api.md §7.3).
constexpr std::int64_t kGatewayTimeoutMs = 3600 * 1000;
constexpr const char* kTimeoutReason = "上游任务超时（超过1小时）";

}  // namespace

TaskView Simulation::view(const SimTask& t, std::int64_t now) const {
  TaskView v;
  const std::int64_t timeout_at = t.submit_ms + kGatewayTimeoutMs;
  auto failed = [&](std::int64_t at, const std::string& reason, std::int64_t started) {
    v.status = "FAILURE";
    v.progress = 100;  // the gateway forces "100%" on failure (mj-api.md §7.2)
    v.start = started;
    v.finish = at;
    v.fail_reason = reason;
    v.synced = true;
    return v;
  };
  if (t.waiting_modal) {
    if (t.forced_fail_ms && now >= *t.forced_fail_ms) {
      return failed(*t.forced_fail_ms, t.forced_fail_reason, 0);
    }
    if (now >= timeout_at) return failed(timeout_at, kTimeoutReason, 0);
    v.status = "MODAL";
    v.synced = true;
    return v;
  }
  // After a modal the gateway has already synced the task, so it skips the "" phase.
  const std::int64_t not_synced = t.continued_by_modal ? 0 : sync_ms_;
  const std::int64_t submitted = t.continued_by_modal ? sync_ms_ + submitted_ms_ : submitted_ms_;
  const std::int64_t synced_at = t.run_from_ms + not_synced;
  const std::int64_t started_at = synced_at + submitted;
  const std::int64_t halfway = started_at + in_progress_ms_ / 2;
  const std::int64_t done_at = started_at + in_progress_ms_;

  std::int64_t success_at = t.stall ? kNever : done_at;
  std::int64_t fail_at = t.fail_reason ? halfway : kNever;
  std::string reason = t.fail_reason.value_or("");
  if (t.forced_fail_ms && *t.forced_fail_ms < fail_at) {
    fail_at = *t.forced_fail_ms;
    reason = t.forced_fail_reason;
  }
  const std::int64_t end = std::min({success_at, fail_at, timeout_at});
  if (now >= end) {
    if (end == timeout_at && timeout_at < std::min(success_at, fail_at)) {
      return failed(timeout_at, kTimeoutReason, timeout_at >= started_at ? started_at : 0);
    }
    if (fail_at <= success_at)
      return failed(fail_at, reason, fail_at >= started_at ? started_at : 0);
    v.status = "SUCCESS";
    v.progress = 100;
    v.start = started_at;
    v.finish = done_at;
    v.synced = true;
    return v;
  }
  const StallAt stall = t.stall.value_or(StallAt::InProgress);
  if (now < synced_at || (t.stall && stall == StallAt::NotSynced)) return v;  // "" and "0%"
  v.synced = true;
  if (now < started_at || (t.stall && stall == StallAt::Submitted)) {
    v.status = "SUBMITTED";
    return v;
  }
  v.status = "IN_PROGRESS";
  v.start = started_at;
  const std::int64_t at = t.stall ? std::min(now, halfway) : now;
  v.progress =
      in_progress_ms_ > 0 ? static_cast<int>(5 + 90 * (at - started_at) / in_progress_ms_) : 95;
  v.progress = std::clamp(v.progress, 5, 95);
  return v;
}

Json Simulation::task_json(const SimTask& t, const std::string& base_url, std::int64_t now) {
  const TaskView v = view(t, now);
  const bool success = v.status == "SUCCESS";
  const bool words = t.kind == ResultKind::Describe || t.kind == ResultKind::Shorten;
  std::string prompt_en;
  if (v.synced) prompt_en = words ? (success ? t.suggestions : "") : t.prompt_en;

  std::string image_url;
  const std::string image_base = base_url + "/mj/image/" + t.id;
  if (t.kind != ResultKind::Shorten) {
    if (success) {
      image_url = image_base;
    } else if (v.status == "IN_PROGRESS") {
      // The gateway appends a changing query while the image is a preview (mj-api.md §7.7).
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
      image_url =
          image_base + "?rand=" + std::to_string(ns + static_cast<long long>(++rand_counter_));
    }
  }
  Json video_urls = nullptr;
  std::string video_url;
  if (success && t.kind == ResultKind::Video) {
    video_urls = Json::array();
    for (int i = 0; i < t.video_count; ++i) {
      video_urls.push_back(
          Json{{"url", base_url + "/mj/video/" + t.id + "/" + std::to_string(i) + ".mp4"}});
    }
    video_url = video_urls[0]["url"].get<std::string>();
  }
  Json buttons = nullptr;  // null, not [], until there are buttons (mj-api.md §3)
  if (success && !t.buttons.empty()) {
    buttons = Json::array();
    for (const ButtonSpec& b : t.buttons) {
      buttons.push_back(Json{{"customId", b.custom_id},
                             {"emoji", b.emoji},
                             {"label", b.label},
                             {"type", 2},
                             {"style", b.style}});
    }
  }
  Json properties = nullptr;
  if (v.synced) properties = Json{{"finalPrompt", prompt_en}, {"finalZhPrompt", ""}};

  Json j;
  j["id"] = t.id;
  j["action"] = t.action;
  j["customId"] = "";  // never filled in fetch
  j["botType"] = "";
  j["prompt"] = t.prompt;
  j["promptEn"] = prompt_en;
  j["description"] = t.description;
  j["state"] = v.synced ? t.state : "";
  j["submitTime"] = t.submit_ms;
  j["startTime"] = v.start;
  j["finishTime"] = v.finish;
  j["imageUrl"] = image_url;
  j["videoUrl"] = video_url;
  j["videoUrls"] = video_urls;
  j["status"] = v.status;
  j["progress"] = std::to_string(v.progress) + "%";
  j["failReason"] = v.fail_reason;
  j["buttons"] = buttons;
  j["maskBase64"] = "";
  j["properties"] = properties;
  if (options_.extra_fields) j["extraField"] = "clients must ignore unknown keys";
  return j;
}

TaskInfo Simulation::info(const SimTask& t, std::int64_t now) const {
  const TaskView v = view(t, now);
  TaskInfo i;
  i.id = t.id;
  i.key = t.key;
  i.action = t.action;
  i.status = v.status;
  i.progress = std::to_string(v.progress) + "%";
  i.prompt = t.prompt;
  i.state = t.state;
  i.parent_id = t.parent_id;
  i.mode = t.mode;
  i.notify_hook = t.notify_hook;
  i.custom_id = t.custom_id;
  i.submit_time = t.submit_ms;
  return i;
}

}  // namespace cometapi::testing::detail
