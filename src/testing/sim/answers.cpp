#include "sim/answers.hpp"

namespace cometapi::testing::detail {
namespace {

constexpr const char* kExtra = "clients must ignore unknown keys";

}  // namespace

Reply json_reply(const Json& body, int status) {
  Reply r;
  r.status = status;
  r.body = body.dump();
  return r;
}

Reply gateway_error(const std::string& description, int code, int status) {
  return json_reply(
      Json{{"description", description + " "}, {"type", "upstream_error"}, {"code", code}}, status);
}

Reply openai_error(int status, const std::string& message, const std::string& code, int request_id,
                   const std::string& type) {
  return json_reply(
      Json{{"error",
            {{"message", message + " (request id: sim-" + std::to_string(request_id) + ")"},
             {"type", type},
             {"code", code}}}},
      status);
}

Reply refusal(int code, const std::string& description, bool extra_fields) {
  Json j{{"code", code},
         {"description", description},
         {"result", nullptr},
         {"properties", Json::object()}};
  if (extra_fields) j["extraField"] = kExtra;
  return json_reply(j);
}

Reply banned(const std::string& prompt, const std::string& word, bool extra_fields) {
  Json j{{"code", 24},
         {"description", "可能包含敏感词"},
         {"properties", Json{{"promptEn", prompt}, {"bannedWord", word}}}};
  if (extra_fields) j["extraField"] = kExtra;
  return json_reply(j);
}

Reply queue_full(Flavour flavour, bool extra_fields) {
  // trueai never answers 23: its queue-full refusal is a code 9 "system failure".
  if (flavour == Flavour::Trueai) return refusal(9, "提交失败，队列已满，请稍后重试", extra_fields);
  return refusal(23, "队列已满，请稍后尝试", extra_fields);
}

Reply trueai_envelope(const std::string& message) {
  return json_reply(
      Json{{"success", false}, {"code", -1}, {"message", message}, {"data", nullptr}});
}

Reply web_page() {
  Reply r;
  r.content_type = "text/html; charset=utf-8";
  r.body =
      "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"/>"
      "<title>CometAPI</title></head><body><noscript>You need to enable JavaScript to run this "
      "app.</noscript><div id=\"root\"></div></body></html>";
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

Reply unknown_action(const std::string& custom_id, int request_id) {
  return openai_error(400, "Invalid request, unknown_action:" + custom_id, "unknown_action",
                      request_id);
}

Reply new_api_panic(int request_id) {
  return openai_error(500, "Panic detected, error: runtime error: index out of range", "",
                      request_id, "new_api_panic");
}

Reply rate_limited(std::chrono::seconds retry_after) {
  Reply r = json_reply(
      Json{{"description",
            "rate_limit_exceeded 当前分组负载已饱和，请稍后再试，或升级账户以提升服务质量。"},
           {"type", "upstream_error"},
           {"code", 30}},
      429);
  r.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  return r;
}

Reply bare_rate_limited() {
  Reply r;
  r.status = 429;
  r.content_type.clear();
  return r;
}

}  // namespace cometapi::testing::detail
