// The only place that knows the wire's field names. Encoding is strict; decoding is tolerant:
// unknown fields are ignored, nulls accepted, ids and numbers read from strings or numbers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cometapi/models.hpp"
#include "cometapi/result.hpp"

namespace cometapi::detail {

// Each returns the JSON body, or InvalidArgument when extra_json is malformed or collides.
Result<std::string> encode(const ImagineRequest& request);
Result<std::string> encode(const ActionRequest& request);
Result<std::string> encode(const ModalRequest& request);
Result<std::string> encode(const BlendRequest& request);
Result<std::string> encode(const DescribeRequest& request);
Result<std::string> encode(const ShortenRequest& request);
Result<std::string> encode(const VideoRequest& request);
Result<std::string> encode(const EditsRequest& request);
Result<std::string> encode(const SwapFaceRequest& request);
std::string encode_upload(const std::vector<std::string>& data_uris);
std::string encode_ids(const std::vector<std::string>& task_ids);

// Each fails with ResponseInvalid (message says what was wrong) when the body is not the expected
// JSON shape.
Result<SubmitResult> decode_submit(std::string_view body);
Result<std::vector<std::string>> decode_upload(std::string_view body);
Result<Task> decode_task(std::string_view body);
Result<std::vector<Task>> decode_task_list(std::string_view body);
// The two above read the parser's events straight into Task (json/task_sax.cpp). These build a
// JSON tree first and read it with the same field table: they answer for every body the
// streaming decoder gives up on (so errors are worded once), and they are the reference the
// streaming decoder is tested against. Same results for every body.
Result<Task> decode_task_tree(std::string_view body);
Result<std::vector<Task>> decode_task_list_tree(std::string_view body);

/// What an error body says, whichever of the three envelopes it uses (the gateway's, the
/// OpenAI-style and the upstreams'; see docs/service-notes.md).
struct ErrorEnvelope {
  bool recognised = false;     // one of the envelopes was found
  bool json = false;           // the body is JSON at all
  bool null = false;           // the body is the JSON `null`
  bool has_code = false;       // a numeric `code` is present
  bool success_false = false;  // `"success": false` (an upstream's own envelope)
  std::string message;
  int code = 0;
  std::string type;         // `type`, or a textual `code`
  std::string banned_word;  // properties.bannedWord (code 24)
};
ErrorEnvelope decode_error_envelope(std::string_view body);

}  // namespace cometapi::detail
