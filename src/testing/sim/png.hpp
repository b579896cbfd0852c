// A minimal PNG writer, so served images are real files a viewer can open without the simulator
// depending on zlib: the pixel data goes into deflate "stored" blocks, which need no compressor.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace cometapi::testing::detail {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0);
std::uint32_t adler32(const std::uint8_t* data, std::size_t size);

// `pixels` holds width * height entries, row by row. Returns the PNG file bytes (8-bit RGB).
std::string encode_png(int width, int height, const std::vector<Rgb>& pixels);

// A 2x2 grid image: quadrant 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right, the way
// Midjourney numbers U1..U4, each its colour with its number 1-4 drawn large on it.
std::string grid_png(int width, int height, const std::array<Rgb, 4>& quadrants);
// One quadrant on its own, pixel for pixel what grid_png draws for it (an upscale's image).
std::string cell_png(int width, int height, Rgb colour, int digit);
std::string solid_png(int width, int height, Rgb colour);

}  // namespace cometapi::testing::detail
