#include "gateway.hpp"

namespace cometapi::testing::detail {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

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

Reply json_reply(int status, const Json& body) {
  Reply r;
  r.status = status;
  r.body = body.dump();
  return r;
}

Reply openai_error(int status, const std::string& message, const std::string& code,
                   int request_id) {
  return json_reply(
      status, Json{{"error",
                    {{"message", message + " (request id: sim-" + std::to_string(request_id) + ")"},
                     {"type", "comet_api_error"},
                     {"code", code}}}});
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

Reply not_found(const std::string& method, const std::string& path) {
  return json_reply(404, Json{{"error",
                               {{"message", "Invalid URL (" + method + " " + path + ")"},
                                {"type", "invalid_request_error"},
                                {"param", ""},
                                {"code", ""}}}});
}

Reply rate_limited(std::chrono::seconds retry_after) {
  // The gateway's Midjourney envelope with code 30, which it answers with HTTP 429.
  Reply r = json_reply(
      429, Json{{"description",
                 "rate_limit_exceeded 当前分组负载已饱和，请稍后再试，或升级账户以提升服务质量。"},
                {"type", "upstream_error"},
                {"code", 30}});
  r.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  return r;
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
    default:
      break;
  }
}

}  // namespace cometapi::testing::detail
