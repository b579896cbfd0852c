// Consumer smoke test (find_package with COMPONENTS testing): starts the installed simulator on
// loopback and reads a task back through the installed client. Any HTTP answer will do; failing
// to connect (or to link, or to start the server) is what this test catches.
#include <cometapi/cometapi.hpp>
#include <cometapi/testing/fake_server.hpp>
#include <iostream>
#include <string>

int main() {
  cometapi::testing::FakeCometServer server;
  server.start();

  cometapi::ClientOptions options;
  options.api_key = "sk-test";
  options.base_url = server.base_url();
  options.retry.max_retries = 0;
  cometapi::CometClient client(options);

  auto task = client.fetch_task("1");
  std::cout << "simulator at " << server.base_url() << ": fetch_task(\"1\") -> "
            << (task.ok() ? std::string("ok") : task.error().to_string()) << '\n';
  server.stop();
  if (!task.ok() && task.error().kind == cometapi::ErrorKind::Connection) {
    std::cerr << "the client could not reach the simulator\n";
    return 1;
  }
  return 0;
}
