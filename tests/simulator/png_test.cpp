// Requirement 6: served images are real PNGs: a 2x2 grid of numbered colours at the prompt's
// aspect ratio, and an upscale is exactly its quadrant.
#include <cstdint>
#include <set>
#include <tuple>

#include "test_support.hpp"
#ifdef COMETAPI_TEST_HAVE_ZLIB
#include <zlib.h>
#endif

namespace simtest {
namespace {

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (std::uint32_t(std::uint8_t(s[at])) << 24) |
         (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

struct Png {
  std::uint32_t width = 0, height = 0;
  std::string idat;
  std::vector<std::string> chunk_types;
};

// Walks the chunks, checking each CRC with an independent implementation.
Png read_png(const std::string& file) {
  Png png;
  EXPECT_EQ(file.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  std::size_t pos = 8;
  while (pos + 12 <= file.size()) {
    const std::uint32_t len = be32(file, pos);
    const std::string type = file.substr(pos + 4, 4);
    const std::string data = file.substr(pos + 8, len);
    std::uint32_t crc = 0xFFFFFFFFu;
    for (char c : type + data) {
      crc ^= std::uint8_t(c);
      for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    EXPECT_EQ(crc ^ 0xFFFFFFFFu, be32(file, pos + 8 + len)) << type;
    png.chunk_types.push_back(type);
    if (type == "IHDR") {
      png.width = be32(data, 0);
      png.height = be32(data, 4);
      EXPECT_EQ(data[8], 8);  // bit depth
      EXPECT_EQ(data[9], 2);  // RGB
    }
    if (type == "IDAT") png.idat += data;
    pos += 12 + len;
  }
  EXPECT_EQ(pos, file.size());
  return png;
}

// Pixel rows (filter byte + RGB) as zlib inflates them.
std::string pixels(const Png& png) {
#ifdef COMETAPI_TEST_HAVE_ZLIB
  std::string out(png.height * (1 + 3 * png.width), '\0');
  uLongf size = out.size();
  EXPECT_EQ(uncompress(reinterpret_cast<Bytef*>(out.data()), &size,
                       reinterpret_cast<const Bytef*>(png.idat.data()), png.idat.size()),
            Z_OK);
  EXPECT_EQ(size, out.size());
  return out;
#else
  (void)png;
  return std::string();
#endif
}

std::string rgb_at(const Png& png, const std::string& raw, int x, int y) {
  return raw.substr(y * (1 + 3 * png.width) + 1 + 3 * x, 3);
}

TEST_F(SimTest, GridImageIsAValidPngOfFourQuadrants) {
  const std::string id = imagine("colours");
  finish();
  const Answer a = get("/mj/image/" + id, "");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "image/png");
  const Png png = read_png(a.body);
  EXPECT_EQ(png.chunk_types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  EXPECT_EQ(png.width, 256u);  // no --ar: 1:1, quadrants 128x128
  EXPECT_EQ(png.height, 256u);
  const std::string raw = pixels(png);
  if (raw.empty()) GTEST_SKIP() << "built without zlib: pixel check skipped";
  std::set<std::string> colours;
  for (auto [x, y] : {std::pair{5, 5}, {200, 5}, {5, 200}, {200, 200}}) {
    colours.insert(rgb_at(png, raw, x, y));
  }
  EXPECT_EQ(colours.size(), 4u);
  EXPECT_EQ(rgb_at(png, raw, 0, 0), rgb_at(png, raw, 127, 127));  // the background is uniform
  // The number is drawn on it: the quadrant's centre column holds another colour.
  std::set<std::string> column;
  for (int y = 0; y < 128; ++y) column.insert(rgb_at(png, raw, 64, y));
  EXPECT_EQ(column.size(), 2u);
}

TEST_F(SimTest, GridFollowsThePromptsAspectRatio) {
  for (auto [ar, w, h] : {std::tuple{"16:9", 456u, 256u},
                          {"2:3", 256u, 384u},
                          {"1:1", 256u, 256u},
                          {"4:1", 1024u, 256u}}) {
    const std::string id = imagine(std::string("shape --ar ") + ar + " --v 6");
    finish();
    const Png png = read_png(get("/mj/image/" + id, "").body);
    EXPECT_EQ(png.width, w) << ar;
    EXPECT_EQ(png.height, h) << ar;
  }
}

TEST_F(SimTest, UpscaleIsExactlyItsQuadrant) {
  const std::string grid = imagine("pick three --ar 2:3");
  finish();
  const std::string up = result_id(press(grid, "U3").body_json());
  finish();
  const Png grid_png = read_png(get("/mj/image/" + grid, "").body);
  const Png up_png = read_png(get("/mj/image/" + up, "").body);
  const std::string grid_raw = pixels(grid_png);
  const std::string up_raw = pixels(up_png);
  if (grid_raw.empty()) GTEST_SKIP() << "built without zlib: pixel check skipped";
  ASSERT_EQ(up_png.width, 128u);
  ASSERT_EQ(up_png.height, 192u);
  for (int y = 0; y < 192; ++y) {  // U3 is the bottom-left quadrant, row for row
    for (int x = 0; x < 128; ++x) {
      ASSERT_EQ(rgb_at(up_png, up_raw, x, y), rgb_at(grid_png, grid_raw, x, 192 + y))
          << x << "," << y;
    }
  }
}

}  // namespace
}  // namespace simtest
