// Fuzzes parse_custom_id (the customId formats of docs/service-notes.md) and the button helpers
// that rely on it: button_name, find_button by name and by kind, find_pan, available_actions.
//
// Invariants: nothing throws; Upscale/Variation have index 1..4; a Pan has a direction and nothing
// else has one; ZoomOut has a finite factor in (1, 100] and nothing else has one; Unknown has no
// hash; a hash is one `::` part of the input; well-known prefixes parse to their kind; a button
// carrying the customId can be found again by its derived name and by its kind.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

namespace {

using cometapi::Button;
using cometapi::ButtonAction;
using cometapi::ButtonKind;
using cometapi::Task;
namespace fuzz = cometapi::fuzz;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Prefixes whose kind does not depend on what follows.
void check_known_prefixes(std::string_view id, const ButtonAction& action) {
  if (!starts_with(id, "MJ::")) FUZZ_CHECK(action.kind == ButtonKind::Unknown);
  if (starts_with(id, "MJ::CustomZoom::")) FUZZ_CHECK(action.kind == ButtonKind::CustomZoom);
  if (starts_with(id, "MJ::Inpaint::")) FUZZ_CHECK(action.kind == ButtonKind::VaryRegion);
  if (starts_with(id, "MJ::JOB::reroll::")) FUZZ_CHECK(action.kind == ButtonKind::Reroll);
  if (starts_with(id, "MJ::JOB::low_variation::")) {
    FUZZ_CHECK(action.kind == ButtonKind::VarySubtle);
  }
  if (starts_with(id, "MJ::JOB::high_variation::")) {
    FUZZ_CHECK(action.kind == ButtonKind::VaryStrong);
  }
  if (starts_with(id, "MJ::JOB::animate")) FUZZ_CHECK(action.kind == ButtonKind::Animate);
  for (std::string_view where : {"left", "right", "up", "down"}) {
    if (starts_with(id, "MJ::JOB::pan_" + std::string(where) + "::")) {
      FUZZ_CHECK(action.kind == ButtonKind::Pan);
    }
  }
  for (char digit : {'1', '2', '3', '4'}) {
    for (std::string_view verb : {"upsample", "variation"}) {
      const std::string prefix = "MJ::JOB::" + std::string(verb) + "::" + digit + "::";
      if (starts_with(id, prefix)) {
        FUZZ_CHECK(action.kind ==
                   (verb == "upsample" ? ButtonKind::Upscale : ButtonKind::Variation));
        FUZZ_CHECK(action.index == digit - '0');
      }
    }
  }
  if (starts_with(id, "MJ::Outpaint::50::")) FUZZ_CHECK(action.zoom_factor == 2.0);
  if (starts_with(id, "MJ::Outpaint::75::")) FUZZ_CHECK(action.zoom_factor == 1.5);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view id = fuzz::as_text(data, size);
  fuzz::no_throw([&] {
    const ButtonAction action = cometapi::parse_custom_id(id);
    fuzz::check_button_action(id, action);
    check_known_prefixes(id, action);

    // Deterministic: the same customId always means the same thing.
    const ButtonAction again = cometapi::parse_custom_id(id);
    FUZZ_CHECK(again.kind == action.kind && again.index == action.index &&
               again.hash == action.hash && again.direction == action.direction);

    // A grid as the service sends it: unlabelled buttons next to a labelled one, the fuzzed one
    // last so that the lookups have to get past the others.
    Task task;
    task.id = "1730000000000001";
    task.buttons.push_back({"MJ::JOB::upsample::1::8f3c", "", "U1", 2, 2});
    task.buttons.push_back({"MJ::JOB::reroll::0::8f3c::SOLO", "\xF0\x9F\x94\x84", "", 2, 2});
    task.buttons.push_back({std::string(id), "", "", 2, 2});
    const Button& fuzzed = task.buttons.back();
    const std::string name = cometapi::button_name(fuzzed);
    if (action.kind == ButtonKind::Unknown) {
      FUZZ_CHECK(name.empty());
    } else {
      FUZZ_CHECK(!name.empty());
      FUZZ_CHECK(cometapi::find_button(task, name).has_value());
    }
    fuzz::check_task(task);
  });
  return 0;
}
