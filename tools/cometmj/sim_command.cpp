// `cometmj sim`: the simulator as a foreground process, for trying the tool or an application
// without a key or a bill.
#include <cstdio>
#include <exception>
#include <stdexcept>

#include "cometapi/testing/fake_server.hpp"
#include "commands.hpp"

namespace cometmj {

int run_sim(Output& out, const SimArgs& args) {
  cometapi::testing::FakeServerOptions options;
  if (!args.keys.empty()) options.api_keys = args.keys;
  options.port = args.port;
  options.speed = args.speed;
  options.faults = args.faults;
  options.remix = args.remix;
  options.seed = args.seed;
  options.concurrency = args.concurrency;
  if (!out.quiet()) {
    // One line per request on stderr: the request log is what one watches a simulator for.
    options.on_request = [](const cometapi::testing::RequestRecord& record) {
      std::fprintf(stderr, "sim: %s %s -> %d%s%s\n", record.method.c_str(), record.path.c_str(),
                   record.status,
                   record.fault == cometapi::testing::FaultKind::None ? "" : " fault ",
                   record.fault == cometapi::testing::FaultKind::None
                       ? ""
                       : std::string(cometapi::testing::to_string(record.fault)).c_str());
    };
  }
  cometapi::testing::FakeCometServer server(options);
  try {
    server.start();
  } catch (const std::invalid_argument& e) {
    out.error(std::string("bad --faults: ") + e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    out.error(std::string("cannot start the simulator: ") + e.what());
    return kExitService;
  }
  // The first stdout line is the base URL and nothing else: scripts read it (scripts/demo).
  std::printf("%s\n", server.base_url().c_str());
  std::fflush(stdout);
  out.info("simulator listening on " + server.base_url() + " (key " + options.api_keys.front() +
           "); Ctrl-C stops it. In another shell:");
  out.info("  export COMETAPI_BASE_URL=" + server.base_url() +
           " COMETAPI_KEY=" + options.api_keys.front() + " COMETMJ_POLL_MS=250");
  const cometapi::CancellationToken& stop = Interrupts::token();
  while (!stop.cancelled()) stop.sleep_for(std::chrono::hours(1));
  server.stop();
  out.info("simulator stopped");
  // Ctrl-C is how a simulator is meant to end, so it is a success here.
  return kExitOk;
}

}  // namespace cometmj
