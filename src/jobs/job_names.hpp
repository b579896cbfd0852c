// Names of the job enums as stored in the journal, and the small helpers the store and the runner
// share.
#pragma once

#include <cstdint>
#include <string>

#include "cometapi/jobs.hpp"

namespace cometapi::detail {

JobStatus parse_job_status(const std::string& text);
StepPhase parse_step_phase(const std::string& text);

// A disk or database failure (LocalFile).
Error jobs_local_error(std::string message);

// The `state` sent with a submit: unique per journal row and per resubmit ("generation"), with a
// per-process random part so that two journals never share a token.
std::string make_state_token(std::int64_t job_id, int step_index, int generation);

}  // namespace cometapi::detail
