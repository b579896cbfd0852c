#include "split_command.hpp"

#include <CLI/CLI.hpp>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include "cometapi/grid.hpp"

namespace cometmj {
namespace {

namespace fs = std::filesystem;
using cometapi::ErrorKind;
using cometapi::Result;

// The grid's bytes from a file (up to the split's own size cap).
Result<std::string> read_file(const fs::path& path) {
  const cometapi::ImageLimits limits;
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec)
    return make_error(ErrorKind::LocalFile, "cannot read " + path.string() + ": " + ec.message());
  if (size > limits.max_bytes) {
    return make_error(ErrorKind::InvalidArgument,
                      path.string() + " is " + std::to_string(size) + " bytes, more than " +
                          std::to_string(limits.max_bytes) + " (not a grid image)");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return make_error(ErrorKind::LocalFile, "cannot read " + path.string());
  }
  return bytes;
}

// The grid's bytes from a task, downloaded once it is SUCCESS. `split` waits for a running task;
// `download --split` refuses it with exit 1, as `download` does.
Result<std::string> grid_of_task(Context& ctx, const cometapi::CometClient& client,
                                 const std::string& task_id, bool wait) {
  auto task = client.fetch_task(task_id);
  if (!task) return std::move(task).error();
  auto done = wait ? ctx.wait(client, task_id, "split", &*task) : std::move(task);
  if (!done) return std::move(done).error();
  if (done->status != cometapi::TaskStatus::Success || done->image_url.empty()) {
    return make_error(ErrorKind::ApiRefused,
                      "task " + task_id + " is " + cometapi::to_string(done->status) +
                          ": no finished image to split yet (`cometmj wait " + task_id + "`)");
  }
  if (!done->buttons.empty() && !cometapi::find_button(*done, cometapi::ButtonKind::Upscale, 1)) {
    return make_error(
        ErrorKind::InvalidArgument,
        "task " + task_id + " (" + done->action + ") is not a 2x2 grid: it has no U1-U4 buttons");
  }
  return client.download(done->image_url);
}

// Writes each file next to its final name, then renames it into place, so that a reader never
// sees half a file.
Result<std::vector<std::string>> save(const std::array<std::string, 4>& images, const fs::path& dir,
                                      const std::string& name) {
  std::error_code ec;
  if (!dir.empty()) fs::create_directories(dir, ec);
  if (ec)
    return make_error(ErrorKind::LocalFile, "cannot create " + dir.string() + ": " + ec.message());
  std::vector<std::string> written;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const fs::path path = dir / (name + "-" + std::to_string(i + 1) + ".png");
    const fs::path partial = fs::path(path.string() + ".part");
    {
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      out.write(images[i].data(), static_cast<std::streamsize>(images[i].size()));
      if (!out) {
        fs::remove(partial, ec);
        return make_error(ErrorKind::LocalFile, "cannot write " + path.string());
      }
    }
    fs::rename(partial, path, ec);
    if (ec) {
      fs::remove(partial, ec);
      return make_error(ErrorKind::LocalFile,
                        "cannot write " + path.string() + ": " + ec.message());
    }
    written.push_back(path.string());
  }
  return written;
}

int split_and_save(Context& ctx, const std::string& source, const std::string& out, bool wait) {
  std::error_code ec;
  const bool is_file = fs::is_regular_file(source, ec);
  std::optional<cometapi::CometClient> client;
  if (!is_file) {
    int code = kExitOk;
    client = ctx.client(&code);
    if (!client) return code;
  }
  Result<std::string> bytes =
      is_file ? read_file(source) : grid_of_task(ctx, *client, source, wait);
  if (!bytes) return ctx.fail(bytes.error());
  auto images = cometapi::split_grid(*bytes);
  if (!images) return ctx.fail(images.error());
  const std::string name = is_file ? fs::path(source).stem().string() : source;
  auto written = save(*images, out.empty() ? fs::path(".") : fs::path(out), name);
  if (!written) return ctx.fail(written.error());
  if (ctx.out().json()) {
    Json files = Json::array();
    for (const std::string& path : *written) files.push_back(path);
    ctx.out().print_json(Json{
        {"source", source}, {"task", is_file ? Json(nullptr) : Json(source)}, {"files", files}});
  } else {
    for (const std::string& path : *written) ctx.out().print(path);
  }
  return ctx.done();
}

}  // namespace

void SplitCommands::add(CLI::App& app, CLI::App& download) {
  split_ = app.add_subcommand(
      "split", "Cut a grid into its four images locally (no U1-U4 to pay for), as PNG files");
  split_->add_option("SOURCE", source_, "A task id, or a grid image file (PNG, JPEG or WebP)")
      ->required();
  split_->add_option("-o,--out", out_, "Directory for <name>-1.png ... <name>-4.png (default .)");
  download_ = &download;
  download.add_flag("--split", download_split_,
                    "Save the grid's four images as <task>-1.png ... -4.png instead (--out: a "
                    "directory)");
}

std::optional<int> SplitCommands::run_if_parsed(Context& ctx, const CommandArgs& args) const {
  if (split_ != nullptr && split_->parsed()) return split_and_save(ctx, source_, out_, true);
  if (download_ != nullptr && download_->parsed() && download_split_) {
    return split_and_save(ctx, args.task, args.out, false);
  }
  return std::nullopt;
}

}  // namespace cometmj
