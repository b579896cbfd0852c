// Shared helpers for the unit tests.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cometapi/client.hpp"
#include "fake_clock.hpp"
#include "scripted_transport.hpp"

namespace cometapi::test {

constexpr const char* kKey = "sk-unit-SECRET-0123456789";

/// An imagine request for `prompt`, with `state` when it is not empty.
inline ImagineRequest imagine_request(std::string prompt = "a fox", std::string state = "") {
  ImagineRequest request;
  request.prompt = std::move(prompt);
  request.state = std::move(state);
  return request;
}

/// Options for a client over `transport` and `clock`: nothing is sent or slept for real.
inline ClientOptions unit_options(std::shared_ptr<ScriptedTransport> transport,
                                  std::shared_ptr<FakeClock> clock) {
  ClientOptions options;
  options.api_key = kKey;
  options.base_url = "https://api.example.test";
  options.transport = std::move(transport);
  options.clock = std::move(clock);
  return options;
}

/// A client over a scripted transport and a fake clock; `sleeps()` lists what it slept.
struct UnitClient {
  std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  CometClient client{unit_options(transport, clock)};

  UnitClient() = default;
  explicit UnitClient(ClientOptions options) : client(with_seams(std::move(options))) {}

  std::vector<std::chrono::milliseconds> sleeps() const { return clock->sleeps(); }

 private:
  ClientOptions with_seams(ClientOptions options) {
    options.transport = transport;
    options.clock = clock;
    return options;
  }
};

inline constexpr const char* kSubmitOk =
    R"({"code":1,"description":"Submit success","result":"1773314942177684","properties":{}})";

}  // namespace cometapi::test
