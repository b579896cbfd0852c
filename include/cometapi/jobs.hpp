/// \file
/// Jobs: many Midjourney jobs at once, durable across crashes, paced, never blocking the caller.
/// JobStore records every step in a SQLite file before it is acted on; JobRunner runs jobs on a
/// thread of its own. Part of the optional `cometapi::jobs` target (see docs/jobs.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cometapi/client.hpp"
#include "cometapi/error.hpp"
#include "cometapi/result.hpp"

namespace cometapi {

/// The first submit of a job.
enum class JobKind {
  Imagine,   ///< submit_imagine: JobSpec::prompt, optional reference images.
  Blend,     ///< submit_blend: 2 to 5 data URIs in JobSpec::images.
  Describe,  ///< submit_describe: one image (data URI or URL); the text is the result.
  Shorten,   ///< submit_shorten: JobSpec::prompt; the text is the result.
  Video,     ///< submit_video: the first frame in JobSpec::images, an optional prompt.
  Edits,     ///< submit_edits: JobSpec::prompt and one image.
};

/// "imagine", "blend", "describe", "shorten", "video", "edits".
const char* to_string(JobKind kind) noexcept;
/// Parses a name of to_string(); std::nullopt for anything else.
std::optional<JobKind> parse_job_kind(const std::string& text);

/// What to do: a first submit, follow-up buttons pressed on its result, and where to save the
/// images. Value type.
struct JobSpec {
  /// The first submit.
  JobKind kind = JobKind::Imagine;
  /// The prompt (imagine, shorten, edits, video; empty for blend and describe).
  std::string prompt;
  /// Images as data URIs or URLs: blend 2-5 data URIs, describe one (data URI or URL), video the
  /// first frame, edits the image, imagine optional references (data URIs).
  std::vector<std::string> images;
  /// Buttons pressed on the first task's result, each as its own follow-up task: "U1", "V2",
  /// "Vary (Strong)" (any name find_button accepts). Empty: the first result is the end.
  std::vector<std::string> then;
  /// Folder the final images (or videos) are saved in; empty: nothing is saved.
  std::string out_dir;
  /// A name of yours for the job (e.g. the line of the batch file); shown and stored.
  std::string label;
};

/// Where a job stands.
enum class JobStatus {
  Queued,          ///< Accepted, nothing sent yet (or put back after a refusal).
  Running,         ///< At least one task submitted and not finished.
  Done,            ///< Every task succeeded and every file is saved.
  Failed,          ///< A task failed or a submit was refused: Job::error says why.
  NeedsAttention,  ///< A submit may have created a task whose id is unknown: see docs/jobs.md.
  Cancelled,       ///< Cancelled by the caller; tasks already submitted keep running upstream.
};

/// "queued", "running", "done", "failed", "needs-attention", "cancelled".
const char* to_string(JobStatus status) noexcept;
/// True for Done, Failed, NeedsAttention and Cancelled.
bool is_final(JobStatus status) noexcept;

/// The phase of one submit of a job, as recorded before it is acted on.
enum class StepPhase {
  Pending,     ///< Not sent.
  Submitting,  ///< "About to submit" is recorded; the request may be on the wire.
  Submitted,   ///< The task id is recorded; the task is watched.
  Ambiguous,   ///< The submit may have reached the service but no id came back.
  Finished,    ///< The task succeeded; its result URL is recorded, the file is not saved yet.
  Saved,       ///< The file is saved (or there was nothing to save).
  Failed,      ///< Refused, or the task failed.
};

/// "pending", "submitting", "submitted", "ambiguous", "finished", "saved", "failed".
const char* to_string(StepPhase phase) noexcept;

/// One submit of a job: the first (button empty) or a follow-up press.
struct JobStep {
  int index = 0;       ///< 0 for the first submit, 1.. for the follow-ups in JobSpec::then order.
  std::string button;  ///< Empty for the first submit.
  /// Unique token sent as the request's `state`: a task seen later names its job and step.
  std::string state;
  StepPhase phase = StepPhase::Pending;  ///< Where the step stands, as recorded.
  std::string task_id;                   ///< Empty until the service named the task.
  std::string task_status;               ///< The task's last status as seen ("IN_PROGRESS", ...).
  int progress = 0;                      ///< The task's last progress, percent.
  std::string result_url;                ///< Image (or video) URL once the task succeeded.
  std::string result_text;               ///< Describe / shorten results (prompt_en), once finished.
  std::string file;                      ///< Where the result was saved.
  std::string error;                     ///< Why it failed or is ambiguous (Error::to_string()).
  int attempts = 0;  ///< Submits sent for this step (refusals that created nothing too).
};

/// A job as recorded. Value type.
struct Job {
  std::int64_t id = 0;                   ///< The journal's id, from 1.
  JobSpec spec;                          ///< What to do.
  JobStatus status = JobStatus::Queued;  ///< Where it stands.
  std::vector<JobStep> steps;            ///< The first submit, then one step per follow-up.
  std::string error;  ///< The failure or the attention note, for Failed and NeedsAttention.
  std::int64_t created_ms = 0;  ///< Epoch ms.
  std::int64_t updated_ms = 0;  ///< Epoch ms.
  /// Tasks the service created for this job (known ids, plus ambiguous submits): the cost.
  int tasks() const noexcept;
};

/// The journal: jobs and their steps in one SQLite file (WAL mode, synchronous=FULL, so a commit
/// survives a crash of the process and of the machine). Every write is one transaction, done before
/// the step it records is acted on.
///
/// Thread-safe: calls are serialised on an internal mutex. Several processes may open one file
/// (SQLite locks it), but one JobRunner at a time should run its jobs.
class JobStore {
 public:
  /// Opens (creating if needed) the journal at `path`; its folder must exist. Fails with LocalFile
  /// naming the path and SQLite's message.
  static Result<std::shared_ptr<JobStore>> open(const std::string& path);
  ~JobStore();
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  /// Records new jobs (steps included) in one transaction and gives each its id (set in place).
  Result<Done> add(std::vector<Job>& jobs);
  /// Writes a job's status and error, and one of its steps, in one transaction.
  Result<Done> update(const Job& job, const JobStep& step);
  /// Writes a job's status and error and all its steps, in one transaction.
  Result<Done> update(const Job& job);
  /// update(job) for each of `jobs`, all in one transaction.
  Result<Done> update(const std::vector<Job>& jobs);
  /// Every job, oldest first.
  Result<std::vector<Job>> list() const;
  /// One job; NotFound when there is no such id.
  Result<Job> get(std::int64_t id) const;
  /// The file this store was opened on.
  const std::string& path() const noexcept;

 private:
  struct Impl;
  explicit JobStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// A job's progress, handed to callbacks.
struct JobEvent {
  Job job;              ///< The job as it is now.
  int step = 0;         ///< The step that changed.
  std::string message;  ///< One line: "submitted as task 1750...", "saved out/0001-U1.png" ...
  /// True when only a task's status or percentage changed (a display may skip such lines).
  bool progress_only = false;
};

/// How a JobRunner works. Value type.
struct JobRunnerOptions {
  /// Most tasks running at once (submitted, not finished). The pace drops below this after
  /// refusals and climbs back one step per finished task (AIMD).
  int max_in_flight = 3;
  /// Pause between watch cycles (one list-by-condition per 100 tasks per cycle).
  std::chrono::milliseconds poll_interval{5000};
  /// Pause before the next submit after a refusal for a full queue or a 429 (doubled per refusal
  /// in a row, capped at 16x; a Retry-After from the service wins when longer).
  std::chrono::milliseconds refusal_backoff{2000};
  /// A task watched longer than this ends the job as Failed (DeadlineExceeded).
  std::chrono::milliseconds task_timeout{15 * 60 * 1000};
  /// A task without change for this long ends the job as Failed (Stalled).
  std::chrono::milliseconds stall_timeout{5 * 60 * 1000};
  /// Runs callbacks; empty: they run on the runner's thread. A GUI passes a function that posts
  /// to its own loop. Must not block for long.
  std::function<void(std::function<void()>)> executor;
  /// Called on every recorded change of a job (through the executor).
  std::function<void(const JobEvent&)> on_progress;
  /// Called once when a job reaches a final status (through the executor).
  std::function<void(const Job&)> on_done;
};

/// A job given to a JobRunner. Cheap to copy; copies share one state. Thread-safe.
class JobHandle {
 public:
  /// The job's id in the store; 0 until the runner has recorded it (see recorded()).
  std::int64_t id() const;
  /// Where the job stands now.
  JobStatus status() const;
  /// The job as the runner last recorded it.
  Job snapshot() const;
  /// Asks the runner to cancel the job: nothing more is submitted for it.
  void cancel() const;
  /// Blocks until the job is final or the runner stops; returns the job as it then is.
  Job wait() const;
  /// As wait(), for at most `timeout`; std::nullopt when the job is not final by then.
  std::optional<Job> wait_for(std::chrono::milliseconds timeout) const;

  struct State;  ///< Internal.
  explicit JobHandle(std::shared_ptr<State> state);

 private:
  std::shared_ptr<State> state_;
};

/// Runs jobs on a thread of its own: records each step in a JobStore, paces submits, watches all
/// tasks through one TaskWatcher, presses follow-up buttons and saves the results.
///
/// Thread-safe: every member may be called from any thread, callbacks included (except the
/// destructor, which must not run in a callback). No member blocks on the network or the disk,
/// except JobHandle::wait() and stop().
class JobRunner {
 public:
  /// A runner over `client` recording into `store`. The thread starts at once.
  JobRunner(CometClient client, std::shared_ptr<JobStore> store, JobRunnerOptions options = {});
  /// stop().
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  /// Hands a job to the runner and returns at once. The job is recorded before anything is
  /// submitted for it.
  JobHandle submit(JobSpec spec);
  /// submit() for many jobs, recorded together in one transaction.
  std::vector<JobHandle> submit(std::vector<JobSpec> specs);

  /// Picks up every job of the store that is not final: tasks with an id are watched again,
  /// unsent submits are sent, finished results not yet saved are saved. A submit recorded as
  /// "about to submit" without an id is never sent again: the job becomes NeedsAttention.
  /// Returns at once; the handles of the jobs taken up.
  std::vector<JobHandle> resume();
  /// The user's explicit choice for a NeedsAttention job: send its ambiguous submits again, with
  /// new state tokens (the service may then run the job twice). Returns at once.
  JobHandle resubmit(std::int64_t job_id);
  /// The user found the task an ambiguous submit created (e.g. by its state token): records it
  /// and watches it. Returns at once.
  JobHandle adopt(std::int64_t job_id, std::string task_id);

  /// Stops submitting; jobs already submitted are still watched until they end.
  void drain();
  /// True once every job given to this runner is final.
  bool idle() const;
  /// Blocks until idle() or stop().
  void wait_idle();
  /// Stops the thread now: everything is recorded; unfinished jobs stay in the store for
  /// resume(). Idempotent.
  void stop();

  /// Counters since construction.
  struct Stats {
    std::uint64_t submits = 0;   ///< Submit requests sent (first submits and presses).
    std::uint64_t refusals = 0;  ///< Of those, refused for a full queue or a 429.
    std::uint64_t requests = 0;  ///< Every HTTP request: submits, fetches, lists, downloads.
    double pace = 0;             ///< The current window (tasks allowed in flight).
    int in_flight = 0;           ///< Tasks submitted and not finished.
  };
  /// The counters so far.
  Stats stats() const;

  struct Impl;  ///< Internal.

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace cometapi
