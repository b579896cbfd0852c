// `cometmj batch FILE`: reads the file, records every job in the journal, runs them.
#include "batch.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "batch_display.hpp"
#include "output.hpp"

namespace cometmj {

namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

bool is_remote(const std::string& image) {
  return image.rfind("http://", 0) == 0 || image.rfind("https://", 0) == 0 ||
         image.rfind("data:", 0) == 0;
}

}  // namespace

std::string default_journal_path() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  std::string base;
  if (xdg != nullptr && *xdg != '\0') {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    base = std::string(home != nullptr ? home : ".") + "/.local/share";
  }
  return base + "/cometmj/journal.db";
}

std::vector<std::string> parse_then(const std::string& text) {
  const std::string t = trim(text);
  if (t.empty() || t == "none") return {};
  if (t == "all") return {"U1", "U2", "U3", "U4"};
  std::vector<std::string> buttons;
  std::stringstream in(t);
  for (std::string item; std::getline(in, item, ',');) {
    if (!trim(item).empty()) buttons.push_back(trim(item));
  }
  return buttons;
}

bool parse_batch(const std::string& text, const BatchArgs& defaults,
                 std::vector<cometapi::JobSpec>& specs, std::string& error) {
  std::stringstream in(text);
  int number = 0;
  for (std::string raw; std::getline(in, raw);) {
    ++number;
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    cometapi::JobSpec spec;
    spec.then = parse_then(defaults.then);
    spec.out_dir = defaults.out;
    spec.label = "line " + std::to_string(number);
    const std::string where = "line " + std::to_string(number) + ": ";
    if (line[0] != '{') {
      spec.prompt = line;
      specs.push_back(std::move(spec));
      continue;
    }
    const Json j = Json::parse(line, nullptr, false);
    if (!j.is_object()) {
      error = where + "not a JSON object";
      return false;
    }
    try {
      spec.prompt = j.value("prompt", "");
      const std::string kind = j.value("kind", "imagine");
      const auto parsed = cometapi::parse_job_kind(kind);
      if (!parsed) {
        error = where + "unknown kind \"" + kind + "\"";
        return false;
      }
      spec.kind = *parsed;
      // --then is for grids; describe, shorten and video answer with no U buttons.
      if (spec.kind != cometapi::JobKind::Imagine && spec.kind != cometapi::JobKind::Blend &&
          spec.kind != cometapi::JobKind::Edits) {
        spec.then.clear();
      }
      if (j.contains("then")) {
        spec.then = j["then"].is_array() ? j["then"].get<std::vector<std::string>>()
                                         : parse_then(j["then"].get<std::string>());
      }
      spec.out_dir = j.value("out", spec.out_dir);
      spec.label = j.value("label", spec.label);
      for (const std::string& image : j.value("images", std::vector<std::string>{})) {
        if (is_remote(image)) {
          spec.images.push_back(image);
          continue;
        }
        auto uri = cometapi::data_uri_from_file(image);
        if (!uri) {
          error = where + uri.error().message;
          return false;
        }
        spec.images.push_back(*uri);
      }
    } catch (const Json::exception& e) {
      error = where + "wrong type of field (" + e.what() + ")";
      return false;
    }
    if (spec.prompt.empty() &&
        (spec.kind == cometapi::JobKind::Imagine || spec.kind == cometapi::JobKind::Shorten)) {
      error = where + "no prompt";
      return false;
    }
    specs.push_back(std::move(spec));
  }
  if (specs.empty()) error = "no jobs in the file (one prompt per line, or JSON lines)";
  return !specs.empty();
}

BatchCommands::BatchCommands(CLI::App& app) {
  const auto journal = [this](CLI::App* sub) {
    sub->add_option("--journal", args_.journal,
                    "Journal file (default $XDG_DATA_HOME/cometmj/journal.db, else "
                    "~/.local/share/cometmj/journal.db)");
  };
  const auto running = [this](CLI::App* sub) {
    sub->add_option("--concurrency", args_.concurrency, "Tasks running at once (default 3)")
        ->check(CLI::Range(1, 100));
  };
  batch_ = app.add_subcommand("batch", "Run many jobs from a file, recorded in a journal");
  batch_->add_option("FILE", args_.file, "One prompt per line, or JSON lines")->required();
  batch_->add_option("--then", args_.then,
                     "Buttons pressed on each grid: U1, \"U1,U3\", all (U1-U4) or none (default)");
  batch_->add_option("--out", args_.out, "Folder the images are saved in (default .)");
  running(batch_);
  journal(batch_);

  jobs_ = app.add_subcommand("jobs", "List the journal's jobs: status, tasks, files");
  journal(jobs_);

  resume_ = app.add_subcommand("resume", "Continue the journal's unfinished jobs");
  resume_->add_option("--resubmit", args_.resubmit,
                      "Send a job's ambiguous submit again (it may then run twice)");
  resume_->add_option("--adopt", args_.adopt,
                      "JOB=TASK: the task an ambiguous submit created, found by its state");
  running(resume_);
  journal(resume_);
}

bool BatchCommands::parsed() const {
  return batch_->parsed() || jobs_->parsed() || resume_->parsed();
}

}  // namespace cometmj
