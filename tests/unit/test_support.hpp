// Shared helpers for the unit tests.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "cometapi/client.hpp"
#include "scripted_transport.hpp"

namespace cometapi::test {

constexpr const char* kKey = "sk-unit-SECRET-0123456789";

/// Options for a client over a scripted transport; sleeps are recorded, never slept.
inline ClientOptions unit_options(std::shared_ptr<std::vector<std::chrono::milliseconds>> sleeps) {
  ClientOptions options;
  options.api_key = kKey;
  options.base_url = "https://api.example.test";
  options.retry.sleeper = [sleeps](std::chrono::milliseconds d) { sleeps->push_back(d); };
  return options;
}

struct UnitClient {
  std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
  std::shared_ptr<std::vector<std::chrono::milliseconds>> sleeps =
      std::make_shared<std::vector<std::chrono::milliseconds>>();
  CometClient client{unit_options(sleeps), transport};

  UnitClient() = default;
  explicit UnitClient(ClientOptions options)
      : client(with_sleeper(std::move(options)), transport) {}

 private:
  ClientOptions with_sleeper(ClientOptions options) {
    auto recorded = sleeps;
    options.retry.sleeper = [recorded](std::chrono::milliseconds d) { recorded->push_back(d); };
    return options;
  }
};

inline constexpr const char* kSubmitOk =
    R"({"code":1,"description":"Submit success","result":"1773314942177684","properties":{}})";

}  // namespace cometapi::test
