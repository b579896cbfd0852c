// The submit endpoints that create a task from nothing (button presses are in sim/actions.cpp).
// Checks run in the gateway's order first (HTTP 400 answers), then the upstream's (HTTP 200 with
// code != 1).
#include <algorithm>
#include <cctype>

#include "sim/answers.hpp"
#include "sim/data_uri.hpp"
#include "sim/grid_image.hpp"
#include "sim/simulation.hpp"
#include "sim/submit_fields.hpp"

namespace cometapi::testing::detail {

Json Simulation::properties_base() const {
  return Json{{"discordInstanceId", kInstance}, {"discordChannelId", kInstance}};
}

Reply Simulation::refusal(int code, const std::string& description) const {
  return detail::refusal(code, description, options_.extra_fields);
}

Reply Simulation::banned(const std::string& prompt, const std::string& word) const {
  return detail::banned(prompt, word, options_.extra_fields);
}

Reply Simulation::queue_full() const {
  return detail::queue_full(options_.flavour, options_.extra_fields);
}

Json Simulation::submit_answer(const SimTask& task, bool numeric_result) const {
  Json props = properties_base();
  if (task.queued_ahead > 0) props["numberOfQueues"] = task.queued_ahead;
  Json j;
  // The upstream says code 22 when queued; the gateway rewrites that text to 1.
  j["code"] = task.queued_ahead > 0 && !options_.rewrite_queued_code ? 22 : 1;
  j["description"] = task.description;
  // Some documented answers carry the id as a JSON number.
  j["result"] = numeric_result ? Json(std::stoull(task.id)) : Json(task.id);
  j["properties"] = props;
  if (options_.extra_fields) j["extraField"] = "clients must ignore unknown keys";
  return j;
}

SimTask* Simulation::create_task(const Call& call, const Json& req, std::string action,
                                 std::string prompt, ResultKind kind, bool holds_slot) {
  const std::int64_t now = now_locked();
  const Admission admission = holds_slot ? admit(call.key, now) : Admission::Run;
  if (admission == Admission::Full) return nullptr;
  SimTask t;
  t.id = new_id();
  t.key = call.key;
  t.action = std::move(action);
  t.prompt = std::move(prompt);
  t.prompt_en = t.prompt;
  t.state = str(req, "state");
  t.mode = call.mode;
  t.notify_hook = str(req, "notifyHook");
  t.submit_ms = now;
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
  SimTask& task = tasks_.back();
  const std::size_t index = tasks_.size() - 1;
  index_[task.id] = index;
  if (!task.notify_hook.empty()) hooked_.push_back(index);
  if (holds_slot) {
    place(task, index, admission, now);
  } else {
    task.started = false;  // a MODAL task takes a slot only once /submit/modal continues it
  }
  task.description = task.queued_ahead > 0
                         ? "排队中，前面还有" + std::to_string(task.queued_ahead) + "个任务"
                         : kSubmitted;
  ++tasks_created_;
  count_submit(task.state);
  return &task;
}

std::vector<std::string> Simulation::describe_suggestions() {
  static const char* const kSubjects[] = {"a red fox",     "a lighthouse",   "an old tram",
                                          "a paper crane", "a glass teapot", "a snowy owl"};
  static const char* const kStyles[] = {"watercolor",      "oil painting", "isometric render",
                                        "35mm photograph", "ink sketch",   "low-poly art"};
  static const char* const kMoods[] = {"soft morning light", "dramatic shadows", "pastel tones",
                                       "neon glow",          "misty atmosphere", "golden hour"};
  static const char* const kNumbers[] = {"1️⃣", "2️⃣", "3️⃣", "4️⃣"};
  std::vector<std::string> out;
  for (int i = 0; i < 4; ++i) {
    out.push_back(std::string(kNumbers[i]) + " " + kSubjects[rng_() % 6] + ", " +
                  kStyles[rng_() % 6] + ", " + kMoods[rng_() % 6] + " --ar 1:1");
  }
  return out;
}

std::vector<std::string> Simulation::shorten_suggestions(const std::string& prompt) {
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
  std::vector<std::string> out;
  for (int i = 0; i < 5; ++i) {
    const std::size_t keep = std::max<std::size_t>(1, words.size() * (5 - i) / 6);
    std::string line;
    for (std::size_t w = 0; w < keep && w < words.size(); ++w) line += (w ? " " : "") + words[w];
    out.push_back(std::string(kNumbers[i]) + " " + line);
  }
  return out;
}

Reply Simulation::submit_imagine(const Call& call, const Json& req) {
  const std::string prompt = str(req, "prompt");
  if (prompt.empty()) return gateway_error("prompt_is_required");
  if (blank(prompt)) return refusal(4, "prompt不能为空");  // passes the gateway, not upstream
  if (auto word = banned_word_in(prompt)) return banned(prompt, *word);
  if (!all_data_uris(strings(req, "base64Array"))) return refusal(4, "base64格式错误");
  const SimTask* t = create_task(call, req, "IMAGINE", prompt, ResultKind::Grid);
  if (t == nullptr) return queue_full();
  return json_reply(submit_answer(*t, false));
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
  SimTask* created = create_task(call, req, "BLEND", "", ResultKind::Grid);
  if (created == nullptr) return queue_full();
  SimTask& t = *created;
  t.width = width;
  t.height = height;
  return json_reply(submit_answer(t, false));
}

Reply Simulation::submit_describe(const Call& call, const Json& req) {
  const std::string base64 = str(req, "base64");
  const std::string link = str(req, "link");
  if (base64.empty() && link.empty()) return refusal(4, "base64或link不能为空");
  if (!base64.empty() && !parse_data_uri(base64)) return refusal(4, "base64格式错误");
  const SimTask* t = create_task(call, req, "DESCRIBE", "", ResultKind::Describe);
  if (t == nullptr) return queue_full();
  return json_reply(submit_answer(*t, true));
}

Reply Simulation::submit_shorten(const Call& call, const Json& req) {
  const std::string prompt = str(req, "prompt");
  if (blank(prompt)) return refusal(4, "prompt不能为空");  // the gateway checks only imagine
  if (auto word = banned_word_in(prompt)) return banned(prompt, *word);
  const SimTask* t = create_task(call, req, "SHORTEN", prompt, ResultKind::Shorten);
  if (t == nullptr) return queue_full();
  return json_reply(submit_answer(*t, false));
}

Reply Simulation::submit_video(const Call& call, const Json& req) {
  const bool extend = lower(str(req, "action")) == "extend";
  const std::string task_id = str(req, "taskId");
  if (extend && task_id.empty()) return gateway_error("task_id_is_required");
  const SimTask* parent = nullptr;
  if (!task_id.empty()) {
    parent = find_owned(call.key, task_id);
    if (parent == nullptr) return gateway_error("task_not_found");
    if (shown(*parent, now_locked()).status != "SUCCESS") {
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
  SimTask* created = create_task(call, req, "VIDEO", prompt, ResultKind::Video);
  if (created == nullptr) return queue_full();
  SimTask& t = *created;
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
  const SimTask* t = create_task(call, req, "EDITS", prompt, ResultKind::Grid);
  if (t == nullptr) return queue_full();
  return json_reply(submit_answer(*t, false));
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
  const SimTask* t = create_task(call, req, "SWAP_FACE", "InsightFace", ResultKind::FaceSwap);
  if (t == nullptr) return queue_full();
  return json_reply(submit_answer(*t, false));
}

}  // namespace cometapi::testing::detail
