#include "cometapi/models.hpp"

#include <ostream>

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

}  // namespace cometapi
