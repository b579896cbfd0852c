// FakeCometServer: cpp-httplib around the Simulation, with the gateway's authentication, the
// path prefixes, fault injection and the journal.
#include "cometapi/testing/fake_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "connections.hpp"
#include "faults.hpp"
#include "gateway.hpp"
#include "simulation.hpp"

namespace cometapi::testing {
namespace {

using detail::Json;
using detail::Reply;
using detail::split_mode;

constexpr std::size_t kJournalBodyLimit = 64 * 1024;
constexpr std::size_t kJournalEntries = 20000;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string RequestRecord::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::string();
}

class FakeCometServer::Impl {
 public:
  explicit Impl(FakeServerOptions options)
      : options_(std::move(options)), sim_(options_), faults_(options_.seed) {
    for (const std::string& key : options_.api_keys) {
      const std::string normalized = detail::normalize_key(key);
      if (!normalized.empty()) keys_.push_back(normalized);
    }
  }

  ~Impl() { stop(); }

  void start() {
    std::lock_guard<std::mutex> lock(run_mu_);
    if (server_) throw std::runtime_error("FakeCometServer: already running");
    faults_.set_spec(parse_fault_spec(options_.faults));
    auto server = std::make_unique<httplib::Server>();
    server->set_tcp_nodelay(true);  // else Nagle meets delayed ACK: ~40 ms per loopback request
    // httplib's default sets SO_REUSEPORT, which would let two servers share a port silently.
    auto listener = std::make_shared<socket_t>(INVALID_SOCKET);
    server->set_socket_options([listener](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      *listener = sock;
    });
    server->set_keep_alive_max_count(100000);
    server->set_keep_alive_timeout(30);
    auto stats = connections_;
    server->new_task_queue = [this, stats] {
      return new detail::ConnectionQueue(
          stats, [this] { detail::shutdown_connections(port_.load(), -1); });
    };
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); };
    server->Get(".*", handler);
    server->Post(".*", handler);
    server->Put(".*", handler);
    server->Patch(".*", handler);
    server->Delete(".*", handler);
    server->Options(".*", handler);
    server->set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "unknown";
          try {
            std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          res.status = 500;
          res.set_content(Json{{"error",
                                {{"message", "simulator bug: " + what},
                                 {"type", "comet_api_error"},
                                 {"code", "simulator_error"}}}}
                              .dump(),
                          detail::kJsonType);
        });

    int port = -1;
    if (options_.port == 0) {
      port = server->bind_to_any_port("127.0.0.1");
    } else if (server->bind_to_port("127.0.0.1", options_.port)) {
      port = options_.port;
    }
    if (port <= 0) {
      throw std::runtime_error("FakeCometServer: cannot bind 127.0.0.1:" +
                               std::to_string(options_.port) + ": " + std::strerror(errno));
    }
    // cpp-httplib listens with a backlog of 5: a burst of clients (8 threads submitting at once)
    // overflows it and each overflow stalls a connect for 200 ms. Listening again raises it.
    if (*listener != INVALID_SOCKET) ::listen(*listener, SOMAXCONN);
    port_ = port;
    {
      std::lock_guard<std::mutex> stop_lock(stop_mu_);
      stopping_ = false;
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    httplib::Server* raw = server.get();
    thread_ = std::thread([raw, done] {
      raw->listen_after_bind();
      done->store(true);
    });
    // stop() only works once the accept loop runs, so do not return before it does.
    while (!raw->is_running() && !done->load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server_ = std::move(server);
  }

  void stop() {
    std::lock_guard<std::mutex> lock(run_mu_);
    if (!server_) return;
    {
      std::lock_guard<std::mutex> stop_lock(stop_mu_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    server_->stop();
    thread_.join();  // returns once every connection thread has finished
    server_.reset();
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_.load()); }

  void serve(const httplib::Request& req, httplib::Response& res) {
    if (options_.control_endpoints && starts_with(req.path, "/_sim/")) {
      control(req, res);
      return;
    }
    const int request_id = ++request_seq_;
    RequestRecord rec;
    rec.method = req.method;
    rec.path = req.path;
    for (const auto& [key, value] : req.headers) rec.headers.emplace_back(key, value);
    rec.body = req.body.substr(0, kJournalBodyLimit);
    const detail::Route route = split_mode(req.path);
    rec.mode = route.mode;

    Reply reply;
    FaultKind fault = FaultKind::None;
    const detail::RouteClass cls = detail::Simulation::classify(req.method, route.path);
    std::string key;
    if (cls == detail::RouteClass::Unknown) {
      reply = detail::not_found(req.method, req.path);
    } else if (cls == detail::RouteClass::Private && !authenticate(req, key, reply, request_id)) {
      // reply holds the 401
    } else {
      fault = faults_.pick(req.path, route.path);
      if (fault == FaultKind::TooManyRequests) {
        // Refused before anything is created, as the gateway's rate limiter does.
        reply = detail::rate_limited(options_.retry_after);
      } else {
        detail::Call call{req.method, route.path, route.mode, req.body, key, base_url()};
        reply = sim_.handle(call);
        detail::apply_fault(fault, reply, request_id, options_.retry_after);
      }
    }
    rec.status = fault == FaultKind::Drop ? 0 : reply.status;
    rec.fault = fault;
    record(rec);

    if (fault == FaultKind::Drop) {
      // The task exists now; the client only sees its connection end without an answer.
      detail::shutdown_connections(port_.load(), req.remote_port);
      res.status = 500;
      return;
    }
    if (fault == FaultKind::Slow) {
      std::unique_lock<std::mutex> lock(stop_mu_);
      stop_cv_.wait_for(lock, options_.slow_delay, [this] { return stopping_; });
    }
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) res.set_header(name.c_str(), value);
    res.set_content(reply.body, reply.content_type.c_str());
  }

  bool authenticate(const httplib::Request& req, std::string& key, Reply& reply, int request_id) {
    key = detail::request_key(req.get_header_value("Authorization"),
                              req.get_header_value("mj-api-secret"));
    if (key.empty() || std::find(keys_.begin(), keys_.end(), key) == keys_.end()) {
      reply = detail::unauthorized(key.empty(), request_id);
      return false;
    }
    return true;
  }

  void record(const RequestRecord& rec) {
    {
      std::lock_guard<std::mutex> lock(journal_mu_);
      journal_.push_back(rec);
      if (journal_.size() > kJournalEntries) journal_.pop_front();
      ++by_path_[rec.path];
    }
    if (options_.on_request) options_.on_request(rec);
  }

  void control(const httplib::Request& req, httplib::Response& res) {
    Json out;
    int status = 200;
    if (req.path == "/_sim/advance") {
      long long ms = 0;
      try {
        ms = std::stoll(req.get_param_value("ms"));
      } catch (const std::exception&) {
        status = 400;
      }
      if (status == 200) sim_.advance(std::chrono::milliseconds(ms));
      out = Json{{"now_ms", sim_.now_ms()}};
    } else if (req.path == "/_sim/stats" && req.method == "GET") {
      out = Json{{"now_ms", sim_.now_ms()},
                 {"connections_accepted", connections_->accepted.load()},
                 {"submits", sim_.submits()},
                 {"tasks_created", sim_.tasks_created()},
                 {"submits_by_state", sim_.submits_by_state()},
                 {"requests", requests_by_path()}};
    } else if (req.path == "/_sim/tasks" && req.method == "GET") {
      out = Json::array();
      for (const TaskInfo& t : sim_.tasks()) {
        out.push_back(Json{{"id", t.id},
                           {"action", t.action},
                           {"status", t.status},
                           {"progress", t.progress},
                           {"prompt", t.prompt},
                           {"state", t.state},
                           {"parentId", t.parent_id},
                           {"customId", t.custom_id},
                           {"mode", t.mode}});
      }
    } else if (req.path == "/_sim/fail-next") {
      try {
        const std::vector<FaultRate> kind = parse_fault_spec(req.get_param_value("kind") + "=1");
        const int count = req.has_param("count") ? std::stoi(req.get_param_value("count")) : 1;
        faults_.fail_next(req.get_param_value("path"), kind.at(0).kind, count);
        out = Json{{"ok", true}};
      } catch (const std::exception& e) {
        status = 400;
        out = Json{{"ok", false}, {"error", e.what()}};
      }
    } else {
      status = 404;
      out = Json{{"error", "unknown control endpoint " + req.method + " " + req.path}};
    }
    res.status = status;
    res.set_content(out.dump(), detail::kJsonType);
  }

  std::map<std::string, int> requests_by_path() const {
    std::lock_guard<std::mutex> lock(journal_mu_);
    return by_path_;
  }

  FakeServerOptions options_;
  detail::Simulation sim_;
  detail::FaultPlan faults_;
  std::vector<std::string> keys_;  // normalized

  std::mutex run_mu_;  // start() and stop()
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<int> port_{0};
  std::shared_ptr<detail::ConnectionStats> connections_ =
      std::make_shared<detail::ConnectionStats>();

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;

  mutable std::mutex journal_mu_;
  std::deque<RequestRecord> journal_;
  std::map<std::string, int> by_path_;
  std::atomic<int> request_seq_{0};
};

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
    if (starts_with(path, path_prefix) || starts_with(split_mode(path).path, path_prefix)) {
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

std::optional<TaskInfo> FakeCometServer::task(std::string_view task_id) const {
  return impl_->sim_.task(task_id);
}
std::vector<TaskInfo> FakeCometServer::tasks() const { return impl_->sim_.tasks(); }

}  // namespace cometapi::testing
