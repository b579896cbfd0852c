// Scripting (prompt rules, forced ends, banned words, remix) and the counters tests read.
#include "sim/simulation.hpp"

namespace cometapi::testing::detail {

void Simulation::fail_prompt(std::string substring, std::string reason) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_rules_.emplace_back(lower(substring), std::move(reason));
}

void Simulation::stall_prompt(std::string substring, StallAt at) {
  std::lock_guard<std::mutex> lock(mu_);
  stall_rules_.emplace_back(lower(substring), at);
}

void Simulation::ban_word(std::string word) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!word.empty()) banned_words_.push_back(lower(word));
}

bool Simulation::force_end(std::string_view task_id, std::string status, std::string reason) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::int64_t now = now_locked();
  settle(now);
  SimTask* t = find_any(std::string(task_id));
  if (t == nullptr) return false;
  const std::string current = view(*t, now).status;
  if (current == "SUCCESS" || current == "FAILURE" || current == "CANCEL") return false;
  t->forced_end_ms = now;
  t->forced_status = std::move(status);
  t->forced_reason = std::move(reason);
  settle(now);  // its slot is free now
  return true;
}

bool Simulation::fail_task(std::string_view task_id, std::string reason) {
  return force_end(task_id, "FAILURE", std::move(reason));
}

bool Simulation::cancel_task(std::string_view task_id) {
  // trueai's cancel marks the task failed rather than cancelled.
  if (options_.flavour == Flavour::Trueai) return force_end(task_id, "FAILURE", "取消任务");
  return force_end(task_id, "CANCEL", "");
}

void Simulation::set_remix(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  remix_ = on;
}

int Simulation::submits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return submits_;
}

int Simulation::submits_with_state(std::string_view state) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = submits_by_state_.find(std::string(state));
  return it == submits_by_state_.end() ? 0 : it->second;
}

std::map<std::string, int> Simulation::submits_by_state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return submits_by_state_;
}

int Simulation::tasks_created() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tasks_created_;
}

void Simulation::reset_counters() {
  std::lock_guard<std::mutex> lock(mu_);
  submits_ = 0;
  tasks_created_ = 0;
  submits_by_state_.clear();
}

std::optional<TaskInfo> Simulation::task(std::string_view task_id) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::int64_t now = now_locked();
  settle(now);
  const auto it = index_.find(std::string(task_id));
  if (it == index_.end()) return std::nullopt;
  return info(tasks_[it->second], now);
}

std::vector<TaskInfo> Simulation::tasks() {
  std::lock_guard<std::mutex> lock(mu_);
  const std::int64_t now = now_locked();
  settle(now);
  std::vector<TaskInfo> out;
  out.reserve(tasks_.size());
  for (const SimTask& t : tasks_) out.push_back(info(t, now));
  return out;
}

}  // namespace cometapi::testing::detail
