// The subcommands. Each returns the process's exit code (see context.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "context.hpp"

namespace cometmj {

// Everything a subcommand may take. Only one subcommand runs per process, so one struct bound to
// CLI11 serves them all; each command reads the fields it declared.
struct CommandArgs {
  std::string task;                 // TASK
  std::vector<std::string> tasks;   // fetch TASK...
  std::vector<std::string> words;   // imagine / shorten PROMPT (words are joined by spaces)
  std::vector<std::string> files;   // blend FILE...
  std::string source;               // describe FILE|URL, video IMAGE
  std::string button;               // press BUTTON
  int index = 0;                    // upscale / vary N
  std::string factor;               // zoom / custom-zoom FACTOR
  std::string direction;            // pan DIR
  bool strong = false;              // vary --strong
  std::string mask;                 // vary-region --mask, modal --mask
  std::string prompt;               // vary-region / custom-zoom / modal / video --prompt
  std::vector<std::string> images;  // imagine --image
  bool niji = false;                // --niji: NIJI_JOURNEY bot
  std::string dimensions;           // blend --dimensions
  std::string language;             // describe --language
  std::string motion;               // video --motion
  std::string end_image;            // video --end-image
  bool loop = false;                // video --loop
  int batch_size = 0;               // video --batch-size
  std::string video_type;           // video --video-type
  std::string extend;               // video --extend TASK
  int video_index = -1;             // video --index
  // Submitting commands.
  bool no_wait = false;
  bool download = false;
  std::string out;
  std::string state;
  bool remix = false;
  std::string remix_prompt;
};

int run_imagine(Context& ctx, const CommandArgs& args);
int run_press(Context& ctx, const CommandArgs& args);
int run_upscale(Context& ctx, const CommandArgs& args);
int run_vary(Context& ctx, const CommandArgs& args);
int run_reroll(Context& ctx, const CommandArgs& args);
int run_zoom(Context& ctx, const CommandArgs& args);
int run_pan(Context& ctx, const CommandArgs& args);
int run_vary_region(Context& ctx, const CommandArgs& args);
int run_custom_zoom(Context& ctx, const CommandArgs& args);
int run_modal(Context& ctx, const CommandArgs& args);
int run_blend(Context& ctx, const CommandArgs& args);
int run_describe(Context& ctx, const CommandArgs& args);
int run_shorten(Context& ctx, const CommandArgs& args);
int run_video(Context& ctx, const CommandArgs& args);
int run_fetch(Context& ctx, const CommandArgs& args);
int run_wait(Context& ctx, const CommandArgs& args);
int run_buttons(Context& ctx, const CommandArgs& args);
int run_download(Context& ctx, const CommandArgs& args);
int run_seed(Context& ctx, const CommandArgs& args);

}  // namespace cometmj
