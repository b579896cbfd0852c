// Running a journal's jobs with a display (`batch`, `resume`) and listing them (`jobs`).
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>

#include "batch.hpp"
#include "batch_display.hpp"

namespace cometmj {

namespace {

using cometapi::Job;
using cometapi::JobStatus;

// The runner's callbacks are posted here and run on the main thread, which owns the terminal.
class Posted {
 public:
  void post(std::function<void()> call) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      calls_.push_back(std::move(call));
    }
    ready_.notify_one();
  }
  // Runs what was posted, waiting up to `timeout` for something to arrive.
  void run_for(std::chrono::milliseconds timeout) {
    std::deque<std::function<void()>> calls;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait_for(lock, timeout, [this] { return !calls_.empty(); });
      calls.swap(calls_);
    }
    for (auto& call : calls) call();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> calls_;
};

Json job_json(const Job& job) {
  Json j;
  j["job"] = job.id;
  j["status"] = to_string(job.status);
  j["kind"] = to_string(job.spec.kind);
  j["prompt"] = job.spec.prompt;
  j["label"] = job.spec.label;
  j["tasks"] = job.tasks();
  if (!job.error.empty()) j["error"] = job.error;
  Json steps = Json::array();
  for (const auto& step : job.steps) {
    Json s;
    s["step"] = step.button.empty() ? std::string(to_string(job.spec.kind)) : step.button;
    s["phase"] = to_string(step.phase);
    s["state"] = step.state;
    s["task_id"] = step.task_id;
    s["task_status"] = step.task_status;
    if (!step.file.empty()) s["file"] = step.file;
    if (!step.error.empty()) s["error"] = step.error;
    steps.push_back(std::move(s));
  }
  j["steps"] = std::move(steps);
  return j;
}

int list_jobs(Context& ctx, const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return ctx.usage("no journal at " + path + " (run `cometmj batch FILE` first, or --journal)");
  }
  auto store = cometapi::JobStore::open(path);
  if (!store) return ctx.fail(store.error());
  auto jobs = (*store)->list();
  if (!jobs) return ctx.fail(jobs.error());
  std::map<std::int64_t, Job> by_id;
  int tasks = 0;
  for (const Job& job : *jobs) {
    by_id[job.id] = job;
    tasks += job.tasks();
    if (ctx.out().json()) {
      ctx.out().print(job_json(job).dump(-1, ' ', false, Json::error_handler_t::replace));
      continue;
    }
    std::string ids, files;
    for (const auto& step : job.steps) {
      if (!step.task_id.empty()) ids += (ids.empty() ? "" : ",") + step.task_id;
      if (!step.file.empty()) files += (files.empty() ? "" : ",") + step.file;
    }
    std::string line = std::to_string(job.id) + "  " + to_string(job.status) + "  " +
                       std::to_string(job.tasks()) + " task(s)  " + (ids.empty() ? "-" : ids) +
                       "  " + (files.empty() ? "-" : files) + "  " + job.spec.label + ": " +
                       job.spec.prompt;
    if (!job.error.empty()) line += "\n    " + job.error;
    ctx.out().print(line);
  }
  ctx.out().info(BatchDisplay::summary(by_id) + "; " + std::to_string(tasks) +
                 " task(s) paid for; journal " + path);
  return kExitOk;
}

}  // namespace

static int run_jobs(Context& ctx, cometapi::JobRunner& runner,
                    std::vector<cometapi::JobHandle> handles, BatchDisplay& display, Posted& posted,
                    cometapi::JobStore& store, bool resuming) {
  const std::string& journal = store.path();
  const auto& interrupt = Interrupts::token();
  while (!runner.idle() && !interrupt.cancelled()) {
    posted.run_for(std::chrono::milliseconds(100));
    display.tick();
  }
  // Ctrl-C: nothing more is sent; what is on the wire is recorded when it answers.
  runner.stop();
  posted.run_for(std::chrono::milliseconds(0));
  int code = kExitOk;
  for (const auto& handle : handles) {
    const JobStatus status = handle.status();
    if (status != JobStatus::Done && cometapi::is_final(status)) code = kExitTaskFailed;
  }
  // Every job of the journal that waits for a person, this run's or an earlier one's.
  std::string notes;
  if (auto all = store.list(); all) {
    for (const Job& job : *all) {
      if (job.status != JobStatus::NeedsAttention) continue;
      if (resuming) code = kExitTaskFailed;
      const std::string id = std::to_string(job.id);
      notes += "job " + id + " needs attention: " + job.error +
               "\n  find the task by that state, then `cometmj resume --adopt " + id +
               "=TASK`, or send it again with `cometmj resume --resubmit " + id + "`\n";
    }
  }
  if (interrupt.cancelled()) {
    display.finish("interrupted: everything is recorded; continue with `cometmj resume --journal " +
                   journal + "`");
    return ctx.done(kExitInterrupted);
  }
  if (!notes.empty()) notes.pop_back();
  display.finish(notes);
  return ctx.done(code);
}

int BatchCommands::run(Context& ctx) {
  const std::string path = args_.journal.empty() ? default_journal_path() : args_.journal;
  if (jobs_->parsed()) return list_jobs(ctx, path);

  std::vector<cometapi::JobSpec> specs;
  if (batch_->parsed()) {
    std::ifstream in(args_.file, std::ios::binary);
    if (!in) return ctx.usage("cannot read " + args_.file);
    std::stringstream text;
    text << in.rdbuf();
    std::string error;
    if (!parse_batch(text.str(), args_, specs, error)) return ctx.usage(args_.file + ": " + error);
    for (const auto& spec : specs) {
      std::error_code ignored;
      if (!spec.out_dir.empty()) std::filesystem::create_directories(spec.out_dir, ignored);
    }
  } else if (!std::filesystem::exists(path)) {
    return ctx.usage("no journal at " + path + " (run `cometmj batch FILE` first, or --journal)");
  }
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
  auto store = cometapi::JobStore::open(path);
  if (!store) return ctx.fail(store.error());
  int code = kExitOk;
  auto client = ctx.client(&code);
  if (!client) return code;

  Posted posted;
  BatchDisplay display(ctx.out());
  cometapi::JobRunnerOptions options;
  options.max_in_flight = args_.concurrency;
  if (ctx.options().poll_ms > 0) {
    // Simulators and tests only: the real service syncs about every 15 s.
    options.poll_interval = std::chrono::milliseconds(ctx.options().poll_ms);
    options.refusal_backoff = options.poll_interval;
  }
  options.executor = [&posted](std::function<void()> call) { posted.post(std::move(call)); };
  options.on_progress = [&display](const cometapi::JobEvent& event) { display.event(event); };
  cometapi::JobRunner runner(*client, *store, options);

  std::vector<cometapi::JobHandle> handles;
  if (batch_->parsed()) {
    handles = runner.submit(std::move(specs));
  } else {
    handles = runner.resume();
    for (std::int64_t id : args_.resubmit) handles.push_back(runner.resubmit(id));
    for (const std::string& pair : args_.adopt) {
      const auto eq = pair.find('=');
      if (eq == std::string::npos) return ctx.usage("--adopt wants JOB=TASK, not " + pair);
      handles.push_back(runner.adopt(std::atoll(pair.substr(0, eq).c_str()), pair.substr(eq + 1)));
    }
    if (handles.empty()) ctx.out().info("nothing to resume in " + path);
  }
  return run_jobs(ctx, runner, std::move(handles), display, posted, **store, resume_->parsed());
}

}  // namespace cometmj
