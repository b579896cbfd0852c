// JobStore over SQLite. One file, WAL mode, synchronous=FULL: every commit is on disk before the
// call returns, so "about to submit" is durable before the request is sent, even across a power
// loss (with NORMAL, a WAL commit survives a process crash but may be lost with the machine, and a
// lost "about to submit" would let a resume send a paid submit twice). The cost is one fsync per
// step, small next to a submit's round trip.
#include <sqlite3.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>

#include "cometapi/jobs.hpp"
#include "job_names.hpp"

namespace cometapi {

namespace {

using Json = nlohmann::json;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  spec TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS steps(
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  idx INTEGER NOT NULL,
  button TEXT NOT NULL,
  state TEXT NOT NULL UNIQUE,
  phase TEXT NOT NULL,
  task_id TEXT NOT NULL DEFAULT '',
  task_status TEXT NOT NULL DEFAULT '',
  progress INTEGER NOT NULL DEFAULT 0,
  result_url TEXT NOT NULL DEFAULT '',
  result_text TEXT NOT NULL DEFAULT '',
  file TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(job_id, idx));
)sql";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string spec_to_json(const JobSpec& spec) {
  Json j;
  j["kind"] = to_string(spec.kind);
  j["prompt"] = spec.prompt;
  j["images"] = spec.images;
  j["then"] = spec.then;
  j["out_dir"] = spec.out_dir;
  j["label"] = spec.label;
  return j.dump();
}

JobSpec spec_from_json(const std::string& text) {
  JobSpec spec;
  const Json j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return spec;
  spec.kind = parse_job_kind(j.value("kind", "imagine")).value_or(JobKind::Imagine);
  spec.prompt = j.value("prompt", "");
  spec.images = j.value("images", std::vector<std::string>{});
  spec.then = j.value("then", std::vector<std::string>{});
  spec.out_dir = j.value("out_dir", "");
  spec.label = j.value("label", "");
  return spec;
}

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  void bind(int i, const std::string& text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t value) { sqlite3_bind_int64(stmt_, i, value); }
  int step() { return sqlite3_step(stmt_); }
  std::string text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(stmt_, i));
  }
  std::int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

}  // namespace

struct JobStore::Impl {
  sqlite3* db = nullptr;
  std::string path;
  mutable std::mutex mutex;

  ~Impl() { sqlite3_close(db); }

  Error failure(const std::string& what) const {
    return detail::jobs_local_error("journal " + path + ": " + what + ": " + sqlite3_errmsg(db));
  }
  bool exec(const char* sql) {
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  }

  bool write_job(const Job& job) {
    Statement s(db, "UPDATE jobs SET status=?1, error=?2, updated_ms=?3 WHERE id=?4");
    if (!s.ok()) return false;
    s.bind(1, std::string(to_string(job.status)));
    s.bind(2, job.error);
    s.bind(3, now_ms());
    s.bind(4, job.id);
    return s.step() == SQLITE_DONE;
  }

  bool write_step(std::int64_t job_id, const JobStep& step) {
    Statement s(db,
                "INSERT INTO steps(job_id, idx, button, state, phase, task_id, task_status, "
                "progress, result_url, result_text, file, error, attempts) "
                "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) "
                "ON CONFLICT(job_id, idx) DO UPDATE SET button=?3, state=?4, phase=?5, "
                "task_id=?6, task_status=?7, progress=?8, result_url=?9, result_text=?10, "
                "file=?11, error=?12, attempts=?13");
    if (!s.ok()) return false;
    s.bind(1, job_id);
    s.bind(2, static_cast<std::int64_t>(step.index));
    s.bind(3, step.button);
    s.bind(4, step.state);
    s.bind(5, std::string(to_string(step.phase)));
    s.bind(6, step.task_id);
    s.bind(7, step.task_status);
    s.bind(8, static_cast<std::int64_t>(step.progress));
    s.bind(9, step.result_url);
    s.bind(10, step.result_text);
    s.bind(11, step.file);
    s.bind(12, step.error);
    s.bind(13, static_cast<std::int64_t>(step.attempts));
    return s.step() == SQLITE_DONE;
  }

  // Runs `body` in one transaction: all of it is on disk, or none of it.
  template <class F>
  Result<Done> transaction(const char* what, F&& body) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!exec("BEGIN IMMEDIATE")) return failure(what);
    if (!body()) {
      Error error = failure(what);
      exec("ROLLBACK");
      return error;
    }
    if (!exec("COMMIT")) {
      Error error = failure(what);
      exec("ROLLBACK");
      return error;
    }
    return Done{};
  }

  Result<std::vector<Job>> read(std::optional<std::int64_t> only) const {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<Job> jobs;
    {
      Statement s(db, only ? "SELECT id, spec, status, error, created_ms, updated_ms FROM jobs "
                             "WHERE id=?1"
                           : "SELECT id, spec, status, error, created_ms, updated_ms FROM jobs "
                             "ORDER BY id");
      if (!s.ok()) return failure("read jobs");
      if (only) s.bind(1, *only);
      while (s.step() == SQLITE_ROW) {
        Job job;
        job.id = s.integer(0);
        job.spec = spec_from_json(s.text(1));
        job.status = detail::parse_job_status(s.text(2));
        job.error = s.text(3);
        job.created_ms = s.integer(4);
        job.updated_ms = s.integer(5);
        jobs.push_back(std::move(job));
      }
    }
    for (Job& job : jobs) {
      Statement s(db,
                  "SELECT idx, button, state, phase, task_id, task_status, progress, result_url, "
                  "result_text, file, error, attempts FROM steps WHERE job_id=?1 ORDER BY idx");
      if (!s.ok()) return failure("read steps");
      s.bind(1, job.id);
      while (s.step() == SQLITE_ROW) {
        JobStep step;
        step.index = static_cast<int>(s.integer(0));
        step.button = s.text(1);
        step.state = s.text(2);
        step.phase = detail::parse_step_phase(s.text(3));
        step.task_id = s.text(4);
        step.task_status = s.text(5);
        step.progress = static_cast<int>(s.integer(6));
        step.result_url = s.text(7);
        step.result_text = s.text(8);
        step.file = s.text(9);
        step.error = s.text(10);
        step.attempts = static_cast<int>(s.integer(11));
        job.steps.push_back(std::move(step));
      }
    }
    return jobs;
  }
};

JobStore::JobStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JobStore::~JobStore() = default;

Result<std::shared_ptr<JobStore>> JobStore::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  if (sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    return impl->failure("cannot open");
  }
  sqlite3_busy_timeout(impl->db, 5000);
  // journal_mode answers a row, so it goes through exec's callback-less path like the rest.
  if (!impl->exec("PRAGMA journal_mode=WAL") || !impl->exec("PRAGMA synchronous=FULL") ||
      !impl->exec("PRAGMA foreign_keys=ON") || !impl->exec(kSchema)) {
    return impl->failure("cannot set up");
  }
  return std::shared_ptr<JobStore>(new JobStore(std::move(impl)));
}

const std::string& JobStore::path() const noexcept { return impl_->path; }

Result<Done> JobStore::add(std::vector<Job>& jobs) {
  Impl& s = *impl_;
  return s.transaction("add jobs", [&] {
    const std::int64_t now = now_ms();
    for (Job& job : jobs) {
      Statement insert(s.db,
                       "INSERT INTO jobs(spec, status, error, created_ms, updated_ms) "
                       "VALUES(?1, ?2, ?3, ?4, ?4)");
      if (!insert.ok()) return false;
      insert.bind(1, spec_to_json(job.spec));
      insert.bind(2, std::string(to_string(job.status)));
      insert.bind(3, job.error);
      insert.bind(4, now);
      if (insert.step() != SQLITE_DONE) return false;
      job.id = sqlite3_last_insert_rowid(s.db);
      job.created_ms = job.updated_ms = now;
      for (JobStep& step : job.steps) {
        // The token is unique per journal and per job: "<file-unique prefix>-<job>-<step>" is
        // made by the runner; a step without one gets its row id form here.
        if (step.state.empty()) step.state = detail::make_state_token(job.id, step.index, 0);
        if (!s.write_step(job.id, step)) return false;
      }
    }
    return true;
  });
}

Result<Done> JobStore::update(const Job& job, const JobStep& step) {
  Impl& s = *impl_;
  return s.transaction("update job",
                       [&] { return s.write_job(job) && s.write_step(job.id, step); });
}

Result<Done> JobStore::update(const Job& job) {
  Impl& s = *impl_;
  return s.transaction("update job", [&] {
    if (!s.write_job(job)) return false;
    for (const JobStep& step : job.steps) {
      if (!s.write_step(job.id, step)) return false;
    }
    return true;
  });
}

Result<Done> JobStore::update(const std::vector<Job>& jobs) {
  Impl& s = *impl_;
  return s.transaction("update jobs", [&] {
    for (const Job& job : jobs) {
      if (!s.write_job(job)) return false;
      for (const JobStep& step : job.steps) {
        if (!s.write_step(job.id, step)) return false;
      }
    }
    return true;
  });
}

Result<std::vector<Job>> JobStore::list() const { return impl_->read(std::nullopt); }

Result<Job> JobStore::get(std::int64_t id) const {
  auto jobs = impl_->read(id);
  if (!jobs) return jobs.error();
  if (jobs->empty()) {
    Error error;
    error.kind = ErrorKind::NotFound;
    error.message = "journal " + impl_->path + " has no job " + std::to_string(id);
    return error;
  }
  return std::move(jobs->front());
}

}  // namespace cometapi
