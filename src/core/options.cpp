#include "cometapi/options.hpp"

#include <cstdlib>

#include "core/error_support.hpp"

namespace cometapi {

namespace {

bool has_control_character(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

}  // namespace

std::optional<Error> ClientOptions::validate() const {
  if (api_key.empty())
    return detail::invalid_argument("the API key is empty (set COMETAPI_KEY or api_key)");
  // A CR or LF in the key would let it inject headers; never echo the key itself.
  if (has_control_character(api_key)) {
    return detail::invalid_argument("the API key contains a control character (CR, LF, tab ...)");
  }
  if (has_control_character(base_url) || base_url.find(' ') != std::string::npos) {
    return detail::invalid_argument("base_url contains whitespace or a control character");
  }
  std::string rest;
  bool https = false;
  if (base_url.rfind("https://", 0) == 0) {
    https = true;
    rest = base_url.substr(8);
  } else if (base_url.rfind("http://", 0) == 0) {
    rest = base_url.substr(7);
  } else {
    return detail::invalid_argument("base_url must start with https:// or http://: '" + base_url +
                                    "'");
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty()) return detail::invalid_argument("base_url has no host: '" + base_url + "'");
  if (rest.find_first_of("?#@") != std::string::npos) {
    return detail::invalid_argument(
        "base_url must be scheme://host[:port][/path] without query, fragment or user: '" +
        base_url + "'");
  }
  // A path prefix is allowed (a gateway behind a reverse proxy), but not the API's own /mj: the
  // SDK adds that, and "/mj/mj/..." would only produce 404s.
  const auto slash = rest.find('/');
  const std::string path = slash == std::string::npos ? std::string() : rest.substr(slash);
  if (path == "/mj" || (path.size() > 3 && path.compare(path.size() - 3, 3, "/mj") == 0) ||
      path.find("/mj-") != std::string::npos) {
    return detail::invalid_argument(
        "base_url must not end in /mj or a mode prefix: the SDK adds "
        "those (use ClientOptions::mode for /mj-fast ...): '" +
        base_url + "'");
  }
  if (slash == 0) return detail::invalid_argument("base_url has no host: '" + base_url + "'");
  std::string host = rest.substr(0, slash);
  if (host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else if (auto colon = host.find(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  if (!https && !allow_insecure_http && !is_loopback_host(host)) {
    return detail::invalid_argument(
        "refusing plain http:// to non-loopback host '" + host +
        "': the key would travel in clear text (set allow_insecure_http to override)");
  }
  // These end up in headers or curl options: a CR or LF would let them inject a header.
  if (has_control_character(user_agent_suffix)) {
    return detail::invalid_argument("user_agent_suffix contains a control character");
  }
  if ((proxy && has_control_character(*proxy)) || has_control_character(ca_file)) {
    return detail::invalid_argument("proxy or ca_file contains a control character");
  }
  if (connect_timeout.count() <= 0 || request_timeout.count() <= 0) {
    return detail::invalid_argument("connect_timeout and request_timeout must be positive");
  }
  if (retry.max_retries < 0)
    return detail::invalid_argument("retry.max_retries must not be negative");
  return std::nullopt;
}

Result<ClientOptions> ClientOptions::from_env() {
  ClientOptions options;
  const char* key = std::getenv("COMETAPI_KEY");
  if (key == nullptr || *key == '\0') {
    return detail::invalid_argument(
        "COMETAPI_KEY is not set: export COMETAPI_KEY=<your CometAPI key>");
  }
  options.api_key = key;
  if (has_control_character(options.api_key)) {
    return detail::invalid_argument("COMETAPI_KEY contains a control character (CR, LF, tab ...)");
  }
  if (const char* base = std::getenv("COMETAPI_BASE_URL"); base != nullptr && *base != '\0') {
    options.base_url = base;
  }
  if (auto error = options.validate()) {
    error->message = "from the environment: " + error->message;
    return *error;
  }
  return options;
}

}  // namespace cometapi
