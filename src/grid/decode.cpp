// decode_image: PNG through libpng's simplified API, JPEG through libjpeg(-turbo), WebP through
// libwebp. Every decoder reads the declared size first and checks it against ImageLimits before it
// allocates the pixel buffer.
#include <png.h>
#include <webp/decode.h>

#include <algorithm>
#include <climits>
#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <cstring>
#include <limits>
#include <new>
#include <optional>

#include "cometapi/grid.hpp"
#include "cometapi/images.hpp"
#include "core/error_support.hpp"
#include "grid/pixels.hpp"

extern "C" {
#include <jpeglib.h>
}

namespace cometapi {
namespace {

using detail::invalid_argument;

Error bad_image(const char* format, const std::string& why) {
  return invalid_argument(std::string("decode_image: ") + format + ": " + why);
}

// Allocates `image` for width x height x channels once the limits allow it.
std::optional<Error> allocate(Image& image, const char* format, std::uint64_t width,
                              std::uint64_t height, int channels, const ImageLimits& limits) {
  if (width == 0 || height == 0) return bad_image(format, "the image has no pixels");
  const std::uint64_t pixels = width * height;  // both < 2^32, so no overflow
  const std::string declared =
      "the header declares " + std::to_string(width) + "x" + std::to_string(height) + " pixels";
  if (pixels > limits.max_pixels) {
    return bad_image(format,
                     declared + ", more than the limit of " + std::to_string(limits.max_pixels));
  }
  if (width > grid::kMaxSide || height > grid::kMaxSide) {
    return bad_image(format,
                     declared + ": a side is longer than " + std::to_string(grid::kMaxSide));
  }
  const std::uint64_t bytes = pixels * static_cast<std::uint64_t>(channels);
  if (bytes > std::numeric_limits<std::size_t>::max()) {
    return bad_image(format, "the image is too large for this machine");
  }
  try {
    image.pixels.assign(static_cast<std::size_t>(bytes), 0);
  } catch (const std::bad_alloc&) {
    return bad_image(format, "out of memory for " + std::to_string(bytes) + " bytes");
  }
  image.width = static_cast<int>(width);
  image.height = static_cast<int>(height);
  image.channels = channels;
  return std::nullopt;
}

Result<Image> decode_png(std::string_view bytes, const ImageLimits& limits) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  struct Release {
    png_image* p;
    ~Release() { png_image_free(p); }
  } release{&png};
  if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size())) {
    return bad_image("PNG", png.message);
  }
  const int channels = (png.format & PNG_FORMAT_FLAG_ALPHA) != 0 ? 4 : 3;
  Image image;
  if (auto error = allocate(image, "PNG", png.width, png.height, channels, limits)) return *error;
  png.format = channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  if (!png_image_finish_read(&png, nullptr, image.pixels.data(), 0, nullptr)) {
    return bad_image("PNG", png.message);
  }
  return image;
}

// libjpeg reports errors through a callback that must not return: it jumps back to decode_jpeg.
struct JpegErrors {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

// A warning (level -1) means corrupt or truncated data, which libjpeg would otherwise paper over
// with grey rows: treated as an error. Trace messages (level >= 0) are ignored.
void jpeg_message(j_common_ptr cinfo, int level) {
  if (level < 0) jpeg_fail(cinfo);
}

// Between setjmp and the libjpeg calls that may jump back, only trivially destructible locals
// live in this frame (the jump must not skip a destructor). False, with `error` set, on failure.
bool decode_jpeg_into(const unsigned char* data, unsigned long size, const ImageLimits& limits,
                      Image& image, Error& error) {
  jpeg_decompress_struct cinfo;
  JpegErrors errors;
  cinfo.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jpeg_fail;
  errors.manager.emit_message = jpeg_message;
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&cinfo);
    error = bad_image("JPEG", errors.message);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, size);
  jpeg_read_header(&cinfo, TRUE);
  // libjpeg's own working memory (a progressive file keeps every coefficient) is bounded too.
  const std::uint64_t budget = limits.max_pixels * 16 + (std::uint64_t{64} << 20);
  cinfo.mem->max_memory_to_use =
      static_cast<long>(std::min<std::uint64_t>(budget, static_cast<std::uint64_t>(LONG_MAX)));
  if (auto refused = allocate(image, "JPEG", cinfo.image_width, cinfo.image_height, 3, limits)) {
    jpeg_destroy_decompress(&cinfo);
    error = *refused;
    return false;
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  const std::size_t stride = static_cast<std::size_t>(image.width) * 3;
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = image.pixels.data() + stride * cinfo.output_scanline;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

Result<Image> decode_jpeg(std::string_view bytes, const ImageLimits& limits) {
  Image image;
  Error error;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (!decode_jpeg_into(data, static_cast<unsigned long>(bytes.size()), limits, image, error)) {
    return error;
  }
  return image;
}

const char* webp_status(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_NOT_ENOUGH_DATA:
      return "the file is truncated";
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      return "the file uses a feature libwebp does not support";
    default:
      return "the file is corrupt";
  }
}

Result<Image> decode_webp(std::string_view bytes, const ImageLimits& limits) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  WebPBitstreamFeatures features;
  const VP8StatusCode status = WebPGetFeatures(data, bytes.size(), &features);
  if (status != VP8_STATUS_OK) return bad_image("WebP", webp_status(status));
  if (features.has_animation) return bad_image("WebP", "an animated WebP is not a grid");
  const int channels = features.has_alpha ? 4 : 3;
  Image image;
  if (auto error = allocate(image, "WebP", static_cast<std::uint64_t>(features.width),
                            static_cast<std::uint64_t>(features.height), channels, limits)) {
    return *error;
  }
  const int stride = image.width * channels;
  std::uint8_t* out = image.pixels.data();
  const std::size_t size = image.pixels.size();
  const std::uint8_t* done = channels == 4
                                 ? WebPDecodeRGBAInto(data, bytes.size(), out, size, stride)
                                 : WebPDecodeRGBInto(data, bytes.size(), out, size, stride);
  if (done == nullptr) return bad_image("WebP", "the file is truncated or corrupt");
  return image;
}

}  // namespace

Result<Image> decode_image(std::string_view bytes, const ImageLimits& limits) {
  if (bytes.empty()) return invalid_argument("decode_image: no bytes");
  if (bytes.size() > limits.max_bytes) {
    return invalid_argument("decode_image: " + std::to_string(bytes.size()) +
                            " bytes, more than the limit of " + std::to_string(limits.max_bytes));
  }
  const std::string type = detect_image_type(bytes);
  if (type == "image/png") return decode_png(bytes, limits);
  if (type == "image/jpeg") return decode_jpeg(bytes, limits);
  if (type == "image/webp") return decode_webp(bytes, limits);
  if (type == "image/gif") return invalid_argument("decode_image: GIF is not supported");
  return invalid_argument("decode_image: not a PNG, JPEG or WebP image");
}

}  // namespace cometapi
