// split_grid and the PNG encoder behind it (libpng's simplified write API).
#include <png.h>

#include <cstring>

#include "cometapi/grid.hpp"
#include "core/error_support.hpp"
#include "grid/pixels.hpp"

namespace cometapi {
namespace grid {

Result<std::string> encode_window(const PixelWindow& window) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(window.width);
  png.height = static_cast<png_uint_32>(window.height);
  png.format = window.channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  const auto row_stride = static_cast<png_int_32>(window.stride);  // 8-bit: components = bytes
  // A first guess a little above the raw size, which a deflate stream never exceeds by much;
  // when it is short, libpng says how much it needs and the second call has that.
  const std::size_t raw = static_cast<std::size_t>(window.height) *
                          (1 + static_cast<std::size_t>(window.width) * window.channels);
  std::string out(raw + raw / 64 + 1024, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    png_alloc_size_t size = out.size();
    if (png_image_write_to_memory(&png, out.data(), &size, 0, window.first, row_stride, nullptr)) {
      out.resize(size);
      return out;
    }
    if (size <= out.size()) break;  // an error, not a short buffer
    out.assign(size, '\0');
  }
  const std::string why = png.message[0] != '\0' ? png.message : "libpng failed";
  png_image_free(&png);
  return detail::invalid_argument("encode_png: " + why);
}

}  // namespace grid

namespace {

using detail::invalid_argument;

struct Layout {
  int x[2], y[2], w[2], h[2];  // column / row origins and sizes
};

// The left column and top row get the floor of half; the right and bottom ones the rest.
Layout layout_of(int width, int height) {
  Layout l{};
  l.x[0] = 0;
  l.w[0] = width / 2;
  l.x[1] = l.w[0];
  l.w[1] = width - l.w[0];
  l.y[0] = 0;
  l.h[0] = height / 2;
  l.y[1] = l.h[0];
  l.h[1] = height - l.h[0];
  return l;
}

std::optional<Error> check_image(const Image& image, const char* who) {
  if (image.width <= 0 || image.height <= 0) {
    return invalid_argument(std::string(who) + ": the image has no pixels");
  }
  if (image.channels != 3 && image.channels != 4) {
    return invalid_argument(std::string(who) + ": channels must be 3 or 4");
  }
  const std::uint64_t expected = static_cast<std::uint64_t>(image.width) *
                                 static_cast<std::uint64_t>(image.height) *
                                 static_cast<std::uint64_t>(image.channels);
  if (static_cast<std::uint64_t>(image.width) > grid::kMaxSide ||
      static_cast<std::uint64_t>(image.height) > grid::kMaxSide ||
      image.pixels.size() != expected) {
    return invalid_argument(std::string(who) + ": the pixel buffer does not match the size");
  }
  return std::nullopt;
}

std::optional<Error> check_grid(const Image& grid, const char* who) {
  if (auto error = check_image(grid, who)) return error;
  if (grid.width < 2 || grid.height < 2) {
    return invalid_argument(std::string(who) + ": a " + std::to_string(grid.width) + "x" +
                            std::to_string(grid.height) +
                            " image is too small to be a 2x2 grid (at least 2x2 pixels)");
  }
  return std::nullopt;
}

grid::PixelWindow quadrant_window(const Image& grid, const Layout& l, int quadrant) {
  const int col = quadrant % 2, row = quadrant / 2;
  grid::PixelWindow window;
  window.channels = grid.channels;
  window.stride = static_cast<std::size_t>(grid.width) * grid.channels;
  window.width = l.w[col];
  window.height = l.h[row];
  window.first = grid.pixels.data() + window.stride * static_cast<std::size_t>(l.y[row]) +
                 static_cast<std::size_t>(l.x[col]) * grid.channels;
  return window;
}

}  // namespace

Result<std::string> encode_png(const Image& image) {
  if (auto error = check_image(image, "encode_png")) return *error;
  grid::PixelWindow window;
  window.first = image.pixels.data();
  window.width = image.width;
  window.height = image.height;
  window.channels = image.channels;
  window.stride = static_cast<std::size_t>(image.width) * image.channels;
  return grid::encode_window(window);
}

Result<std::array<Image, 4>> split_quadrants(const Image& grid) {
  if (auto error = check_grid(grid, "split_quadrants")) return *error;
  const Layout l = layout_of(grid.width, grid.height);
  std::array<Image, 4> out;
  for (int q = 0; q < 4; ++q) {
    const grid::PixelWindow w = quadrant_window(grid, l, q);
    Image& image = out[q];
    image.width = w.width;
    image.height = w.height;
    image.channels = w.channels;
    const std::size_t row_bytes = static_cast<std::size_t>(w.width) * w.channels;
    image.pixels.resize(row_bytes * static_cast<std::size_t>(w.height));
    for (int y = 0; y < w.height; ++y) {
      std::memcpy(image.pixels.data() + row_bytes * y, w.first + w.stride * y, row_bytes);
    }
  }
  return out;
}

Result<std::array<std::string, 4>> split_grid(std::string_view bytes, const ImageLimits& limits) {
  auto decoded = decode_image(bytes, limits);
  if (!decoded) return std::move(decoded).error();
  if (auto error = check_grid(*decoded, "split_grid")) return *error;
  const Layout l = layout_of(decoded->width, decoded->height);
  std::array<std::string, 4> out;
  for (int q = 0; q < 4; ++q) {
    auto png = grid::encode_window(quadrant_window(*decoded, l, q));
    if (!png) return std::move(png).error();
    out[q] = std::move(*png);
  }
  return out;
}

}  // namespace cometapi
