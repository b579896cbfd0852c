// Reading a submit's JSON fields the lenient way the upstream does, and the texts the submits
// share. Used by sim/submits.cpp and sim/actions.cpp.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "sim/data_uri.hpp"
#include "sim/task.hpp"

namespace cometapi::testing::detail {

inline constexpr const char* kSubmitted = "Submit success";
inline constexpr const char* kWaitingModal = "Waiting for window confirm";
inline constexpr const char* kInstance = "1118138338562560102";

inline std::string str(const Json& req, const char* name) {
  const auto it = req.find(name);
  return it != req.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline bool flag(const Json& req, const char* name) {
  const auto it = req.find(name);
  return it != req.end() && it->is_boolean() && it->get<bool>();
}

inline bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

inline std::vector<std::string> strings(const Json& req, const char* name) {
  std::vector<std::string> out;
  const auto it = req.find(name);
  if (it == req.end() || !it->is_array()) return out;
  for (const Json& item : *it) out.push_back(item.get<std::string>());
  return out;
}

inline bool all_data_uris(const std::vector<std::string>& items) {
  return std::all_of(items.begin(), items.end(),
                     [](const std::string& s) { return parse_data_uri(s).has_value(); });
}

}  // namespace cometapi::testing::detail
