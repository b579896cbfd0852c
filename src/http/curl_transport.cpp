#include "http/curl_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/redact.hpp"

namespace cometapi::detail {

std::string curl_global_init_error() {
  // A function-local static runs once, thread-safely. curl_global_cleanup is deliberately never
  // called: other code in the process may still use curl when our objects die.
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code == CURLE_OK) return {};
  return std::string("curl_global_init failed: ") + curl_easy_strerror(code);
}

std::string curl_version_token() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  return std::string("libcurl/") + (info && info->version ? info->version : "unknown");
}

namespace {

// An easy handle and the multi handle it runs in. The multi handle owns the connection cache, so
// pairing them keeps connections alive between calls while letting a transfer be aborted at once
// (curl_multi_poll wakes on cancel).
struct Handle {
  CURL* curl = nullptr;
  CURLM* multi = nullptr;
  bool configured = false;  // the options that never change are set once per handle
  // The request headers of the last call and their curl list: consecutive calls of one kind
  // (every poll, say) send the same headers, so the list is built again only when they change.
  std::vector<std::pair<std::string, std::string>> header_fields;
  curl_slist* header_list = nullptr;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

struct Transfer {
  HttpResponse* response;
  std::size_t limit;
  bool too_large = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer->response->body.size() + bytes > transfer->limit) {
    transfer->too_large = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  transfer->response->body.append(data, bytes);
  return bytes;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (redirect, 100-continue): only the last response's headers count.
    transfer->response->headers.clear();
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t\r\n");
  value =
      first == std::string_view::npos ? std::string_view() : value.substr(first, last - first + 1);
  transfer->response->headers.emplace_back(std::move(name), std::string(value));
  return bytes;
}

int debug_callback(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  // Bodies are never traced: they can hold images and prompts. Headers and curl's notes are.
  if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT) return 0;
  const auto* settings = static_cast<const CurlSettings*>(user);
  const char* prefix = type == CURLINFO_HEADER_OUT  ? "> "
                       : type == CURLINFO_HEADER_IN ? "< "
                                                    : "* ";
  std::string_view chunk(data, size);
  while (!chunk.empty()) {
    const auto end = chunk.find('\n');
    std::string line(chunk.substr(0, end));
    chunk = end == std::string_view::npos ? std::string_view() : chunk.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    if (line.empty()) continue;
    settings->wire_trace(redact_secret(prefix + line, settings->secret));
  }
  return 0;
}

TransportFailure classify(CURLcode code, long request_size) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return TransportFailure::NotSent;
    case CURLE_OPERATION_TIMEDOUT:
      // A timeout while connecting sent nothing; one after the request went out is ambiguous.
      return request_size > 0 ? TransportFailure::Timeout : TransportFailure::NotSent;
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
      return request_size > 0 ? TransportFailure::Dropped : TransportFailure::NotSent;
    default:
      return TransportFailure::Other;
  }
}

// Runs the transfer to its end, or until `cancel` is cancelled (a cancel wakes the poll at once).
CURLcode perform(Handle& handle, const CancellationToken* cancel, bool& cancelled) {
  CURLM* multi = handle.multi;
  if (curl_multi_add_handle(multi, handle.curl) != CURLM_OK) return CURLE_FAILED_INIT;
  std::uint64_t wake = 0;
  if (cancel) wake = cancel->on_cancel([multi] { curl_multi_wakeup(multi); });
  CURLcode code = CURLE_OK;
  int running = 1;
  while (true) {
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
      code = CURLE_FAILED_INIT;
      break;
    }
    if (running == 0) break;
    if (cancel && cancel->cancelled()) {
      cancelled = true;
      break;
    }
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  if (cancel) cancel->remove_on_cancel(wake);
  if (!cancelled) {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
      if (message->msg == CURLMSG_DONE) code = message->data.result;
    }
  }
  curl_multi_remove_handle(multi, handle.curl);
  return code;
}

}  // namespace

struct CurlTransport::Pool {
  std::mutex mutex;
  std::vector<Handle*> idle;
  std::atomic<std::size_t> created{0};

  ~Pool() {
    for (Handle* handle : idle) {
      curl_multi_cleanup(handle->multi);
      curl_easy_cleanup(handle->curl);  // before the header list it may still point to
      curl_slist_free_all(handle->header_list);
      delete handle;
    }
  }

  Handle* acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        Handle* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    auto* handle = new Handle;
    handle->curl = curl_easy_init();
    handle->multi = handle->curl ? curl_multi_init() : nullptr;
    if (!handle->multi) {
      if (handle->curl) curl_easy_cleanup(handle->curl);
      delete handle;
      return nullptr;
    }
    created.fetch_add(1, std::memory_order_relaxed);
    return handle;
  }

  void release(Handle* handle) {
    std::lock_guard<std::mutex> lock(mutex);
    idle.push_back(handle);
  }
};

CurlTransport::CurlTransport(CurlSettings settings)
    : settings_(std::move(settings)), pool_(std::make_unique<Pool>()) {}

CurlTransport::~CurlTransport() = default;

std::size_t CurlTransport::handles_created() const {
  return pool_->created.load(std::memory_order_relaxed);
}

TransportResult CurlTransport::send(const HttpRequest& request) {
  TransportResult result;
  if (std::string problem = curl_global_init_error(); !problem.empty()) {
    result.error = {TransportFailure::NotSent, std::move(problem), false};
    return result;
  }
  if (request.cancel && request.cancel->cancelled()) {
    result.error = {TransportFailure::Cancelled, "cancelled before the request was sent", false};
    return result;
  }
  Handle* handle = pool_->acquire();
  if (!handle) {
    result.error = {TransportFailure::NotSent, "curl_easy_init failed"};
    return result;
  }
  CURL* curl = handle->curl;
  handle->error_buffer[0] = '\0';

  HttpResponse response;
  Transfer transfer{&response, request.max_response_bytes};

  if (handle->header_list == nullptr || handle->header_fields != request.headers) {
    curl_slist_free_all(handle->header_list);
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    // curl adds "Expect: 100-continue" to larger POSTs: a round trip for nothing here.
    headers = curl_slist_append(headers, "Expect:");
    handle->header_list = headers;
    handle->header_fields = request.headers;
  }
  curl_slist* headers = handle->header_list;

  if (!handle->configured) {
    // Set once: what is the same for every call of this transport. The handle is never reset,
    // so its connections, DNS cache and TLS sessions stay alive between calls.
#if LIBCURL_VERSION_NUM >= 0x075500  // the _STR options are 7.85; the bitmasks, deprecated since
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS,
                     static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, handle->error_buffer);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(settings_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, settings_.low_speed_bytes);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                     std::max(1L, static_cast<long>(settings_.low_speed_time.count() / 1000)));
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, settings_.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, settings_.verify_tls ? 2L : 0L);
    if (!settings_.ca_file.empty()) {
      curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.ca_file.c_str());
    }
    // Unset: curl reads the proxy environment variables itself. Empty string: no proxy at all.
    if (settings_.proxy) curl_easy_setopt(curl, CURLOPT_PROXY, settings_.proxy->c_str());
    if (settings_.wire_trace) {
      curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, debug_callback);
      curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &settings_);
      curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
    }
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
    handle->configured = true;
  }
  // Per call: everything that differs between calls is set every time, never left over.
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, request.fresh_connection ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  // The attempt's own timeout, shortened to what the call's deadline leaves.
  auto timeout = settings_.request_timeout;
  if (request.time_left)
    timeout = std::max(std::chrono::milliseconds(1), std::min(timeout, *request.time_left));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST,
                     request.method == "GET" ? nullptr : request.method.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);

  bool cancelled = false;
  const CURLcode code = perform(*handle, request.cancel, cancelled);
  if (cancelled) {
    long request_size = 0;
    curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_size);
    result.error = {TransportFailure::Cancelled, "cancelled during the transfer", request_size > 0};
  } else if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    result.response = std::move(response);
  } else if (transfer.too_large) {
    result.error = {
        TransportFailure::TooLarge,
        "response larger than " + std::to_string(request.max_response_bytes) + " bytes"};
  } else {
    long request_size = 0;
    curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_size);
    std::string message = handle->error_buffer[0] ? handle->error_buffer : curl_easy_strerror(code);
    result.error = {classify(code, request_size), std::move(message), request_size > 0};
  }
  // Drop references to this call's buffers before the handle goes back to the pool.
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, nullptr);
  pool_->release(handle);
  return result;
}

}  // namespace cometapi::detail
