// Request and response types of the Midjourney API. C++ fields are the wire names in snake_case;
// only src/json knows the wire's camelCase. All types are plain values: copyable, not synchronised.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cometapi {

/// A task's `status`. NotSynced is the gateway's empty status right after a submit, before its
/// first sync with the upstream; Unknown is any value this SDK does not know (see
/// Task::status_text).
enum class TaskStatus {
  NotSynced,
  NotStart,
  Submitted,
  Modal,
  InProgress,
  Failure,
  Success,
  Cancel,
  Unknown
};

/// The wire name ("IN_PROGRESS", "" for NotSynced, "UNKNOWN" for Unknown).
const char* to_string(TaskStatus status) noexcept;
/// Parses a wire status; "" is NotSynced, anything unrecognised is Unknown.
TaskStatus parse_task_status(std::string_view text) noexcept;
/// Writes the wire name, or "(not synced)" for NotSynced.
std::ostream& operator<<(std::ostream& out, TaskStatus status);
/// SUCCESS, FAILURE and CANCEL: the task will not change any more.
bool is_terminal(TaskStatus status) noexcept;

/// `botType`: which Discord bot runs the job.
enum class BotType { MidJourney, NijiJourney };
/// `dimensions` of a blend.
enum class BlendDimensions { Portrait, Square, Landscape };
/// `motion` of a video.
enum class VideoMotion { Low, High };
/// Speed modes for AccountFilter::modes.
enum class SpeedMode { Relax, Fast, Turbo };

/// `accountFilter`: asks the upstream for particular accounts. Unset fields are left out.
struct AccountFilter {
  std::vector<SpeedMode> modes;  ///< Preferred speed, first wins.
  std::optional<std::string> instance_id;
  std::optional<std::string> channel_id;
  std::optional<std::string> remark;
  std::optional<bool> remix;
  std::optional<bool> niji_remix;
  std::optional<bool> remix_auto_considered;
};

/// One button of a finished task, as the service lists it.
struct Button {
  std::string custom_id;  ///< Pass to submit_action; changes between fetches, never hard-code it.
  std::string emoji;      ///< e.g. "🔄", "⬅️", or a name such as "upscale_1"; may be empty.
  std::string label;      ///< e.g. "U1", "V3", "Vary (Region)"; empty for reroll and pans.
  int type = 0;           ///< Discord component type (2 = button).
  int style = 0;          ///< Discord style (1 primary, 2 secondary ...).
};

/// `properties` of a task (the gateway keeps only the prompts).
struct TaskProperties {
  std::string final_prompt;
  std::string final_zh_prompt;
  std::string raw_json;  ///< The whole object as received ("" when null or absent).
};

/// A Midjourney task as returned by fetch, list-by-condition or a webhook.
struct Task {
  std::string id;
  std::string action;     ///< e.g. "IMAGINE", "UPSCALE" (open set: see mj-api.md §4.2).
  std::string custom_id;  ///< Always empty in fetch answers.
  std::string bot_type;   ///< Always empty in fetch answers.
  std::string prompt;
  std::string prompt_en;    ///< Describe puts its suggestions here, one per line.
  std::string description;  ///< The submit response's description, not updated later.
  std::string state;        ///< Your `state`, echoed after the first sync.
  TaskStatus status = TaskStatus::NotSynced;
  std::string status_text;       ///< The status exactly as received.
  int progress = 0;              ///< Percent, parsed from "45%". FAILURE reports 100: check status.
  std::int64_t submit_time = 0;  ///< Epoch milliseconds; 0 when unknown.
  std::int64_t start_time = 0;
  std::int64_t finish_time = 0;
  std::string image_url;
  std::string video_url;
  std::vector<std::string> video_urls;
  std::vector<std::string> image_urls;  ///< Upstream (webhook) only.
  std::string fail_reason;
  std::string mask_base64;
  std::vector<Button> buttons;  ///< Empty when the service sends null.
  TaskProperties properties;
  std::string parent_id;  ///< Upstream (webhook) only.
  std::string seed;       ///< Upstream (webhook) only.

  bool finished() const noexcept { return is_terminal(status); }
};

/// `properties` of a submit answer. Fields the answer lacks stay empty.
struct SubmitProperties {
  int number_of_queues = 0;  ///< Queue position (code 22, rewritten to 1 by the gateway).
  std::string discord_instance_id;
  std::string discord_channel_id;
  std::string final_prompt;  ///< Code 21 (modal opened).
  bool remix = false;        ///< Code 21 (modal opened).
  std::string prompt_en;     ///< Code 24 (banned prompt).
  std::string banned_word;   ///< Code 24 (banned prompt).
  std::string raw_json;      ///< The whole object as received ("" when null or absent).
};

/// The answer to every submit. Submits that the service refused come back as an Error instead.
struct SubmitResult {
  int code = 0;             ///< 1 submitted, 21 modal opened, 22 queued.
  std::string description;  ///< e.g. "Submit success".
  std::string result;       ///< The new task id (a string even when the wire sends a number).
  SubmitProperties properties;

  /// Code 21: the task waits in MODAL for submit_modal (Vary Region, Custom Zoom).
  bool modal_opened() const noexcept { return code == 21; }
};

// ---- requests -----------------------------------------------------------------------------------
// Optional fields left unset are not sent. `extra_json`, when not empty, must be a JSON object
// whose members are added to the body (for fields the service adds later); it cannot replace a
// typed field.

/// POST /mj/submit/imagine.
struct ImagineRequest {
  std::string prompt;                     ///< Required. Midjourney parameters go inline.
  std::vector<std::string> base64_array;  ///< Reference images as data URIs.
  std::optional<BotType> bot_type;
  std::optional<AccountFilter> account_filter;
  std::optional<std::string> notify_hook;
  std::optional<std::string> state;
  std::string extra_json;
};

/// POST /mj/submit/action: press a button of a finished task.
struct ActionRequest {
  std::string task_id;    ///< Required: the task whose button is pressed.
  std::string custom_id;  ///< Required: from that task's latest buttons.
  std::optional<std::string> state;
  std::optional<bool> enable_remix;         ///< Forces remix: the new task goes MODAL.
  std::optional<bool> strong;               ///< V1-V4: a strong variation (some upstreams).
  std::optional<bool> choose_same_channel;  ///< Prefer the account that ran the parent.
  std::optional<std::string> notify_hook;
  std::optional<AccountFilter> account_filter;
  std::string extra_json;
};

/// POST /mj/submit/modal: completes a task waiting in MODAL.
struct ModalRequest {
  std::string task_id;                     ///< Required: the MODAL task (not its parent).
  std::optional<std::string> prompt;       ///< Custom Zoom: "<prompt> --zoom 2"; Vary Region: text.
  std::optional<std::string> mask_base64;  ///< Vary Region: PNG data URI, white = repaint.
  std::optional<AccountFilter> account_filter;
  std::optional<std::string> notify_hook;
  std::optional<std::string> state;
  std::string extra_json;
};

/// POST /mj/submit/blend.
struct BlendRequest {
  std::vector<std::string> base64_array;  ///< Required: 2 to 5 data URIs.
  std::optional<BlendDimensions> dimensions;
  std::optional<BotType> bot_type;
  std::optional<AccountFilter> account_filter;
  std::optional<std::string> notify_hook;
  std::optional<std::string> state;
  std::string extra_json;
};

/// POST /mj/submit/describe. Exactly one of base64 and link.
struct DescribeRequest {
  std::optional<std::string> base64;  ///< The image as a data URI.
  std::optional<std::string> link;    ///< Or its URL.
  std::optional<BotType> bot_type;
  std::optional<std::string> language;  ///< e.g. "zh".
  std::optional<AccountFilter> account_filter;
  std::optional<std::string> notify_hook;
  std::optional<std::string> state;
  std::string extra_json;
};

/// POST /mj/submit/shorten.
struct ShortenRequest {
  std::string prompt;  ///< Required.
  std::optional<BotType> bot_type;
  std::optional<AccountFilter> account_filter;
  std::optional<std::string> notify_hook;
  std::optional<std::string> state;
  std::string extra_json;
};

/// POST /mj/submit/video. A new video needs `image`; an extension needs action "extend" (any
/// case), task_id and index.
struct VideoRequest {
  std::optional<std::string> prompt;
  std::optional<std::string> image;  ///< First frame: URL or data URI.
  std::optional<VideoMotion> motion;
  std::optional<std::string> action;  ///< e.g. "extend".
  std::optional<int> index;           ///< Zero-based video index, for extend.
  std::optional<std::string> task_id;
  std::optional<std::string> end_image;
  std::optional<bool> loop;
  std::optional<std::string> video_type;  ///< e.g. "vid_1.1_i2v_720".
  std::optional<int> batch_size;          ///< 1, 2 or 4.
  std::optional<AccountFilter> account_filter;
  std::optional<std::string> notify_hook;
  std::optional<std::string> state;
  std::string extra_json;
};

/// POST /mj/submit/edits.
struct EditsRequest {
  std::string prompt;  ///< Required.
  std::string image;   ///< Required: URL or data URI.
  std::optional<std::string> mask_base64;
  std::optional<BotType> bot_type;
  std::optional<AccountFilter> account_filter;
  std::optional<std::string> notify_hook;
  std::optional<std::string> state;
  std::string extra_json;
};

/// POST /mj/insight-face/swap.
struct SwapFaceRequest {
  std::string source_base64;  ///< Required: the face, as a data URI.
  std::string target_base64;  ///< Required: the image to put it on, as a data URI.
  std::optional<AccountFilter> account_filter;
  std::optional<std::string> notify_hook;
  std::optional<std::string> state;
  std::string extra_json;
};

}  // namespace cometapi
