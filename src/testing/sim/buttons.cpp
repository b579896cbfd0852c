// Button sets and customId parsing, in the formats the upstream sends and the gateway reads.
#include <string>
#include <vector>

#include "sim/task.hpp"

namespace cometapi::testing::detail {
namespace {

std::vector<std::string> split(std::string_view text, std::string_view sep) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (true) {
    const std::size_t next = text.find(sep, pos);
    if (next == std::string_view::npos) {
      parts.emplace_back(text.substr(pos));
      return parts;
    }
    parts.emplace_back(text.substr(pos, next - pos));
    pos = next + sep.size();
  }
}

bool parse_int(const std::string& text, int& out) {
  if (text.empty() || text.size() > 9) return false;
  int value = 0;
  std::size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative || text[0] == '+') i = 1;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  out = negative ? -value : value;
  return true;
}

void add_upscaled_tail(std::vector<ButtonSpec>& out, const std::string& hash) {
  out.push_back({"MJ::JOB::low_variation::1::" + hash + "::SOLO", "🪄", "Vary (Subtle)"});
  out.push_back({"MJ::JOB::high_variation::1::" + hash + "::SOLO", "🪄", "Vary (Strong)"});
  out.push_back({"MJ::Inpaint::1::" + hash + "::SOLO", "🖌️", "Vary (Region)"});
  out.push_back({"MJ::Outpaint::50::1::" + hash + "::SOLO", "🔍", "Zoom Out 2x"});
  out.push_back({"MJ::Outpaint::75::1::" + hash + "::SOLO", "🔍", "Zoom Out 1.5x"});
  out.push_back({"MJ::CustomZoom::" + hash, "🔍", "Custom Zoom"});
  out.push_back({"MJ::JOB::pan_left::1::" + hash + "::SOLO", "⬅️", ""});
  out.push_back({"MJ::JOB::pan_right::1::" + hash + "::SOLO", "➡️", ""});
  out.push_back({"MJ::JOB::pan_up::1::" + hash + "::SOLO", "⬆️", ""});
  out.push_back({"MJ::JOB::pan_down::1::" + hash + "::SOLO", "⬇️", ""});
  // Real upscales carry a favourite button; the gateway's parser rejects it (unknown_action).
  out.push_back({"MJ::BOOKMARK::" + hash, "❤️", ""});
}

}  // namespace

std::vector<ButtonSpec> buttons_for(ResultKind kind, const std::string& hash) {
  std::vector<ButtonSpec> out;
  switch (kind) {
    case ResultKind::Grid:
      for (int i = 1; i <= 4; ++i) {
        out.push_back(
            {"MJ::JOB::upsample::" + std::to_string(i) + "::" + hash, "", "U" + std::to_string(i)});
      }
      out.push_back({"MJ::JOB::reroll::0::" + hash + "::SOLO", "🔄", ""});
      for (int i = 1; i <= 4; ++i) {
        out.push_back({"MJ::JOB::variation::" + std::to_string(i) + "::" + hash, "",
                       "V" + std::to_string(i)});
      }
      break;
    case ResultKind::Upscaled:
      out.push_back({"MJ::JOB::upsample_v7_2x_subtle::1::" + hash + "::SOLO", "upscale_1",
                     "Upscale (Subtle)"});
      out.push_back({"MJ::JOB::upsample_v7_2x_creative::1::" + hash + "::SOLO", "upscale_1",
                     "Upscale (Creative)"});
      add_upscaled_tail(out, hash);
      break;
    case ResultKind::UpscaledHd:
      add_upscaled_tail(out, hash);
      break;
    case ResultKind::Describe:
      // The gateway rejects all of these ; they are here so clients meet them.
      for (int i = 1; i <= 4; ++i) {
        out.push_back({"MJ::Job::PicReader::" + std::to_string(i), "", std::to_string(i)});
      }
      out.push_back({"MJ::Picread::Retry", "🔄", ""});
      out.push_back({"MJ::Job::PicReader::all", "🎉", "Imagine all"});
      break;
    case ResultKind::Shorten:
      for (int i = 1; i <= 5; ++i) {
        out.push_back({"MJ::Job::PromptAnalyzer::" + std::to_string(i), "", std::to_string(i)});
      }
      break;
    case ResultKind::Video:
      // Labelled U1-U4 like a grid's, but they upscale a video, not an image.
      for (int i = 1; i <= 4; ++i) {
        out.push_back({"MJ::JOB::video_virtual_upscale::" + std::to_string(i) + "::" + hash, "",
                       "U" + std::to_string(i)});
      }
      out.push_back({"MJ::JOB::animate_high_extend::1::" + hash, "🎞️", "Extend High"});
      out.push_back({"MJ::JOB::animate_low_extend::1::" + hash, "🎞️", "Extend Low"});
      break;
    case ResultKind::FaceSwap:
      break;
  }
  return out;
}

Json buttons_json(const std::vector<ButtonSpec>& buttons) {
  Json out = Json::array();
  for (const ButtonSpec& b : buttons) {
    out.push_back(Json{{"customId", b.custom_id},
                       {"emoji", b.emoji},
                       {"label", b.label},
                       {"type", 2},
                       {"style", b.style}});
  }
  return out;
}

ParsedCustomId parse_custom_id(std::string_view custom_id) {
  ParsedCustomId parsed;
  const std::vector<std::string> parts = split(custom_id, "::");
  // The gateway indexes the parts without checking their number: too few is a Go panic.
  if (parts.size() < 2 || (parts[1] == "JOB" && parts.size() < 3)) {
    parsed.error = "new_api_panic";
    return parsed;
  }
  if (parts[1] == "JOB") {
    parsed.verb = parts[2];
  } else {
    parsed.verb = parts[1];
  }
  const std::string& verb = parsed.verb;
  auto index_at = [&](std::size_t i) {
    if (parts.size() <= i) {
      parsed.error = "new_api_panic";
    } else if (!parse_int(parts[i], parsed.index)) {
      parsed.error = "index_parse_failed";
    }
  };
  if (verb.empty()) {
    parsed.error = "unknown_action";
  } else if (verb.find("upsample") != std::string::npos) {
    parsed.action = "UPSCALE";
    index_at(3);
  } else if (verb.find("variation") != std::string::npos) {
    parsed.index = 1;
    if (verb == "variation") {
      parsed.action = "VARIATION";
      index_at(3);
    } else if (verb == "low_variation") {
      parsed.action = "LOW_VARIATION";
    } else if (verb == "high_variation") {
      parsed.action = "HIGH_VARIATION";
    } else {
      // The gateway leaves the action empty here; the upstream then refuses. Treat as unknown.
      parsed.error = "unknown_action";
    }
  } else if (verb.find("pan") != std::string::npos) {
    parsed.action = "PAN";
    parsed.index = 1;
  } else if (verb.find("reroll") != std::string::npos) {
    parsed.action = "REROLL";
    parsed.index = 1;
  } else if (verb == "Outpaint") {
    parsed.action = "ZOOM";
    parsed.index = 1;
  } else if (verb == "CustomZoom") {
    parsed.action = "CUSTOM_ZOOM";
    parsed.index = 1;
  } else if (verb == "Inpaint") {
    parsed.action = "INPAINT";
    parsed.index = 1;
  } else {
    parsed.error = "unknown_action";
  }
  if (!parsed.error.empty()) parsed.action.clear();
  return parsed;
}

ResultKind result_kind_of_action(const ParsedCustomId& parsed) {
  if (parsed.action == "UPSCALE") {
    return parsed.verb == "upsample" ? ResultKind::Upscaled : ResultKind::UpscaledHd;
  }
  return ResultKind::Grid;
}

}  // namespace cometapi::testing::detail
