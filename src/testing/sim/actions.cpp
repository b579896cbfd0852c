// Button presses (/submit/action, /change, /simple-change) and /submit/modal, which continues a
// MODAL task under the same id.
#include <algorithm>

#include "sim/answers.hpp"
#include "sim/grid_image.hpp"
#include "sim/simulation.hpp"
#include "sim/submit_fields.hpp"

namespace cometapi::testing::detail {
namespace {

bool remixable(const std::string& action) {
  return action == "VARIATION" || action == "REROLL" || action == "LOW_VARIATION" ||
         action == "HIGH_VARIATION" || action == "PAN";
}

}  // namespace

Reply Simulation::submit_action(const Call& call, const Json& req) {
  const std::string custom_id = str(req, "customId");
  if (custom_id.empty()) return gateway_error("custom_id_is_required");
  // The gateway reads the customId before anything else, and answers its own shapes.
  const ParsedCustomId parsed = parse_custom_id(custom_id);
  if (parsed.error == "unknown_action") return unknown_action(custom_id, call.request_id);
  if (parsed.error == "new_api_panic") return new_api_panic(call.request_id);
  if (!parsed.error.empty()) return gateway_error(parsed.error);
  const std::string task_id = str(req, "taskId");
  if (task_id.empty()) return gateway_error("task_id_is_required");
  SimTask* parent = find_owned(call.key, task_id);
  if (parent == nullptr) return gateway_error("task_not_found");
  if (shown(*parent, now_locked()).status != "SUCCESS") {
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
  const std::string parent_prompt = parent.prompt;  // create_task may grow tasks_
  SimTask* created =
      create_task(call, req, parsed.action, parent_prompt, kind, !opens_modal && !remix);
  if (created == nullptr) return queue_full();
  SimTask& t = *created;
  t.parent_id = parent.id;
  t.custom_id = custom_id;
  if (kind == ResultKind::Upscaled || kind == ResultKind::UpscaledHd) {
    take_quadrant(t, parent, parsed.index);
  }
  if (!opens_modal && !remix) return json_reply(submit_answer(t, false));

  t.waiting_modal = true;
  t.description = kWaitingModal;
  Json props = properties_base();
  // Vary (Region) answers an empty finalPrompt: a known upstream bug.
  props["finalPrompt"] = parsed.action == "INPAINT" ? "" : t.prompt;
  props["remix"] = true;
  Json j;
  // The gateway rewrites 21 to 1 except for INPAINT and CUSTOM_ZOOM.
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
  const std::int64_t now = now_locked();
  const Admission admission = admit(t->key, now);
  if (admission == Admission::Full) return queue_full();  // still MODAL: it may be sent again
  t->waiting_modal = false;
  t->modal_at = now;
  place(*t, index_of(*t), admission, now);
  t->prompt_en = prompt;
  apply_prompt_rules(*t, prompt);
  count_submit(str(req, "state"));
  // The same id as the MODAL task (a string: a numeric result cannot pass the gateway).
  Json props = properties_base();
  if (t->queued_ahead > 0) props["numberOfQueues"] = t->queued_ahead;
  Json j{{"code", t->queued_ahead > 0 && !options_.rewrite_queued_code ? 22 : 1},
         {"description", kSubmitted},
         {"result", t->id},
         {"properties", props}};
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
  if (shown(*parent, now_locked()).status != "SUCCESS") {
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
