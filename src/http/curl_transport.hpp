// HttpTransport over libcurl with a pool of reused easy handles.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cometapi/http.hpp"

namespace cometapi::detail {

struct CurlSettings {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{60000};
  std::chrono::milliseconds low_speed_time{30000};
  long low_speed_bytes = 1;
  std::optional<std::string> proxy;
  std::string ca_file;
  bool verify_tls = true;
  /// When set, curl's trace (text and header lines) goes here, with `secret` redacted.
  std::function<void(std::string_view)> wire_trace;
  std::string secret;
};

/// Each easy handle keeps its own connection cache; a handle is used by one thread at a time and
/// returned to the pool afterwards, so connections stay alive across calls without any cache being
/// shared between threads. Thread-safe.
class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(CurlSettings settings);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  TransportResult send(const HttpRequest& request) override;

  /// Handles created so far (for tests and benchmarks).
  std::size_t handles_created() const;

 private:
  struct Pool;
  CurlSettings settings_;
  std::unique_ptr<Pool> pool_;
};

/// curl_global_init, exactly once per process, never cleaned up by an object. Returns its error
/// message, or "" on success (then and every later time).
std::string curl_global_init_error();

/// "libcurl/7.88.1".
std::string curl_version_token();

}  // namespace cometapi::detail
