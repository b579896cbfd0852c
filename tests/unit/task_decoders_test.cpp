// The streaming task decoder (json/task_sax.cpp, behind decode_task and decode_task_list) against
// the tree decoder (decode_task_tree, decode_task_list_tree) over a corpus of varied bodies: the
// fuzzers' seeds and regressions, every field given every shape of value, repeated keys, and
// truncated and damaged variants. Each body must give the same Task (or list, or error) both ways.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "json/codec.hpp"
#include "task_text.hpp"

namespace cometapi {
namespace {

using testing_support::task_text;
using testing_support::tasks_text;

template <typename T>
std::string outcome(const Result<T>& result, std::string (*text)(const T&)) {
  if (!result.ok()) {
    return "error " + std::to_string(static_cast<int>(result.error().kind)) + ": " +
           result.error().message;
  }
  return text(*result);
}

// Both decoders, as a task and as a list; returns how many of the four answers were successes.
int expect_same(const std::string& body) {
  const auto task = detail::decode_task(body);
  const auto tree = detail::decode_task_tree(body);
  EXPECT_EQ(outcome(task, task_text), outcome(tree, task_text)) << "task body: " << body;
  const auto list = detail::decode_task_list(body);
  const auto tree_list = detail::decode_task_list_tree(body);
  EXPECT_EQ(outcome(list, tasks_text), outcome(tree_list, tasks_text)) << "list body: " << body;
  return (task.ok() ? 1 : 0) + (list.ok() ? 1 : 0);
}

std::vector<std::string> files_under(const std::string& folder) {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file()) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> bodies;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    bodies.push_back(text.str());
  }
  return bodies;
}

std::vector<std::string> seeds() {
  std::vector<std::string> bodies;
  for (const char* folder : {"corpus/fuzz_task_codec", "corpus/fuzz_webhook",
                             "regressions/fuzz_task_codec", "regressions/fuzz_webhook"}) {
    auto more = files_under(std::string(COMETAPI_FUZZ_DIR) + "/" + folder);
    bodies.insert(bodies.end(), more.begin(), more.end());
  }
  return bodies;
}

// Every shape a value can take on the wire, odd ones included.
const std::vector<std::string>& shapes() {
  static const std::vector<std::string> values = {
      "null",
      "true",
      "false",
      "0",
      "-1",
      "7",
      "1.5",
      "-2.5e3",
      "1e300",
      "-1e300",
      "1e19",
      "18446744073709551615",
      "9223372036854775808",
      "-9223372036854775809",
      "12345678901234567",
      "\"\"",
      "\"45%\"",
      "\" 12.7 %\"",
      "\"nan%\"",
      "\"-5%\"",
      "\"250%\"",
      "\"abc\"",
      "\"3x\"",
      "\"1730000000123\"",
      "\"\\u00e9\\ud83d\\ude00\\n\"",
      "[]",
      "[1,\"a\",null]",
      "[{\"url\":\"u\"},\"s\",\"\",{\"url\":\"\"},{\"url\":5},{\"x\":1},[\"n\"],{\"url\":{}}]",
      "{}",
      "{\"url\":\"u\",\"a\":{\"b\":[1,{\"c\":null}]}}",
      "{\"finalPrompt\":\"p\",\"finalZhPrompt\":7,\"z\":[1.25,{\"k\":true}],\"finalPrompt\":\"q\"}",
      "[{\"customId\":\"c\",\"emoji\":1,\"label\":null,\"type\":\"2\",\"style\":9e99},3,[],{}]",
      "[{\"customId\":{},\"type\":[1],\"style\":true,\"label\":\"L\",\"label\":\"M\"}]"};
  return values;
}

const std::vector<std::string>& field_names() {
  static const std::vector<std::string> names = {
      "id",          "action",   "customId", "botType",   "prompt",     "promptEn",
      "description", "state",    "status",   "progress",  "submitTime", "startTime",
      "finishTime",  "imageUrl", "videoUrl", "videoUrls", "imageUrls",  "failReason",
      "maskBase64",  "parentId", "seed",     "buttons",   "properties", "unknownField"};
  return names;
}

TEST(TaskDecoders, AgreeOnTheFuzzSeedsAndRegressions) {
  const auto bodies = seeds();
  ASSERT_GE(bodies.size(), 20u);
  int decoded = 0;
  for (const auto& body : bodies) decoded += expect_same(body);
  EXPECT_GT(decoded, 10);  // the corpus holds real tasks, not only refusals
}

TEST(TaskDecoders, AgreeOnEveryFieldGivenEveryShape) {
  int decoded = 0;
  for (const auto& name : field_names()) {
    for (const auto& value : shapes()) {
      const std::string field = "\"" + name + "\":" + value;
      decoded += expect_same("{\"id\":\"1\"," + field + "}");
      decoded += expect_same("{" + field + "}");
      // Repeated keys: the last one counts, whatever the shapes.
      decoded += expect_same("{\"id\":\"1\"," + field + ",\"" + name + "\":\"last\"}");
      decoded += expect_same("{\"id\":\"1\",\"" + name + "\":\"first\"," + field + "}");
      // The same inside a button, a url item and a list.
      decoded += expect_same("{\"id\":\"1\",\"buttons\":[{\"" + name + "\":" + value +
                             "},{\"label\":" + value + ",\"type\":" + value + "}]}");
      decoded += expect_same("{\"id\":\"1\",\"videoUrls\":[{\"url\":" + value + "}," + value +
                             "],\"imageUrls\":" + value + "}");
      decoded += expect_same("[{\"id\":\"1\"," + field + "}," + value + ",{" + field + "}]");
    }
  }
  EXPECT_GT(decoded, 1000);
}

TEST(TaskDecoders, AgreeOnTruncatedAndDamagedBodies) {
  const auto bodies = seeds();
  const std::string damage[] = {
      "\"", "{", "}", "[", "]", ",", ":", "0", "x", std::string(1, '\0'), "\\", "\xff"};
  for (const auto& body : bodies) {
    if (body.size() > 4096) continue;  // the deep regression bodies: the cut ones below suffice
    for (std::size_t cut = 0; cut < body.size(); cut += 11) expect_same(body.substr(0, cut));
    for (std::size_t at = 0; at < body.size(); at += 29) {
      for (const auto& with : damage) {
        std::string damaged = body;
        damaged.replace(at, 1, with);
        expect_same(damaged);
      }
    }
    expect_same(body + " x");
    expect_same(body + "\n\t ");
    expect_same("[" + body + "," + body + "]");
  }
}

TEST(TaskDecoders, AgreeAtTheDepthLimit) {
  for (int depth : {62, 63, 64, 65, 66}) {
    const std::string open(static_cast<std::size_t>(depth - 1), '[');
    const std::string close(static_cast<std::size_t>(depth - 1), ']');
    expect_same("{\"id\":\"1\",\"x\":" + open + close + "}");
    expect_same("{\"id\":\"1\",\"properties\":{\"a\":" + open + close + "}}");
    expect_same("[{\"id\":\"1\",\"buttons\":" + open + close + "}]");
  }
}

}  // namespace
}  // namespace cometapi
