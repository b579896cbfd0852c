// cometapi_bench_server: a minimal loopback HTTP server for the benchmarks. It answers
//   GET  /mj/task/{id}/fetch         one fixed SUCCESS task with 9 buttons (every field of the
//                                    task object, docs/service-notes.md)
//   POST /mj/submit/* (imagine ...)  a fixed submit answer with a fresh numeric id
//   POST /mj/task/list-by-condition  each listed id as a task that advances one step per listing
//                                    (for the memory figure; see Lifecycle)
// and nothing else (404). It does next to no work per request, so the benchmarks measure the
// clients, not the server.
//
// Usage: cometapi_bench_server [--port N] [--threads N]
// Prints "http://127.0.0.1:<port>" on one line once it accepts connections, then serves until
// SIGINT or SIGTERM.
#include <httplib.h>
#include <pthread.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

// The gateway (Gin) sends this exact type. httplib compresses only a bare "application/json", so
// this also keeps gzip/brotli out of the figures: every client gets the same plain bytes.
const char* const kJson = "application/json; charset=utf-8";

// A task as the gateway serializes it (every field of docs/service-notes.md, Task object: no field
// is ever left out). SUCCESS is an imagine grid with its 9 buttons (U1-U4, reroll, V1-V4); earlier
// states have no buttons yet.
std::string task_body(const std::string& id = "1712345678901234",
                      const std::string& status = "SUCCESS", int progress = 100) {
  const bool done = status == "SUCCESS";
  const bool started = progress > 0 || done;
  const std::string hash = "3a8f5c2e-1b4d-4e6f-9a7b-0c1d2e3f4a5b";
  const std::string prompt =
      "a red fox curled up in fresh snow at dawn, watercolor, soft light --ar 3:2 --v 6.1";
  auto field = [](const char* name, const std::string& value) {
    return "\"" + std::string(name) + "\":\"" + value + "\",";
  };
  auto button = [&](const std::string& custom_id, const std::string& emoji,
                    const std::string& label) {
    return "{" + field("customId", custom_id) + field("emoji", emoji) + field("label", label) +
           "\"type\":2,\"style\":2}";
  };

  std::string buttons = "null";
  if (done) {
    buttons = "[";
    for (int i = 1; i <= 4; ++i) {
      buttons += button("MJ::JOB::upsample::" + std::to_string(i) + "::" + hash, "",
                        "U" + std::to_string(i)) +
                 ",";
    }
    buttons += button("MJ::JOB::reroll::0::" + hash + "::SOLO", "\xF0\x9F\x94\x84", "") + ",";
    for (int i = 1; i <= 4; ++i) {
      buttons += button("MJ::JOB::variation::" + std::to_string(i) + "::" + hash, "",
                        "V" + std::to_string(i));
      buttons += i < 4 ? "," : "]";
    }
  }

  std::string out = "{";
  out += field("id", id);
  out += field("action", "IMAGINE");
  out += field("customId", "");
  out += field("botType", "");
  out += field("prompt", prompt);
  out += field("promptEn", prompt);
  out += field("description", "Submit success");
  out += field("state", "");
  out += "\"submitTime\":1712345678901,";
  out += std::string("\"startTime\":") + (started ? "1712345690123" : "0") + ",";
  out += std::string("\"finishTime\":") + (done ? "1712345745678" : "0") + ",";
  out += field("imageUrl", started ? "https://api.cometapi.com/mj/image/" + id : "");
  out += field("videoUrl", "");
  out += "\"videoUrls\":null,";
  out += field("status", status);
  out += field("progress", std::to_string(progress) + "%");
  out += field("failReason", "");
  out += "\"buttons\":" + buttons + ",";
  out += field("maskBase64", "");
  out += "\"properties\":{\"finalPrompt\":\"" + prompt + "\",\"finalZhPrompt\":\"\"}}";
  return out;
}

std::string submit_body(unsigned long long id) {
  return "{\"code\":1,\"description\":\"Submit success\",\"result\":\"" + std::to_string(id) +
         "\",\"properties\":{\"discordChannelId\":\"1187654321098765432\","
         "\"discordInstanceId\":\"1187654321098765431\"}}";
}

// The ids of a list-by-condition body {"ids":["1","2",...]}: the quoted strings inside the first
// [...] after "ids". Enough for the SDK's own requests; this is a benchmark server, not a parser.
std::vector<std::string> ids_of(const std::string& body) {
  std::vector<std::string> ids;
  const auto key = body.find("\"ids\"");
  if (key == std::string::npos) return ids;
  auto pos = body.find('[', key);
  const auto end = body.find(']', pos);
  if (pos == std::string::npos || end == std::string::npos) return ids;
  while (true) {
    const auto open = body.find('"', pos + 1);
    if (open == std::string::npos || open > end) break;
    const auto close = body.find('"', open + 1);
    if (close == std::string::npos || close > end) break;
    ids.push_back(body.substr(open + 1, close - open - 1));
    pos = close;
  }
  return ids;
}

// A task moves one step each time it is listed: not synced, SUBMITTED twice, IN_PROGRESS 10% to
// 90%, then SUCCESS on the 13th listing (as many cycles as the simulator takes with the
// benchmark's timings and a 5 s interval). No clock: the client's cycles drive it.
struct Lifecycle {
  std::mutex mutex;
  std::unordered_map<std::string, int> listed;

  std::string task_for(const std::string& id) {
    int n = 0;
    {
      std::lock_guard<std::mutex> lock(mutex);
      n = ++listed[id];
    }
    if (n <= 1) return task_body(id, "", 0);
    if (n <= 3) return task_body(id, "SUBMITTED", 0);
    if (n <= 12) return task_body(id, "IN_PROGRESS", (n - 3) * 10);
    return task_body(id, "SUCCESS", 100);
  }
};

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int threads = 256;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) {
      port = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--threads") == 0) {
      threads = std::atoi(argv[i + 1]);
    } else {
      std::cerr << "usage: cometapi_bench_server [--port N] [--threads N]\n";
      return 2;
    }
  }

  // Signals go to the main thread alone (sigwait), so block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string task = task_body();
  std::atomic<unsigned long long> next_id{1712345678901000ULL};

  httplib::Server server;
  // Without TCP_NODELAY, Nagle meets delayed ACK and every loopback call takes ~40 ms.
  server.set_tcp_nodelay(true);
  // httplib closes a connection after 5 requests by default: that would measure reconnects.
  server.set_keep_alive_max_count(1000000000);
  server.set_keep_alive_timeout(120);
  // One pool thread per open keep-alive connection. Submits use a new connection each, and each
  // curl handle keeps up to 5 idle ones: 8 threads can hold ~50.
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.Get(
      R"(/(?:mj-(?:fast|relax|turbo)/)?mj/task/[^/]+/fetch)",
      [&task](const httplib::Request&, httplib::Response& res) { res.set_content(task, kJson); });
  Lifecycle lifecycle;
  server.Post(R"(/(?:mj-(?:fast|relax|turbo)/)?mj/task/list-by-condition)",
              [&lifecycle](const httplib::Request& req, httplib::Response& res) {
                std::string out = "[";
                for (const std::string& id : ids_of(req.body)) {
                  if (out.size() > 1) out += ',';
                  out += lifecycle.task_for(id);
                }
                out += ']';
                res.set_content(out, kJson);
              });
  server.Post(R"(/(?:mj-(?:fast|relax|turbo)/)?mj/submit/.*)",
              [&next_id](const httplib::Request&, httplib::Response& res) {
                res.set_content(submit_body(next_id.fetch_add(1)), kJson);
              });

  // httplib listens with a backlog of 5 (compiled into Debian's library). 8 threads opening a new
  // connection per submit overflow it; the kernel then drops the handshake's last ACK and the
  // request stalls for a 200 ms retransmit. Keep the socket to listen() again with a real backlog.
  int listener = -1;
  server.set_socket_options([&listener](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listener = sock;
  });

  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) {
    std::cerr << "cometapi_bench_server: cannot bind 127.0.0.1:" << port << "\n";
    return 1;
  }
  if (listen(listener, SOMAXCONN) != 0) {
    std::cerr << "cometapi_bench_server: listen: " << std::strerror(errno) << "\n";
    return 1;
  }
  std::thread serving([&server] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::cout << "http://127.0.0.1:" << bound << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  serving.join();
  return 0;
}
