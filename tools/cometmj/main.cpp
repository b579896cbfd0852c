// cometmj: Midjourney through CometAPI from the terminal. See docs/cli.md.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "cometapi/version.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "sim_command.hpp"
#include "split_command.hpp"
#ifdef COMETMJ_WITH_JOBS
#include "batch.hpp"
#endif

namespace {

using cometmj::CommandArgs;
using cometmj::Context;

constexpr const char* kFooter =
    "Exit codes: 0 success, 1 the task failed or was refused, 2 usage, 3 authentication,\n"
    "4 network or service trouble, 130 interrupted (Ctrl-C).\n"
    "Environment: COMETAPI_KEY, COMETAPI_BASE_URL, COMETMJ_POLL_MS, NO_COLOR.\n"
    "Global options may come before or after the subcommand. A prompt with options of its own\n"
    "goes after `--`:  cometmj imagine -- a red fox --ar 16:9\n"
    "Full guide: docs/cli.md";

int poll_from_env() {
  const char* text = std::getenv("COMETMJ_POLL_MS");
  if (text == nullptr || *text == '\0') return 0;
  const long value = std::strtol(text, nullptr, 10);
  return value > 0 && value <= 600000 ? static_cast<int>(value) : 0;
}

}  // namespace

int main(int argc, char** argv) {
  // First, before any thread exists: every later thread inherits the blocked signals.
  cometmj::Interrupts::install();

  cometmj::GlobalOptions global;
  CommandArgs args;
  cometmj::SimArgs sim;

  CLI::App app{"cometmj: Midjourney through CometAPI from the terminal.", "cometmj"};
  app.fallthrough();  // global options are accepted after the subcommand too
  app.require_subcommand(1);
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("cometmj ") + cometapi::kVersion);

  app.add_option("--base-url", global.base_url,
                 "Service URL (default $COMETAPI_BASE_URL, else https://api.cometapi.com)");
  app.add_option("--key", global.key, "API key (default $COMETAPI_KEY)");
  app.add_option("--mode", global.mode, "Speed mode: fast, relax or turbo (path /mj-<mode>/mj)")
      ->check(CLI::IsMember({"default", "fast", "relax", "turbo"}));
  app.add_option("--timeout", global.timeout_s,
                 "Seconds a command may wait for its task in total (default 900)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--json", global.json, "Print the task as JSON on stdout, nothing else");
  app.add_flag("-q,--quiet", global.quiet, "No progress or step messages; errors only");
  app.add_flag("-v,--verbose", global.verbose,
               "Trace every HTTP attempt on stderr (the key is redacted)");
  app.add_option("--poll-interval", global.poll_ms,
                 "Poll every MS milliseconds (for simulators; default $COMETMJ_POLL_MS, else "
                 "2 s growing x1.5 to 15 s)")
      ->check(CLI::Range(1, 600000));

  using Run = int (*)(Context&, const CommandArgs&);
  std::vector<std::pair<CLI::App*, Run>> commands;
  const auto command = [&](const char* name, const char* help, Run run) {
    CLI::App* sub = app.add_subcommand(name, help);
    commands.emplace_back(sub, run);
    return sub;
  };
  const auto task_arg = [&](CLI::App* sub) {
    sub->add_option("TASK", args.task, "Task id")->required();
  };
  const auto submit_options = [&](CLI::App* sub, bool downloadable) {
    sub->add_flag("--no-wait", args.no_wait, "Print the new task id at once instead of waiting");
    if (downloadable) {
      sub->add_flag("--download", args.download, "Save the result once it is done");
      sub->add_option("-o,--out", args.out,
                      "Where --download saves: a file, or a directory (default: ./<task>.<ext>)");
    }
    sub->add_option("--state", args.state, "Your own text, echoed in the task's state");
  };
  const auto remix_options = [&](CLI::App* sub) {
    sub->add_flag("--remix", args.remix, "Ask for remix: the new task waits in MODAL");
    sub->add_option("--remix-prompt", args.remix_prompt,
                    "Remix with this prompt (implies --remix; continued through the modal)");
  };

  CLI::App* sub = nullptr;
  sub = command("imagine", "Create a 4-image grid from a prompt", cometmj::run_imagine);
  sub->add_option("PROMPT", args.words, "The prompt (several words are joined)")->required();
  sub->add_option("--image", args.images, "Reference image: file or URL (repeatable)");
  sub->add_flag("--niji", args.niji, "Use the Niji bot");
  submit_options(sub, true);

  sub = command("press", "Press a button by its label or emoji (U1, V3, 🔄, \"Zoom Out 2x\")",
                cometmj::run_press);
  task_arg(sub);
  sub->add_option("BUTTON", args.button, "Label, emoji or name, as `cometmj buttons` lists")
      ->required();
  submit_options(sub, true);
  remix_options(sub);

  sub = command("upscale", "U1-U4: upscale one image of a grid", cometmj::run_upscale);
  task_arg(sub);
  sub->add_option("N", args.index, "Image 1-4")->required()->check(CLI::Range(1, 4));
  submit_options(sub, true);

  sub = command("vary", "V1-V4 on a grid (with N), or Vary (Subtle)/(Strong) on an upscaled image",
                cometmj::run_vary);
  task_arg(sub);
  sub->add_option("N", args.index, "Image 1-4 of a grid; leave out on an upscaled image")
      ->check(CLI::Range(1, 4));
  sub->add_flag("--strong", args.strong, "Strong variation instead of subtle");
  submit_options(sub, true);
  remix_options(sub);

  sub = command("reroll", "🔄: run the grid's prompt again", cometmj::run_reroll);
  task_arg(sub);
  submit_options(sub, true);
  remix_options(sub);

  sub = command("zoom", "Zoom Out 2x or 1.5x on an upscaled image", cometmj::run_zoom);
  task_arg(sub);
  sub->add_option("FACTOR", args.factor, "2 or 1.5")->required();
  submit_options(sub, true);

  sub = command("pan", "Pan an upscaled image left, right, up or down", cometmj::run_pan);
  task_arg(sub);
  sub->add_option("DIR", args.direction, "left, right, up or down")->required();
  submit_options(sub, true);
  remix_options(sub);

  sub = command("vary-region", "Vary (Region): repaint the white part of a mask",
                cometmj::run_vary_region);
  task_arg(sub);
  sub->add_option("--mask", args.mask, "PNG mask, white = repaint, black = keep")->required();
  sub->add_option("--prompt", args.prompt, "What to paint there")->required();
  submit_options(sub, true);

  sub = command("custom-zoom", "Custom Zoom by FACTOR (1.0-2.0), optionally with a new prompt",
                cometmj::run_custom_zoom);
  task_arg(sub);
  sub->add_option("FACTOR", args.factor, "1.0 to 2.0")->required();
  sub->add_option("--prompt", args.prompt, "Prompt for the zoomed image (default: the image's)");
  submit_options(sub, true);

  sub = command("modal", "Continue a task waiting in MODAL (remix, Vary Region, Custom Zoom)",
                cometmj::run_modal);
  task_arg(sub);
  sub->add_option("--prompt", args.prompt, "The prompt the modal asks for");
  sub->add_option("--mask", args.mask, "PNG mask for Vary (Region)");
  submit_options(sub, true);

  sub = command("blend", "Blend 2 to 5 images", cometmj::run_blend);
  sub->add_option("FILE", args.files, "Image files (PNG, JPEG, WebP, GIF)")->required();
  sub->add_option("--dimensions", args.dimensions, "portrait, square or landscape")
      ->check(CLI::IsMember({"portrait", "square", "landscape"}, CLI::ignore_case));
  sub->add_flag("--niji", args.niji, "Use the Niji bot");
  submit_options(sub, true);

  sub = command("describe", "Four prompts that could have made an image", cometmj::run_describe);
  sub->add_option("IMAGE", args.source, "Image file or URL")->required();
  sub->add_option("--language", args.language, "Language of the prompts, e.g. zh");
  sub->add_flag("--niji", args.niji, "Use the Niji bot");
  submit_options(sub, false);

  sub = command("shorten", "Shorter versions of a prompt", cometmj::run_shorten);
  sub->add_option("PROMPT", args.words, "The prompt (several words are joined)")->required();
  sub->add_flag("--niji", args.niji, "Use the Niji bot");
  submit_options(sub, false);

  sub = command("video", "Animate an image (or extend a video with --extend TASK --index N)",
                cometmj::run_video);
  sub->add_option("IMAGE", args.source, "First frame: file or URL");
  sub->add_option("--prompt", args.prompt, "Prompt for the motion");
  sub->add_option("--motion", args.motion, "low or high")->check(CLI::IsMember({"low", "high"}));
  sub->add_option("--end-image", args.end_image, "Last frame: file or URL");
  sub->add_flag("--loop", args.loop, "Loop the video");
  sub->add_option("--batch-size", args.batch_size, "Videos to make: 1, 2 or 4")
      ->check(CLI::IsMember({1, 2, 4}));
  sub->add_option("--video-type", args.video_type, "e.g. vid_1.1_i2v_720");
  sub->add_option("--extend", args.extend, "Extend a video task instead");
  sub->add_option("--index", args.video_index, "Which video of that task (0-based)")
      ->check(CLI::NonNegativeNumber);
  submit_options(sub, true);

  sub = command("fetch", "Show tasks as they are now", cometmj::run_fetch);
  sub->add_option("TASK", args.tasks, "Task ids")->required();

  sub = command("wait", "Wait for a task to finish, with progress", cometmj::run_wait);
  task_arg(sub);
  sub->add_flag("--download", args.download, "Save the result once it is done");
  sub->add_option("-o,--out", args.out, "Where --download saves (file or directory)");

  sub = command("buttons", "List the buttons a task offers", cometmj::run_buttons);
  task_arg(sub);

  sub = command("download", "Save a finished task's image (or video)", cometmj::run_download);
  task_arg(sub);
  sub->add_option("-o,--out", args.out, "File or directory (default: ./<task>.<ext>)");
  cometmj::SplitCommands split;
  split.add(app, *sub);

  sub = command("seed", "Print the Midjourney seed of a finished task", cometmj::run_seed);
  task_arg(sub);

  CLI::App* sim_command = cometmj::add_sim_command(app, sim);

#ifdef COMETMJ_WITH_JOBS
  cometmj::BatchCommands batch(app);  // batch, jobs, resume
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (argc == 1) {
      std::cerr << app.help();
      return cometmj::kExitUsage;
    }
    std::cerr << "cometmj: " << e.what() << " (see cometmj --help)\n";
    return cometmj::kExitUsage;
  }

  if (global.poll_ms == 0) global.poll_ms = poll_from_env();
  // --out names where to save, so it implies --download.
  if (!args.out.empty()) args.download = true;
  if (args.no_wait && args.download) {
    std::cerr << "cometmj: --download (or --out) needs the result: drop --no-wait, or run "
                 "`cometmj wait TASK --download` later\n";
    return cometmj::kExitUsage;
  }

  if (sim_command->parsed()) {
    cometmj::Output out(global.json, global.quiet);
    return cometmj::run_sim(out, sim);
  }
  Context ctx(global);
  if (auto code = split.run_if_parsed(ctx, args)) return *code;
#ifdef COMETMJ_WITH_JOBS
  if (batch.parsed()) return batch.run(ctx);
#endif
  for (const auto& [subcommand, run] : commands) {
    if (subcommand->parsed()) return run(ctx, args);
  }
  return cometmj::kExitUsage;
}
