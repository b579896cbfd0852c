// The read endpoints (fetch, list-by-condition, image-seed, served files) and request binding.
#include <algorithm>

#include "sim/answers.hpp"
#include "sim/grid_image.hpp"
#include "sim/simulation.hpp"

namespace cometapi::testing::detail {
namespace {

// A minimal ISO-BMFF header, enough for `file` to say "ISO Media": the simulator has no encoder.
std::string fake_mp4() {
  const std::string ftyp(
      "\x00\x00\x00\x18"
      "ftypisom\x00\x00\x02\x00isommp41",
      24);
  const std::string free(
      "\x00\x00\x00\x08"
      "free",
      8);
  return ftyp + free;
}

}  // namespace

Reply Simulation::fetch(const Call& call, const std::string& id) {
  SimTask* t = find_owned(call.key, id);
  if (t == nullptr) return gateway_error("task_no_found");
  Reply r = json_reply(task_json(*t, call.base_url, now_locked()));
  r.content_type = kJsonType;
  return r;
}

Reply Simulation::list_by_condition(const Call& call) {
  Json req;
  try {
    req = Json::parse(call.body);
  } catch (const std::exception&) {
    return gateway_error("do_request_failed");
  }
  if (!req.is_object()) return gateway_error("do_request_failed");
  std::vector<std::string> ids;
  if (req.contains("ids") && !req["ids"].is_null()) {
    if (!req["ids"].is_array()) return gateway_error("do_request_failed");
    for (const Json& id : req["ids"]) {
      if (!id.is_string()) return gateway_error("do_request_failed");
      ids.push_back(id.get<std::string>());
    }
  }
  std::vector<const SimTask*> found;
  for (const std::string& id : ids) {
    const SimTask* t = find_owned(call.key, id);
    if (t != nullptr && std::find(found.begin(), found.end(), t) == found.end()) found.push_back(t);
  }
  // The gateway returns rows in database order, not in the order asked for. Shuffle, and never
  // hand back the asked order, so a client that relies on it fails every time.
  if (found.size() >= 2) {
    const std::vector<const SimTask*> asked = found;
    std::shuffle(found.begin(), found.end(), rng_);
    if (found == asked) std::rotate(found.begin(), found.begin() + 1, found.end());
  }
  const std::int64_t now = now_locked();
  Json out = Json::array();
  for (const SimTask* t : found) out.push_back(task_json(*t, call.base_url, now));
  Reply r = json_reply(out);
  r.content_type = kJsonType;
  return r;
}

Reply Simulation::image_seed(const Call& call, const std::string& id) {
  SimTask* t = find_owned(call.key, id);
  if (t == nullptr) return gateway_error("task_no_found");
  if (shown(*t, now_locked()).status != "SUCCESS") return refusal(4, "任务未完成");
  Json j{{"code", 1}, {"description", "成功"}, {"result", t->seed}};
  return json_reply(j);
}

Reply Simulation::image(const std::string& id) {
  const SimTask* t = find_any(id);
  if (t == nullptr) return json_reply(Json{{"error", "midjourney_task_not_found"}}, 400);
  const std::string status = shown(*t, now_locked()).status;
  if ((status != "SUCCESS" && status != "IN_PROGRESS") || t->kind == ResultKind::Shorten) {
    // No upstream URL is stored yet, so the gateway's own GET fails.
    return json_reply(Json{{"error", "http_get_image_failed"}}, 500);
  }
  Reply r;
  r.content_type = "image/png";
  r.body = task_png(*t);
  return r;
}

Reply Simulation::video(const std::string& id, const std::string& file) {
  const SimTask* t = find_any(id);
  int n = -1;
  if (file.size() > 4 && file.substr(file.size() - 4) == ".mp4") {
    try {
      n = std::stoi(file.substr(0, file.size() - 4));
    } catch (const std::exception&) {
      n = -1;
    }
  }
  if (t == nullptr || t->kind != ResultKind::Video || n < 0 || n >= t->video_count ||
      shown(*t, now_locked()).status != "SUCCESS") {
    return json_reply(Json{{"error", "not_found"}}, 404);
  }
  Reply r;
  r.content_type = "video/mp4";
  r.body = fake_mp4();
  return r;
}

Reply Simulation::attachment(const std::string& name) {
  const auto it = uploads_.find(name);
  if (it == uploads_.end()) return json_reply(Json{{"error", "not_found"}}, 404);
  Reply r;
  r.content_type = it->second.first;
  r.body = it->second.second;
  return r;
}

// ---- binding -----------------------------------------------------------------------------

std::optional<Json> bind_request(const std::string& body) {
  Json req;
  try {
    req = Json::parse(body);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!req.is_object()) return std::nullopt;
  static const char* const kStrings[] = {
      "prompt", "customId",   "botType",      "notifyHook",  "action", "state",
      "taskId", "content",    "maskBase64",   "base64",      "link",   "image",
      "motion", "dimensions", "sourceBase64", "targetBase64"};
  for (const char* name : kStrings) {
    if (req.contains(name) && !req[name].is_null() && !req[name].is_string()) return std::nullopt;
  }
  for (const char* name : {"index", "batchSize"}) {
    if (req.contains(name) && !req[name].is_null() && !req[name].is_number_integer()) {
      return std::nullopt;
    }
  }
  for (const char* name : {"enableRemix", "strong", "chooseSameChannel", "loop"}) {
    if (req.contains(name) && !req[name].is_null() && !req[name].is_boolean()) return std::nullopt;
  }
  if (req.contains("base64Array") && !req["base64Array"].is_null()) {
    if (!req["base64Array"].is_array()) return std::nullopt;
    for (const Json& item : req["base64Array"]) {
      if (!item.is_string()) return std::nullopt;
    }
  }
  if (req.contains("accountFilter") && !req["accountFilter"].is_null() &&
      !req["accountFilter"].is_object()) {
    return std::nullopt;
  }
  return req;
}

}  // namespace cometapi::testing::detail
