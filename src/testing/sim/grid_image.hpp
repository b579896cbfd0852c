// The images the simulator serves for a task: a grid is 2x2 quadrants at the prompt's aspect
// ratio (`--ar W:H`), each its own colour and number; an upscale is exactly one quadrant of its
// parent grid, the same pixels, as on the real service (Midjourney 5 and later).
#pragma once

#include <string>

namespace cometapi::testing::detail {

struct SimTask;

// Shorter side of one quadrant, in pixels. Small on purpose: images are stored uncompressed.
inline constexpr int kQuadrantShortSide = 128;

// Gives a new grid task its size from the `--ar W:H` (or `--aspect W:H`) in its prompt: 1:1 when
// there is none or it is unreadable; ratios past 8:1 are held at 8:1.
void size_grid_for_prompt(SimTask& grid);
// Makes `upscale` quadrant `index` (1-4) of `parent`; an upscale of an upscale keeps its image.
void take_quadrant(SimTask& upscale, const SimTask& parent, int index);
// The PNG served at /mj/image/{id}.
std::string task_png(const SimTask& task);

}  // namespace cometapi::testing::detail
