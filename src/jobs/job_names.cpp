#include "job_names.hpp"

#include <array>
#include <cstdio>
#include <random>
#include <utility>

namespace cometapi {

namespace {

constexpr std::array<std::pair<JobKind, const char*>, 6> kKinds{{
    {JobKind::Imagine, "imagine"},
    {JobKind::Blend, "blend"},
    {JobKind::Describe, "describe"},
    {JobKind::Shorten, "shorten"},
    {JobKind::Video, "video"},
    {JobKind::Edits, "edits"},
}};
constexpr std::array<std::pair<JobStatus, const char*>, 6> kStatuses{{
    {JobStatus::Queued, "queued"},
    {JobStatus::Running, "running"},
    {JobStatus::Done, "done"},
    {JobStatus::Failed, "failed"},
    {JobStatus::NeedsAttention, "needs-attention"},
    {JobStatus::Cancelled, "cancelled"},
}};
constexpr std::array<std::pair<StepPhase, const char*>, 7> kPhases{{
    {StepPhase::Pending, "pending"},
    {StepPhase::Submitting, "submitting"},
    {StepPhase::Submitted, "submitted"},
    {StepPhase::Ambiguous, "ambiguous"},
    {StepPhase::Finished, "finished"},
    {StepPhase::Saved, "saved"},
    {StepPhase::Failed, "failed"},
}};

template <class Table, class E>
const char* name_of(const Table& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "unknown";
}

template <class Table>
auto find_name(const Table& table, const std::string& text)
    -> std::optional<decltype(table[0].first)> {
  for (const auto& [e, name] : table) {
    if (text == name) return e;
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(JobKind kind) noexcept { return name_of(kKinds, kind); }
const char* to_string(JobStatus status) noexcept { return name_of(kStatuses, status); }
const char* to_string(StepPhase phase) noexcept { return name_of(kPhases, phase); }

std::optional<JobKind> parse_job_kind(const std::string& text) { return find_name(kKinds, text); }

bool is_final(JobStatus status) noexcept {
  return status != JobStatus::Queued && status != JobStatus::Running;
}

int Job::tasks() const noexcept {
  int count = 0;
  for (const JobStep& step : steps) {
    if (!step.task_id.empty() || step.phase == StepPhase::Ambiguous) ++count;
  }
  return count;
}

namespace detail {

// An unknown name in a journal written by a newer version reads as the safest state: a job that
// needs a person, a step whose submit may have happened.
JobStatus parse_job_status(const std::string& text) {
  return find_name(kStatuses, text).value_or(JobStatus::NeedsAttention);
}
StepPhase parse_step_phase(const std::string& text) {
  return find_name(kPhases, text).value_or(StepPhase::Ambiguous);
}

Error jobs_local_error(std::string message) {
  Error error;
  error.kind = ErrorKind::LocalFile;
  error.message = std::move(message);
  return error;
}

std::string make_state_token(std::int64_t job_id, int step_index, int generation) {
  static const unsigned salt = [] {
    std::random_device device;
    return static_cast<unsigned>(device());
  }();
  char text[64];
  std::snprintf(text, sizeof text, "cmj-%08x-j%lld-s%d-g%d", salt, static_cast<long long>(job_id),
                step_index, generation);
  return text;
}

}  // namespace detail
}  // namespace cometapi
