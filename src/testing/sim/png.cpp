#include "png.hpp"

#include <algorithm>
#include <array>

namespace cometapi::testing::detail {
namespace {

const std::array<std::uint32_t, 256>& crc_table() {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  return table;
}

void put_u32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>((v >> 24) & 0xFF));
  out.push_back(static_cast<char>((v >> 16) & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
  out.push_back(static_cast<char>(v & 0xFF));
}

void put_chunk(std::string& out, const char* type, const std::string& data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  std::string typed(type, 4);
  typed += data;
  out += typed;
  // The chunk CRC covers the type and the data, not the length.
  put_u32(out, crc32(reinterpret_cast<const std::uint8_t*>(typed.data()), typed.size()));
}

// zlib stream of stored blocks: a block holds at most 65535 bytes.
std::string zlib_stored(const std::string& raw) {
  std::string out;
  out.push_back(static_cast<char>(0x78));  // deflate, 32 KiB window
  out.push_back(static_cast<char>(0x01));  // check bits make 0x7801 a multiple of 31
  std::size_t pos = 0;
  do {
    const std::size_t len = std::min<std::size_t>(65535, raw.size() - pos);
    const bool last = pos + len == raw.size();
    out.push_back(static_cast<char>(last ? 1 : 0));  // BFINAL, BTYPE=00
    out.push_back(static_cast<char>(len & 0xFF));
    out.push_back(static_cast<char>((len >> 8) & 0xFF));
    out.push_back(static_cast<char>(~len & 0xFF));
    out.push_back(static_cast<char>((~len >> 8) & 0xFF));
    out.append(raw, pos, len);
    pos += len;
  } while (pos < raw.size());
  put_u32(out, adler32(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()));
  return out;
}

}  // namespace

std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc) {
  const auto& table = crc_table();
  std::uint32_t c = crc ^ 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::uint32_t adler32(const std::uint8_t* data, std::size_t size) {
  std::uint32_t a = 1, b = 0;
  for (std::size_t i = 0; i < size; ++i) {
    a = (a + data[i]) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

std::string encode_png(int width, int height, const std::vector<Rgb>& pixels) {
  std::string raw;
  raw.reserve(static_cast<std::size_t>(height) * (1 + 3 * static_cast<std::size_t>(width)));
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);  // filter type None
    for (int x = 0; x < width; ++x) {
      const Rgb& p = pixels[static_cast<std::size_t>(y) * width + x];
      raw.push_back(static_cast<char>(p.r));
      raw.push_back(static_cast<char>(p.g));
      raw.push_back(static_cast<char>(p.b));
    }
  }
  std::string ihdr;
  put_u32(ihdr, static_cast<std::uint32_t>(width));
  put_u32(ihdr, static_cast<std::uint32_t>(height));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit, RGB, deflate, no filter, no interlace

  std::string out("\x89PNG\r\n\x1a\n", 8);
  put_chunk(out, "IHDR", ihdr);
  put_chunk(out, "IDAT", zlib_stored(raw));
  put_chunk(out, "IEND", std::string());
  return out;
}

namespace {

// 5x7 glyphs of the digits 1-4, one byte a row, bit 4 the leftmost column.
constexpr std::uint8_t kDigits[4][7] = {
    {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},  // 1
    {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F},  // 2
    {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},  // 3
    {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02},  // 4
};

// Paints one cell: `colour`, with `digit` (1-4) drawn large and centred in black or white,
// whichever stands out. `out` points at the cell's top-left pixel in rows `stride` pixels apart.
void paint_cell(Rgb* out, int stride, int width, int height, Rgb colour, int digit) {
  for (int y = 0; y < height; ++y) std::fill(out + y * stride, out + y * stride + width, colour);
  if (digit < 1 || digit > 4) return;
  const int scale = std::max(1, std::min(width / 5, height / 7) / 2);
  const int left = (width - 5 * scale) / 2, top = (height - 7 * scale) / 2;
  const bool light = colour.r * 299 + colour.g * 587 + colour.b * 114 > 128 * 1000;
  const Rgb ink = light ? Rgb{16, 16, 16} : Rgb{250, 250, 250};
  for (int y = 0; y < 7 * scale && top + y < height; ++y) {
    const std::uint8_t bits = kDigits[digit - 1][y / scale];
    for (int x = 0; x < 5 * scale && left + x < width; ++x) {
      if (bits & (0x10 >> (x / scale))) out[(top + y) * stride + left + x] = ink;
    }
  }
}

}  // namespace

std::string grid_png(int width, int height, const std::array<Rgb, 4>& quadrants) {
  std::vector<Rgb> pixels(static_cast<std::size_t>(width) * height);
  // The left column and the top row are the floor of half (as cometapi::split_quadrants cuts).
  const int w[2] = {width / 2, width - width / 2}, h[2] = {height / 2, height - height / 2};
  for (int q = 0; q < 4; ++q) {
    const int col = q % 2, row = q / 2;
    Rgb* first = pixels.data() + static_cast<std::size_t>(row * h[0]) * width + col * w[0];
    paint_cell(first, width, w[col], h[row], quadrants[q], q + 1);
  }
  return encode_png(width, height, pixels);
}

std::string cell_png(int width, int height, Rgb colour, int digit) {
  std::vector<Rgb> pixels(static_cast<std::size_t>(width) * height);
  paint_cell(pixels.data(), width, width, height, colour, digit);
  return encode_png(width, height, pixels);
}

std::string solid_png(int width, int height, Rgb colour) {
  return encode_png(width, height,
                    std::vector<Rgb>(static_cast<std::size_t>(width) * height, colour));
}

}  // namespace cometapi::testing::detail
