#include "cometapi/client.hpp"

#include "client/client_core.hpp"
#include "core/error_support.hpp"
#include "http/curl_transport.hpp"
#include "json/codec.hpp"

namespace cometapi {

using detail::Call;
using detail::CallKind;
using detail::ClientCore;

namespace {

// The curl transport for valid options (none for invalid ones: every call then returns the
// options' error before it could send anything).
std::shared_ptr<HttpTransport> curl_transport_for(const ClientOptions& options) {
  detail::CurlSettings settings;
  settings.connect_timeout = options.connect_timeout;
  settings.request_timeout = options.request_timeout;
  settings.low_speed_time = options.low_speed_time;
  settings.low_speed_bytes = options.low_speed_bytes;
  settings.proxy = options.proxy;
  settings.ca_file = options.ca_file;
  settings.verify_tls = !options.dangerous_disable_tls_verification;
  if (options.trace && options.trace_wire) {
    settings.wire_trace = options.trace;
    settings.secret = options.api_key;
  }
  return std::make_shared<detail::CurlTransport>(settings);
}

// Reads a 2xx answer with `decode`; a body that is not what was expected is the answer mapping's
// to explain (it may be the service's own refusal in another envelope).
template <class T, class Decode>
Result<T> read(const ClientCore& core, Call call, const CallOptions& call_options, Decode decode) {
  if (core.config_error) return *core.config_error;
  const CallKind kind = call.kind;
  const Call described{call.method, call.path, {}, kind, call.absolute_url, 0};
  auto response = core.sender.send(std::move(call), call_options);
  if (!response) return std::move(response).error();
  Result<T> decoded = decode(response->body);
  if (decoded) return decoded;
  Error error = detail::error_for_unexpected_body(kind, *response, std::move(decoded).error());
  core.sender.describe(error, described, *response);
  return error;
}

Call post(const char* path, std::string body, CallKind kind) {
  Call call;
  call.method = "POST";
  call.path = path;
  call.body = std::move(body);
  call.kind = kind;
  return call;
}

Call get(std::string path) {
  Call call;
  call.path = std::move(path);
  return call;
}

std::string task_path(std::string_view task_id, const char* what) {
  return "/mj/task/" + std::string(task_id) + "/" + what;
}

}  // namespace

namespace detail {

Result<SubmitResult> submit(const ClientCore& core, const char* path, Result<std::string> body,
                            const CallOptions& call_options) {
  if (core.config_error) return *core.config_error;
  if (!body) return std::move(body).error();
  auto decoded = read<SubmitResult>(core, post(path, std::move(body).value(), CallKind::Submit),
                                    call_options, decode_submit);
  if (decoded && decoded->result.empty()) {
    // Accepted (the answer mapping checked the code), yet no id: the job may well exist.
    Error error;
    error.kind = ErrorKind::ResponseInvalid;
    error.message = "submit accepted (code " + std::to_string(decoded->code) +
                    ") but the answer carries no task id";
    error.api_code = decoded->code;
    error.maybe_submitted = true;
    error.method = "POST";
    error.path = path;
    return error;
  }
  return decoded;
}

}  // namespace detail

CometClient::CometClient(ClientOptions options) {
  std::optional<Error> problem = options.validate();
  if (!problem) {
    if (std::string curl = detail::curl_global_init_error(); !curl.empty()) {
      problem = detail::make_error(ErrorKind::Connection, std::move(curl));
    }
  }
  std::shared_ptr<HttpTransport> transport = options.transport;
  if (!transport && !problem) transport = curl_transport_for(options);
  std::shared_ptr<const Clock> clock = options.clock ? options.clock : Clock::system();
  core_ = std::make_shared<ClientCore>(std::move(options), std::move(transport), std::move(clock));
  core_->config_error = std::move(problem);
}

Result<CometClient> CometClient::create(ClientOptions options) {
  CometClient client(std::move(options));
  if (client.core_->config_error) return *client.core_->config_error;
  return client;
}

Result<CometClient> CometClient::from_env() {
  auto options = ClientOptions::from_env();
  if (!options) return std::move(options).error();
  return create(std::move(options).value());
}

const ClientOptions& CometClient::options() const noexcept { return core_->sender.options(); }

const Clock& CometClient::clock() const noexcept { return core_->sender.clock(); }

namespace {

// Each submit: validate (nothing sent when wrong), encode, send.
template <class Request>
Result<SubmitResult> checked_submit(const ClientCore& core, const char* path,
                                    const Request& request, const CallOptions& call) {
  if (auto e = detail::validate(request, core.limits)) return *e;
  return detail::submit(core, path, detail::encode(request), call);
}

}  // namespace

Result<SubmitResult> CometClient::submit_imagine(const ImagineRequest& request,
                                                 const CallOptions& call) const {
  return checked_submit(*core_, "/mj/submit/imagine", request, call);
}
Result<SubmitResult> CometClient::submit_action(const ActionRequest& request,
                                                const CallOptions& call) const {
  return checked_submit(*core_, "/mj/submit/action", request, call);
}
Result<SubmitResult> CometClient::submit_modal(const ModalRequest& request,
                                               const CallOptions& call) const {
  return checked_submit(*core_, "/mj/submit/modal", request, call);
}
Result<SubmitResult> CometClient::submit_blend(const BlendRequest& request,
                                               const CallOptions& call) const {
  return checked_submit(*core_, "/mj/submit/blend", request, call);
}
Result<SubmitResult> CometClient::submit_describe(const DescribeRequest& request,
                                                  const CallOptions& call) const {
  return checked_submit(*core_, "/mj/submit/describe", request, call);
}
Result<SubmitResult> CometClient::submit_shorten(const ShortenRequest& request,
                                                 const CallOptions& call) const {
  return checked_submit(*core_, "/mj/submit/shorten", request, call);
}
Result<SubmitResult> CometClient::submit_video(const VideoRequest& request,
                                               const CallOptions& call) const {
  return checked_submit(*core_, "/mj/submit/video", request, call);
}
Result<SubmitResult> CometClient::submit_edits(const EditsRequest& request,
                                               const CallOptions& call) const {
  return checked_submit(*core_, "/mj/submit/edits", request, call);
}
Result<SubmitResult> CometClient::swap_face(const SwapFaceRequest& request,
                                            const CallOptions& call) const {
  return checked_submit(*core_, "/mj/insight-face/swap", request, call);
}

Result<std::vector<std::string>> CometClient::upload_images(
    const std::vector<std::string>& data_uris, const CallOptions& call) const {
  if (auto e = detail::validate_upload(data_uris, core_->limits)) return *e;
  // An upload creates no job; retrying it can at worst upload twice, which costs nothing.
  return read<std::vector<std::string>>(
      *core_,
      post("/mj/submit/upload-discord-images", detail::encode_upload(data_uris), CallKind::Read),
      call, detail::decode_upload);
}

Result<Task> CometClient::fetch_task(std::string_view task_id, const CallOptions& call) const {
  if (auto e = detail::validate_task_id(task_id)) return *e;
  auto task = read<Task>(*core_, get(task_path(task_id, "fetch")), call, detail::decode_task);
  if (!task && task.error().kind == ErrorKind::NotFound) {
    Error error = std::move(task).error();
    error.task_id = std::string(task_id);
    return error;
  }
  return task;
}

Result<std::vector<Task>> CometClient::list_tasks(const std::vector<std::string>& task_ids,
                                                  const CallOptions& call) const {
  for (const std::string& id : task_ids) {
    if (auto e = detail::validate_task_id(id)) return *e;
  }
  if (task_ids.empty()) return std::vector<Task>{};  // nothing to ask: no request
  return read<std::vector<Task>>(
      *core_, post("/mj/task/list-by-condition", detail::encode_ids(task_ids), CallKind::Read),
      call, detail::decode_task_list);
}

Result<std::string> CometClient::image_seed(std::string_view task_id,
                                            const CallOptions& call) const {
  if (auto e = detail::validate_task_id(task_id)) return *e;
  return read<std::string>(*core_, get(task_path(task_id, "image-seed")), call,
                           [](std::string_view body) -> Result<std::string> {
                             auto decoded = detail::decode_submit(body);
                             if (!decoded) return std::move(decoded).error();
                             if (decoded->code != 1 || decoded->result.empty()) {
                               return detail::response_invalid("no seed in the answer");
                             }
                             return decoded->result;
                           });
}

Result<std::string> CometClient::download(std::string_view url, const CallOptions& call) const {
  if (core_->config_error) return *core_->config_error;
  const std::string text(url);
  if (text.rfind("https://", 0) != 0 && text.rfind("http://", 0) != 0) {
    return detail::invalid_argument("download URL must be http:// or https://");
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return detail::invalid_argument("download URL contains whitespace or a control character");
    }
  }
  Call request;
  request.absolute_url = text;
  request.max_response_bytes = options().max_download_bytes;
  auto response = core_->sender.send(std::move(request), call);
  if (!response) return std::move(response).error();
  return std::move(response->body);
}

}  // namespace cometapi
