/// \file
/// Buttons: what a customId means, and finding the button a user names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cometapi/models.hpp"

namespace cometapi {

/// What pressing a button does, parsed from its customId (see docs/service-notes.md, customId
/// formats).
enum class ButtonKind {
  Upscale,          ///< U1-U4 (index 1-4).
  Variation,        ///< V1-V4 (index 1-4).
  Reroll,           ///< 🔄
  UpscaleSubtle,    ///< Upscale (Subtle) and the other "upsample_..." single-image upscales.
  UpscaleCreative,  ///< Upscale (Creative).
  Upscale2x,        ///< Upscale (2x), v5.
  Upscale4x,        ///< Upscale (4x), v5.
  VarySubtle,       ///< Vary (Subtle): low_variation.
  VaryStrong,       ///< Vary (Strong): high_variation.
  VaryRegion,       ///< Vary (Region): Inpaint, always opens a modal.
  ZoomOut,          ///< Zoom Out 2x / 1.5x (zoom_factor).
  CustomZoom,       ///< Custom Zoom, always opens a modal.
  Pan,              ///< Pan left/right/up/down (direction).
  Animate,          ///< Animate (high/low), extend, video upscale.
  Unknown,          ///< Anything else (describe picks, bookmarks, future buttons).
};

/// Which way a pan button extends the image.
enum class PanDirection { Left, Right, Up, Down };
/// \var cometapi::PanDirection::Left
/// ⬅️ (`pan_left`)
/// \var cometapi::PanDirection::Right
/// ➡️ (`pan_right`)
/// \var cometapi::PanDirection::Up
/// ⬆️ (`pan_up`)
/// \var cometapi::PanDirection::Down
/// ⬇️ (`pan_down`)

/// The meaning of one customId.
struct ButtonAction {
  /// What the button does; Unknown for shapes this SDK does not recognise.
  ButtonKind kind = ButtonKind::Unknown;
  int index = 0;           ///< 1-4 for Upscale/Variation; the video index for Animate.
  double zoom_factor = 0;  ///< 2.0 or 1.5 for ZoomOut.
  std::optional<PanDirection> direction;  ///< For Pan.
  std::string hash;  ///< The Midjourney job id inside the customId, when present.
};

/// Parses a customId such as `MJ::JOB::upsample::2::<hash>`. Never fails: unrecognised shapes
/// give ButtonKind::Unknown.
ButtonAction parse_custom_id(std::string_view custom_id);

/// The enumerator's name, e.g. "ZoomOut".
const char* to_string(ButtonKind kind) noexcept;

/// Finds a button by what a user sees: its label ("U2", "Vary (Region)", case-insensitive), its
/// emoji ("🔄", "⬅️", with or without the emoji variation selector), or a name this SDK
/// derives from its customId when labels are missing ("U2", "V3", "Reroll", "Zoom Out 2x", "Pan
/// Left", "Custom Zoom", "Vary (Region)" ...). Returns std::nullopt when no button matches.
std::optional<Button> find_button(const Task& task, std::string_view label_or_emoji);

/// The button's display name: its label, else the derived name, else its emoji.
std::string button_name(const Button& button);

/// Finds the first button of `kind`. For Upscale, Variation and Animate `index` must match when it
/// is non-zero; for ZoomOut `zoom_factor` must match when it is non-zero.
std::optional<Button> find_button(const Task& task, ButtonKind kind, int index = 0,
                                  double zoom_factor = 0);
/// Finds the pan button for `direction`.
std::optional<Button> find_pan(const Task& task, PanDirection direction);

/// One button a task offers, with what it does.
struct AvailableAction {
  std::string name;  ///< button_name(): "U1", "Reroll", "Zoom Out 2x", "Pan Left" ...
  /// The button as the task lists it (its custom_id is what submit_action needs).
  Button button;
  /// parse_custom_id() of its customId.
  ButtonAction action;
  /// Vary (Region) and Custom Zoom always open a modal that needs more input.
  bool needs_modal() const noexcept {
    return action.kind == ButtonKind::VaryRegion || action.kind == ButtonKind::CustomZoom;
  }
};

/// What can be pressed on this task, in the service's order.
std::vector<AvailableAction> available_actions(const Task& task);

}  // namespace cometapi
