// Test inputs made with the same libraries' own encoders (libpng, libjpeg, libwebp), so the
// decoders are checked against files those libraries write, not against our own writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cometapi/grid.hpp"

namespace imagetest {

// A width x height image whose four quadrants (the split_quadrants layout) are flat colours,
// with a one-pixel gradient in x and y inside each so that an off-by-one shows.
cometapi::Image quadrant_image(int width, int height, int channels = 3);

// libpng's simplified writer: RGB or RGBA as the image has 3 or 4 channels; or an 8-bit grey one.
std::string png_file(const cometapi::Image& image);
std::string grey_png_file(int width, int height);
// libjpeg at the given quality, baseline or progressive.
std::string jpeg_file(const cometapi::Image& rgb, int quality, bool progressive = false);
// libwebp, lossless (exact pixels) or lossy.
std::string webp_file(const cometapi::Image& image, bool lossless);

// The pixel at (x, y) as a vector of `channels` bytes.
std::vector<std::uint8_t> pixel(const cometapi::Image& image, int x, int y);

}  // namespace imagetest
