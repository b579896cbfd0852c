/// \file
/// Time and cancellation: CancellationToken, the injectable Clock, and CallOptions, the optional
/// last argument of every call.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace cometapi {

/// Lets one thread cancel work running in another: a wait, a retry's backoff, an HTTP transfer in
/// flight. Copies share one state. Thread-safe.
class CancellationToken {
 public:
  /// A token that is not cancelled, with a state of its own.
  CancellationToken();
  /// Requests cancellation; wakes every sleep on this token and runs the on_cancel() callbacks.
  void cancel() const;
  /// True once cancel() was called on this token or a copy of it.
  bool cancelled() const noexcept;
  /// Sleeps up to `duration` of real time; returns early (true) when cancelled.
  bool sleep_for(std::chrono::milliseconds duration) const;
  /// Registers `callback` to run once, on the cancelling thread, when cancel() is called (at once
  /// when already cancelled). For a Clock whose sleeps wait on something else. Returns an id for
  /// remove_on_cancel().
  std::uint64_t on_cancel(std::function<void()> callback) const;
  /// Unregisters a callback; after it returns the callback no longer runs.
  void remove_on_cancel(std::uint64_t id) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

/// The one source of time for the whole SDK: the retry backoff, TaskPoller's waits and
/// TaskWatcher's cycles all read now() and sleep through it. Inject one through
/// ClientOptions::clock so that tests never sleep for real. Implementations must be thread-safe,
/// and a sleep must return as soon as its token (when given) is cancelled.
class Clock {
 public:
  /// A point on the clock's monotonic time line.
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  /// The current time.
  virtual time_point now() const = 0;
  /// Sleeps until `until` (returns at once when it has passed). Returns false when `cancel` (may
  /// be null) was cancelled before or during the sleep, true otherwise.
  virtual bool sleep_until(time_point until, const CancellationToken* cancel) const = 0;

  /// std::chrono::steady_clock and real, interruptible sleeps. Shared; never null.
  static std::shared_ptr<const Clock> system();
};

/// Per-call choices, the optional last argument of every CometClient method (TaskPoller and
/// TaskWatcher pass theirs down). Value type.
struct CallOptions {
  /// Cancels the call: a retry's backoff sleep is cut short and a transfer in flight is aborted.
  /// The call then fails with Cancelled (maybe_submitted set when a submit may have arrived).
  std::optional<CancellationToken> cancel;
  /// The latest time (on the client's Clock) the call may still be running, retries included.
  /// Past it the call fails with DeadlineExceeded; each attempt's timeout is shortened to fit.
  std::optional<Clock::time_point> deadline;
};

}  // namespace cometapi
