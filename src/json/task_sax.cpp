// The streaming task decoder: a handler for nlohmann's SAX parser that fills Task as the events
// arrive. It reads every field through the table in json/task_fields.hpp and every value with
// the tolerant rules of json/read.hpp, exactly as the tree decoder (json/decode.cpp) does:
// - a key of the table resets its member first, so a repeated key ends as its last value (as in
//   a tree) and a value of the wrong shape leaves "", 0 or an empty list;
// - an array or object where a scalar is expected, unknown keys and their values are skipped;
// - `properties` is built into a small tree, then read as the tree decoder reads it.
// The differential test (tests/unit/task_decoders_test.cpp) and the task fuzzer hold the two to
// the same results.
#include "json/task_sax.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json/read.hpp"
#include "json/task_fields.hpp"

namespace cometapi::detail {

namespace {

constexpr std::size_t kButtonsReserved = 10;

// What the parser is inside of (skipped subtrees and `properties` are tracked apart).
enum class Where { kTop, kList, kTask, kButtons, kButton, kUrls, kUrlItem };

// The tolerant rules of read.hpp, for a string as the parser hands it over and for any other
// scalar held in a json value (a number, a boolean or null: no allocation).
std::string text_of(const std::string& value) { return value; }
std::string text_of(const json& value) { return any_string(value); }
std::int64_t int64_of(const std::string& value) { return int64_from_text(value); }
std::int64_t int64_of(const json& value) { return any_int64(value); }
int percent_of(const std::string& value) { return percent_from_text(value); }
int percent_of(const json& value) { return parse_percent(value); }

class TaskHandler {
 public:
  // Exactly one of the two is given: one task, or a list.
  TaskHandler(Task* task, std::vector<Task>* list) : task_(task), list_(list) {}

  bool null() {
    if (skip_ == 0 && tree_.empty() && here() == Where::kTop) return list_ != nullptr;
    return scalar(json());
  }
  bool boolean(bool value) { return scalar(json(value)); }
  bool number_integer(std::int64_t value) { return scalar(json(value)); }
  bool number_unsigned(std::uint64_t value) { return scalar(json(value)); }
  bool number_float(double value, const std::string& /*text*/) { return scalar(json(value)); }
  bool string(std::string& value) { return scalar(value); }
  bool binary(json::binary_t& /*value*/) { return false; }  // not in JSON text

  bool start_object(std::size_t /*size*/) {
    if (++depth_ > kMaxDepth) return false;
    if (skip_ > 0) return skip_deeper();
    if (!tree_.empty()) return open_in_tree(json::object());
    switch (here()) {
      case Where::kTop:
        if (list_ != nullptr) return false;
        return push(Where::kTask);
      case Where::kList:
        task_ = &list_->emplace_back();
        return push(Where::kTask);
      case Where::kTask:
        if (field_ != nullptr && field_->kind == TaskFieldKind::kProperties) {
          properties_ = json::object();
          tree_.push_back(&properties_);
          return true;
        }
        return skip();
      case Where::kButtons:
        // A finished grid has 9 buttons; growing one by one would allocate five times.
        if (task_->buttons.empty()) task_->buttons.reserve(kButtonsReserved);
        task_->buttons.emplace_back();
        return push(Where::kButton);
      case Where::kUrls:
        url_.clear();
        return push(Where::kUrlItem);
      case Where::kButton:
      case Where::kUrlItem:
        return skip();
    }
    return false;
  }

  bool start_array(std::size_t /*size*/) {
    if (++depth_ > kMaxDepth) return false;
    if (skip_ > 0) return skip_deeper();
    if (!tree_.empty()) return open_in_tree(json::array());
    switch (here()) {
      case Where::kTop:
        if (list_ == nullptr) return false;
        return push(Where::kList);
      case Where::kTask:
        if (field_ != nullptr && field_->kind == TaskFieldKind::kButtons) {
          return push(Where::kButtons);
        }
        if (field_ != nullptr && field_->kind == TaskFieldKind::kUrls) {
          urls_ = &(task_->*field_->urls);
          return push(Where::kUrls);
        }
        return skip();
      default:
        return skip();
    }
  }

  bool end_object() { return leave(); }
  bool end_array() { return leave(); }

  bool key(std::string& name) {
    if (skip_ > 0) return true;
    if (!tree_.empty()) {
      tree_key_ = name;
      return true;
    }
    switch (here()) {
      case Where::kTask:
        field_ = find_task_field(name);
        if (field_ != nullptr) clear_task_field(*task_, *field_);
        break;
      case Where::kButton:
        button_field_ = find_button_field(name);
        if (button_field_ != nullptr) clear_button_field(task_->buttons.back(), *button_field_);
        break;
      case Where::kUrlItem:
        url_key_ = name == "url";
        if (url_key_) url_.clear();
        break;
      default:
        break;
    }
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const json::exception& /*error*/) {
    return false;
  }

 private:
  Where here() const { return stack_[top_]; }

  bool push(Where where) {
    stack_[++top_] = where;
    return true;
  }

  bool skip() {
    skip_ = 1;
    return true;
  }

  bool skip_deeper() {
    ++skip_;
    return true;
  }

  bool open_in_tree(json node) {
    tree_.push_back(&tree_put(std::move(node)));
    return true;
  }

  // The end of an object or an array.
  bool leave() {
    --depth_;
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    if (!tree_.empty()) {
      tree_.pop_back();
      if (tree_.empty()) read_properties(properties_, task_->properties);
      return true;
    }
    switch (here()) {
      case Where::kTask:
        task_->status = parse_task_status(task_->status_text);
        break;
      case Where::kUrlItem:
        if (!url_.empty()) urls_->push_back(std::move(url_));
        break;
      default:
        break;
    }
    --top_;
    return true;
  }

  // A value in the `properties` tree: appended to an array, or set under the last key (a
  // repeated key keeps its last value, as in a tree).
  json& tree_put(json node) {
    json& parent = *tree_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(node));
      return parent.back();
    }
    json& slot = parent[tree_key_];
    slot = std::move(node);
    return slot;
  }

  template <typename Value>
  bool scalar(const Value& value) {
    if (skip_ > 0) return true;
    if (!tree_.empty()) {
      tree_put(json(value));
      return true;
    }
    switch (here()) {
      case Where::kTop:
        return false;  // not an object, not a list
      case Where::kTask:
        if (field_ != nullptr) set_field(value);
        break;
      case Where::kButton:
        if (button_field_ != nullptr) {
          Button& button = task_->buttons.back();
          if (button_field_->text != nullptr) button.*button_field_->text = text_of(value);
          if (button_field_->number != nullptr) {
            button.*button_field_->number = clamp_int(int64_of(value));
          }
        }
        break;
      case Where::kUrls:
        add_url(value);
        break;
      case Where::kUrlItem:
        if (url_key_) url_ = text_of(value);
        break;
      default:
        break;  // kList, kButtons: items that are not objects are skipped
    }
    return true;
  }
  template <typename Value>
  void set_field(const Value& value) {
    switch (field_->kind) {
      case TaskFieldKind::kText:
        task_->*field_->text = text_of(value);
        break;
      case TaskFieldKind::kTime:
        task_->*field_->time = int64_of(value);
        break;
      case TaskFieldKind::kProgress:
        task_->progress = percent_of(value);
        break;
      default:
        break;  // a list or an object field given a scalar: left empty (cleared at its key)
    }
  }

  // A url list keeps its string items as they are; numbers and the like are skipped.
  void add_url(const std::string& value) { urls_->push_back(value); }
  void add_url(const json& /*value*/) {}

  Task* task_;
  std::vector<Task>* list_;
  // At most five deep: kTop, kList, kTask, kButtons (or kUrls), kButton (or kUrlItem); all
  // else is skipped or goes into the `properties` tree.
  Where stack_[8] = {Where::kTop};
  int top_ = 0;
  int depth_ = 0;
  int skip_ = 0;  // > 0: inside a subtree that is skipped, this deep
  const TaskField* field_ = nullptr;
  const ButtonField* button_field_ = nullptr;
  std::vector<std::string>* urls_ = nullptr;
  std::string url_;
  bool url_key_ = false;
  json properties_;
  std::vector<json*> tree_;  // the open containers of `properties`, innermost last
  std::string tree_key_;
};

bool stream(std::string_view body, Task* task, std::vector<Task>* list) {
  // nlohmann stops at a NUL byte as if the text ended there: such a body is the tree decoder's
  // to refuse (json/read.hpp, parse_text).
  if (body.find('\0') != std::string_view::npos) return false;
  TaskHandler handler(task, list);
  return json::sax_parse(body.begin(), body.end(), &handler);
}

}  // namespace

bool stream_task(std::string_view body, Task& task) { return stream(body, &task, nullptr); }

bool stream_task_list(std::string_view body, std::vector<Task>& tasks) {
  return stream(body, nullptr, &tasks);
}

}  // namespace cometapi::detail
