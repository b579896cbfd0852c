// Tasks read from the parser's events straight into Task and Button, without a JSON tree (only
// `properties` is built as a small tree, for its text). Internal to src/json: decode_task and
// decode_task_list (json/codec.hpp) use it.
#pragma once

#include <string_view>
#include <vector>

#include "cometapi/models.hpp"

namespace cometapi::detail {

/// Fills `task` from a body that is one JSON object; false when the body is anything else (not
/// JSON, not an object, a NUL byte, nested deeper than kMaxDepth). On false the caller asks the
/// tree decoder, which words the error; on true the result is the tree decoder's.
bool stream_task(std::string_view body, Task& task);
/// The same for a list: an array (its objects are tasks, other items are skipped) or null.
bool stream_task_list(std::string_view body, std::vector<Task>& tasks);

}  // namespace cometapi::detail
