// Consumer smoke test (find_package with COMPONENTS jobs): records a job in a journal file with
// the installed library, reads it back, and starts and stops a JobRunner over it. Nothing is sent:
// the runner is given no job.
#include <cometapi/jobs.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

int main() {
  const std::string path = "consumer-jobs.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  auto store = cometapi::JobStore::open(path);
  if (!store) {
    std::cerr << store.error().to_string() << '\n';
    return 1;
  }
  std::vector<cometapi::Job> jobs(1);
  jobs[0].spec.prompt = "a red fox";
  jobs[0].steps.emplace_back();
  if (auto added = (*store)->add(jobs); !added) {
    std::cerr << added.error().to_string() << '\n';
    return 1;
  }
  auto listed = (*store)->list();
  if (!listed || listed->size() != 1 || listed->front().spec.prompt != "a red fox") {
    std::cerr << "the journal does not give the job back\n";
    return 1;
  }
  cometapi::ClientOptions options;
  options.api_key = "sk-consumer";
  cometapi::JobRunner runner(cometapi::CometClient(options), *store);
  runner.stop();
  std::cout << "jobs: job " << listed->front().id << " recorded and read back\n";
  return 0;
}
