// Fuzzes the task codec: detail::decode_task and detail::decode_task_list (fetch and
// list-by-condition answers, docs/service-notes.md), then the button helpers on every decoded task.
// Both read the parser's events straight into Task; each must agree with its tree decoder
// (decode_task_tree, decode_task_list_tree) on every body: the same task, list or error.
//
// Invariants: neither throws; decode_task succeeds exactly for a JSON object with a non-empty id
// (string or number), fails with ResponseInvalid otherwise; a decoded task
// has 0 <= progress <= 100, a status consistent with its text, properties.raw_json that is a JSON
// object, and buttons whose parsed actions are valid and can be found again by name and kind.
// Bodies nested deeper than fuzz::kPlainDepth may also be refused with ResponseInvalid.
#include <cctype>
#include <cstddef>
#include <cstdint>

#include "../support/task_text.hpp"
#include "fuzz_support.hpp"
#include "json/codec.hpp"
#include "json/read.hpp"

namespace {

using cometapi::ErrorKind;
using cometapi::Task;
using nlohmann::json;
namespace detail = cometapi::detail;
namespace fuzz = cometapi::fuzz;

// "0%".."100%" exactly: the one progress shape whose value is unambiguous.
bool plain_percent(const json& value, int& percent) {
  if (!value.is_string()) return false;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.size() < 2 || text.size() > 4 || text.back() != '%') return false;
  percent = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    percent = percent * 10 + (text[i] - '0');
  }
  return percent <= 100;
}

// The streaming decoder (behind decode_task) and the tree decoder agree on every body.
template <typename T>
void check_same(const cometapi::Result<T>& streamed, const cometapi::Result<T>& tree,
                std::string (*text)(const T&)) {
  FUZZ_CHECK(streamed.ok() == tree.ok());
  if (!streamed.ok()) {
    FUZZ_CHECK(streamed.error().kind == tree.error().kind);
    FUZZ_CHECK(streamed.error().message == tree.error().message);
  } else {
    FUZZ_CHECK(text(*streamed) == text(*tree));
  }
}

void check_decode_task(std::string_view body, const json& parsed) {
  const auto task = detail::decode_task(body);
  check_same(task, detail::decode_task_tree(body), cometapi::testing_support::task_text);
  if (parsed.is_discarded() || !parsed.is_object()) {
    FUZZ_CHECK(!task.ok());
    // `null` too: that it means "no such task" is the answer mapping's to say
    // (error_for_unexpected_body in src/api/answer.cpp).
    FUZZ_CHECK(task.error().kind == ErrorKind::ResponseInvalid);
    FUZZ_CHECK(!task.error().message.empty());
    return;
  }
  if (!task.ok() && fuzz::json_depth(parsed) > fuzz::kPlainDepth) {
    FUZZ_CHECK(task.error().kind == ErrorKind::ResponseInvalid);
    return;
  }
  const std::string id = detail::json_string(parsed, "id");
  FUZZ_CHECK(task.ok() == !id.empty());
  if (!task.ok()) {
    FUZZ_CHECK(task.error().kind == ErrorKind::ResponseInvalid);
    return;
  }
  FUZZ_CHECK(task->id == id);
  fuzz::check_task(*task);
  int percent = 0;
  if (auto it = parsed.find("progress"); it != parsed.end() && plain_percent(*it, percent)) {
    FUZZ_CHECK(task->progress == percent);
  }
  if (auto it = parsed.find("buttons"); it != parsed.end() && it->is_array()) {
    std::size_t objects = 0;
    for (const json& item : *it) objects += item.is_object() ? 1 : 0;
    FUZZ_CHECK(task->buttons.size() == objects);
  } else {
    FUZZ_CHECK(task->buttons.empty());
  }
}

void check_decode_task_list(std::string_view body, const json& parsed) {
  const auto tasks = detail::decode_task_list(body);
  check_same(tasks, detail::decode_task_list_tree(body), cometapi::testing_support::tasks_text);
  if (parsed.is_discarded() || !(parsed.is_null() || parsed.is_array())) {
    FUZZ_CHECK(!tasks.ok());
    FUZZ_CHECK(tasks.error().kind == ErrorKind::ResponseInvalid);
    return;
  }
  if (!tasks.ok() && fuzz::json_depth(parsed) > fuzz::kPlainDepth) {
    FUZZ_CHECK(tasks.error().kind == ErrorKind::ResponseInvalid);
    return;
  }
  FUZZ_CHECK(tasks.ok());
  std::size_t objects = 0;
  if (parsed.is_array()) {
    for (const json& item : parsed) objects += item.is_object() ? 1 : 0;
  }
  FUZZ_CHECK(tasks->size() == objects);
  for (const Task& task : *tasks) fuzz::check_task(task);  // ids may be empty in a list
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = fuzz::as_text(data, size);
  fuzz::no_throw([&] {
    const json parsed = fuzz::parse_json(body);
    check_decode_task(body, parsed);
    check_decode_task_list(body, parsed);
  });
  return 0;
}
