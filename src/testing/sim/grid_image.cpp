#include "grid_image.hpp"

#include <algorithm>
#include <cmath>
#include <regex>

#include "simulation.hpp"

namespace cometapi::testing::detail {

void size_grid_for_prompt(SimTask& grid) {
  static const std::regex kAspect(R"((?:^|\s)--(?:ar|aspect)\s+(\d{1,4}):(\d{1,4})(?:\s|$))");
  int w = 1, h = 1;
  std::smatch m;
  if (std::regex_search(grid.prompt, m, kAspect)) {
    w = std::stoi(m[1].str());
    h = std::stoi(m[2].str());
    if (w == 0 || h == 0) w = h = 1;
  }
  const double ratio = std::clamp(static_cast<double>(w) / h, 1.0 / 8, 8.0);
  int qw = kQuadrantShortSide, qh = kQuadrantShortSide;
  if (ratio >= 1) {
    qw = static_cast<int>(std::lround(kQuadrantShortSide * ratio));
  } else {
    qh = static_cast<int>(std::lround(kQuadrantShortSide / ratio));
  }
  grid.width = 2 * qw;
  grid.height = 2 * qh;
}

void take_quadrant(SimTask& upscale, const SimTask& parent, int index) {
  if (parent.single_image) {
    upscale.palette.fill(parent.palette[0]);
    upscale.cell = parent.cell;
    upscale.width = parent.width;
    upscale.height = parent.height;
    return;
  }
  const int q = std::clamp(index, 1, 4) - 1;
  upscale.palette.fill(parent.palette[q]);
  upscale.cell = q + 1;
  // The same cut as grid_png: the left column and top row are the floor of half.
  upscale.width = q % 2 == 0 ? parent.width / 2 : parent.width - parent.width / 2;
  upscale.height = q / 2 == 0 ? parent.height / 2 : parent.height - parent.height / 2;
}

std::string task_png(const SimTask& task) {
  if (!task.single_image) return grid_png(task.width, task.height, task.palette);
  if (task.cell > 0) return cell_png(task.width, task.height, task.palette[0], task.cell);
  return solid_png(task.width, task.height, task.palette[0]);
}

}  // namespace cometapi::testing::detail
