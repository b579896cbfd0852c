// split_grid against the service's own answer: on a simulator grid at 1:1, 16:9 and 2:3, the four
// images of a local split equal the images U1-U4 return, pixel for pixel. Everything goes through
// the SDK and real HTTP: imagine with --ar, wait, download the grid, split it, press U1..U4 with
// TaskPoller::upscale, download each upscale, decode both and compare.
#include <gtest/gtest.h>

#include "../integration/sim_fixture.hpp"
#include "cometapi/grid.hpp"

namespace cometapi::test {
namespace {

class SplitVsUpscale : public SimTest, public ::testing::WithParamInterface<const char*> {};

Image decoded(const std::string& bytes) {
  auto image = decode_image(bytes);
  EXPECT_TRUE(image.ok()) << image.error().to_string();
  return image.ok() ? std::move(*image) : Image{};
}

TEST_P(SplitVsUpscale, SplitEqualsU1ToU4PixelForPixel) {
  const std::string ar = GetParam();
  const Task grid = finished(imagine(std::string("a lighthouse at dusk --ar ") + ar + " --v 6"));
  ASSERT_EQ(grid.status, TaskStatus::Success);
  auto grid_bytes = client_->download(grid.image_url);
  ASSERT_TRUE(grid_bytes.ok()) << grid_bytes.error().to_string();
  auto parts = split_grid(*grid_bytes);
  ASSERT_TRUE(parts.ok()) << parts.error().to_string();

  const Image whole = decoded(*grid_bytes);
  const int sep = ar.find(':');
  const double expected_ratio = std::stod(ar.substr(0, sep)) / std::stod(ar.substr(sep + 1));
  TaskPoller poller(*client_, wait_options());
  for (int index = 1; index <= 4; ++index) {
    SCOPED_TRACE("--ar " + ar + ", U" + std::to_string(index));
    auto upscaled = poller.upscale(grid.id, index);
    ASSERT_TRUE(upscaled.ok()) << upscaled.error().to_string();
    ASSERT_EQ(upscaled->status, TaskStatus::Success);
    auto up_bytes = client_->download(upscaled->image_url);
    ASSERT_TRUE(up_bytes.ok()) << up_bytes.error().to_string();

    const Image from_split = decoded(parts->at(index - 1));
    const Image from_service = decoded(*up_bytes);
    ASSERT_EQ(from_split.width, from_service.width);
    ASSERT_EQ(from_split.height, from_service.height);
    ASSERT_EQ(from_split.channels, from_service.channels);
    EXPECT_TRUE(from_split.pixels == from_service.pixels) << "pixels differ";
    // Each image is a quarter of the grid, at the prompt's aspect ratio.
    EXPECT_EQ(from_split.width * 2, whole.width);
    EXPECT_EQ(from_split.height * 2, whole.height);
    EXPECT_NEAR(double(from_split.width) / from_split.height, expected_ratio, 0.01);
  }
  // And the four are told apart: no two quadrants are the same image.
  for (int a = 0; a < 4; ++a) {
    for (int b = a + 1; b < 4; ++b) EXPECT_NE(parts->at(a), parts->at(b)) << a << " " << b;
  }
}

INSTANTIATE_TEST_SUITE_P(AspectRatios, SplitVsUpscale, ::testing::Values("1:1", "16:9", "2:3"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           name[name.find(':')] = 'x';
                           return "ar" + name;
                         });

}  // namespace
}  // namespace cometapi::test
