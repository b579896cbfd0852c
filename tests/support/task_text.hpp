// Every field of a Task as one JSON text, so two decoded tasks can be compared (and a difference
// printed) in one line: the task decoders' differential test and the task fuzzer use it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cometapi/models.hpp"

namespace cometapi::testing_support {

inline nlohmann::json task_fields(const Task& task) {
  nlohmann::json buttons = nlohmann::json::array();
  for (const Button& b : task.buttons) {
    buttons.push_back({b.custom_id, b.emoji, b.label, b.type, b.style});
  }
  return {{"id", task.id},
          {"action", task.action},
          {"custom_id", task.custom_id},
          {"bot_type", task.bot_type},
          {"prompt", task.prompt},
          {"prompt_en", task.prompt_en},
          {"description", task.description},
          {"state", task.state},
          {"status", static_cast<int>(task.status)},
          {"status_text", task.status_text},
          {"progress", task.progress},
          {"submit_time", task.submit_time},
          {"start_time", task.start_time},
          {"finish_time", task.finish_time},
          {"image_url", task.image_url},
          {"video_url", task.video_url},
          {"video_urls", task.video_urls},
          {"image_urls", task.image_urls},
          {"fail_reason", task.fail_reason},
          {"mask_base64", task.mask_base64},
          {"buttons", buttons},
          {"final_prompt", task.properties.final_prompt},
          {"final_zh_prompt", task.properties.final_zh_prompt},
          {"raw_json", task.properties.raw_json},
          {"parent_id", task.parent_id},
          {"seed", task.seed}};
}

inline std::string task_text(const Task& task) {
  return task_fields(task).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline std::string tasks_text(const std::vector<Task>& tasks) {
  nlohmann::json list = nlohmann::json::array();
  for (const Task& task : tasks) list.push_back(task_fields(task));
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cometapi::testing_support
