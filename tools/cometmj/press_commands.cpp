// The subcommands that press a button. Every press goes through the SDK's TaskPoller (the one
// place that presses buttons and runs the modal flows); the tool only chooses and reports.
#include <functional>
#include <optional>
#include <string>

#include "shared.hpp"

namespace cometmj {

namespace {

using cometapi::PressOptions;
using cometapi::Result;
using cometapi::Task;
using cometapi::TaskPoller;

using Press = std::function<Result<Task>(const TaskPoller&, const PressOptions&)>;

// The one path of every button command. `button` is the name a --no-wait press submits; `press`
// is the poller call that presses and waits.
int press_flow(Context& ctx, const CommandArgs& args, const std::string& button, const Press& press,
               bool strong = false) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  const std::string what = button + " of " + args.task;
  PressOptions options = ctx.press_options(what, optional_text(args.state));
  if (args.remix || !args.remix_prompt.empty()) options.enable_remix = true;
  if (!args.remix_prompt.empty()) options.remix_prompt = args.remix_prompt;
  options.strong = strong;
  const TaskPoller poller(*client, *options.wait);
  if (args.no_wait) {
    auto id = poller.submit_press(args.task, button, options);
    ctx.finish_press();
    if (!id) return ctx.fail(id.error());
    ctx.out().print(*id);
    return ctx.done();
  }
  auto task = press(poller, options);
  ctx.finish_press();
  if (!task) return ctx.fail(task.error());
  return report_task(ctx, *client, *task, args);
}

}  // namespace

int run_press(Context& ctx, const CommandArgs& args) {
  const std::string task = args.task;
  const std::string button = args.button;
  return press_flow(ctx, args, button, [task, button](const TaskPoller& p, const PressOptions& o) {
    return p.press(task, button, o);
  });
}

int run_upscale(Context& ctx, const CommandArgs& args) {
  const std::string task = args.task;
  const int index = args.index;
  return press_flow(ctx, args, "U" + std::to_string(index),
                    [task, index](const TaskPoller& p, const PressOptions& o) {
                      return p.upscale(task, index, o);
                    });
}

int run_vary(Context& ctx, const CommandArgs& args) {
  const std::string task = args.task;
  if (args.index != 0) {
    // V1-V4 on a grid; `strong` is the upstream's per-press strength for these buttons.
    const int index = args.index;
    return press_flow(
        ctx, args, "V" + std::to_string(index),
        [task, index](const TaskPoller& p, const PressOptions& o) {
          return p.variation(task, index, o);
        },
        args.strong);
  }
  const bool strong = args.strong;
  return press_flow(ctx, args, strong ? "Vary (Strong)" : "Vary (Subtle)",
                    [task, strong](const TaskPoller& p, const PressOptions& o) {
                      return p.vary(task, strong, o);
                    });
}

int run_reroll(Context& ctx, const CommandArgs& args) {
  const std::string task = args.task;
  return press_flow(ctx, args, "Reroll", [task](const TaskPoller& p, const PressOptions& o) {
    return p.reroll(task, o);
  });
}

int run_zoom(Context& ctx, const CommandArgs& args) {
  const std::optional<double> factor = parse_factor(args.factor);
  if (!factor) return ctx.usage("zoom FACTOR must be 2 or 1.5, not \"" + args.factor + "\"");
  const std::string task = args.task;
  const double value = *factor;
  return press_flow(ctx, args, value == 1.5 ? "Zoom Out 1.5x" : "Zoom Out 2x",
                    [task, value](const TaskPoller& p, const PressOptions& o) {
                      return p.zoom_out(task, value, o);
                    });
}

int run_pan(Context& ctx, const CommandArgs& args) {
  const std::optional<cometapi::PanDirection> direction = parse_direction(args.direction);
  if (!direction) {
    return ctx.usage("pan DIR must be left, right, up or down, not \"" + args.direction + "\"");
  }
  static const char* const kNames[] = {"Pan Left", "Pan Right", "Pan Up", "Pan Down"};
  const std::string task = args.task;
  const cometapi::PanDirection d = *direction;
  return press_flow(
      ctx, args, kNames[static_cast<int>(d)],
      [task, d](const TaskPoller& p, const PressOptions& o) { return p.pan(task, d, o); });
}

int run_vary_region(Context& ctx, const CommandArgs& args) {
  if (args.no_wait) return ctx.usage("vary-region is a two-step flow: it cannot --no-wait");
  auto mask = cometapi::data_uri_from_file(args.mask);
  if (!mask) return ctx.fail(mask.error());
  const std::string task = args.task;
  const std::string mask_uri = *mask;
  const std::string prompt = args.prompt;
  return press_flow(ctx, args, "Vary (Region)",
                    [task, mask_uri, prompt](const TaskPoller& p, const PressOptions& o) {
                      return p.vary_region(task, mask_uri, prompt, o);
                    });
}

int run_custom_zoom(Context& ctx, const CommandArgs& args) {
  if (args.no_wait) return ctx.usage("custom-zoom is a two-step flow: it cannot --no-wait");
  const std::optional<double> factor = parse_factor(args.factor);
  if (!factor) {
    return ctx.usage("custom-zoom FACTOR must be a number from 1.0 to 2.0, not \"" + args.factor +
                     "\"");
  }
  const std::string task = args.task;
  const double value = *factor;
  const std::string prompt = args.prompt;
  return press_flow(ctx, args, "Custom Zoom",
                    [task, value, prompt](const TaskPoller& p, const PressOptions& o) {
                      return p.custom_zoom(task, value, prompt, o);
                    });
}

int run_modal(Context& ctx, const CommandArgs& args) {
  cometapi::ModalRequest request;
  request.task_id = args.task;
  request.prompt = optional_text(args.prompt);
  request.state = optional_text(args.state);
  if (!args.mask.empty()) {
    auto mask = cometapi::data_uri_from_file(args.mask);
    if (!mask) return ctx.fail(mask.error());
    request.mask_base64 = std::move(mask).value();
  }
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  if (args.no_wait) {
    auto submitted = client->submit_modal(request, ctx.call());
    if (!submitted) return ctx.fail(submitted.error());
    return follow(ctx, *client, args, *submitted, "modal of " + args.task);
  }
  PressOptions options = ctx.press_options("modal of " + args.task, request.state);
  auto task = TaskPoller(*client, *options.wait).complete_modal(request, options);
  ctx.finish_press();
  if (!task) return ctx.fail(task.error());
  return report_task(ctx, *client, *task, args);
}

}  // namespace cometmj
