#include "server/gateway.hpp"

#include "sim/answers.hpp"

namespace cometapi::testing::detail {
namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return std::string();
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string strip_bearer(std::string key) {
  key = trim(key);
  if (starts_with(key, "Bearer ") || starts_with(key, "bearer ")) key = trim(key.substr(7));
  return key;
}

std::string custom_id_of(const std::string& body) {
  const Json j = Json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("customId") || !j["customId"].is_string()) return "";
  return j["customId"].get<std::string>();
}

}  // namespace

Route split_mode(const std::string& path) {
  for (const char* mode : {"fast", "relax", "turbo"}) {
    const std::string prefix = std::string("/mj-") + mode;
    if (starts_with(path, prefix + "/")) return Route{mode, path.substr(prefix.size())};
  }
  return Route{"", path};
}

std::string normalize_key(const std::string& key) {
  std::string k = strip_bearer(key);
  if (starts_with(k, "sk-")) k = k.substr(3);
  return k.substr(0, k.find('-'));
}

std::string request_key(const std::string& authorization, const std::string& mj_api_secret) {
  std::string raw = strip_bearer(authorization);
  if (raw.empty() || raw == "midjourney-proxy") raw = mj_api_secret;
  return normalize_key(raw);
}

Reply unauthorized(bool key_missing, int request_id) {
  return openai_error(401, key_missing ? "未提供令牌" : "无效的令牌", "", request_id);
}

Reply fault_instead(FaultKind fault, const Call& call, std::chrono::seconds retry_after) {
  switch (fault) {
    case FaultKind::TooManyRequests:
      return rate_limited(retry_after);
    case FaultKind::BareTooManyRequests:
      return bare_rate_limited();
    case FaultKind::DoRequestFailed:
      return gateway_error("do_request_failed", 5);
    case FaultKind::TrueaiUnavailable:
      return trueai_envelope("服务暂不可用，请联系管理员");
    case FaultKind::HtmlPage:
      return web_page();
    case FaultKind::UnknownAction:
      return unknown_action(custom_id_of(call.body), call.request_id);
    case FaultKind::NewApiPanic:
      return new_api_panic(call.request_id);
    case FaultKind::QuotaExhausted:
      return openai_error(401, "该令牌额度已用尽", "", call.request_id);
    default:
      return Reply{};
  }
}

void apply_fault(FaultKind fault, Reply& reply, int request_id, std::chrono::seconds retry_after) {
  switch (fault) {
    case FaultKind::InternalError:
      reply = openai_error(500, "internal server error", "internal_error", request_id);
      break;
    case FaultKind::BadGateway:
      // What a reverse proxy in front of the gateway sends: HTML, not JSON.
      reply = Reply{};
      reply.status = 502;
      reply.content_type = "text/html";
      reply.body =
          "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 "
          "Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
      break;
    case FaultKind::ServiceUnavailable:
      reply = openai_error(503, "service temporarily unavailable, please retry",
                           "service_unavailable", request_id);
      reply.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
      break;
    case FaultKind::Truncate:
      // Any proper prefix of a JSON object or array is invalid JSON.
      reply.body.resize(reply.body.size() / 2);
      break;
    case FaultKind::ReadResponseBodyFailed:
    case FaultKind::UnmarshalResponseBodyFailed:
    case FaultKind::EmptyResponseBody:
    case FaultKind::CloseRequestBodyFailed:
    case FaultKind::CloseResponseBodyFailed:
      // The upstream was reached and did its work; the gateway could not pass its answer on.
      reply = gateway_error(std::string(to_string(fault)), 5);
      break;
    default:
      break;
  }
}

}  // namespace cometapi::testing::detail
