// decode_image, split_quadrants and split_grid on files made by libpng, libjpeg and libwebp, and
// on the inputs that must fail cleanly: garbage, truncation, too small a grid, decompression
// bombs and the size caps.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cometapi/grid.hpp"
#include "encoders.hpp"

namespace imagetest {
namespace {

using cometapi::ErrorKind;
using cometapi::Image;

void expect_same_pixels(const Image& a, const Image& b) {
  ASSERT_EQ(a.width, b.width);
  ASSERT_EQ(a.height, b.height);
  ASSERT_EQ(a.channels, b.channels);
  EXPECT_TRUE(a.pixels == b.pixels);
}

// The mean difference per channel at most `tolerance` (lossy formats: edges ring, flat parts
// stay close); 0 means exact.
void expect_close_pixels(const Image& a, const Image& b, double tolerance) {
  ASSERT_EQ(a.width, b.width);
  ASSERT_EQ(a.height, b.height);
  ASSERT_EQ(a.pixels.size(), b.pixels.size());
  double total = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) {
    total += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
  }
  EXPECT_LE(total / static_cast<double>(a.pixels.size()), tolerance);
}

void expect_invalid(const cometapi::Result<Image>& r, const std::string& words) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::InvalidArgument);
  EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
}

// The quadrant (col, row) of `grid` cut by hand, the reference split_quadrants is held to.
Image cut(const Image& grid, int col, int row) {
  const int x0 = col == 0 ? 0 : grid.width / 2, y0 = row == 0 ? 0 : grid.height / 2;
  Image q;
  q.width = col == 0 ? grid.width / 2 : grid.width - grid.width / 2;
  q.height = row == 0 ? grid.height / 2 : grid.height - grid.height / 2;
  q.channels = grid.channels;
  for (int y = 0; y < q.height; ++y) {
    for (int x = 0; x < q.width; ++x) {
      for (std::uint8_t v : pixel(grid, x0 + x, y0 + y)) q.pixels.push_back(v);
    }
  }
  return q;
}

TEST(DecodeImage, PngKeepsEveryPixelRgbAndRgba) {
  for (int channels : {3, 4}) {
    const Image original = quadrant_image(37, 22, channels);
    const auto decoded = cometapi::decode_image(png_file(original));
    ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
    expect_same_pixels(*decoded, original);
  }
}

TEST(DecodeImage, GreyPngComesOutAsRgb) {
  const auto decoded = cometapi::decode_image(grey_png_file(9, 4));
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(decoded->channels, 3);
  EXPECT_EQ(pixel(*decoded, 3, 1), (std::vector<std::uint8_t>{84, 84, 84}));  // (9 + 3) * 7
}

TEST(DecodeImage, JpegBaselineAndProgressiveDecodeCloseToTheOriginal) {
  const Image original = quadrant_image(64, 48);
  for (bool progressive : {false, true}) {
    const auto decoded = cometapi::decode_image(jpeg_file(original, 95, progressive));
    ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
    EXPECT_EQ(decoded->channels, 3);
    expect_close_pixels(*decoded, original, 4);
    EXPECT_NEAR(pixel(*decoded, 8, 8)[2], 40, 6);
    EXPECT_NEAR(pixel(*decoded, 56, 40)[2], 30, 6);
  }
}

TEST(DecodeImage, WebpLosslessIsExactAndLossyIsClose) {
  for (int channels : {3, 4}) {
    const Image original = quadrant_image(30, 18, channels);
    const auto exact = cometapi::decode_image(webp_file(original, true));
    ASSERT_TRUE(exact.ok()) << exact.error().to_string();
    expect_same_pixels(*exact, original);
  }
  const Image original = quadrant_image(64, 64);
  const auto lossy = cometapi::decode_image(webp_file(original, false));
  ASSERT_TRUE(lossy.ok()) << lossy.error().to_string();
  EXPECT_EQ(lossy->channels, 3);
  expect_close_pixels(*lossy, original, 6);
  EXPECT_NEAR(pixel(*lossy, 48, 48)[0], 234, 10);
}

TEST(SplitQuadrants, OddSizesLoseNoRowOrColumn) {
  for (auto [w, h] : {std::pair{5, 3}, {2, 2}, {2, 3}, {7, 7}, {16, 9}, {1001, 667}}) {
    const Image grid = quadrant_image(w, h);
    const auto parts = cometapi::split_quadrants(grid);
    ASSERT_TRUE(parts.ok()) << parts.error().to_string();
    std::size_t covered = 0;
    for (int q = 0; q < 4; ++q) {
      SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h) + " U" + std::to_string(q + 1));
      expect_same_pixels((*parts)[q], cut(grid, q % 2, q / 2));
      covered += (*parts)[q].pixels.size();
    }
    EXPECT_EQ(covered, grid.pixels.size());
    EXPECT_EQ((*parts)[0].width + (*parts)[1].width, w);
    EXPECT_EQ((*parts)[0].height + (*parts)[2].height, h);
  }
}

TEST(SplitGrid, GivesFourPngsInU1ToU4OrderFromEachFormat) {
  const Image grid = quadrant_image(64, 36);  // 16:9
  for (const std::string& file : {png_file(grid), webp_file(grid, true), jpeg_file(grid, 100)}) {
    const auto parts = cometapi::split_grid(file);
    ASSERT_TRUE(parts.ok()) << parts.error().to_string();
    for (int q = 0; q < 4; ++q) {
      ASSERT_EQ(parts->at(q).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
      const auto image = cometapi::decode_image(parts->at(q));
      ASSERT_TRUE(image.ok()) << image.error().to_string();
      EXPECT_EQ(image->width, 32);
      EXPECT_EQ(image->height, 18);
      expect_close_pixels(*image, cut(grid, q % 2, q / 2), file[0] == '\xFF' ? 4 : 0);
    }
  }
}

TEST(SplitGrid, KeepsAlpha) {
  const Image grid = quadrant_image(10, 10, 4);
  const auto parts = cometapi::split_grid(png_file(grid));
  ASSERT_TRUE(parts.ok()) << parts.error().to_string();
  const auto u4 = cometapi::decode_image(parts->at(3));
  ASSERT_TRUE(u4.ok());
  expect_same_pixels(*u4, cut(grid, 1, 1));
}

TEST(SplitGrid, RefusesImagesSmallerThanTwoByTwo) {
  for (auto [w, h] : {std::pair{1, 1}, {1, 40}, {40, 1}}) {
    const auto parts = cometapi::split_grid(png_file(quadrant_image(w, h)));
    ASSERT_FALSE(parts.ok());
    EXPECT_EQ(parts.error().kind, ErrorKind::InvalidArgument);
    EXPECT_NE(parts.error().message.find("too small to be a 2x2 grid"), std::string::npos);
  }
}

TEST(DecodeImage, GarbageAndUnsupportedFormatsFail) {
  expect_invalid(cometapi::decode_image(""), "no bytes");
  expect_invalid(cometapi::decode_image("hello, not an image"), "not a PNG, JPEG or WebP");
  expect_invalid(cometapi::decode_image("GIF89a\x01\x00\x01\x00"), "GIF is not supported");
  // Right magic bytes, nothing sensible after them.
  expect_invalid(cometapi::decode_image(std::string("\x89PNG\r\n\x1a\nxxxxxxxxxxxxxxxx", 24)),
                 "PNG");
  expect_invalid(cometapi::decode_image(std::string("\xFF\xD8\xFF\xE0garbage", 11)), "JPEG");
  expect_invalid(cometapi::decode_image(std::string("RIFF\x10\0\0\0WEBPVP8 junk", 20)), "WebP");
}

TEST(DecodeImage, TruncatedFilesFailInEveryFormat) {
  const Image grid = quadrant_image(64, 64);
  for (const std::string& file :
       {png_file(grid), jpeg_file(grid, 90), webp_file(grid, true), webp_file(grid, false)}) {
    // (A PNG cut inside its final IEND chunk still has all its pixels, and decodes.)
    for (std::size_t keep : {file.size() / 2, file.size() * 9 / 10, std::size_t{40}}) {
      const auto r = cometapi::decode_image(file.substr(0, keep));
      ASSERT_FALSE(r.ok()) << "kept " << keep << " of " << file.size() << " bytes of "
                           << file.substr(0, 4);
      EXPECT_EQ(r.error().kind, ErrorKind::InvalidArgument);
    }
  }
}

TEST(DecodeImage, CorruptPngChecksumFails) {
  std::string file = png_file(quadrant_image(16, 16));
  file[file.size() - 20] ^= 0x55;  // inside the IDAT data: its CRC no longer matches
  expect_invalid(cometapi::decode_image(file), "PNG");
}

// A file that declares a huge size must be refused from its header, before anything is
// allocated (40000 x 40000 RGB would be 4.8 GB).
void set_be32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
}

TEST(DecodeImage, DecompressionBombsAreRefusedFromTheHeader) {
  std::string png = png_file(quadrant_image(8, 8));
  set_be32(png, 16, 40000);  // IHDR width and height; libpng checks the CRC, so fix it too
  set_be32(png, 20, 40000);
  {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 12; i < 29; ++i) {
      crc ^= static_cast<std::uint8_t>(png[i]);
      for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    set_be32(png, 29, crc ^ 0xFFFFFFFFu);
  }
  expect_invalid(cometapi::decode_image(png), "declares 40000x40000 pixels");

  std::string jpeg = jpeg_file(quadrant_image(16, 16), 80);
  const std::size_t sof = jpeg.find("\xFF\xC0");  // baseline frame header: height, then width
  ASSERT_NE(sof, std::string::npos);
  jpeg[sof + 5] = jpeg[sof + 7] = '\xEA';  // 60000 x 60000
  jpeg[sof + 6] = jpeg[sof + 8] = '\x60';
  expect_invalid(cometapi::decode_image(jpeg), "declares 60000x60000 pixels");

  // A lossless WebP (VP8L) keeps 14-bit width-1 and height-1 right after its signature byte.
  std::string webp = webp_file(quadrant_image(16, 16), true);
  const std::size_t vp8l = webp.find("VP8L");
  ASSERT_NE(vp8l, std::string::npos);
  const std::size_t bits = vp8l + 9;  // after "VP8L", the chunk size and the 0x2F signature
  const std::uint32_t packed = 16383u | (16383u << 14);  // 16384 x 16384, no alpha, version 0
  for (int i = 0; i < 4; ++i) webp[bits + i] = static_cast<char>((packed >> (8 * i)) & 0xFF);
  cometapi::ImageLimits limits;
  limits.max_pixels = 100'000'000;
  expect_invalid(cometapi::decode_image(webp, limits), "declares 16384x16384 pixels");
}

TEST(DecodeImage, LimitsAreExact) {
  const std::string file = png_file(quadrant_image(20, 10));
  cometapi::ImageLimits limits;
  limits.max_pixels = 200;
  EXPECT_TRUE(cometapi::decode_image(file, limits).ok());
  limits.max_pixels = 199;
  expect_invalid(cometapi::decode_image(file, limits), "more than the limit of 199");
  limits = {};
  limits.max_bytes = file.size();
  EXPECT_TRUE(cometapi::decode_image(file, limits).ok());
  limits.max_bytes = file.size() - 1;
  expect_invalid(cometapi::decode_image(file, limits), "bytes, more than the limit");
  limits.max_pixels = 199;
  EXPECT_FALSE(cometapi::split_grid(file, limits).ok());
}

TEST(EncodePng, RefusesAnInconsistentImage) {
  Image image = quadrant_image(4, 4);
  image.pixels.pop_back();
  EXPECT_FALSE(cometapi::encode_png(image).ok());
  image = quadrant_image(4, 4);
  image.channels = 2;
  EXPECT_FALSE(cometapi::encode_png(image).ok());
  image = Image{};
  EXPECT_FALSE(cometapi::encode_png(image).ok());
  EXPECT_FALSE(cometapi::split_quadrants(image).ok());
}

}  // namespace
}  // namespace imagetest
