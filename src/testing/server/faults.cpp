#include "server/faults.hpp"

#include <cctype>
#include <stdexcept>
#include <utility>

namespace cometapi::testing {

std::string_view to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::None:
      return "none";
    case FaultKind::TooManyRequests:
      return "429";
    case FaultKind::InternalError:
      return "500";
    case FaultKind::BadGateway:
      return "502";
    case FaultKind::ServiceUnavailable:
      return "503";
    case FaultKind::Drop:
      return "drop";
    case FaultKind::Truncate:
      return "truncate";
    case FaultKind::Slow:
      return "slow";
    case FaultKind::DoRequestFailed:
      return "do_request_failed";
    case FaultKind::ReadResponseBodyFailed:
      return "read_response_body_failed";
    case FaultKind::UnmarshalResponseBodyFailed:
      return "unmarshal_response_body_failed";
    case FaultKind::EmptyResponseBody:
      return "empty_response_body";
    case FaultKind::CloseRequestBodyFailed:
      return "close_request_body_failed";
    case FaultKind::CloseResponseBodyFailed:
      return "close_response_body_failed";
    case FaultKind::TrueaiUnavailable:
      return "trueai_unavailable";
    case FaultKind::HtmlPage:
      return "html";
    case FaultKind::UnknownAction:
      return "unknown_action";
    case FaultKind::NewApiPanic:
      return "new_api_panic";
    case FaultKind::QuotaExhausted:
      return "quota";
    case FaultKind::BareTooManyRequests:
      return "429_empty";
  }
  return "none";
}

bool applied_before_handling(FaultKind kind) {
  switch (kind) {
    case FaultKind::TooManyRequests:
    case FaultKind::BareTooManyRequests:
    case FaultKind::DoRequestFailed:
    case FaultKind::TrueaiUnavailable:
    case FaultKind::HtmlPage:
    case FaultKind::UnknownAction:
    case FaultKind::NewApiPanic:
    case FaultKind::QuotaExhausted:
      return true;
    default:
      return false;
  }
}

std::string_view to_string(Flavour flavour) {
  return flavour == Flavour::Trueai ? "trueai" : "novicezk";
}

Flavour parse_flavour(std::string_view name) {
  if (name == "novicezk") return Flavour::Novicezk;
  if (name == "trueai") return Flavour::Trueai;
  throw std::invalid_argument("unknown flavour '" + std::string(name) +
                              "' (use novicezk or trueai)");
}

namespace {

std::string strip_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

FaultKind kind_from_name(const std::string& name) {
  std::string known;
  for (int i = static_cast<int>(FaultKind::TooManyRequests);
       i <= static_cast<int>(FaultKind::BareTooManyRequests); ++i) {
    const auto kind = static_cast<FaultKind>(i);
    if (name == to_string(kind)) return kind;
    known += (known.empty() ? "" : ", ") + std::string(to_string(kind));
  }
  throw std::invalid_argument("fault spec: unknown kind '" + name + "' (use " + known + ")");
}

}  // namespace

std::vector<FaultRate> parse_fault_spec(std::string_view spec) {
  const std::string text = strip_spaces(spec);
  std::vector<FaultRate> rates;
  if (text.empty()) return rates;
  double total = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string part = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (part.empty()) throw std::invalid_argument("fault spec: empty entry in '" + text + "'");
    const auto eq = part.find('=');
    if (eq == std::string::npos) {
      throw std::invalid_argument("fault spec: '" + part + "' is not kind=probability");
    }
    FaultRate rate;
    rate.kind = kind_from_name(part.substr(0, eq));
    const std::string number = part.substr(eq + 1);
    std::size_t used = 0;
    try {
      rate.probability = std::stod(number, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != number.size() || !(rate.probability >= 0 && rate.probability <= 1)) {
      throw std::invalid_argument("fault spec: '" + part + "' needs a probability in [0, 1]");
    }
    total += rate.probability;
    rates.push_back(rate);
    if (comma == text.size()) break;
  }
  if (total > 1.0 + 1e-9) throw std::invalid_argument("fault spec: probabilities add up to > 1");
  return rates;
}

namespace detail {

FaultPlan::FaultPlan(std::uint64_t seed) : rng_(seed ^ 0x9E3779B97F4A7C15ull) {}

void FaultPlan::set_spec(std::vector<FaultRate> rates) {
  std::lock_guard<std::mutex> lock(mu_);
  rates_ = std::move(rates);
}

void FaultPlan::fail_next(std::string path_prefix, FaultKind kind, int count) {
  if (count <= 0 || kind == FaultKind::None) return;
  std::lock_guard<std::mutex> lock(mu_);
  scripted_.push_back(Scripted{std::move(path_prefix), kind, count});
}

void FaultPlan::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  rates_.clear();
  scripted_.clear();
}

FaultKind FaultPlan::pick(std::string_view path, std::string_view normalized) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = scripted_.begin(); it != scripted_.end(); ++it) {
    const bool match = path.substr(0, it->prefix.size()) == it->prefix ||
                       normalized.substr(0, it->prefix.size()) == it->prefix;
    if (!match) continue;
    const FaultKind kind = it->kind;
    if (--it->remaining == 0) scripted_.erase(it);
    return kind;
  }
  if (rates_.empty()) return FaultKind::None;
  const double draw = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  double edge = 0;
  for (const FaultRate& rate : rates_) {
    edge += rate.probability;
    if (draw < edge) return rate.kind;
  }
  return FaultKind::None;
}

}  // namespace detail
}  // namespace cometapi::testing
