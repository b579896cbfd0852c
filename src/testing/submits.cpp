// The submit endpoints. Checks run in the gateway's order first (HTTP 400 answers), then the
// upstream's (HTTP 200 with code != 1), as mj-api.md §2 describes.
#include <algorithm>
#include <cctype>

#include "data_uri.hpp"
#include "grid_image.hpp"
#include "simulation.hpp"

namespace cometapi::testing::detail {
namespace {

constexpr const char* kSubmitted = "Submit success";
constexpr const char* kWaitingModal = "Waiting for window confirm";
constexpr const char* kInstance = "1118138338562560102";

std::string str(const Json& req, const char* name) {
  const auto it = req.find(name);
  return it != req.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const Json& req, const char* name) {
  const auto it = req.find(name);
  return it != req.end() && it->is_boolean() && it->get<bool>();
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

std::vector<std::string> strings(const Json& req, const char* name) {
  std::vector<std::string> out;
  const auto it = req.find(name);
  if (it == req.end() || !it->is_array()) return out;
  for (const Json& item : *it) out.push_back(item.get<std::string>());
  return out;
}

bool all_data_uris(const std::vector<std::string>& items) {
  return std::all_of(items.begin(), items.end(),
                     [](const std::string& s) { return parse_data_uri(s).has_value(); });
}

bool remixable(const std::string& action) {
  return action == "VARIATION" || action == "REROLL" || action == "LOW_VARIATION" ||
         action == "HIGH_VARIATION" || action == "PAN";
}

}  // namespace

Json Simulation::properties_base() const {
  return Json{{"discordInstanceId", kInstance}, {"discordChannelId", kInstance}};
}

Json Simulation::submit_answer(const SimTask& task, bool numeric_result) const {
  Json props = properties_base();
  if (task.queued_ahead > 0) props["numberOfQueues"] = task.queued_ahead;
  Json j;
  // Upstream says code 22 when queued; the gateway rewrites it to 1 (mj-api.md §2.1).
  j["code"] = 1;
  j["description"] = task.description;
  // Some documented answers carry the id as a JSON number (mj-api.md §7.6).
  j["result"] = numeric_result ? Json(std::stoull(task.id)) : Json(task.id);
  j["properties"] = props;
  if (options_.extra_fields) j["extraField"] = "clients must ignore unknown keys";
  return j;
}

SimTask& Simulation::create_task(const Call& call, const Json& req, std::string action,
                                 std::string prompt, ResultKind kind) {
  const std::int64_t now = now_locked();
  const int ahead = queue_ahead(call.key, now);
  SimTask t;
  t.id = new_id();
  t.key = call.key;
  t.action = std::move(action);
  t.prompt = std::move(prompt);
  t.prompt_en = t.prompt;
  t.queued_ahead = ahead;
  t.description = ahead > 0 ? "排队中，前面还有" + std::to_string(ahead) + "个任务" : kSubmitted;
  t.state = str(req, "state");
  t.mode = call.mode;
  t.notify_hook = str(req, "notifyHook");
  t.submit_ms = now;
  t.run_from_ms = now;
  t.kind = kind;
  t.hash = new_hash();
  t.seed = std::to_string(1 + rng_() % 9) + new_digits(9);
  t.buttons = buttons_for(kind, t.hash);
  t.palette = new_palette();
  t.single_image = kind != ResultKind::Grid;
  if (kind == ResultKind::Grid) size_grid_for_prompt(t);
  if (kind == ResultKind::Describe) t.suggestions = describe_suggestions();
  if (kind == ResultKind::Shorten) t.suggestions = shorten_suggestions(t.prompt);
  apply_prompt_rules(t, t.prompt);
  tasks_.push_back(std::move(t));
  index_[tasks_.back().id] = tasks_.size() - 1;
  ++tasks_created_;
  count_submit(tasks_.back().state);
  return tasks_.back();
}

std::string Simulation::describe_suggestions() {
  static const char* const kSubjects[] = {"a red fox",     "a lighthouse",   "an old tram",
                                          "a paper crane", "a glass teapot", "a snowy owl"};
  static const char* const kStyles[] = {"watercolor",      "oil painting", "isometric render",
                                        "35mm photograph", "ink sketch",   "low-poly art"};
  static const char* const kMoods[] = {"soft morning light", "dramatic shadows", "pastel tones",
                                       "neon glow",          "misty atmosphere", "golden hour"};
  static const char* const kNumbers[] = {"1️⃣", "2️⃣", "3️⃣", "4️⃣"};
  std::string out;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out += "\n";
    out += std::string(kNumbers[i]) + " " + kSubjects[rng_() % 6] + ", " + kStyles[rng_() % 6] +
           ", " + kMoods[rng_() % 6] + " --ar 1:1";
  }
  return out;
}

std::string Simulation::shorten_suggestions(const std::string& prompt) {
  // Shorten keeps fewer and fewer leading words of the prompt.
  std::vector<std::string> words;
  std::string word;
  for (char c : prompt) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) words.push_back(word);
  static const char* const kNumbers[] = {"1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"};
  std::string out;
  for (int i = 0; i < 5; ++i) {
    const std::size_t keep = std::max<std::size_t>(1, words.size() * (5 - i) / 6);
    std::string line;
    for (std::size_t w = 0; w < keep && w < words.size(); ++w) line += (w ? " " : "") + words[w];
    if (i > 0) out += "\n";
    out += std::string(kNumbers[i]) + " " + line;
  }
  return out;
}

Reply Simulation::submit_imagine(const Call& call, const Json& req) {
  const std::string prompt = str(req, "prompt");
  if (prompt.empty()) return gateway_error("prompt_is_required");
  if (blank(prompt)) return refusal(4, "prompt不能为空");  // passes the gateway, not upstream
  if (auto word = banned_word_in(prompt)) return banned(prompt, *word);
  if (!all_data_uris(strings(req, "base64Array"))) return refusal(4, "base64格式错误");
  const SimTask& t = create_task(call, req, "IMAGINE", prompt, ResultKind::Grid);
  return json_reply(submit_answer(t, false));
}

Reply Simulation::submit_blend(const Call& call, const Json& req) {
  const std::vector<std::string> images = strings(req, "base64Array");
  if (images.size() < 2 || images.size() > 5) return refusal(4, "base64List参数错误");
  if (!all_data_uris(images)) return refusal(4, "base64格式错误");
  const std::string dimensions = str(req, "dimensions");
  int width = 128, height = 128;
  if (dimensions == "PORTRAIT") {
    height = 192;  // 2:3
  } else if (dimensions == "LANDSCAPE") {
    width = 192;  // 3:2
  } else if (!dimensions.empty() && dimensions != "SQUARE") {
    return refusal(4, "dimensions参数错误");
  }
  SimTask& t = create_task(call, req, "BLEND", "", ResultKind::Grid);
  t.width = width;
  t.height = height;
  return json_reply(submit_answer(t, false));
}

Reply Simulation::submit_describe(const Call& call, const Json& req) {
  const std::string base64 = str(req, "base64");
  const std::string link = str(req, "link");
  if (base64.empty() && link.empty()) return refusal(4, "base64或link不能为空");
  if (!base64.empty() && !parse_data_uri(base64)) return refusal(4, "base64格式错误");
  const SimTask& t = create_task(call, req, "DESCRIBE", "", ResultKind::Describe);
  return json_reply(submit_answer(t, true));
}

Reply Simulation::submit_shorten(const Call& call, const Json& req) {
  const std::string prompt = str(req, "prompt");
  if (blank(prompt)) return refusal(4, "prompt不能为空");  // the gateway checks only imagine
  if (auto word = banned_word_in(prompt)) return banned(prompt, *word);
  const SimTask& t = create_task(call, req, "SHORTEN", prompt, ResultKind::Shorten);
  return json_reply(submit_answer(t, false));
}

Reply Simulation::submit_video(const Call& call, const Json& req) {
  const bool extend = lower(str(req, "action")) == "extend";
  const std::string task_id = str(req, "taskId");
  if (extend && task_id.empty()) return gateway_error("task_id_is_required");
  const SimTask* parent = nullptr;
  if (!task_id.empty()) {
    parent = find_owned(call.key, task_id);
    if (parent == nullptr) return gateway_error("task_not_found");
    if (view(*parent, now_locked()).status != "SUCCESS") {
      return gateway_error("task_status_not_success");
    }
  }
  const std::string motion = str(req, "motion");
  if (!motion.empty() && motion != "low" && motion != "high") return refusal(4, "motion参数错误");
  if (extend) {
    if (parent->action != "VIDEO") return refusal(4, "关联任务不是视频任务");
    const auto index = req.find("index");
    if (index == req.end() || !index->is_number_integer()) return refusal(4, "index不能为空");
    const int i = index->get<int>();
    if (i < 0 || i >= parent->video_count) return refusal(4, "index参数错误");
  } else if (str(req, "image").empty()) {
    return refusal(4, "image不能为空");
  }
  std::string prompt = str(req, "prompt");
  if (auto word = banned_word_in(prompt)) return banned(prompt, *word);
  int batch = 4;
  if (const auto it = req.find("batchSize"); it != req.end() && it->is_number_integer()) {
    batch = it->get<int>();
    if (batch != 1 && batch != 2 && batch != 4) return refusal(4, "batchSize参数错误");
  }
  if (extend && prompt.empty()) prompt = parent->prompt;
  const std::string parent_id = parent != nullptr ? parent->id : "";
  SimTask& t = create_task(call, req, "VIDEO", prompt, ResultKind::Video);
  t.parent_id = parent_id;
  t.video_count = batch;
  Json answer = submit_answer(t, false);
  answer["properties"]["prompt"] = prompt;
  return json_reply(answer);
}

Reply Simulation::submit_edits(const Call& call, const Json& req) {
  const std::string prompt = str(req, "prompt");
  const std::string image = str(req, "image");
  if (blank(prompt)) return refusal(4, "prompt不能为空");
  if (image.empty()) return refusal(4, "image不能为空");
  if (image.rfind("data:", 0) == 0 && !parse_data_uri(image)) return refusal(4, "base64格式错误");
  if (auto word = banned_word_in(prompt)) return banned(prompt, *word);
  const SimTask& t = create_task(call, req, "EDITS", prompt, ResultKind::Grid);
  return json_reply(submit_answer(t, false));
}

Reply Simulation::submit_upload(const Call& call, const Json& req) {
  const std::vector<std::string> images = strings(req, "base64Array");
  if (images.empty()) return refusal(4, "base64 参数错误");
  Json urls = Json::array();
  std::vector<std::pair<std::string, DataUri>> decoded;
  for (const std::string& image : images) {
    auto uri = parse_data_uri(image);
    if (!uri) return refusal(4, "base64格式错误");
    std::string name = new_hash();
    name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
    name += "." + extension_for(uri->mime);
    decoded.emplace_back(std::move(name), std::move(*uri));
  }
  for (auto& [name, uri] : decoded) {
    urls.push_back(call.base_url + "/attachments/" + name);
    uploads_[name] = {uri.mime, std::move(uri.bytes)};
  }
  // The gateway records the upload as an already finished task without an id to poll.
  count_submit(str(req, "state"));
  Json j{
      {"code", 1}, {"description", "提交成功"}, {"result", urls}, {"properties", Json::object()}};
  if (options_.extra_fields) j["extraField"] = "clients must ignore unknown keys";
  return json_reply(j);
}

Reply Simulation::submit_swap_face(const Call& call, const Json& req) {
  const std::string source = str(req, "sourceBase64");
  const std::string target = str(req, "targetBase64");
  if (source.empty() || target.empty()) {
    return gateway_error("sour_base64_and_target_base64_is_required");
  }
  if (!parse_data_uri(source) || !parse_data_uri(target)) return refusal(4, "base64格式错误");
  const SimTask& t = create_task(call, req, "SWAP_FACE", "InsightFace", ResultKind::FaceSwap);
  return json_reply(submit_answer(t, false));
}

Reply Simulation::submit_action(const Call& call, const Json& req) {
  const std::string custom_id = str(req, "customId");
  if (custom_id.empty()) return gateway_error("custom_id_is_required");
  const ParsedCustomId parsed = parse_custom_id(custom_id);
  if (!parsed.error.empty()) return gateway_error(parsed.error);
  const std::string task_id = str(req, "taskId");
  if (task_id.empty()) return gateway_error("task_id_is_required");
  SimTask* parent = find_owned(call.key, task_id);
  if (parent == nullptr) return gateway_error("task_not_found");
  if (view(*parent, now_locked()).status != "SUCCESS") {
    return gateway_error("task_status_not_success");
  }
  const bool current = std::any_of(parent->buttons.begin(), parent->buttons.end(),
                                   [&](const ButtonSpec& b) { return b.custom_id == custom_id; });
  if (!current) return refusal(4, "customId无效或已失效");
  return press(call, req, *parent, parsed, custom_id);
}

Reply Simulation::press(const Call& call, const Json& req, SimTask& parent,
                        const ParsedCustomId& parsed, const std::string& custom_id) {
  const ResultKind kind = result_kind_of_action(parsed);
  if (parsed.verb == "upsample") {
    // Midjourney shows a pressed U button as primary from then on.
    for (ButtonSpec& b : parent.buttons) {
      if (b.custom_id == custom_id) b.style = 1;
    }
  }
  const bool opens_modal = parsed.action == "INPAINT" || parsed.action == "CUSTOM_ZOOM";
  const bool remix = remixable(parsed.action) && (flag(req, "enableRemix") || remix_);
  SimTask& t = create_task(call, req, parsed.action, parent.prompt, kind);
  t.parent_id = parent.id;
  t.custom_id = custom_id;
  if (kind == ResultKind::Upscaled || kind == ResultKind::UpscaledHd) {
    take_quadrant(t, parent, parsed.index);
  }
  if (!opens_modal && !remix) return json_reply(submit_answer(t, false));

  t.waiting_modal = true;
  t.description = kWaitingModal;
  Json props = properties_base();
  // Vary (Region) answers an empty finalPrompt: a known upstream bug (mj-api.md §7.9).
  props["finalPrompt"] = parsed.action == "INPAINT" ? "" : t.prompt;
  props["remix"] = true;
  Json j;
  // The gateway rewrites 21 to 1 except for INPAINT and CUSTOM_ZOOM (mj-api.md §2.1).
  j["code"] = opens_modal ? 21 : 1;
  j["description"] = kWaitingModal;
  j["result"] = t.id;
  j["properties"] = props;
  if (options_.extra_fields) j["extraField"] = "clients must ignore unknown keys";
  return json_reply(j);
}

Reply Simulation::submit_modal(const Call& call, const Json& req) {
  const std::string task_id = str(req, "taskId");
  if (task_id.empty()) return gateway_error("task_id_is_required");
  SimTask* t = find_owned(call.key, task_id);
  if (t == nullptr) return gateway_error("task_not_found");
  // The gateway skips its SUCCESS check for modal; the upstream wants a task in MODAL.
  if (view(*t, now_locked()).status != "MODAL") return refusal(4, "任务状态错误，不是MODAL状态");
  if (t->action == "INPAINT" && str(req, "maskBase64").empty()) {
    return refusal(4, "maskBase64不能为空");
  }
  std::string prompt = str(req, "prompt");
  if (blank(prompt)) prompt = t->prompt;  // upstream falls back to the parent's prompt
  if (blank(prompt)) return refusal(4, "prompt不能为空");
  if (auto word = banned_word_in(prompt)) return banned(prompt, *word);
  t->waiting_modal = false;
  t->continued_by_modal = true;
  t->run_from_ms = now_locked();
  t->prompt_en = prompt;
  apply_prompt_rules(*t, prompt);
  count_submit(str(req, "state"));
  Json j{{"code", 1},
         {"description", kSubmitted},
         {"result", std::stoull(t->id)},  // a JSON number, as the modal docs show
         {"properties", properties_base()}};
  if (options_.extra_fields) j["extraField"] = "clients must ignore unknown keys";
  return json_reply(j);
}

Reply Simulation::submit_change(const Call& call, const Json& req) {
  const std::string task_id = str(req, "taskId");
  const std::string action = str(req, "action");
  if (task_id.empty()) return gateway_error("task_id_is_required");
  if (action.empty()) return gateway_error("action_is_required");
  const auto index = req.find("index");
  // The gateway wants an index even for REROLL.
  if (index == req.end() || !index->is_number_integer() || index->get<int>() == 0) {
    return gateway_error("index_is_required");
  }
  return change(call, req, task_id, action, index->get<int>());
}

Reply Simulation::submit_simple_change(const Call& call, const Json& req) {
  const std::string content = str(req, "content");
  if (content.empty()) return gateway_error("content_is_required");
  const auto space = content.find(' ');
  if (space == std::string::npos || content.find(' ', space + 1) != std::string::npos) {
    return gateway_error("content_parse_failed");
  }
  const std::string task_id = content.substr(0, space);
  const std::string button = lower(content.substr(space + 1));
  if (button == "r") return change(call, req, task_id, "REROLL", 1);
  if (button.size() != 2 || (button[0] != 'u' && button[0] != 'v') || button[1] < '1' ||
      button[1] > '4') {
    return gateway_error("content_parse_failed");
  }
  return change(call, req, task_id, button[0] == 'u' ? "UPSCALE" : "VARIATION", button[1] - '0');
}

Reply Simulation::change(const Call& call, const Json& req, const std::string& task_id,
                         const std::string& action, int index) {
  SimTask* parent = find_owned(call.key, task_id);
  if (parent == nullptr) return gateway_error("task_not_found");
  if (view(*parent, now_locked()).status != "SUCCESS") {
    return gateway_error("task_status_not_success");
  }
  if (action != "UPSCALE" && action != "VARIATION" && action != "REROLL") {
    return refusal(4, "action参数错误");
  }
  if (parent->kind != ResultKind::Grid) return refusal(4, "关联任务不允许执行变化");
  if (action != "REROLL" && (index < 1 || index > 4)) return refusal(4, "index参数错误");
  std::string custom_id;
  if (action == "UPSCALE") {
    custom_id = "MJ::JOB::upsample::" + std::to_string(index) + "::" + parent->hash;
  } else if (action == "VARIATION") {
    custom_id = "MJ::JOB::variation::" + std::to_string(index) + "::" + parent->hash;
  } else {
    custom_id = "MJ::JOB::reroll::0::" + parent->hash + "::SOLO";
  }
  return press(call, req, *parent, parse_custom_id(custom_id), custom_id);
}

}  // namespace cometapi::testing::detail
