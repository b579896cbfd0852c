// What decode.cpp and split.cpp share inside the cometapi::images library.
#pragma once

#include <cstdint>
#include <string>

#include "cometapi/result.hpp"

namespace cometapi::grid {

// Longest side accepted, whatever max_pixels allows: keeps every row stride within an int.
inline constexpr std::uint64_t kMaxSide = std::uint64_t{1} << 24;

// A width x height window of an 8-bit RGB or RGBA buffer whose rows are `stride` bytes apart.
struct PixelWindow {
  const std::uint8_t* first = nullptr;  // the window's top-left pixel
  int width = 0, height = 0, channels = 3;
  std::size_t stride = 0;
};

// The window as a PNG file (no copy of the pixels is made).
Result<std::string> encode_window(const PixelWindow& window);

}  // namespace cometapi::grid
