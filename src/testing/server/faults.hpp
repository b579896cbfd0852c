// Which fault, if any, a request gets: scripted ones first, then a seeded random draw.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cometapi/testing/fake_server.hpp"

namespace cometapi::testing::detail {

// Thread-safe.
class FaultPlan {
 public:
  explicit FaultPlan(std::uint64_t seed);

  void set_spec(std::vector<FaultRate> rates);
  void fail_next(std::string path_prefix, FaultKind kind, int count);
  void clear();

  // `path` is the path as sent, `normalized` the same without a mode prefix. Each call consumes
  // one random draw while a spec is set, so a run is reproducible for a given request sequence.
  FaultKind pick(std::string_view path, std::string_view normalized);

 private:
  struct Scripted {
    std::string prefix;
    FaultKind kind;
    int remaining;
  };
  std::mutex mu_;
  std::mt19937_64 rng_;
  std::vector<FaultRate> rates_;
  std::deque<Scripted> scripted_;
};

}  // namespace cometapi::testing::detail
