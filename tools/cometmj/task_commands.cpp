// The subcommands that read a task: fetch, wait, buttons, download, seed.
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

int run_fetch(Context& ctx, const CommandArgs& args) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  std::vector<Task> tasks;
  for (const std::string& id : args.tasks) {
    auto task = client->fetch_task(id, ctx.call());
    if (!task) return ctx.fail(task.error());
    tasks.push_back(std::move(task).value());
  }
  if (ctx.out().json()) {
    if (tasks.size() == 1) {
      ctx.out().print_json(task_to_json(tasks.front()));
    } else {
      Json list = Json::array();
      for (const Task& task : tasks) list.push_back(task_to_json(task));
      ctx.out().print_json(list);
    }
  } else {
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      ctx.out().print((i == 0 ? "" : "\n") + task_summary(tasks[i]));
    }
  }
  return ctx.done();
}

int run_wait(Context& ctx, const CommandArgs& args) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  // One fetch first: an unknown id, a bad key or an unreachable service fails at once instead of
  // being retried as transient until the deadline.
  auto first = client->fetch_task(args.task, ctx.call());
  if (!first) return ctx.fail(first.error());
  const Task& known = *first;
  auto task =
      ctx.wait(*client, known.id, known.action.empty() ? "task" : lower(known.action), &known);
  if (!task) return ctx.fail(task.error());
  return report_task(ctx, *client, *task, args);
}

int run_buttons(Context& ctx, const CommandArgs& args) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto task = client->fetch_task(args.task, ctx.call());
  if (!task) return ctx.fail(task.error());
  if (ctx.out().json()) {
    ctx.out().print_json(buttons_to_json(*task));
    return ctx.done();
  }
  const auto actions = cometapi::available_actions(*task);
  if (actions.empty()) {
    ctx.out().info("task " + task->id + " (" + status_label(*task) + ") has no buttons");
    return ctx.done();
  }
  std::size_t name_width = 0;
  std::size_t kind_width = 0;
  for (const cometapi::AvailableAction& action : actions) {
    name_width = std::max(name_width, display_width(action.name));
    kind_width = std::max(kind_width, std::strlen(cometapi::to_string(action.action.kind)));
  }
  for (const cometapi::AvailableAction& action : actions) {
    std::string line = action.name + std::string(name_width + 2 - display_width(action.name), ' ');
    std::string kind = cometapi::to_string(action.action.kind);
    if (action.needs_modal()) {
      kind.resize(kind_width + 2, ' ');
      kind += action.action.kind == ButtonKind::VaryRegion ? "(cometmj vary-region)"
                                                           : "(cometmj custom-zoom)";
    }
    ctx.out().print(line + kind);
  }
  return ctx.done();
}

int run_download(Context& ctx, const CommandArgs& args) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto task = client->fetch_task(args.task, ctx.call());
  if (!task) return ctx.fail(task.error());
  if (task->status != TaskStatus::Success) {
    return ctx.fail(not_ready(*task, "it can be downloaded"));
  }
  auto path = save_result(*client, *task, args.out, ctx.call());
  if (!path) return ctx.fail(path.error());
  if (ctx.out().json()) {
    ctx.out().print_json(task_to_json(*task));
    ctx.out().info("saved " + *path);
  } else {
    ctx.out().print(*path);
  }
  return ctx.done();
}

int run_seed(Context& ctx, const CommandArgs& args) {
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;
  auto seed = client->image_seed(args.task, ctx.call());
  if (!seed) return ctx.fail(seed.error());
  if (ctx.out().json()) {
    ctx.out().print_json(Json{{"id", args.task}, {"seed", *seed}});
  } else {
    ctx.out().print(*seed);
  }
  return ctx.done();
}

}  // namespace cometmj
