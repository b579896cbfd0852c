#include "cometapi/clock.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace cometapi {

struct CancellationToken::State {
  std::atomic<bool> cancelled{false};
  std::mutex mutex;
  std::condition_variable wake;
  std::uint64_t next_id = 1;
  std::vector<std::pair<std::uint64_t, std::function<void()>>> callbacks;
  // cancel() runs the callbacks without the lock; remove_on_cancel() waits for that to finish so
  // that a removed callback never runs after removal returned.
  bool running_callbacks = false;
  std::condition_variable callbacks_done;
};

CancellationToken::CancellationToken() : state_(std::make_shared<State>()) {}

void CancellationToken::cancel() const {
  std::vector<std::pair<std::uint64_t, std::function<void()>>> callbacks;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->cancelled.exchange(true)) return;
    callbacks.swap(state_->callbacks);
    state_->running_callbacks = true;
  }
  state_->wake.notify_all();
  for (auto& entry : callbacks) entry.second();
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->running_callbacks = false;
  }
  state_->callbacks_done.notify_all();
}

bool CancellationToken::cancelled() const noexcept { return state_->cancelled.load(); }

bool CancellationToken::sleep_for(std::chrono::milliseconds duration) const {
  std::unique_lock<std::mutex> lock(state_->mutex);
  return state_->wake.wait_for(lock, duration, [this] { return state_->cancelled.load(); });
}

std::uint64_t CancellationToken::on_cancel(std::function<void()> callback) const {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (!state_->cancelled.load()) {
      const std::uint64_t id = state_->next_id++;
      state_->callbacks.emplace_back(id, std::move(callback));
      return id;
    }
  }
  callback();
  return 0;
}

void CancellationToken::remove_on_cancel(std::uint64_t id) const {
  std::unique_lock<std::mutex> lock(state_->mutex);
  auto& callbacks = state_->callbacks;
  for (auto it = callbacks.begin(); it != callbacks.end(); ++it) {
    if (it->first == id) {
      callbacks.erase(it);
      return;
    }
  }
  // Not registered any more: cancel() may be running it right now. Wait until it is done.
  state_->callbacks_done.wait(lock, [this] { return !state_->running_callbacks; });
}

namespace {

class SystemClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }

  bool sleep_until(time_point until, const CancellationToken* cancel) const override {
    if (cancel == nullptr) {
      std::this_thread::sleep_until(until);
      return true;
    }
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= left.zero()) return !cancel->cancelled();
    return !cancel->sleep_for(std::chrono::ceil<std::chrono::milliseconds>(left));
  }
};

}  // namespace

std::shared_ptr<const Clock> Clock::system() {
  static const auto clock = std::make_shared<const SystemClock>();
  return clock;
}

}  // namespace cometapi
