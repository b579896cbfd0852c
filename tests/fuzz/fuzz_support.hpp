// Shared by the fuzz targets: invariant checks that abort (so libFuzzer records the input), and the
// invariants every decoded Task and parsed customId must satisfy.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cometapi/buttons.hpp"
#include "cometapi/models.hpp"

namespace cometapi::fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: fuzz invariant violated: %s\n", file, line, what);
  std::fflush(stderr);
  std::abort();
}

// Runs `body`; any exception escaping it is a finding (the SDK promises not to throw here).
template <class Body>
void no_throw(Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    fail(__FILE__, __LINE__, "the code under test threw");
  } catch (...) {
    fail(__FILE__, __LINE__, "the code under test threw a non-std exception");
  }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The same parse the SDK does, for cross-checks: nlohmann, no exceptions, discarded on error.
// nlohmann stops at a NUL byte as if the text ended there; JSON has no NUL anywhere, so the whole
// text is refused, as the SDK refuses it (src/json/read.cpp, parse_text).
inline nlohmann::json parse_json(std::string_view text) {
  if (text.find('\0') != std::string_view::npos)
    return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

// Nesting depth of a JSON value, without recursion (inputs may nest tens of thousands deep).
inline std::size_t json_depth(const nlohmann::json& value) {
  std::size_t deepest = 0;
  std::vector<std::pair<const nlohmann::json*, std::size_t>> pending{{&value, 1}};
  while (!pending.empty()) {
    const auto [item, depth] = pending.back();
    pending.pop_back();
    deepest = std::max(deepest, depth);
    if (item->is_structured()) {
      for (const nlohmann::json& child : *item) pending.emplace_back(&child, depth + 1);
    }
  }
  return deepest;
}

// Real answers nest a few levels. A decoder may refuse (ResponseInvalid) or drop
// (properties.raw_json empty) anything deeper than this, as a defence against stack exhaustion.
inline constexpr std::size_t kPlainDepth = 64;

inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// What find_button compares: spaces/tabs trimmed and U+FE0F dropped (see src/buttons.cpp).
inline std::string normalised(std::string_view text) {
  static constexpr std::string_view kSelector = "\xEF\xB8\x8F";
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i, kSelector.size()) == kSelector) {
      i += kSelector.size();
      continue;
    }
    out.push_back(text[i++]);
  }
  const auto first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(" \t") - first + 1);
}

}  // namespace cometapi::fuzz

#define FUZZ_CHECK(condition)                                                 \
  do {                                                                        \
    if (!(condition)) ::cometapi::fuzz::fail(__FILE__, __LINE__, #condition); \
  } while (0)

namespace cometapi::fuzz {

// What parse_custom_id promises about any customId (buttons.hpp, docs/service-notes.md).
inline void check_button_action(std::string_view custom_id, const ButtonAction& action) {
  FUZZ_CHECK(to_string(action.kind) != nullptr);
  if (action.kind == ButtonKind::Upscale || action.kind == ButtonKind::Variation) {
    FUZZ_CHECK(action.index >= 1 && action.index <= 4);
  }
  // Only U/V and Animate carry an index.
  if (action.kind != ButtonKind::Upscale && action.kind != ButtonKind::Variation &&
      action.kind != ButtonKind::Animate && action.kind != ButtonKind::Unknown) {
    FUZZ_CHECK(action.index == 0);
  }
  FUZZ_CHECK(action.direction.has_value() == (action.kind == ButtonKind::Pan));
  if (action.kind == ButtonKind::ZoomOut) {
    // From a percentage in 1..99: 100/percent, or exactly 1.5 for 75.
    FUZZ_CHECK(std::isfinite(action.zoom_factor));
    FUZZ_CHECK(action.zoom_factor > 1.0 && action.zoom_factor <= 100.0);
  } else {
    FUZZ_CHECK(action.zoom_factor == 0);
  }
  if (action.kind == ButtonKind::Unknown) FUZZ_CHECK(action.hash.empty());
  // The hash is one `::`-separated part of the customId.
  FUZZ_CHECK(!contains(action.hash, "::"));
  FUZZ_CHECK(contains(custom_id, action.hash));
  if (action.kind != ButtonKind::Unknown) FUZZ_CHECK(custom_id.substr(0, 4) == "MJ::");
}

// What every task that decode_task / parse_webhook / decode_task_list returns must satisfy, and the
// button helpers run on it.
inline void check_task(const Task& task) {
  FUZZ_CHECK(task.progress >= 0 && task.progress <= 100);
  FUZZ_CHECK(task.status == parse_task_status(task.status_text));
  if (task.status != TaskStatus::Unknown) FUZZ_CHECK(task.status_text == to_string(task.status));
  FUZZ_CHECK(task.finished() == is_terminal(task.status));
  if (!task.properties.raw_json.empty()) {
    FUZZ_CHECK(parse_json(task.properties.raw_json).is_object());
  }

  const std::vector<AvailableAction> actions = available_actions(task);
  FUZZ_CHECK(actions.size() <= task.buttons.size());
  for (const AvailableAction& available : actions) {
    FUZZ_CHECK(!available.button.custom_id.empty());
    check_button_action(available.button.custom_id, available.action);
    FUZZ_CHECK(available.name == button_name(available.button));
    FUZZ_CHECK(available.needs_modal() == (available.action.kind == ButtonKind::VaryRegion ||
                                           available.action.kind == ButtonKind::CustomZoom));
    // A name the SDK shows must find a button again (maybe an earlier one with the same name).
    if (!normalised(available.name).empty()) {
      FUZZ_CHECK(find_button(task, available.name).has_value());
    }
    if (available.action.kind != ButtonKind::Unknown) {
      const auto found = find_button(task, available.action.kind, available.action.index,
                                     available.action.zoom_factor);
      FUZZ_CHECK(found.has_value());
      FUZZ_CHECK(parse_custom_id(found->custom_id).kind == available.action.kind);
    }
    if (available.action.kind == ButtonKind::Pan) {
      FUZZ_CHECK(find_pan(task, *available.action.direction).has_value());
    }
  }
}

}  // namespace cometapi::fuzz
