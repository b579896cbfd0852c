/// \file
/// CometClient: one method per endpoint of the Midjourney API.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cometapi/clock.hpp"
#include "cometapi/models.hpp"
#include "cometapi/options.hpp"
#include "cometapi/result.hpp"

namespace cometapi {

namespace detail {
struct ClientCore;
struct ClientAccess;
}  // namespace detail

/// A client for CometAPI's `/mj/...` endpoints.
///
/// Thread-safe: one client may be used from many threads at once. Copies are cheap and share one
/// pool of connections. Every method validates its input first and sends nothing when it is wrong
/// (InvalidArgument); HTTP and service failures come back as an Error (see docs/errors.md), never
/// as an exception. Submits are retried only when the request provably never reached the service
/// (see RetryOptions), so a job is never paid for twice by the SDK's own retries.
///
/// Every method takes an optional CallOptions last: a cancellation token that aborts the call
/// (its backoff sleeps and a transfer in flight) and a deadline for the whole call, retries
/// included.
class CometClient {
 public:
  /// Creates a client. It never throws: a problem with the options (or with libcurl's global
  /// initialisation) is reported by every call instead, as InvalidArgument (Connection for curl);
  /// use create() to learn it up front. A custom transport comes in ClientOptions::transport.
  explicit CometClient(ClientOptions options);

  /// Creates a client, or returns the InvalidArgument error that the options carry.
  static Result<CometClient> create(ClientOptions options);
  /// create(ClientOptions::from_env()).
  static Result<CometClient> from_env();

  /// The options this client was made with.
  const ClientOptions& options() const noexcept;
  /// The client's one clock (ClientOptions::clock, or Clock::system()), used by its retries and
  /// by the TaskPoller and TaskWatcher built on it.
  const Clock& clock() const noexcept;

  /// POST /mj/submit/imagine. Fails with InvalidArgument on an empty prompt, BannedPrompt on code
  /// 24, ApiRefused on any other code but 1/21/22, and the HTTP errors of docs/errors.md.
  Result<SubmitResult> submit_imagine(const ImagineRequest& request,
                                      const CallOptions& call = {}) const;
  /// POST /mj/submit/action. Needs task_id and custom_id (from the task's latest fetch).
  Result<SubmitResult> submit_action(const ActionRequest& request,
                                     const CallOptions& call = {}) const;
  /// POST /mj/submit/modal. Needs the MODAL task's id.
  Result<SubmitResult> submit_modal(const ModalRequest& request,
                                    const CallOptions& call = {}) const;
  /// POST /mj/submit/blend. Needs 2 to 5 data URIs.
  Result<SubmitResult> submit_blend(const BlendRequest& request,
                                    const CallOptions& call = {}) const;
  /// POST /mj/submit/describe. Needs exactly one of base64 and link.
  Result<SubmitResult> submit_describe(const DescribeRequest& request,
                                       const CallOptions& call = {}) const;
  /// POST /mj/submit/shorten. Needs a prompt.
  Result<SubmitResult> submit_shorten(const ShortenRequest& request,
                                      const CallOptions& call = {}) const;
  /// POST /mj/submit/video. Needs an image, or action "extend" with task_id and index.
  Result<SubmitResult> submit_video(const VideoRequest& request,
                                    const CallOptions& call = {}) const;
  /// POST /mj/submit/edits. Needs a prompt and an image.
  Result<SubmitResult> submit_edits(const EditsRequest& request,
                                    const CallOptions& call = {}) const;
  /// POST /mj/insight-face/swap. Needs both images.
  Result<SubmitResult> swap_face(const SwapFaceRequest& request,
                                 const CallOptions& call = {}) const;
  /// POST /mj/submit/upload-discord-images: uploads data URIs, returns their URLs in order.
  Result<std::vector<std::string>> upload_images(const std::vector<std::string>& data_uris,
                                                 const CallOptions& call = {}) const;

  /// GET /mj/task/{id}/fetch. NotFound for an unknown id or another key's task.
  Result<Task> fetch_task(std::string_view task_id, const CallOptions& call = {}) const;
  /// POST /mj/task/list-by-condition. Unknown ids are simply absent; order is not kept.
  Result<std::vector<Task>> list_tasks(const std::vector<std::string>& task_ids,
                                       const CallOptions& call = {}) const;
  /// GET /mj/task/{id}/image-seed: the Midjourney seed of a finished task.
  Result<std::string> image_seed(std::string_view task_id, const CallOptions& call = {}) const;
  /// GET of an image URL (e.g. Task::image_url): the bytes. The API key is never sent with it.
  /// Fails with ResponseInvalid past ClientOptions::max_download_bytes.
  Result<std::string> download(std::string_view url, const CallOptions& call = {}) const;
  /// Downloads into `path`: written to a temporary file beside it and renamed when complete, so a
  /// failed download never leaves a partial file; the file gets the process's umask like any
  /// other. The folder is checked before anything is downloaded. Fails with LocalFile (naming the
  /// path and the reason) when the folder is missing or the file cannot be written, and with
  /// download()'s errors otherwise.
  Result<Done> download_to_file(std::string_view url, const std::string& path,
                                const CallOptions& call = {}) const;

 private:
  friend struct detail::ClientAccess;
  std::shared_ptr<detail::ClientCore> core_;
};

}  // namespace cometapi
