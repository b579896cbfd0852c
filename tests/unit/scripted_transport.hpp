// A transport that answers from a script and records what it was asked: the unit-test seam.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cometapi/http.hpp"

namespace cometapi::test {

class ScriptedTransport final : public HttpTransport {
 public:
  /// Queues an HTTP answer.
  ScriptedTransport& reply(int status, std::string body,
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
    TransportResult result;
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    response.headers = std::move(headers);
    result.response = std::move(response);
    std::lock_guard<std::mutex> lock(mutex_);
    script_.push_back(std::move(result));
    return *this;
  }
  /// Queues a transport failure.
  ScriptedTransport& fail(TransportFailure failure, std::string message = "scripted") {
    TransportResult result;
    result.error = {failure, std::move(message)};
    std::lock_guard<std::mutex> lock(mutex_);
    script_.push_back(std::move(result));
    return *this;
  }

  TransportResult send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(request);
    if (script_.empty()) {
      TransportResult result;
      result.error = {TransportFailure::Other, "script exhausted"};
      return result;
    }
    TransportResult result = std::move(script_.front());
    script_.pop_front();
    return result;
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  std::size_t request_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<TransportResult> script_;
  std::vector<HttpRequest> requests_;
};

inline std::string header_of(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace cometapi::test
