// The shapes of every answer the simulator makes: the upstream's submit refusals, the gateway's
// own envelopes (its Midjourney one, the OpenAI one, its web page) and trueai's envelope. One home
// for each shape, used by the model (refusals) and by the server layer (faults).
#pragma once

#include <chrono>
#include <string>

#include "sim/task.hpp"

namespace cometapi::testing::detail {

Reply json_reply(const Json& body, int status = 200);
// HTTP 400 `{"description":"<description> ","type":"upstream_error","code":<code>}`: the gateway
// formats "<description> <result>" with an empty result, hence the trailing space.
Reply gateway_error(const std::string& description, int code = 4, int status = 400);
// `{"error":{"message":"<message> (request id: sim-N)","type":...,"code":...}}`.
Reply openai_error(int status, const std::string& message, const std::string& code, int request_id,
                   const std::string& type = "comet_api_error");
// HTTP 200 `{"code":<code>,"description":...,"result":null,"properties":{}}`.
Reply refusal(int code, const std::string& description, bool extra_fields);
// HTTP 200 code 24 with properties.promptEn and bannedWord, and no "result" key at all.
Reply banned(const std::string& prompt, const std::string& word, bool extra_fields);
// The upstream's answer when its queue is full: code 23 (novicezk) or 9 (trueai).
Reply queue_full(Flavour flavour, bool extra_fields);
// trueai's exception envelope: HTTP 200 `{"success":false,"code":-1,"message":...,"data":null}`.
Reply trueai_envelope(const std::string& message);
// The gateway's web page: HTTP 200 text/html, what it serves for any path it has no route for.
Reply web_page();
// HTTP 400 OpenAI shape `Invalid request, unknown_action:<customId>`.
Reply unknown_action(const std::string& custom_id, int request_id);
// HTTP 500 from the gateway's panic recovery.
Reply new_api_panic(int request_id);
// The gateway's rate limiter (code 30, HTTP 429, Retry-After) and its bare 429 (empty body).
Reply rate_limited(std::chrono::seconds retry_after);
Reply bare_rate_limited();

}  // namespace cometapi::testing::detail
