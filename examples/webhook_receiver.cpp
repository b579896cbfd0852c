// A notifyHook receiver. Callbacks are unsigned and come from the upstream proxy, so each one is
// only a hint: the receiver confirms it with a fetch before trusting it.
//
//   export COMETAPI_KEY=sk-...
//   ./webhook_receiver 8080          # then submit with notify_hook = "http://<you>:8080/hook"
//
// Prints one line per confirmed callback. Stops after --max N callbacks when given.
#include <httplib.h>

#include <atomic>
#include <cometapi/cometapi.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--max")) {
    std::cerr << "usage: " << argv[0] << " PORT [--max N]\n";
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int max = argc == 4 ? std::atoi(argv[3]) : 0;
  auto client = cometapi::CometClient::from_env();
  if (!client) {
    std::cerr << client.error().to_string() << "\n";
    return 1;
  }

  httplib::Server server;
  std::atomic<int> handled{0};
  server.Post("/hook", [&](const httplib::Request& request, httplib::Response& response) {
    auto hinted = cometapi::parse_webhook(request.body);
    if (!hinted) {
      response.status = 400;
      std::cerr << "rejected callback: " << hinted.error().to_string() << "\n";
      return;
    }
    // Trust the service, not the caller: anyone can POST here.
    auto confirmed = client->fetch_task(hinted->id);
    if (!confirmed) {
      response.status = 404;
      std::cerr << "callback for unknown task " << hinted->id << ": "
                << confirmed.error().to_string() << "\n";
      return;
    }
    std::cout << "confirmed " << confirmed->id << " " << confirmed->status << " "
              << confirmed->progress << "% state=" << confirmed->state << std::endl;
    response.set_content("{\"ok\":true}", "application/json");
    if (max > 0 && ++handled >= max) server.stop();
  });

  std::cerr << "listening on 127.0.0.1:" << port << "/hook\n";
  if (!server.listen("127.0.0.1", port)) {
    std::cerr << "cannot listen on 127.0.0.1:" << port << "\n";
    return 1;
  }
  return 0;
}
