// Press a button on a finished Midjourney task.
//
//   export COMETAPI_KEY=sk-...            # your CometAPI key
//   ./submit_action 1773314942177684 U1   # task id and button label ("U1", "V3", "🔄", ...)
//
// Prints the new task's id, or the error in one line (exit code 1).
#include <cometapi/cometapi.hpp>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " TASK_ID BUTTON\n";
    return 2;
  }
  // COMETAPI_KEY is required; COMETAPI_BASE_URL optionally points elsewhere (e.g. a simulator).
  auto client = cometapi::CometClient::from_env();
  if (!client) {
    std::cerr << client.error().to_string() << "\n";
    return 1;
  }

  // The customId changes between fetches: always read it from the task's latest buttons.
  cometapi::TaskPoller poller(*client);
  auto custom_id = poller.current_custom_id(argv[1], argv[2]);
  if (!custom_id) {
    std::cerr << custom_id.error().to_string() << "\n";
    return 1;
  }

  cometapi::ActionRequest request;
  request.task_id = argv[1];
  request.custom_id = *custom_id;
  auto submitted = client->submit_action(request);
  if (!submitted) {
    std::cerr << submitted.error().to_string() << "\n";
    return 1;
  }
  // Code 21 means the action opened a modal (Vary Region, Custom Zoom): continue with submit_modal.
  std::cout << submitted->result << "\n";
  return 0;
}
