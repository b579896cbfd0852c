// cometapi_bench_blend: the peak RSS a large blend adds on top of its own payload. Builds a blend
// of five images (about 66 MiB of base64 in all), measures the process's resident set, submits it
// to cometapi_bench_server in another process, and prints one JSON line:
//   {"payload_mib", "rss_before_mib", "peak_after_mib", "peak_rise_mib", "rise_over_payload"}
// A rise of about 1x the payload is the one encoded body; every extra copy adds another 1x.
//
// Usage: cometapi_bench_blend --server_url=http://127.0.0.1:PORT
#include <cometapi/cometapi.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace {

// VmRSS / VmHWM of this process in KiB.
long status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0)
      return std::strtol(line.c_str() + std::strlen(field), nullptr, 10);
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux 4.0+), so the peak measured is the submit's alone.
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--server_url=", 13) == 0) url = argv[i] + 13;
  }
  if (url.empty()) {
    std::fprintf(stderr, "usage: cometapi_bench_blend --server_url=URL\n");
    return 2;
  }
  cometapi::ClientOptions options;
  options.api_key = "sk-bench";
  options.base_url = url;
  options.proxy = "";
  const cometapi::CometClient client(options);

  // Five images of 9.9 MiB each (under the 10 MiB default cap), 13.2 MiB of base64 apiece.
  constexpr std::size_t kBase64PerImage = 13u * 1024 * 1024 + 200 * 1024;
  cometapi::BlendRequest blend;
  std::size_t payload = 0;
  for (int i = 0; i < 5; ++i) {
    std::string uri = "data:image/png;base64," + std::string(kBase64PerImage, 'A');
    payload += uri.size();
    blend.base64_array.push_back(std::move(uri));
  }
  reset_peak();
  const long before = status_kb("VmRSS:");
  auto submitted = client.submit_blend(blend);
  const long peak = status_kb("VmHWM:");
  if (!submitted) {
    std::fprintf(stderr, "cometapi_bench_blend: %s\n", submitted.error().to_string().c_str());
    return 1;
  }
  const double mib = 1024.0;
  const double payload_mib = static_cast<double>(payload) / (1024.0 * 1024.0);
  const double rise = static_cast<double>(peak - before) / mib;
  std::printf(
      "{\"payload_mib\": %.1f, \"rss_before_mib\": %.1f, \"peak_after_mib\": %.1f, "
      "\"peak_rise_mib\": %.1f, \"rise_over_payload\": %.2f}\n",
      payload_mib, static_cast<double>(before) / mib, static_cast<double>(peak) / mib, rise,
      rise / payload_mib);
  return 0;
}
