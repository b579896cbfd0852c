#include "cometapi/client.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "client_core.hpp"
#include "error_support.hpp"
#include "http/curl_transport.hpp"
#include "json/codec.hpp"

namespace cometapi {

using detail::Call;
using detail::CallKind;
using detail::ClientCore;
using detail::HttpResponse;

namespace detail {

namespace {

using detail::invalid_argument;

std::string printable(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", u);
  return buffer;
}

}  // namespace

std::optional<Error> validate_task_id(std::string_view task_id, const char* field) {
  if (task_id.empty()) return invalid_argument(std::string(field) + " is empty");
  if (task_id.size() > 64)
    return invalid_argument(std::string(field) + " is longer than 64 characters");
  for (std::size_t i = 0; i < task_id.size(); ++i) {
    const auto c = static_cast<unsigned char>(task_id[i]);
    if (!std::isalnum(c) && c != '-' && c != '_') {
      return invalid_argument(std::string(field) + " contains " + printable(task_id[i]) +
                              " at position " + std::to_string(i) +
                              "; ids are letters, digits, '-' and '_' only");
    }
  }
  return std::nullopt;
}

std::optional<Error> validate_data_uri(std::string_view text, const std::string& field) {
  constexpr std::string_view kMarker = ";base64,";
  if (text.rfind("data:", 0) != 0) {
    return invalid_argument(field + " is not a data URI (expected \"data:image/png;base64,...\")");
  }
  const auto marker = text.find(kMarker);
  if (marker == std::string_view::npos) {
    return invalid_argument(field + " is not a base64 data URI (missing \";base64,\")");
  }
  const std::string_view mime = text.substr(5, marker - 5);
  if (mime.empty() || mime.find('/') == std::string_view::npos) {
    return invalid_argument(field +
                            " has no media type (expected e.g. \"data:image/png;base64,\")");
  }
  for (char c : mime) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && std::string_view("/+-.;=_").find(c) == std::string_view::npos) {
      return invalid_argument(field + " has a character that cannot be in a media type");
    }
  }
  const std::string_view payload = text.substr(marker + kMarker.size());
  if (payload.empty()) return invalid_argument(field + " has an empty base64 payload");
  // Standard, padded base64 (RFC 4648 §4): what the service decodes.
  const std::size_t padding = payload.size() - payload.find_last_not_of('=') - 1;
  for (std::size_t i = 0; i < payload.size() - padding; ++i) {
    const auto c = static_cast<unsigned char>(payload[i]);
    if (!std::isalnum(c) && c != '+' && c != '/') {
      return invalid_argument(field + " has a character that is not base64 at payload offset " +
                              std::to_string(i));
    }
  }
  if (padding > 2 || payload.size() % 4 != 0) {
    return invalid_argument(field + " is not padded base64 (its length must be a multiple of 4)");
  }
  return std::nullopt;
}

}  // namespace detail

namespace {

using detail::invalid_argument;

bool blank(std::string_view text) {
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::optional<Error> validate_common(const std::optional<std::string>& notify_hook,
                                     const std::optional<std::string>& state) {
  if (notify_hook) {
    if (notify_hook->size() > 2000)
      return invalid_argument("notify_hook is longer than 2000 characters");
    if (!notify_hook->empty() && notify_hook->rfind("https://", 0) != 0 &&
        notify_hook->rfind("http://", 0) != 0) {
      return invalid_argument("notify_hook must be an http:// or https:// URL");
    }
  }
  if (state && state->size() > 255) return invalid_argument("state is longer than 255 characters");
  return std::nullopt;
}

std::optional<Error> validate_images(const std::vector<std::string>& images, const char* field) {
  for (std::size_t i = 0; i < images.size(); ++i) {
    auto error =
        detail::validate_data_uri(images[i], std::string(field) + "[" + std::to_string(i) + "]");
    if (error) return error;
  }
  return std::nullopt;
}

// An image that may be a URL or a data URI.
std::optional<Error> validate_image_ref(const std::string& image, const char* field) {
  if (image.rfind("data:", 0) == 0) return detail::validate_data_uri(image, field);
  if (image.rfind("https://", 0) == 0 || image.rfind("http://", 0) == 0) return std::nullopt;
  return invalid_argument(std::string(field) + " must be an http(s) URL or a data URI");
}

void fill(Error& error, const Call& call, const HttpResponse& response) {
  error.http_status = response.status;
  error.method = call.method;
  error.path = call.path;
  error.attempts = response.attempts;
  if (error.body.empty()) error.body = detail::body_excerpt(response.body);
}

}  // namespace

namespace {

// The curl transport for valid options; none for invalid ones, since every call then returns the
// options' error before it could send anything.
std::shared_ptr<detail::HttpTransport> curl_transport_for(const ClientOptions& options,
                                                          bool valid) {
  if (!valid) return nullptr;
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

}  // namespace

CometClient::CometClient(ClientOptions options) {
  std::optional<Error> problem = options.validate();
  auto transport = curl_transport_for(options, !problem);
  core_ = std::make_shared<ClientCore>(std::move(options), std::move(transport));
  core_->config_error = std::move(problem);
}

CometClient::CometClient(ClientOptions options, std::shared_ptr<detail::HttpTransport> transport)
    : core_(std::make_shared<ClientCore>(options, std::move(transport))) {
  core_->config_error = options.validate();
}

Result<CometClient> CometClient::create(ClientOptions options) {
  if (auto error = options.validate()) return *error;
  return CometClient(std::move(options));
}

Result<CometClient> CometClient::from_env() {
  auto options = ClientOptions::from_env();
  if (!options) return std::move(options).error();
  return create(std::move(options).value());
}

const ClientOptions& CometClient::options() const noexcept { return core_->sender.options(); }

namespace {

Result<SubmitResult> submit(const ClientCore& core, const std::string& path,
                            Result<std::string> body) {
  if (core.config_error) return *core.config_error;
  if (!body) return std::move(body).error();
  Call call;
  call.method = "POST";
  call.path = path;
  call.body = std::move(body).value();
  call.kind = CallKind::Submit;
  auto response = core.sender.send(call);
  if (!response) return std::move(response).error();
  auto decoded = detail::decode_submit(response->body);
  if (!decoded) {
    Error error = std::move(decoded).error();
    fill(error, call, *response);
    // The service said 2xx but we cannot read the id: the job may well exist.
    error.maybe_submitted = true;
    core.sender.redact(error);
    return error;
  }
  SubmitResult& result = *decoded;
  if (result.code == 1 || result.code == 21 || result.code == 22) {
    if (result.result.empty()) {
      Error error;
      error.kind = ErrorKind::ResponseInvalid;
      error.message = "submit accepted (code " + std::to_string(result.code) +
                      ") but the answer carries no task id";
      error.api_code = result.code;
      error.maybe_submitted = true;
      fill(error, call, *response);
      return error;
    }
    return decoded;
  }
  Error error;
  error.api_code = result.code;
  error.message = result.description;
  if (result.code == 24) {
    error.kind = ErrorKind::BannedPrompt;
    if (!result.properties.banned_word.empty()) {
      error.message += " (banned word: " + result.properties.banned_word + ")";
    }
  } else if (result.code == 23) {
    error.kind = ErrorKind::RateLimited;  // queue full: nothing was created, try later
  } else {
    error.kind = ErrorKind::ApiRefused;
  }
  if (error.message.empty())
    error.message = "submit refused with code " + std::to_string(result.code);
  fill(error, call, *response);
  core.sender.redact(error);
  return error;
}

template <class T, class Decode>
Result<T> read(const ClientCore& core, Call call, Decode decode) {
  if (core.config_error) return *core.config_error;
  auto response = core.sender.send(call);
  if (!response) return std::move(response).error();
  Result<T> decoded = decode(response->body);
  if (!decoded) {
    Error error = std::move(decoded).error();
    fill(error, call, *response);
    core.sender.redact(error);
    return error;
  }
  return decoded;
}

Call get(std::string path) {
  Call call;
  call.path = std::move(path);
  return call;
}

}  // namespace

Result<SubmitResult> CometClient::submit_imagine(const ImagineRequest& request) const {
  if (blank(request.prompt)) return invalid_argument("prompt is empty");
  if (auto e = validate_images(request.base64_array, "base64_array")) return *e;
  if (auto e = validate_common(request.notify_hook, request.state)) return *e;
  return submit(*core_, "/mj/submit/imagine", detail::encode(request));
}

Result<SubmitResult> CometClient::submit_action(const ActionRequest& request) const {
  if (auto e = detail::validate_task_id(request.task_id, "task_id")) return *e;
  if (blank(request.custom_id))
    return invalid_argument("custom_id is empty: take it from the task's buttons");
  if (auto e = validate_common(request.notify_hook, request.state)) return *e;
  return submit(*core_, "/mj/submit/action", detail::encode(request));
}

Result<SubmitResult> CometClient::submit_modal(const ModalRequest& request) const {
  if (auto e = detail::validate_task_id(request.task_id, "task_id")) return *e;
  if (request.mask_base64) {
    if (auto e = detail::validate_data_uri(*request.mask_base64, "mask_base64")) return *e;
  }
  if (auto e = validate_common(request.notify_hook, request.state)) return *e;
  return submit(*core_, "/mj/submit/modal", detail::encode(request));
}

Result<SubmitResult> CometClient::submit_blend(const BlendRequest& request) const {
  const auto count = request.base64_array.size();
  if (count < 2 || count > 5) {
    return invalid_argument("blend needs 2 to 5 images in base64_array, got " +
                            std::to_string(count));
  }
  if (auto e = validate_images(request.base64_array, "base64_array")) return *e;
  if (auto e = validate_common(request.notify_hook, request.state)) return *e;
  return submit(*core_, "/mj/submit/blend", detail::encode(request));
}

Result<SubmitResult> CometClient::submit_describe(const DescribeRequest& request) const {
  const bool has_image = request.base64.has_value() && !request.base64->empty();
  const bool has_link = request.link.has_value() && !request.link->empty();
  if (has_image == has_link)
    return invalid_argument("describe needs exactly one of base64 and link");
  if (has_image) {
    if (auto e = detail::validate_data_uri(*request.base64, "base64")) return *e;
  } else if (request.link->rfind("https://", 0) != 0 && request.link->rfind("http://", 0) != 0) {
    return invalid_argument("link must be an http:// or https:// URL");
  }
  if (auto e = validate_common(request.notify_hook, request.state)) return *e;
  return submit(*core_, "/mj/submit/describe", detail::encode(request));
}

Result<SubmitResult> CometClient::submit_shorten(const ShortenRequest& request) const {
  if (blank(request.prompt)) return invalid_argument("prompt is empty");
  if (auto e = validate_common(request.notify_hook, request.state)) return *e;
  return submit(*core_, "/mj/submit/shorten", detail::encode(request));
}

Result<SubmitResult> CometClient::submit_video(const VideoRequest& request) const {
  const bool extend =
      request.action && request.action->size() == 6 &&
      std::equal(request.action->begin(), request.action->end(), "extend",
                 [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  if (extend) {
    if (!request.task_id) return invalid_argument("video extend needs task_id");
    if (auto e = detail::validate_task_id(*request.task_id, "task_id")) return *e;
    if (!request.index) return invalid_argument("video extend needs index");
    if (*request.index < 0) return invalid_argument("video index must not be negative");
  } else {
    if (!request.image || request.image->empty()) {
      return invalid_argument("video needs image (or action \"extend\" with task_id and index)");
    }
  }
  if (request.image && !request.image->empty()) {
    if (auto e = validate_image_ref(*request.image, "image")) return *e;
  }
  if (request.end_image) {
    if (auto e = validate_image_ref(*request.end_image, "end_image")) return *e;
  }
  if (request.batch_size && *request.batch_size != 1 && *request.batch_size != 2 &&
      *request.batch_size != 4) {
    return invalid_argument("batch_size must be 1, 2 or 4");
  }
  if (auto e = validate_common(request.notify_hook, request.state)) return *e;
  return submit(*core_, "/mj/submit/video", detail::encode(request));
}

Result<SubmitResult> CometClient::submit_edits(const EditsRequest& request) const {
  if (blank(request.prompt)) return invalid_argument("prompt is empty");
  if (request.image.empty()) return invalid_argument("edits needs image");
  if (auto e = validate_image_ref(request.image, "image")) return *e;
  if (request.mask_base64) {
    if (auto e = detail::validate_data_uri(*request.mask_base64, "mask_base64")) return *e;
  }
  if (auto e = validate_common(request.notify_hook, request.state)) return *e;
  return submit(*core_, "/mj/submit/edits", detail::encode(request));
}

Result<SubmitResult> CometClient::swap_face(const SwapFaceRequest& request) const {
  if (request.source_base64.empty() || request.target_base64.empty()) {
    return invalid_argument("face swap needs both source_base64 and target_base64");
  }
  if (auto e = detail::validate_data_uri(request.source_base64, "source_base64")) return *e;
  if (auto e = detail::validate_data_uri(request.target_base64, "target_base64")) return *e;
  if (auto e = validate_common(request.notify_hook, request.state)) return *e;
  return submit(*core_, "/mj/insight-face/swap", detail::encode(request));
}

Result<std::vector<std::string>> CometClient::upload_images(
    const std::vector<std::string>& data_uris) const {
  if (data_uris.empty()) return invalid_argument("upload needs at least one image");
  if (auto e = validate_images(data_uris, "data_uris")) return *e;
  if (core_->config_error) return *core_->config_error;
  Call call;
  call.method = "POST";
  call.path = "/mj/submit/upload-discord-images";
  call.body = detail::encode_upload(data_uris);
  // An upload creates no job; retrying it can at worst upload twice, which costs nothing.
  call.kind = CallKind::Read;
  return read<std::vector<std::string>>(*core_, std::move(call), detail::decode_upload);
}

Result<Task> CometClient::fetch_task(std::string_view task_id) const {
  if (auto e = detail::validate_task_id(task_id)) return *e;
  return read<Task>(*core_, get("/mj/task/" + std::string(task_id) + "/fetch"),
                    detail::decode_task);
}

Result<std::vector<Task>> CometClient::list_tasks(const std::vector<std::string>& task_ids) const {
  for (const std::string& id : task_ids) {
    if (auto e = detail::validate_task_id(id)) return *e;
  }
  if (task_ids.empty()) return std::vector<Task>{};  // nothing to ask: no request
  Call call;
  call.method = "POST";
  call.path = "/mj/task/list-by-condition";
  call.body = detail::encode_ids(task_ids);
  return read<std::vector<Task>>(*core_, std::move(call), detail::decode_task_list);
}

Result<std::string> CometClient::image_seed(std::string_view task_id) const {
  if (auto e = detail::validate_task_id(task_id)) return *e;
  return read<std::string>(
      *core_, get("/mj/task/" + std::string(task_id) + "/image-seed"),
      [](std::string_view body) -> Result<std::string> {
        auto decoded = detail::decode_submit(body);
        if (!decoded) return std::move(decoded).error();
        if (decoded->code != 1 || decoded->result.empty()) {
          Error error;
          error.kind = decoded->code == 1 ? ErrorKind::ResponseInvalid : ErrorKind::ApiRefused;
          error.api_code = decoded->code;
          error.message =
              decoded->description.empty() ? "no seed in the answer" : decoded->description;
          return error;
        }
        return decoded->result;
      });
}

Result<std::string> CometClient::download(std::string_view url) const {
  if (core_->config_error) return *core_->config_error;
  const std::string text(url);
  const bool https = text.rfind("https://", 0) == 0;
  if (!https && text.rfind("http://", 0) != 0) {
    return invalid_argument("download URL must be http:// or https://");
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return invalid_argument("download URL contains whitespace or a control character");
    }
  }
  Call call;
  call.absolute_url = text;
  call.max_response_bytes = options().max_download_bytes;
  auto response = core_->sender.send(call);
  if (!response) return std::move(response).error();
  return std::move(response->body);
}

Result<Done> CometClient::download_to_file(std::string_view url, const std::string& path) const {
  if (path.empty()) return invalid_argument("download path is empty");
  auto bytes = download(url);
  if (!bytes) return std::move(bytes).error();
  // Write beside the target and rename: the rename is atomic, so readers see the old file or the
  // whole new one, and a failure leaves no partial file behind.
  std::string temporary = path + ".partXXXXXX";
  const int fd = mkstemp(temporary.data());
  if (fd < 0) {
    return invalid_argument("cannot create a temporary file beside '" + path +
                            "': " + std::strerror(errno));
  }
  ::fchmod(fd, 0644);  // mkstemp makes it 0600; an image is not a secret
  const std::string& data = *bytes;
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  const bool flushed = written == data.size() && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!flushed || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(flushed ? errno : saved_errno);
    std::remove(temporary.c_str());
    return invalid_argument("cannot write '" + path + "': " + reason);
  }
  return Done{};
}

}  // namespace cometapi
