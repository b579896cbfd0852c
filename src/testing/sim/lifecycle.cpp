// What a task looks like at a given instant: its phase on the clock (the upstream's view), what
// the gateway shows of it (bulk sync, MODAL lag), and the gateway's JSON for it.
#include <algorithm>
#include <limits>

#include "sim/simulation.hpp"

namespace cometapi::testing::detail {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
// The gateway fails what the upstream has not finished within an hour.
constexpr std::int64_t kGatewayTimeoutMs = 3600 * 1000;
constexpr const char* kTimeoutReason = "上游任务超时（超过1小时）";

// The instants of a started task's run.
struct Phases {
  std::int64_t submitted_at, started_at, halfway, done_at;
  std::int64_t success_at, fail_at;  // kNever when it does not happen
  std::int64_t end;  // success, failure, timeout or a forced end, whichever comes first
};

Phases phases_of(const SimTask& t, std::int64_t sync, std::int64_t submitted,
                 std::int64_t in_progress) {
  Phases p{};
  // After a modal the gateway has already synced the task, so it skips the "" phase.
  p.submitted_at = t.modal_at ? t.run_from_ms : std::max(t.run_from_ms, t.submit_ms + sync);
  p.started_at = p.submitted_at + (t.modal_at ? sync + submitted : submitted);
  p.halfway = p.started_at + in_progress / 2;
  p.done_at = p.started_at + in_progress;
  p.success_at = t.stall ? kNever : p.done_at;
  p.fail_at = t.fail_reason ? p.halfway : kNever;
  p.end = std::min(
      {p.success_at, p.fail_at, t.submit_ms + kGatewayTimeoutMs, t.forced_end_ms.value_or(kNever)});
  return p;
}

}  // namespace

TaskView Simulation::view(const SimTask& t, std::int64_t now) const {
  TaskView v;
  const std::int64_t timeout_at = t.submit_ms + kGatewayTimeoutMs;
  auto ended = [&](std::int64_t at, const std::string& status, const std::string& reason,
                   std::int64_t started) {
    v.status = status;
    v.progress = status == "FAILURE" ? 100 : 0;  // the gateway forces "100%" on failure
    v.start = started;
    v.finish = at;
    v.fail_reason = reason;
    v.synced = true;
    return v;
  };
  const bool modal = t.waiting_modal || (t.modal_at && now < *t.modal_at);
  const bool waiting = modal || !t.started || now < t.run_from_ms;
  if (waiting) {
    if (t.forced_end_ms && now >= *t.forced_end_ms) {
      return ended(*t.forced_end_ms, t.forced_status, t.forced_reason, 0);
    }
    if (now >= timeout_at) return ended(timeout_at, "FAILURE", kTimeoutReason, 0);
    // The upstream keeps a modal job MODAL while it waits for a slot.
    if (modal || t.modal_at) {
      v.status = "MODAL";
    } else if (now >= t.submit_ms + sync_ms_) {
      v.status = "NOT_START";  // queued behind the account's running jobs
    }
    v.synced = !v.status.empty();
    return v;
  }
  const Phases p = phases_of(t, sync_ms_, submitted_ms_, in_progress_ms_);
  if (now >= p.end) {
    const std::int64_t started = p.end >= p.started_at ? p.started_at : 0;
    if (t.forced_end_ms && p.end == *t.forced_end_ms) {
      return ended(p.end, t.forced_status, t.forced_reason, started);
    }
    if (p.end == p.fail_at) return ended(p.end, "FAILURE", *t.fail_reason, started);
    if (p.end != p.success_at) return ended(p.end, "FAILURE", kTimeoutReason, started);
    v.status = "SUCCESS";
    v.progress = 100;
    v.start = p.started_at;
    v.finish = p.done_at;
    v.synced = true;
    return v;
  }
  const StallAt stall = t.stall.value_or(StallAt::InProgress);
  if (now < p.submitted_at || (t.stall && stall == StallAt::NotSynced)) return v;  // "", "0%"
  v.synced = true;
  if (now < p.started_at || (t.stall && stall == StallAt::Submitted)) {
    v.status = "SUBMITTED";
    return v;
  }
  v.status = "IN_PROGRESS";
  v.start = p.started_at;
  const std::int64_t at = t.stall ? std::min(now, p.halfway) : now;
  v.progress =
      in_progress_ms_ > 0 ? static_cast<int>(5 + 90 * (at - p.started_at) / in_progress_ms_) : 95;
  v.progress = std::clamp(v.progress, 5, 95);
  return v;
}

TaskView Simulation::shown(const SimTask& t, std::int64_t now) const {
  std::int64_t at = now;
  // The gateway syncs every task in bulk: a read shows the task as of the last sync tick.
  if (sync_period_ms_ > 0) at = epoch_ms_ + (now - epoch_ms_) / sync_period_ms_ * sync_period_ms_;
  // After /submit/modal the gateway reads its older row for the id, which still says MODAL.
  if (t.modal_at && now < *t.modal_at + modal_lag_ms_) at = std::min(at, *t.modal_at - 1);
  return view(t, at);
}

std::int64_t Simulation::end_ms(const SimTask& t) const {
  if (t.waiting_modal || !t.started) return kNever;
  return phases_of(t, sync_ms_, submitted_ms_, in_progress_ms_).end;
}

std::vector<std::int64_t> Simulation::milestones(const SimTask& t) const {
  std::vector<std::int64_t> out{t.submit_ms, t.submit_ms + sync_ms_,
                                t.submit_ms + kGatewayTimeoutMs};
  if (t.modal_at) out.push_back(*t.modal_at);
  if (t.forced_end_ms) out.push_back(*t.forced_end_ms);
  if (t.started && !t.waiting_modal) {
    const Phases p = phases_of(t, sync_ms_, submitted_ms_, in_progress_ms_);
    for (std::int64_t at : {t.run_from_ms, p.submitted_at, p.started_at, p.halfway, p.end}) {
      if (at != kNever) out.push_back(at);
    }
    for (int quarter : {1, 3}) out.push_back(p.started_at + in_progress_ms_ * quarter / 4);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Json Simulation::task_json(const SimTask& t, const std::string& base_url, std::int64_t now) {
  const TaskView v = shown(t, now);
  const bool success = v.status == "SUCCESS";
  // Where the words of describe and shorten land depends on the upstream: shorten's only in
  // properties.finalPrompt; describe's in promptEn ("\r\n") for trueai, else in finalPrompt.
  std::string prompt_en = v.synced ? t.prompt_en : "";
  std::string final_prompt = prompt_en;
  if (t.kind == ResultKind::Describe || t.kind == ResultKind::Shorten) {
    const bool in_prompt_en = t.kind == ResultKind::Describe && options_.flavour == Flavour::Trueai;
    const std::string words = success ? join(t.suggestions, in_prompt_en ? "\r\n" : "\n") : "";
    prompt_en = in_prompt_en ? words : "";
    final_prompt = in_prompt_en ? "" : words;
  }

  std::string image_url;
  const std::string image_base = base_url + "/mj/image/" + t.id;
  if (t.kind != ResultKind::Shorten) {
    if (success) {
      image_url = image_base;
    } else if (v.status == "IN_PROGRESS") {
      // The gateway appends a changing query while the image is a preview.
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
  // null, not [], until there are buttons
  const Json buttons = success && !t.buttons.empty() ? buttons_json(t.buttons) : Json(nullptr);
  Json properties = nullptr;
  if (v.synced) properties = Json{{"finalPrompt", final_prompt}, {"finalZhPrompt", ""}};

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
  const TaskView v = shown(t, now);
  TaskInfo i;
  i.id = t.id;
  i.key = t.key;
  i.action = t.action;
  i.status = v.status;
  i.upstream_status = view(t, now).status;
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
