// The wire names of a task's and a button's fields and the member each one fills. The streaming
// decoder (task_sax.cpp) and the tree decoder (decode.cpp) both read fields through this table,
// so they cannot disagree on a name or a member. Internal to src/json.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cometapi/models.hpp"
#include "json/read.hpp"

namespace cometapi::detail {

/// How a task field's value is read (the rules themselves are in json/read.hpp).
enum class TaskFieldKind {
  kText,       // any_string
  kTime,       // any_int64
  kProgress,   // parse_percent
  kUrls,       // strings, or objects read for their `url`
  kButtons,    // objects, read with the button fields
  kProperties  // an object: its JSON text and two prompts
};

struct TaskField {
  TaskFieldKind kind;
  std::string Task::*text = nullptr;               // kText
  std::int64_t Task::*time = nullptr;              // kTime
  std::vector<std::string> Task::*urls = nullptr;  // kUrls
};

/// The field named `key`, or nullptr: an unknown field, ignored.
const TaskField* find_task_field(std::string_view key);
/// Reads a `properties` object: its JSON text and the two prompts.
void read_properties(const json& object, TaskProperties& properties);
/// Resets the field's member to what a value of the wrong shape (or null) leaves: "", 0, empty.
void clear_task_field(Task& task, const TaskField& field);

struct ButtonField {
  std::string Button::*text = nullptr;  // any_string
  int Button::*number = nullptr;        // clamp_int(any_int64)
};

/// The button field named `key`, or nullptr: ignored.
const ButtonField* find_button_field(std::string_view key);
void clear_button_field(Button& button, const ButtonField& field);

}  // namespace cometapi::detail
