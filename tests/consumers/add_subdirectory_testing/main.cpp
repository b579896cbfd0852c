// Consumer test (add_subdirectory with cometapi::testing): a job submitted to the simulator built
// as part of this project goes through its whole lifecycle on the simulated clock and is read back
// finished. Exits 1 (and says why) if any step does not give what the simulator promises.
#include <chrono>
#include <cometapi/cometapi.hpp>
#include <cometapi/testing/fake_server.hpp>
#include <iostream>
#include <string>

int main() {
  using namespace std::chrono_literals;
  cometapi::testing::FakeServerOptions server_options;
  server_options.manual_clock = true;
  cometapi::testing::FakeCometServer server(server_options);
  server.start();

  cometapi::ClientOptions options;
  options.api_key = "sk-test";
  options.base_url = server.base_url();
  options.retry.max_retries = 0;
  cometapi::CometClient client(options);

  cometapi::ImagineRequest imagine;
  imagine.prompt = "a red fox";
  auto submitted = client.submit_imagine(imagine);
  if (!submitted) {
    std::cerr << "submit_imagine: " << submitted.error().to_string() << '\n';
    return 1;
  }
  server.advance(5s);
  auto task = client.fetch_task(submitted->result);
  server.stop();
  if (!task) {
    std::cerr << "fetch_task: " << task.error().to_string() << '\n';
    return 1;
  }
  std::cout << "simulator at " << server.base_url() << ": task " << task->id << " is "
            << task->status_text << '\n';
  return task->status == cometapi::TaskStatus::Success ? 0 : 1;
}
