#include "cometapi/models.hpp"

#include <ostream>
#include <string_view>

namespace cometapi {

const char* to_string(TaskStatus status) noexcept {
  switch (status) {
    case TaskStatus::NotSynced:
      return "";
    case TaskStatus::NotStart:
      return "NOT_START";
    case TaskStatus::Submitted:
      return "SUBMITTED";
    case TaskStatus::Modal:
      return "MODAL";
    case TaskStatus::InProgress:
      return "IN_PROGRESS";
    case TaskStatus::Failure:
      return "FAILURE";
    case TaskStatus::Success:
      return "SUCCESS";
    case TaskStatus::Cancel:
      return "CANCEL";
    case TaskStatus::Unknown:
      break;
  }
  return "UNKNOWN";
}

TaskStatus parse_task_status(std::string_view text) noexcept {
  if (text.empty()) return TaskStatus::NotSynced;
  if (text == "NOT_START") return TaskStatus::NotStart;
  if (text == "SUBMITTED") return TaskStatus::Submitted;
  if (text == "MODAL") return TaskStatus::Modal;
  if (text == "IN_PROGRESS") return TaskStatus::InProgress;
  if (text == "FAILURE") return TaskStatus::Failure;
  if (text == "SUCCESS") return TaskStatus::Success;
  if (text == "CANCEL") return TaskStatus::Cancel;
  return TaskStatus::Unknown;
}

std::ostream& operator<<(std::ostream& out, TaskStatus status) {
  return out << (status == TaskStatus::NotSynced ? "(not synced)" : to_string(status));
}

bool is_terminal(TaskStatus status) noexcept {
  return status == TaskStatus::Success || status == TaskStatus::Failure ||
         status == TaskStatus::Cancel;
}

namespace {

// A leading "1️⃣", "1." , "1)" or "1 -" (keycap digits are the digit, U+FE0F, U+20E3).
std::string_view without_number(std::string_view line) {
  const auto trim = [](std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
  };
  line = trim(line);
  if (!line.empty() && line.front() >= '0' && line.front() <= '9') {
    std::string_view rest = line.substr(1);
    constexpr std::string_view kVariation = "\xEF\xB8\x8F";  // U+FE0F
    constexpr std::string_view kKeycap = "\xE2\x83\xA3";     // U+20E3
    if (rest.substr(0, kVariation.size()) == kVariation) rest.remove_prefix(kVariation.size());
    if (rest.substr(0, kKeycap.size()) == kKeycap) {
      return trim(rest.substr(kKeycap.size()));
    }
    if (!rest.empty() && (rest.front() == '.' || rest.front() == ')')) return trim(rest.substr(1));
  }
  return line;
}

}  // namespace

std::vector<std::string> suggestion_lines(std::string_view text);

std::vector<std::string> prompt_suggestions(const Task& task) {
  // Each upstream fills one of the two; when both are set, the one with more lines is the list
  // (the other is then the single prompt that was run).
  std::vector<std::string> from_final = suggestion_lines(task.properties.final_prompt);
  std::vector<std::string> from_en = suggestion_lines(task.prompt_en);
  return from_en.size() > from_final.size() ? from_en : from_final;
}

std::vector<std::string> suggestion_lines(std::string_view text) {
  std::vector<std::string> suggestions;
  std::string_view rest(text);
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = without_number(line);
    if (!line.empty()) suggestions.emplace_back(line);
  }
  return suggestions;
}

}  // namespace cometapi
