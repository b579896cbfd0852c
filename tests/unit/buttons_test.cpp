// customId parsing (docs/service-notes.md, customId formats) and button lookup by label, emoji or
// derived name.
#include "cometapi/buttons.hpp"

#include <gtest/gtest.h>

namespace cometapi {
namespace {

TEST(ParseCustomId, GridButtons) {
  auto u2 = parse_custom_id("MJ::JOB::upsample::2::3f2a9c1e-aaaa");
  EXPECT_EQ(u2.kind, ButtonKind::Upscale);
  EXPECT_EQ(u2.index, 2);
  EXPECT_EQ(u2.hash, "3f2a9c1e-aaaa");
  auto v4 = parse_custom_id("MJ::JOB::variation::4::h");
  EXPECT_EQ(v4.kind, ButtonKind::Variation);
  EXPECT_EQ(v4.index, 4);
  auto reroll = parse_custom_id("MJ::JOB::reroll::0::h::SOLO");
  EXPECT_EQ(reroll.kind, ButtonKind::Reroll);
  EXPECT_EQ(reroll.index, 0);
  EXPECT_EQ(reroll.hash, "h");
}

TEST(ParseCustomId, UpscaledImageButtons) {
  EXPECT_EQ(parse_custom_id("MJ::JOB::upsample_v6_2x_subtle::1::h::SOLO").kind,
            ButtonKind::UpscaleSubtle);
  EXPECT_EQ(parse_custom_id("MJ::JOB::upsample_v7_2x_subtle::1::h::SOLO").kind,
            ButtonKind::UpscaleSubtle);
  EXPECT_EQ(parse_custom_id("MJ::JOB::upsample_v6r1_2x_creative::1::h::SOLO").kind,
            ButtonKind::UpscaleCreative);
  EXPECT_EQ(parse_custom_id("MJ::JOB::upsample_v5_2x::1::h::SOLO").kind, ButtonKind::Upscale2x);
  EXPECT_EQ(parse_custom_id("MJ::JOB::upsample_v5_4x::1::h::SOLO").kind, ButtonKind::Upscale4x);
  EXPECT_EQ(parse_custom_id("MJ::JOB::low_variation::1::h::SOLO").kind, ButtonKind::VarySubtle);
  EXPECT_EQ(parse_custom_id("MJ::JOB::high_variation::1::h::SOLO").kind, ButtonKind::VaryStrong);
  auto region = parse_custom_id("MJ::Inpaint::1::h::SOLO");
  EXPECT_EQ(region.kind, ButtonKind::VaryRegion);
  EXPECT_EQ(region.hash, "h");
  auto zoom2 = parse_custom_id("MJ::Outpaint::50::1::h::SOLO");
  EXPECT_EQ(zoom2.kind, ButtonKind::ZoomOut);
  EXPECT_DOUBLE_EQ(zoom2.zoom_factor, 2.0);
  EXPECT_DOUBLE_EQ(parse_custom_id("MJ::Outpaint::75::1::h::SOLO").zoom_factor, 1.5);
  auto custom = parse_custom_id("MJ::CustomZoom::h");
  EXPECT_EQ(custom.kind, ButtonKind::CustomZoom);
  EXPECT_EQ(custom.hash, "h");
  EXPECT_EQ(parse_custom_id("MJ::CustomZoom::1::h2").hash, "h2");
  const std::pair<const char*, PanDirection> pans[] = {{"left", PanDirection::Left},
                                                       {"right", PanDirection::Right},
                                                       {"up", PanDirection::Up},
                                                       {"down", PanDirection::Down}};
  for (const auto& [word, direction] : pans) {
    auto pan = parse_custom_id(std::string("MJ::JOB::pan_") + word + "::1::h::SOLO");
    EXPECT_EQ(pan.kind, ButtonKind::Pan) << word;
    EXPECT_EQ(pan.direction, direction) << word;
  }
  EXPECT_EQ(parse_custom_id("MJ::JOB::animate_high::1::h::SOLO").kind, ButtonKind::Animate);
  EXPECT_EQ(parse_custom_id("MJ::JOB::video_virtual_upscale::2::h").kind, ButtonKind::Animate);
}

TEST(ParseCustomId, UnknownShapesNeverFail) {
  for (const char* id : {"", "MJ", "MJ::", "MJ::Job::PicReader::1", "MJ::BOOKMARK::h",
                         "MJ::JOB::upsample::9::h", "MJ::JOB::pan_sideways::1::h", "XX::JOB::a::1",
                         "MJ::Outpaint::abc::1::h", "::::::", "MJ::JOB::upsample"}) {
    EXPECT_EQ(parse_custom_id(id).kind, ButtonKind::Unknown) << id;
  }
}

Task grid_task() {
  Task task;
  task.id = "1";
  for (int i = 1; i <= 4; ++i) {
    task.buttons.push_back(
        {"MJ::JOB::upsample::" + std::to_string(i) + "::h1", "", "U" + std::to_string(i), 2, 2});
  }
  task.buttons.push_back({"MJ::JOB::reroll::0::h1::SOLO", "🔄", "", 2, 2});
  for (int i = 1; i <= 4; ++i) {
    task.buttons.push_back(
        {"MJ::JOB::variation::" + std::to_string(i) + "::h1", "", "V" + std::to_string(i), 2, 2});
  }
  return task;
}

Task upscaled_task() {
  Task task;
  task.id = "2";
  task.buttons = {
      {"MJ::JOB::upsample_v6_2x_subtle::1::h2::SOLO", "", "Upscale (Subtle)", 2, 2},
      {"MJ::JOB::low_variation::1::h2::SOLO", "🪄", "Vary (Subtle)", 2, 2},
      {"MJ::Inpaint::1::h2::SOLO", "🖌️", "Vary (Region)", 2, 2},
      {"MJ::Outpaint::50::1::h2::SOLO", "🔍", "Zoom Out 2x", 2, 2},
      {"MJ::CustomZoom::h2", "🔍", "Custom Zoom", 2, 2},
      {"MJ::JOB::pan_left::1::h2::SOLO", "⬅️", "", 2, 2},
      {"MJ::JOB::pan_right::1::h2::SOLO", "➡️", "", 2, 2},
  };
  return task;
}

TEST(FindButton, ByLabelCaseInsensitive) {
  Task task = grid_task();
  EXPECT_EQ(find_button(task, "U1")->custom_id, "MJ::JOB::upsample::1::h1");
  EXPECT_EQ(find_button(task, "v3")->custom_id, "MJ::JOB::variation::3::h1");
  EXPECT_EQ(find_button(upscaled_task(), "vary (region)")->custom_id, "MJ::Inpaint::1::h2::SOLO");
  EXPECT_EQ(find_button(upscaled_task(), "Zoom Out 2x")->custom_id,
            "MJ::Outpaint::50::1::h2::SOLO");
}

TEST(FindButton, ByEmojiWithOrWithoutVariationSelector) {
  EXPECT_EQ(find_button(grid_task(), "🔄")->custom_id, "MJ::JOB::reroll::0::h1::SOLO");
  EXPECT_EQ(find_button(upscaled_task(), "⬅️")->custom_id, "MJ::JOB::pan_left::1::h2::SOLO");
  EXPECT_EQ(find_button(upscaled_task(), "⬅")->custom_id, "MJ::JOB::pan_left::1::h2::SOLO");
  EXPECT_EQ(find_button(upscaled_task(), "➡")->custom_id, "MJ::JOB::pan_right::1::h2::SOLO");
}

TEST(FindButton, ByDerivedNameWhenLabelsAreMissing) {
  Task task = grid_task();
  for (Button& button : task.buttons) button.label.clear();
  EXPECT_EQ(find_button(task, "U4")->custom_id, "MJ::JOB::upsample::4::h1");
  EXPECT_EQ(find_button(task, "reroll")->custom_id, "MJ::JOB::reroll::0::h1::SOLO");
  EXPECT_EQ(find_button(upscaled_task(), "Pan Left")->custom_id, "MJ::JOB::pan_left::1::h2::SOLO");
}

TEST(FindButton, NothingMatches) {
  EXPECT_FALSE(find_button(grid_task(), "U5").has_value());
  EXPECT_FALSE(find_button(grid_task(), "").has_value());
  EXPECT_FALSE(find_button(Task{}, "U1").has_value());
  EXPECT_FALSE(find_button(grid_task(), "Zoom Out 2x").has_value());
}

TEST(FindButton, LabelBeatsDerivedName) {
  // A label that happens to equal another button's derived name wins.
  Task task;
  task.buttons = {{"MJ::JOB::upsample::2::h", "", "", 2, 2},
                  {"MJ::JOB::upsample::1::h", "", "U2", 2, 2}};
  EXPECT_EQ(find_button(task, "U2")->custom_id, "MJ::JOB::upsample::1::h");
}

TEST(ButtonName, LabelThenDerivedThenEmoji) {
  EXPECT_EQ(button_name({"MJ::JOB::upsample::1::h", "", "U1", 2, 2}), "U1");
  EXPECT_EQ(button_name({"MJ::JOB::reroll::0::h::SOLO", "🔄", "", 2, 2}), "Reroll");
  EXPECT_EQ(button_name({"MJ::Weird::h", "✨", "", 2, 2}), "✨");
}

}  // namespace
}  // namespace cometapi

namespace cometapi {
namespace {

TEST(ParseCustomId, UnknownCarriesNothingAndNumbersNeverOverflow) {
  const ButtonAction seven = parse_custom_id("MJ::JOB::upsample::7::h");
  EXPECT_EQ(seven.kind, ButtonKind::Unknown);
  EXPECT_EQ(seven.index, 0);
  EXPECT_TRUE(seven.hash.empty());
  EXPECT_EQ(parse_custom_id("MJ::JOB::upsample::99999999999999999999::h").kind,
            ButtonKind::Unknown);
  EXPECT_EQ(parse_custom_id("MJ::Outpaint::99999999999::1::h").kind, ButtonKind::Unknown);
  EXPECT_EQ(parse_custom_id("MJ::JOB::animate_high::-3::h").index, 0);
}

}  // namespace
}  // namespace cometapi
