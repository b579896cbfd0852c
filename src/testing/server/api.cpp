// FakeCometServer's public member functions, each a thin call into the layer that owns it.
#include <algorithm>
#include <cctype>

#include "server/gateway.hpp"
#include "server/server_impl.hpp"

namespace cometapi::testing {

std::string RequestRecord::header(std::string_view name) const {
  const auto iequals = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::string();
}

FakeCometServer::FakeCometServer(FakeServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

FakeCometServer::~FakeCometServer() = default;

void FakeCometServer::start() { impl_->start(); }
void FakeCometServer::stop() { impl_->stop(); }
int FakeCometServer::port() const { return impl_->port_.load(); }
std::string FakeCometServer::base_url() const { return impl_->base_url(); }

void FakeCometServer::advance(std::chrono::milliseconds simulated) {
  impl_->sim_.advance(simulated);
}
std::int64_t FakeCometServer::now_ms() const { return impl_->sim_.now_ms(); }

void FakeCometServer::fail_prompt(std::string substring, std::string reason) {
  impl_->sim_.fail_prompt(std::move(substring), std::move(reason));
}
void FakeCometServer::stall_prompt(std::string substring, StallAt at) {
  impl_->sim_.stall_prompt(std::move(substring), at);
}
void FakeCometServer::ban_word(std::string word) { impl_->sim_.ban_word(std::move(word)); }
bool FakeCometServer::fail_task(std::string_view task_id, std::string reason) {
  return impl_->sim_.fail_task(task_id, std::move(reason));
}
bool FakeCometServer::cancel_task(std::string_view task_id) {
  return impl_->sim_.cancel_task(task_id);
}
void FakeCometServer::set_remix(bool on) { impl_->sim_.set_remix(on); }
void FakeCometServer::set_faults(std::string_view spec) {
  impl_->faults_.set_spec(parse_fault_spec(spec));
}
void FakeCometServer::fail_next(std::string path_prefix, FaultKind kind, int count) {
  impl_->faults_.fail_next(std::move(path_prefix), kind, count);
}
void FakeCometServer::clear_faults() { impl_->faults_.clear(); }

std::vector<RequestRecord> FakeCometServer::journal() const {
  std::lock_guard<std::mutex> lock(impl_->journal_mu_);
  return std::vector<RequestRecord>(impl_->journal_.begin(), impl_->journal_.end());
}

std::optional<RequestRecord> FakeCometServer::last_request() const {
  std::lock_guard<std::mutex> lock(impl_->journal_mu_);
  if (impl_->journal_.empty()) return std::nullopt;
  return impl_->journal_.back();
}

std::vector<std::pair<std::string, std::string>> FakeCometServer::last_request_headers() const {
  auto last = last_request();
  return last ? last->headers : std::vector<std::pair<std::string, std::string>>{};
}

std::map<std::string, int> FakeCometServer::requests_by_path() const {
  return impl_->requests_by_path();
}

int FakeCometServer::requests_to(std::string_view path_prefix) const {
  int n = 0;
  for (const auto& [path, count] : impl_->requests_by_path()) {
    if (detail::starts_with(path, path_prefix) ||
        detail::starts_with(detail::split_mode(path).path, path_prefix)) {
      n += count;
    }
  }
  return n;
}

int FakeCometServer::connections_accepted() const { return impl_->connections_->accepted.load(); }
int FakeCometServer::submits() const { return impl_->sim_.submits(); }
int FakeCometServer::submits_with_state(std::string_view state) const {
  return impl_->sim_.submits_with_state(state);
}
std::map<std::string, int> FakeCometServer::submits_by_state() const {
  return impl_->sim_.submits_by_state();
}
int FakeCometServer::tasks_created() const { return impl_->sim_.tasks_created(); }

void FakeCometServer::reset_journal() {
  {
    std::lock_guard<std::mutex> lock(impl_->journal_mu_);
    impl_->journal_.clear();
    impl_->by_path_.clear();
  }
  impl_->connections_->accepted.store(0);
  impl_->sim_.reset_counters();
}

std::vector<HookDelivery> FakeCometServer::hook_deliveries() const {
  return impl_->hooks_.deliveries();
}
void FakeCometServer::flush_hooks() { impl_->hooks_.flush(); }

std::optional<TaskInfo> FakeCometServer::task(std::string_view task_id) const {
  return impl_->sim_.task(task_id);
}
std::vector<TaskInfo> FakeCometServer::tasks() const { return impl_->sim_.tasks(); }

}  // namespace cometapi::testing
