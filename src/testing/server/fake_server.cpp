// FakeCometServer: cpp-httplib around the Simulation, with the gateway's authentication, the
// path prefixes, fault injection, the journal and the notifyHook sender.
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "server/gateway.hpp"
#include "server/server_impl.hpp"
#include "sim/answers.hpp"

namespace cometapi::testing {
namespace {

using detail::Json;
using detail::Reply;
using detail::split_mode;

constexpr std::size_t kJournalBodyLimit = 64 * 1024;
constexpr std::size_t kJournalEntries = 20000;

}  // namespace

FakeCometServer::Impl::Impl(FakeServerOptions options)
    : options_(std::move(options)),
      sim_(options_),
      faults_(options_.seed),
      hooks_([this] { return sim_.collect_hooks(base_url()); }, options_.hook_out_of_order,
             options_.hook_repeats) {
  for (const std::string& key : options_.api_keys) {
    const std::string normalized = detail::normalize_key(key);
    if (!normalized.empty()) keys_.push_back(normalized);
  }
}

FakeCometServer::Impl::~Impl() { stop(); }

void FakeCometServer::Impl::start() {
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
    return new detail::ConnectionQueue(stats,
                                       [this] { detail::shutdown_connections(port_.load(), -1); });
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
  hooks_.start();
}

void FakeCometServer::Impl::stop() {
  std::lock_guard<std::mutex> lock(run_mu_);
  if (!server_) return;
  {
    std::lock_guard<std::mutex> stop_lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  hooks_.stop();
  server_->stop();
  thread_.join();  // returns once every connection thread has finished
  server_.reset();
}

std::string FakeCometServer::Impl::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_.load());
}

void FakeCometServer::Impl::serve(const httplib::Request& req, httplib::Response& res) {
  if (options_.control_endpoints && detail::starts_with(req.path, "/_sim/")) {
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
    reply = detail::web_page();  // the gateway serves its web page for any path it has no route for
  } else if (cls == detail::RouteClass::Private && !authenticate(req, key, reply, request_id)) {
    // reply holds the 401
  } else {
    fault = faults_.pick(req.path, route.path);
    const detail::Call call{req.method, route.path, route.mode, req.body,
                            key,        base_url(), request_id};
    if (applied_before_handling(fault)) {
      // Refused before anything is forwarded: nothing is created.
      reply = detail::fault_instead(fault, call, options_.retry_after);
    } else {
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
  if (!reply.content_type.empty()) res.set_content(reply.body, reply.content_type.c_str());
}

bool FakeCometServer::Impl::authenticate(const httplib::Request& req, std::string& key,
                                         Reply& reply, int request_id) {
  key = detail::request_key(req.get_header_value("Authorization"),
                            req.get_header_value("mj-api-secret"));
  if (key.empty() || std::find(keys_.begin(), keys_.end(), key) == keys_.end()) {
    reply = detail::unauthorized(key.empty(), request_id);
    return false;
  }
  return true;
}

void FakeCometServer::Impl::record(const RequestRecord& rec) {
  {
    std::lock_guard<std::mutex> lock(journal_mu_);
    journal_.push_back(rec);
    if (journal_.size() > kJournalEntries) journal_.pop_front();
    ++by_path_[rec.path];
  }
  if (options_.on_request) options_.on_request(rec);
}

std::map<std::string, int> FakeCometServer::Impl::requests_by_path() const {
  std::lock_guard<std::mutex> lock(journal_mu_);
  return by_path_;
}

}  // namespace cometapi::testing
