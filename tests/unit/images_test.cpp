// Image helpers: magic-byte detection, data URIs, size limits.
#include "cometapi/images.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace cometapi {
namespace {

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
const std::string kJpeg("\xFF\xD8\xFF\xE0\0\x10JFIF", 10);
const std::string kGif("GIF89a\x01\0\x01\0", 10);
const std::string kWebp("RIFF\x24\0\0\0WEBPVP8 ", 16);

TEST(DetectImageType, ByMagicBytes) {
  EXPECT_EQ(detect_image_type(kPng), "image/png");
  EXPECT_EQ(detect_image_type(kJpeg), "image/jpeg");
  EXPECT_EQ(detect_image_type(kGif), "image/gif");
  EXPECT_EQ(detect_image_type("GIF87a...."), "image/gif");
  EXPECT_EQ(detect_image_type(kWebp), "image/webp");
  EXPECT_EQ(detect_image_type("RIFF\x24\0\0\0WAVE"), "");
  EXPECT_EQ(detect_image_type("%PDF-1.7"), "");
  EXPECT_EQ(detect_image_type(""), "");
}

TEST(DataUri, FromBytesRoundTrips) {
  for (const std::string& bytes : {kPng, kJpeg, kGif, kWebp, kPng + "x", kPng + "xy"}) {
    auto uri = data_uri_from_bytes(bytes);
    ASSERT_TRUE(uri.ok()) << uri.error().to_string();
    EXPECT_EQ(uri->rfind("data:" + detect_image_type(bytes) + ";base64,", 0), 0u);
    std::string type;
    auto back = bytes_from_data_uri(*uri, &type);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, bytes);
    EXPECT_EQ(type, detect_image_type(bytes));
  }
  EXPECT_EQ(*data_uri_from_bytes(std::string("GIF89a", 6)), "data:image/gif;base64,R0lGODlh");
}

TEST(DataUri, RefusesWhatIsNotAnImage) {
  auto text = data_uri_from_bytes("hello world");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().kind, ErrorKind::InvalidArgument);
  EXPECT_NE(text.error().message.find("PNG, JPEG, WebP or GIF"), std::string::npos);
  EXPECT_FALSE(data_uri_from_bytes("").ok());
  auto big = data_uri_from_bytes(kPng + std::string(100, 'x'), 64);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("limit"), std::string::npos);
}

TEST(DataUri, FromFile) {
  const std::string path = ::testing::TempDir() + "cometapi_images_test.png";
  {
    std::ofstream out(path, std::ios::binary);
    out << kPng;
  }
  auto uri = data_uri_from_file(path);
  ASSERT_TRUE(uri.ok()) << uri.error().to_string();
  EXPECT_EQ(uri->rfind("data:image/png;base64,", 0), 0u);
  auto limited = data_uri_from_file(path, 4);
  ASSERT_FALSE(limited.ok());
  EXPECT_NE(limited.error().message.find(path), std::string::npos);
  std::remove(path.c_str());

  auto missing = data_uri_from_file("/nonexistent/cat.png");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::InvalidArgument);
  EXPECT_NE(missing.error().message.find("/nonexistent/cat.png"), std::string::npos);
}

TEST(DataUri, DecodingRefusesGarbage) {
  EXPECT_FALSE(bytes_from_data_uri("https://x/y.png").ok());
  EXPECT_FALSE(bytes_from_data_uri("data:image/png;base64,@@@@").ok());
  EXPECT_FALSE(bytes_from_data_uri("data:image/png;base64,A").ok());
}

}  // namespace
}  // namespace cometapi
