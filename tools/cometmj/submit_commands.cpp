// The subcommands that submit a new job.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <system_error>

#include "shared.hpp"

namespace cometmj {

int run_imagine(Context& ctx, const CommandArgs& args) {
  cometapi::ImagineRequest request;
  std::string prompt = join(args.words);
  for (const std::string& image : args.images) {
    // Midjourney takes image prompts as URLs at the start of the prompt; files go as base64.
    if (is_url(image)) {
      prompt = image + " " + prompt;
      continue;
    }
    auto uri = image_argument(image);
    if (!uri) return ctx.fail(uri.error());
    request.base64_array.push_back(std::move(uri).value());
  }
  request.prompt = prompt;
  request.bot_type = bot_type(args);
  request.state = optional_text(args.state);
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_imagine(request, ctx.call());
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "imagine");
}

int run_blend(Context& ctx, const CommandArgs& args) {
  if (args.files.size() < 2 || args.files.size() > 5) {
    return ctx.usage("blend takes 2 to 5 images, got " + std::to_string(args.files.size()));
  }
  cometapi::BlendRequest request;
  for (const std::string& file : args.files) {
    auto uri = cometapi::data_uri_from_file(file);
    if (!uri) return ctx.fail(uri.error());
    request.base64_array.push_back(std::move(uri).value());
  }
  const std::string dimensions = lower(args.dimensions);
  if (dimensions == "portrait") request.dimensions = cometapi::BlendDimensions::Portrait;
  if (dimensions == "square") request.dimensions = cometapi::BlendDimensions::Square;
  if (dimensions == "landscape") request.dimensions = cometapi::BlendDimensions::Landscape;
  request.bot_type = bot_type(args);
  request.state = optional_text(args.state);
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_blend(request, ctx.call());
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "blend");
}

int run_describe(Context& ctx, const CommandArgs& args) {
  cometapi::DescribeRequest request;
  if (is_url(args.source)) {
    request.link = args.source;
  } else {
    auto uri = image_argument(args.source);
    if (!uri) return ctx.fail(uri.error());
    request.base64 = std::move(uri).value();
  }
  request.language = optional_text(args.language);
  request.bot_type = bot_type(args);
  request.state = optional_text(args.state);
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_describe(request, ctx.call());
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "describe");
}

int run_shorten(Context& ctx, const CommandArgs& args) {
  cometapi::ShortenRequest request;
  request.prompt = join(args.words);
  request.bot_type = bot_type(args);
  request.state = optional_text(args.state);
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_shorten(request, ctx.call());
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "shorten");
}

int run_video(Context& ctx, const CommandArgs& args) {
  cometapi::VideoRequest request;
  if (!args.extend.empty()) {
    if (args.video_index < 0) return ctx.usage("video --extend needs --index N (0-based)");
    request.action = "extend";
    request.task_id = args.extend;
    request.index = args.video_index;
  } else if (args.source.empty()) {
    return ctx.usage("video needs an IMAGE (file or URL), or --extend TASK --index N");
  }
  if (!args.source.empty()) {
    auto image = image_argument(args.source);
    if (!image) return ctx.fail(image.error());
    request.image = std::move(image).value();
  }
  if (!args.end_image.empty()) {
    auto image = image_argument(args.end_image);
    if (!image) return ctx.fail(image.error());
    request.end_image = std::move(image).value();
  }
  request.prompt = optional_text(args.prompt);
  if (args.motion == "low") request.motion = cometapi::VideoMotion::Low;
  if (args.motion == "high") request.motion = cometapi::VideoMotion::High;
  if (args.loop) request.loop = true;
  if (args.batch_size > 0) request.batch_size = args.batch_size;
  request.video_type = optional_text(args.video_type);
  request.state = optional_text(args.state);
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto submitted = client->submit_video(request, ctx.call());
  if (!submitted) return ctx.fail(submitted.error());
  return follow(ctx, *client, args, *submitted, "video");
}

}  // namespace cometmj
