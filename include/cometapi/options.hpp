/// \file
/// Configuration: ClientOptions, RetryOptions, WaitOptions.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cometapi/clock.hpp"
#include "cometapi/result.hpp"

namespace cometapi {

struct Task;

/// Speed mode, chosen by path prefix: Default `/mj`, Fast `/mj-fast/mj`, Relax `/mj-relax/mj`,
/// Turbo `/mj-turbo/mj`.
enum class Mode { Default, Fast, Relax, Turbo };

/// \var cometapi::Mode::Default
/// Plain `/mj/...`: the gateway's default speed (fast, as far as is known).
/// \var cometapi::Mode::Fast
/// `/mj-fast/mj/...`
/// \var cometapi::Mode::Relax
/// `/mj-relax/mj/...`
/// \var cometapi::Mode::Turbo
/// `/mj-turbo/mj/...`

/// How failed HTTP calls are retried (see docs/retries.md). Value type.
struct RetryOptions {
  /// Retries after the first attempt; 0 disables retrying.
  int max_retries = 2;
  /// Backoff before retry n (0-based): min(initial_backoff * 2^n, max_backoff) * (1 - 0.25 * U).
  std::chrono::milliseconds initial_backoff{500};
  /// Cap on the computed backoff.
  std::chrono::milliseconds max_backoff{8000};
  /// A server's `retry-after-ms` / `Retry-After` is honoured when it is at most this long;
  /// a longer one falls back to the computed backoff.
  std::chrono::milliseconds max_retry_after{60000};
  /// Submits (`/mj/submit/*`, face swap) cost money. By default they are retried only when the
  /// request provably never reached the service (DNS, connect or TLS failure, HTTP 429). Set this
  /// to also retry after a timeout, a dropped connection or a 5xx, accepting that the job may be
  /// created twice.
  bool retry_ambiguous_submits = false;
};

class HttpTransport;

/// Everything a CometClient needs. Value type; copy freely.
struct ClientOptions {
  /// The CometAPI key, sent as `Authorization: Bearer <key>`. Never logged or put into an Error.
  std::string api_key;
  /// Scheme, host, optional port and optional path prefix (for a gateway behind a reverse proxy),
  /// without /mj: the SDK adds it. Plain http:// is accepted only for a
  /// loopback host unless allow_insecure_http is set.
  std::string base_url = "https://api.cometapi.com";
  /// Speed mode: the path prefix of every call except download().
  Mode mode = Mode::Default;
  /// Time allowed to connect (DNS, TCP and TLS) for one HTTP attempt.
  std::chrono::milliseconds connect_timeout{5000};
  /// Total time for one HTTP attempt.
  std::chrono::milliseconds request_timeout{60000};
  /// Abort an attempt whose transfer stays below low_speed_bytes per second for low_speed_time.
  std::chrono::milliseconds low_speed_time{30000};
  /// See low_speed_time.
  long low_speed_bytes = 1;
  /// Largest JSON answer accepted (bytes); a larger one fails with ResponseInvalid.
  std::size_t max_response_bytes = 16u << 20;
  /// Largest download accepted by download() (bytes).
  std::size_t max_download_bytes = 64u << 20;
  /// Largest image accepted in a request (bytes after base64 decoding), checked before anything
  /// is sent: each data URI of imagine, blend, describe, video, edits, face swap, upload and the
  /// modal's mask. The service takes about 10 MiB.
  std::size_t max_image_bytes = 10u << 20;
  /// How failed calls are retried (see RetryOptions and docs/retries.md).
  RetryOptions retry;
  /// Unset: follow the environment (http_proxy, https_proxy, no_proxy). Empty: no proxy at all.
  std::optional<std::string> proxy;
  /// A CA bundle to verify the server with; empty uses the system's.
  std::string ca_file;
  /// Appended to the User-Agent, e.g. "myapp/1.2".
  std::string user_agent_suffix;
  /// Allow plain http:// to a host that is not loopback. The key then travels in clear text.
  bool allow_insecure_http = false;
  /// Receives one line per HTTP attempt, answer and retry decision (method, URL, status, timing),
  /// and, with trace_wire, curl's own trace of the headers sent and received. The API key is
  /// replaced by "[REDACTED]" in every line. Called from the calling thread; must be thread-safe
  /// when the client is shared.
  std::function<void(std::string_view line)> trace;
  /// Adds curl's wire-level trace (connection events and header lines, never bodies) to `trace`.
  bool trace_wire = false;
  /// Turns TLS peer and host verification off. Only for debugging against a test server with a
  /// self-signed certificate: anyone on the path can then read the key.
  bool dangerous_disable_tls_verification = false;
  /// The HTTP transport to send through; empty means the built-in libcurl one. See http.hpp for
  /// the contract (above all: never re-send a request on its own).
  std::shared_ptr<HttpTransport> transport;
  /// The one clock of the SDK (backoff sleeps, waits, watcher cycles); empty means
  /// Clock::system(). Tests inject a fake one so that nothing sleeps for real.
  std::shared_ptr<const Clock> clock;

  /// Reads COMETAPI_KEY (required) and COMETAPI_BASE_URL (optional). Fails with InvalidArgument
  /// naming COMETAPI_KEY when it is unset or empty, or when either value is malformed.
  static Result<ClientOptions> from_env();

  /// Checks the options without sending anything: the key is non-empty and free of control
  /// characters, the base URL is http(s)://host[:port] and not insecure, timeouts are positive.
  /// Returns the first problem as an InvalidArgument Error, or std::nullopt.
  std::optional<Error> validate() const;
};

/// When TaskPoller and TaskWatcher poll (see docs/waiting.md, "The learned schedule").
enum class PollSchedule {
  /// Learn when the gateway's bulk passes happen from what the client's waits see change (across
  /// every TaskPoller and TaskWatcher of one client and its copies) and poll just after each
  /// expected pass; the configured intervals are used until the passes are known and whenever they
  /// stop fitting. Never sleeps longer than the configured cap (WaitOptions::max_interval,
  /// WatchOptions::max_interval).
  Learned,
  /// Only the configured intervals: TaskPoller's first_poll growing by backoff_factor up to
  /// max_interval, TaskWatcher's fixed interval (the schedule of SDK 0.2).
  Intervals,
};

/// How TaskPoller waits for a task. Value type. The defaults suit the real service, which syncs
/// from Midjourney about every 15 s: polling faster than every few seconds only costs requests.
struct WaitOptions {
  std::chrono::milliseconds first_poll{2000};         ///< Delay before the first fetch.
  double backoff_factor = 1.5;                        ///< Each interval is the last one times this.
  std::chrono::milliseconds max_interval{15000};      ///< Cap on the interval.
  std::chrono::milliseconds timeout{15 * 60 * 1000};  ///< Total deadline for the wait.
  std::chrono::milliseconds stall_timeout{5 * 60 * 1000};  ///< No change in status or progress
                                                           ///< for this long fails with Stalled.
  /// Called after every fetch that returned the task (from the waiting thread).
  std::function<void(const Task&)> on_progress;
  /// Called when a poll failed with an error a later poll may not see (the service unreachable,
  /// a 5xx, a 429 ...) and the wait goes on: the error and the number of polls failed in a row.
  std::function<void(const Error& error, int failures_in_a_row)> on_retry;
  /// Cancels the wait: its sleeps and the HTTP call in flight end at once, with Cancelled.
  std::optional<CancellationToken> cancel;
  /// Whether MODAL ends the wait (the task then waits for submit_modal). Set false when waiting
  /// after your own submit_modal: the gateway keeps showing MODAL for a while after it, and only
  /// SUCCESS or a failure is the end. TaskPoller's modal flows do this themselves.
  bool modal_ends_wait = true;
  /// Learned (the default) or only the intervals above. The stall guard, deadline, cancellation
  /// and on_retry behave the same under both.
  PollSchedule schedule = PollSchedule::Learned;
};

}  // namespace cometapi
