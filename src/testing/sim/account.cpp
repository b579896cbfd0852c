// The upstream account behind each key: `concurrency` jobs run at once, up to `queue_size` more
// wait in order, and beyond that a submit is refused. Time only moves forward, so the queue is
// settled lazily: before each request, every queued job whose slot has freed by now is started at
// the instant it freed.
#include <algorithm>
#include <limits>

#include "sim/simulation.hpp"

namespace cometapi::testing::detail {

void Simulation::settle(std::int64_t now) {
  for (auto& [key, account] : accounts_) settle_account(account, now);
}

void Simulation::settle_account(Account& account, std::int64_t now) {
  const auto slots = static_cast<std::size_t>(options_.concurrency);
  // A queued job failed or cancelled by the script leaves the queue at once.
  account.queue.erase(std::remove_if(account.queue.begin(), account.queue.end(),
                                     [&](std::size_t i) {
                                       const SimTask& t = tasks_[i];
                                       return t.forced_end_ms && *t.forced_end_ms <= now;
                                     }),
                      account.queue.end());
  while (!account.queue.empty()) {
    SimTask& next = tasks_[account.queue.front()];
    // The running jobs' ends after it joined the queue, soonest first: it starts when no more
    // than slots - 1 of them are left.
    std::vector<std::int64_t> ends;
    for (std::size_t i : account.running) {
      const std::int64_t end = end_ms(tasks_[i]);
      if (end > next.enqueued_ms) ends.push_back(end);
    }
    std::sort(ends.begin(), ends.end());
    std::int64_t start = next.enqueued_ms;
    if (ends.size() >= slots) start = std::max(start, ends[ends.size() - slots]);
    if (start > now) break;
    const std::int64_t gave_up = std::min(next.forced_end_ms.value_or(start + 1),
                                          next.submit_ms + std::int64_t{3600 * 1000});
    account.queue.pop_front();
    if (gave_up <= start) continue;  // failed, cancelled or timed out while it waited
    next.started = true;
    next.run_from_ms = start;
    account.running.push_back(index_of(next));
  }
  account.running.erase(std::remove_if(account.running.begin(), account.running.end(),
                                       [&](std::size_t i) { return end_ms(tasks_[i]) <= now; }),
                        account.running.end());
}

Simulation::Admission Simulation::admit(const std::string& key, std::int64_t now) {
  Account& account = accounts_[key];
  settle_account(account, now);
  if (account.queue.empty() &&
      account.running.size() < static_cast<std::size_t>(options_.concurrency)) {
    return Admission::Run;
  }
  if (account.queue.size() < static_cast<std::size_t>(options_.queue_size)) {
    return Admission::Queue;
  }
  return Admission::Full;
}

void Simulation::place(SimTask& task, std::size_t index, Admission admission, std::int64_t now) {
  Account& account = accounts_[task.key];
  task.enqueued_ms = now;
  if (admission == Admission::Run) {
    task.started = true;
    task.run_from_ms = now;
    account.running.push_back(index);
    return;
  }
  task.started = false;
  account.queue.push_back(index);
  task.queued_ahead = static_cast<int>(account.queue.size());
}

}  // namespace cometapi::testing::detail
