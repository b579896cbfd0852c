// One split, as a command: reads a grid image, splits it with cometapi::split_grid and writes
// OUTDIR/u1.png ... u4.png. bench/split times it against `convert -crop 2x2@` doing the same job.
//
//   cometapi_bench_split GRID_FILE OUTDIR
#include <cometapi/grid.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: cometapi_bench_split GRID_FILE OUTDIR\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parts = cometapi::split_grid(bytes);
  if (!parts) {
    std::cerr << parts.error().to_string() << '\n';
    return 1;
  }
  for (int i = 0; i < 4; ++i) {
    const std::string path = std::string(argv[2]) + "/u" + std::to_string(i + 1) + ".png";
    std::ofstream out(path, std::ios::binary);
    out.write(parts->at(i).data(), static_cast<std::streamsize>(parts->at(i).size()));
    if (!out) {
      std::cerr << "cannot write " << path << '\n';
      return 1;
    }
  }
  return 0;
}
