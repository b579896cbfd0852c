// The task store, the clock and routing.
#include "sim/simulation.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "sim/answers.hpp"

namespace cometapi::testing::detail {
namespace {

std::int64_t to_ms(std::chrono::milliseconds d) { return std::max<std::int64_t>(0, d.count()); }

std::int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "/mj/task/<id>/fetch" -> "<id>" for prefix "/mj/task/" and suffix "/fetch".
std::optional<std::string> middle(std::string_view path, std::string_view prefix,
                                  std::string_view suffix) {
  if (path.size() <= prefix.size() + suffix.size()) return std::nullopt;
  if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
  if (path.substr(path.size() - suffix.size()) != suffix) return std::nullopt;
  std::string_view mid = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (mid.empty() || mid.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(mid);
}

}  // namespace

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string join(const std::vector<std::string>& lines, std::string_view separator) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += separator;
    out += line;
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Simulation::Simulation(const FakeServerOptions& options)
    : options_(options),
      sync_ms_(to_ms(options.sync_delay)),
      submitted_ms_(to_ms(options.submitted_for)),
      in_progress_ms_(to_ms(options.in_progress_for)),
      modal_lag_ms_(to_ms(options.modal_lag)),
      sync_period_ms_(to_ms(options.sync_period)),
      epoch_ms_(options.epoch_ms > 0 ? options.epoch_ms : wall_now_ms()),
      started_(std::chrono::steady_clock::now()),
      rng_(options.seed),
      remix_(options.remix) {
  if (!(options.speed > 0)) throw std::invalid_argument("FakeServerOptions::speed must be > 0");
  if (options.concurrency < 1) {
    throw std::invalid_argument("FakeServerOptions::concurrency must be >= 1");
  }
  if (options.queue_size < 0) {
    throw std::invalid_argument("FakeServerOptions::queue_size must be >= 0");
  }
  for (const auto& word : options.banned_words) {
    if (!word.empty()) banned_words_.push_back(lower(word));
  }
}

RouteClass Simulation::classify(std::string_view method, std::string_view path) {
  if (method == "GET") {
    if (middle(path, "/mj/task/", "/fetch") || middle(path, "/mj/task/", "/image-seed")) {
      return RouteClass::Private;
    }
    if (middle(path, "/mj/image/", "") || middle(path, "/attachments/", "")) {
      return RouteClass::Public;
    }
    if (path.substr(0, 10) == "/mj/video/") return RouteClass::Public;
    return RouteClass::Unknown;
  }
  if (method == "POST") {
    static const char* const kPosts[] = {"/mj/submit/imagine",
                                         "/mj/submit/action",
                                         "/mj/submit/modal",
                                         "/mj/submit/blend",
                                         "/mj/submit/describe",
                                         "/mj/submit/shorten",
                                         "/mj/submit/video",
                                         "/mj/submit/edits",
                                         "/mj/submit/change",
                                         "/mj/submit/simple-change",
                                         "/mj/submit/upload-discord-images",
                                         "/mj/insight-face/swap",
                                         "/mj/task/list-by-condition"};
    for (const char* p : kPosts) {
      if (path == p) return RouteClass::Private;
    }
  }
  return RouteClass::Unknown;
}

Reply Simulation::handle(const Call& call) {
  std::lock_guard<std::mutex> lock(mu_);
  settle(now_locked());
  const std::string& path = call.path;
  if (call.method == "GET") {
    if (auto id = middle(path, "/mj/task/", "/fetch")) return fetch(call, *id);
    if (auto id = middle(path, "/mj/task/", "/image-seed")) return image_seed(call, *id);
    if (auto id = middle(path, "/mj/image/", "")) return image(*id);
    if (auto name = middle(path, "/attachments/", "")) return attachment(*name);
    if (path.substr(0, 10) == "/mj/video/") {
      const std::string rest = path.substr(10);
      const auto slash = rest.find('/');
      if (slash != std::string::npos) return video(rest.substr(0, slash), rest.substr(slash + 1));
    }
  } else if (call.method == "POST") {
    if (path == "/mj/task/list-by-condition") return list_by_condition(call);
    const std::optional<Json> req = bind_request(call.body);
    if (!req) return gateway_error("bind_request_body_failed");
    if (path == "/mj/submit/imagine") return submit_imagine(call, *req);
    if (path == "/mj/submit/action") return submit_action(call, *req);
    if (path == "/mj/submit/modal") return submit_modal(call, *req);
    if (path == "/mj/submit/blend") return submit_blend(call, *req);
    if (path == "/mj/submit/describe") return submit_describe(call, *req);
    if (path == "/mj/submit/shorten") return submit_shorten(call, *req);
    if (path == "/mj/submit/video") return submit_video(call, *req);
    if (path == "/mj/submit/edits") return submit_edits(call, *req);
    if (path == "/mj/submit/change") return submit_change(call, *req);
    if (path == "/mj/submit/simple-change") return submit_simple_change(call, *req);
    if (path == "/mj/submit/upload-discord-images") return submit_upload(call, *req);
    if (path == "/mj/insight-face/swap") return submit_swap_face(call, *req);
  }
  return web_page();
}

// ---- clock -------------------------------------------------------------------------------

void Simulation::advance(std::chrono::milliseconds simulated) {
  std::lock_guard<std::mutex> lock(mu_);
  advanced_ms_ += std::max<std::int64_t>(0, simulated.count());
}

std::int64_t Simulation::now_ms() const {
  std::lock_guard<std::mutex> lock(mu_);
  return now_locked();
}

std::int64_t Simulation::now_locked() const {
  std::int64_t elapsed = advanced_ms_;
  if (!options_.manual_clock) {
    const double real_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
            .count();
    elapsed += static_cast<std::int64_t>(real_ms * options_.speed);
  }
  return epoch_ms_ + elapsed;
}

// ---- store -------------------------------------------------------------------------------

SimTask* Simulation::find_any(const std::string& id) {
  const auto it = index_.find(id);
  return it == index_.end() ? nullptr : &tasks_[it->second];
}

std::size_t Simulation::index_of(const SimTask& task) const { return index_.at(task.id); }

SimTask* Simulation::find_owned(const std::string& key, const std::string& id) {
  SimTask* t = find_any(id);
  return t != nullptr && t->key == key ? t : nullptr;
}

std::string Simulation::new_digits(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + rng_() % 10));
  return out;
}

std::string Simulation::new_id() {
  // 13-digit epoch ms + 3 digits, like the upstream proxies; unique within this server.
  std::int64_t ms = now_locked();
  int suffix = static_cast<int>(rng_() % 1000);
  for (int tries = 0;; ++tries) {
    if (tries == 1000) {
      ++ms;
      tries = 0;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%013lld%03d", static_cast<long long>(ms), suffix);
    if (index_.count(buf) == 0) return buf;
    suffix = (suffix + 1) % 1000;
  }
}

std::string Simulation::new_hash() {
  // A v4-shaped UUID, as Midjourney job ids look.
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    int nibble = static_cast<int>(rng_() % 16);
    if (i == 12) nibble = 4;
    if (i == 16) nibble = 8 + nibble % 4;
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    out.push_back(kHex[nibble]);
  }
  return out;
}

std::array<Rgb, 4> Simulation::new_palette() {
  // Four hues a quarter turn apart, so the quadrants of a grid are told apart at a glance.
  const double base = static_cast<double>(rng_() % 360);
  std::array<Rgb, 4> p{};
  for (int i = 0; i < 4; ++i) {
    const double h = std::fmod(base + 90.0 * i, 360.0) / 60.0;
    const double s = 0.65, v = 0.9;
    const double c = v * s;
    const double x = c * (1 - std::fabs(std::fmod(h, 2.0) - 1));
    double r = 0, g = 0, b = 0;
    switch (static_cast<int>(h)) {
      case 0:
        r = c, g = x;
        break;
      case 1:
        r = x, g = c;
        break;
      case 2:
        g = c, b = x;
        break;
      case 3:
        g = x, b = c;
        break;
      case 4:
        r = x, b = c;
        break;
      default:
        r = c, b = x;
        break;
    }
    const double m = v - c;
    p[i] = Rgb{static_cast<std::uint8_t>((r + m) * 255), static_cast<std::uint8_t>((g + m) * 255),
               static_cast<std::uint8_t>((b + m) * 255)};
  }
  return p;
}

std::optional<std::string> Simulation::banned_word_in(const std::string& text) const {
  const std::string l = lower(text);
  for (const std::string& word : banned_words_) {
    if (l.find(word) != std::string::npos) return word;
  }
  return std::nullopt;
}

void Simulation::apply_prompt_rules(SimTask& task, const std::string& text) const {
  const std::string l = lower(text);
  for (const auto& [needle, reason] : fail_rules_) {
    if (!task.fail_reason && l.find(needle) != std::string::npos) task.fail_reason = reason;
  }
  for (const auto& [needle, at] : stall_rules_) {
    if (!task.stall && l.find(needle) != std::string::npos) task.stall = at;
  }
}

void Simulation::count_submit(const std::string& state) {
  ++submits_;
  ++submits_by_state_[state];
}

}  // namespace cometapi::testing::detail
