#include "cometapi/buttons.hpp"

#include <cctype>
#include <cstdlib>

namespace cometapi {

namespace {

std::vector<std::string_view> split(std::string_view text, std::string_view separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = text.find(separator, start);
    if (pos == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, pos - start));
    start = pos + separator.size();
  }
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// A small non-negative decimal, or -1: customId numbers are 0-100, never anything huge.
int to_int(std::string_view text) {
  if (text.empty() || text.size() > 6) return -1;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Trims spaces and drops U+FE0F (emoji presentation selector), so "⬅️" and "⬅" compare equal.
std::string normalise(std::string_view text) {
  static constexpr std::string_view kSelector = "\xEF\xB8\x8F";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i, kSelector.size()) == kSelector) {
      i += kSelector.size();
      continue;
    }
    out.push_back(text[i++]);
  }
  const auto first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = out.find_last_not_of(" \t");
  return out.substr(first, last - first + 1);
}

std::string derived_name(const ButtonAction& action) {
  switch (action.kind) {
    case ButtonKind::Upscale:
      return "U" + std::to_string(action.index);
    case ButtonKind::Variation:
      return "V" + std::to_string(action.index);
    case ButtonKind::Reroll:
      return "Reroll";
    case ButtonKind::UpscaleSubtle:
      return "Upscale (Subtle)";
    case ButtonKind::UpscaleCreative:
      return "Upscale (Creative)";
    case ButtonKind::Upscale2x:
      return "Upscale (2x)";
    case ButtonKind::Upscale4x:
      return "Upscale (4x)";
    case ButtonKind::VarySubtle:
      return "Vary (Subtle)";
    case ButtonKind::VaryStrong:
      return "Vary (Strong)";
    case ButtonKind::VaryRegion:
      return "Vary (Region)";
    case ButtonKind::ZoomOut:
      return action.zoom_factor == 1.5 ? "Zoom Out 1.5x" : "Zoom Out 2x";
    case ButtonKind::CustomZoom:
      return "Custom Zoom";
    case ButtonKind::Pan:
      switch (action.direction.value_or(PanDirection::Left)) {
        case PanDirection::Left:
          return "Pan Left";
        case PanDirection::Right:
          return "Pan Right";
        case PanDirection::Up:
          return "Pan Up";
        case PanDirection::Down:
          return "Pan Down";
      }
      return "Pan";
    case ButtonKind::Animate:
      return "Animate";
    case ButtonKind::Unknown:
      break;
  }
  return {};
}

}  // namespace

const char* to_string(ButtonKind kind) noexcept {
  switch (kind) {
    case ButtonKind::Upscale:
      return "Upscale";
    case ButtonKind::Variation:
      return "Variation";
    case ButtonKind::Reroll:
      return "Reroll";
    case ButtonKind::UpscaleSubtle:
      return "UpscaleSubtle";
    case ButtonKind::UpscaleCreative:
      return "UpscaleCreative";
    case ButtonKind::Upscale2x:
      return "Upscale2x";
    case ButtonKind::Upscale4x:
      return "Upscale4x";
    case ButtonKind::VarySubtle:
      return "VarySubtle";
    case ButtonKind::VaryStrong:
      return "VaryStrong";
    case ButtonKind::VaryRegion:
      return "VaryRegion";
    case ButtonKind::ZoomOut:
      return "ZoomOut";
    case ButtonKind::CustomZoom:
      return "CustomZoom";
    case ButtonKind::Pan:
      return "Pan";
    case ButtonKind::Animate:
      return "Animate";
    case ButtonKind::Unknown:
      break;
  }
  return "Unknown";
}

ButtonAction parse_custom_id(std::string_view custom_id) {
  ButtonAction action;
  const std::vector<std::string_view> parts = split(custom_id, "::");
  if (parts.size() < 3 || parts[0] != "MJ") return action;
  auto part = [&parts](std::size_t i) { return i < parts.size() ? parts[i] : std::string_view(); };

  if (parts[1] == "JOB") {
    const std::string_view verb = parts[2];
    action.index = to_int(part(3));
    action.hash = std::string(part(4));
    if (verb == "upsample") {
      action.kind = ButtonKind::Upscale;
    } else if (verb.rfind("upsample", 0) == 0) {
      if (contains(verb, "creative")) {
        action.kind = ButtonKind::UpscaleCreative;
      } else if (contains(verb, "subtle")) {
        action.kind = ButtonKind::UpscaleSubtle;
      } else if (contains(verb, "4x")) {
        action.kind = ButtonKind::Upscale4x;
      } else if (contains(verb, "2x")) {
        action.kind = ButtonKind::Upscale2x;
      } else {
        action.kind = ButtonKind::UpscaleSubtle;
      }
    } else if (verb == "variation") {
      action.kind = ButtonKind::Variation;
    } else if (verb == "low_variation") {
      action.kind = ButtonKind::VarySubtle;
    } else if (verb == "high_variation") {
      action.kind = ButtonKind::VaryStrong;
    } else if (verb == "reroll") {
      action.kind = ButtonKind::Reroll;
    } else if (verb.rfind("pan_", 0) == 0) {
      action.kind = ButtonKind::Pan;
      const std::string_view where = verb.substr(4);
      if (where == "left")
        action.direction = PanDirection::Left;
      else if (where == "right")
        action.direction = PanDirection::Right;
      else if (where == "up")
        action.direction = PanDirection::Up;
      else if (where == "down")
        action.direction = PanDirection::Down;
      else
        action.kind = ButtonKind::Unknown;
    } else if (verb.rfind("animate", 0) == 0 || verb == "video_virtual_upscale") {
      action.kind = ButtonKind::Animate;
    }
    if (action.kind != ButtonKind::Upscale && action.kind != ButtonKind::Variation &&
        action.kind != ButtonKind::Animate) {
      action.index = 0;
    }
    if ((action.kind == ButtonKind::Upscale || action.kind == ButtonKind::Variation) &&
        (action.index < 1 || action.index > 4)) {
      action.kind = ButtonKind::Unknown;
    }
  } else if (parts[1] == "Outpaint") {
    // The number is the size of the old image in percent of the new one: 50 = 2x, 75 = 1.5x.
    const int percent = to_int(part(2));
    if (percent > 0 && percent < 100) {
      action.kind = ButtonKind::ZoomOut;
      action.zoom_factor = percent == 75 ? 1.5 : 100.0 / percent;
    }
    action.hash = std::string(part(4));
  } else if (parts[1] == "CustomZoom") {
    action.kind = ButtonKind::CustomZoom;
    action.hash = std::string(parts.back());
  } else if (parts[1] == "Inpaint") {
    action.kind = ButtonKind::VaryRegion;
    action.hash = std::string(part(3));
  }
  if (action.kind == ButtonKind::Unknown) return ButtonAction{};
  if (action.index < 0) action.index = 0;
  return action;
}

std::string button_name(const Button& button) {
  if (!button.label.empty()) return button.label;
  std::string derived = derived_name(parse_custom_id(button.custom_id));
  return derived.empty() ? button.emoji : derived;
}

std::optional<Button> find_button(const Task& task, std::string_view label_or_emoji) {
  const std::string wanted = normalise(label_or_emoji);
  if (wanted.empty()) return std::nullopt;
  for (const Button& button : task.buttons) {
    if (!button.label.empty() && iequals(normalise(button.label), wanted)) return button;
  }
  for (const Button& button : task.buttons) {
    if (!button.emoji.empty() && normalise(button.emoji) == wanted) return button;
  }
  for (const Button& button : task.buttons) {
    const std::string derived = derived_name(parse_custom_id(button.custom_id));
    if (!derived.empty() && iequals(derived, wanted)) return button;
  }
  return std::nullopt;
}

std::optional<Button> find_button(const Task& task, ButtonKind kind, int index,
                                  double zoom_factor) {
  for (const Button& button : task.buttons) {
    const ButtonAction action = parse_custom_id(button.custom_id);
    if (action.kind != kind) continue;
    if (index != 0 && action.index != index) continue;
    if (zoom_factor != 0 && action.zoom_factor != zoom_factor) continue;
    return button;
  }
  return std::nullopt;
}

std::optional<Button> find_pan(const Task& task, PanDirection direction) {
  for (const Button& button : task.buttons) {
    const ButtonAction action = parse_custom_id(button.custom_id);
    if (action.kind == ButtonKind::Pan && action.direction == direction) return button;
  }
  return std::nullopt;
}

std::vector<AvailableAction> available_actions(const Task& task) {
  std::vector<AvailableAction> actions;
  actions.reserve(task.buttons.size());
  for (const Button& button : task.buttons) {
    if (button.custom_id.empty()) continue;
    actions.push_back({button_name(button), button, parse_custom_id(button.custom_id)});
  }
  return actions;
}

}  // namespace cometapi
