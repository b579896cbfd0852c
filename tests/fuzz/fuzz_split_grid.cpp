// Fuzzes cometapi::split_grid and decode_image (cometapi::images): PNG, JPEG and WebP from
// libpng, libjpeg and libwebp, behind our size checks, quadrant cut and PNG encoder.
//
// Invariants: nothing throws or crashes; a failure is InvalidArgument with a message; the limits
// hold (no decoded image over max_pixels); a success gives four PNGs that decode to quadrants
// which cover the decoded grid exactly (left/top = floor of half) with the grid's own pixels.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "cometapi/grid.hpp"
#include "fuzz_support.hpp"

namespace {

using cometapi::ErrorKind;
using cometapi::Image;
namespace fuzz = cometapi::fuzz;

// Small limits keep every run fast; the code paths are the same as with the defaults.
cometapi::ImageLimits limits() {
  cometapi::ImageLimits l;
  l.max_pixels = 1u << 18;
  l.max_bytes = 1u << 20;
  return l;
}

void check_quadrant(const Image& grid, const Image& part, int q) {
  const int x0 = q % 2 == 0 ? 0 : grid.width / 2;
  const int y0 = q / 2 == 0 ? 0 : grid.height / 2;
  FUZZ_CHECK(part.width == (q % 2 == 0 ? grid.width / 2 : grid.width - grid.width / 2));
  FUZZ_CHECK(part.height == (q / 2 == 0 ? grid.height / 2 : grid.height - grid.height / 2));
  FUZZ_CHECK(part.channels == grid.channels);
  const std::size_t row = static_cast<std::size_t>(part.width) * part.channels;
  for (int y = 0; y < part.height; ++y) {
    const std::uint8_t* want =
        grid.pixels.data() + (static_cast<std::size_t>(y0 + y) * grid.width + x0) * grid.channels;
    FUZZ_CHECK(std::memcmp(part.pixels.data() + row * y, want, row) == 0);
  }
}

void check(std::string_view input) {
  const cometapi::ImageLimits l = limits();
  const auto decoded = cometapi::decode_image(input, l);
  const auto parts = cometapi::split_grid(input, l);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error().kind == ErrorKind::InvalidArgument);
    FUZZ_CHECK(!decoded.error().message.empty());
    FUZZ_CHECK(!parts.ok());
    return;
  }
  const Image& grid = *decoded;
  FUZZ_CHECK(grid.width > 0 && grid.height > 0);
  FUZZ_CHECK(static_cast<std::uint64_t>(grid.width) * grid.height <= l.max_pixels);
  FUZZ_CHECK(grid.channels == 3 || grid.channels == 4);
  FUZZ_CHECK(grid.pixels.size() ==
             static_cast<std::size_t>(grid.width) * grid.height * grid.channels);
  if (grid.width < 2 || grid.height < 2) {
    FUZZ_CHECK(!parts.ok() && parts.error().kind == ErrorKind::InvalidArgument);
    return;
  }
  FUZZ_CHECK(parts.ok());
  for (int q = 0; q < 4; ++q) {
    const auto part = cometapi::decode_image(parts->at(q));
    FUZZ_CHECK(part.ok());
    check_quadrant(grid, *part, q);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  fuzz::no_throw([&] { check(input); });
  return 0;
}
