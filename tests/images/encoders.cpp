#include "encoders.hpp"

#include <png.h>
#include <webp/encode.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern "C" {
#include <jpeglib.h>
}

namespace imagetest {

cometapi::Image quadrant_image(int width, int height, int channels) {
  static const std::uint8_t kColours[4][3] = {
      {200, 40, 40}, {40, 180, 60}, {50, 70, 210}, {230, 200, 30}};
  cometapi::Image image;
  image.width = width;
  image.height = height;
  image.channels = channels;
  image.pixels.resize(static_cast<std::size_t>(width) * height * channels);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int q = (y >= height / 2 ? 2 : 0) + (x >= width / 2 ? 1 : 0);
      std::uint8_t* p = &image.pixels[(static_cast<std::size_t>(y) * width + x) * channels];
      p[0] = static_cast<std::uint8_t>(kColours[q][0] + x % 8);
      p[1] = static_cast<std::uint8_t>(kColours[q][1] + y % 8);
      p[2] = kColours[q][2];
      if (channels == 4) p[3] = static_cast<std::uint8_t>(255 - 20 * q);
    }
  }
  return image;
}

namespace {

std::string write_png(png_image& png, const void* pixels) {
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&png, nullptr, &size, 0, pixels, 0, nullptr)) {
    throw std::runtime_error(std::string("libpng: ") + png.message);
  }
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&png, out.data(), &size, 0, pixels, 0, nullptr)) {
    throw std::runtime_error(std::string("libpng: ") + png.message);
  }
  out.resize(size);
  return out;
}

}  // namespace

std::string png_file(const cometapi::Image& image) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = image.channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  return write_png(png, image.pixels.data());
}

std::string grey_png_file(int width, int height) {
  std::vector<std::uint8_t> grey(static_cast<std::size_t>(width) * height);
  for (std::size_t i = 0; i < grey.size(); ++i) grey[i] = static_cast<std::uint8_t>(i * 7);
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(width);
  png.height = static_cast<png_uint_32>(height);
  png.format = PNG_FORMAT_GRAY;
  return write_png(png, grey.data());
}

std::string jpeg_file(const cometapi::Image& rgb, int quality, bool progressive) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr errors;
  cinfo.err = jpeg_std_error(&errors);  // the default handler exits: fine for a test input
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(rgb.width);
  cinfo.image_height = static_cast<JDIMENSION>(rgb.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  if (progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<std::uint8_t*>(rgb.pixels.data()) +
                   static_cast<std::size_t>(cinfo.next_scanline) * rgb.width * 3;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string out(reinterpret_cast<char*>(buffer), size);
  std::free(buffer);
  return out;
}

std::string webp_file(const cometapi::Image& image, bool lossless) {
  std::uint8_t* out = nullptr;
  const int stride = image.width * image.channels;
  std::size_t size = 0;
  if (image.channels == 4) {
    size =
        lossless
            ? WebPEncodeLosslessRGBA(image.pixels.data(), image.width, image.height, stride, &out)
            : WebPEncodeRGBA(image.pixels.data(), image.width, image.height, stride, 90, &out);
  } else {
    size = lossless
               ? WebPEncodeLosslessRGB(image.pixels.data(), image.width, image.height, stride, &out)
               : WebPEncodeRGB(image.pixels.data(), image.width, image.height, stride, 90, &out);
  }
  if (size == 0) throw std::runtime_error("libwebp could not encode");
  std::string file(reinterpret_cast<char*>(out), size);
  WebPFree(out);
  return file;
}

std::vector<std::uint8_t> pixel(const cometapi::Image& image, int x, int y) {
  const auto* p = &image.pixels[(static_cast<std::size_t>(y) * image.width + x) * image.channels];
  return std::vector<std::uint8_t>(p, p + image.channels);
}

}  // namespace imagetest
