// Consumer smoke test (find_package with COMPONENTS images): encodes a 4x2 image with the
// installed library, splits it, and checks the four quadrants come back 2x1 each.
#include <cometapi/grid.hpp>
#include <iostream>

int main() {
  cometapi::Image grid;
  grid.width = 4;
  grid.height = 2;
  grid.pixels.assign(4 * 2 * 3, 0);
  for (std::size_t i = 0; i < grid.pixels.size(); ++i)
    grid.pixels[i] = static_cast<unsigned char>(i);
  auto png = cometapi::encode_png(grid);
  if (!png) {
    std::cerr << png.error().to_string() << '\n';
    return 1;
  }
  auto parts = cometapi::split_grid(*png);
  if (!parts) {
    std::cerr << parts.error().to_string() << '\n';
    return 1;
  }
  for (const std::string& part : *parts) {
    auto image = cometapi::decode_image(part);
    if (!image || image->width != 2 || image->height != 1) {
      std::cerr << "a quadrant is not 2x1\n";
      return 1;
    }
  }
  std::cout << "split_grid: four 2x1 images\n";
  return 0;
}
