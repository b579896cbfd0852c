/// \file
/// Splitting a Midjourney 2x2 grid into its four images on your own machine, without pressing
/// U1-U4. Part of the optional `cometapi::images` library (CMake option COMETAPI_BUILD_IMAGES;
/// `find_package(cometapi COMPONENTS images)`), which decodes with libpng, libjpeg and libwebp.
/// See docs/images.md for when a split equals an upscale.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cometapi/result.hpp"

namespace cometapi {

/// Limits on what is decoded. Both are checked before any pixel memory is allocated: the pixel
/// count is the one the file's header declares, so a small file claiming a huge size (a
/// decompression bomb) is refused at once.
struct ImageLimits {
  /// Largest width × height accepted. The default, 64 Mi pixels, is four times a 4096×4096 grid.
  std::uint64_t max_pixels = std::uint64_t{64} << 20;
  /// Largest input accepted, in bytes (default 64 MiB).
  std::size_t max_bytes = std::size_t{64} << 20;
};

/// A decoded image: 8 bits per channel, rows top to bottom with no padding. `channels` is 3 (RGB)
/// or 4 (RGBA, when the file has an alpha channel); grey and palette images come out as RGB(A).
struct Image {
  int width = 0;                     ///< Pixels across.
  int height = 0;                    ///< Pixels down.
  int channels = 3;                  ///< 3 (RGB) or 4 (RGBA).
  std::vector<std::uint8_t> pixels;  ///< width * height * channels bytes.
};

/// Decodes PNG, JPEG or WebP bytes (told apart by their first bytes). Fails with InvalidArgument
/// naming the reason when the bytes are empty, not one of those formats, truncated or corrupt,
/// animated (WebP), or past `limits`.
Result<Image> decode_image(std::string_view bytes, const ImageLimits& limits = {});

/// Encodes an image as PNG. Fails with InvalidArgument when `image` is inconsistent (a size of 0,
/// channels other than 3 or 4, or a pixel buffer of the wrong length).
Result<std::string> encode_png(const Image& image);

/// The four quadrants of a 2x2 grid in U1-U4 order: top-left, top-right, bottom-left,
/// bottom-right. The left column is width / 2 pixels wide and the right one takes the rest (so an
/// odd width gives the extra column to the right); likewise rows, the extra one going to the
/// bottom. Together they cover every pixel once. Fails with InvalidArgument when the image is
/// smaller than 2×2.
Result<std::array<Image, 4>> split_quadrants(const Image& grid);

/// decode_image, split_quadrants, then encode_png of each: four PNG files in U1-U4 order.
Result<std::array<std::string, 4>> split_grid(std::string_view bytes,
                                              const ImageLimits& limits = {});

}  // namespace cometapi
