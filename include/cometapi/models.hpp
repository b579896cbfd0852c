/// \file
/// Request and response types of the Midjourney API. C++ fields are the wire names in snake_case;
/// only src/json knows the wire's camelCase. All types are plain values: copyable, not
/// synchronised.
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
  /// `""`: submitted, but the gateway has not synced the task from the upstream yet.
  NotSynced,
  /// `NOT_START`
  NotStart,
  /// `SUBMITTED`: queued upstream.
  Submitted,
  /// `MODAL`: waits for more input through CometClient::submit_modal.
  Modal,
  /// `IN_PROGRESS`: running; Task::progress rises.
  InProgress,
  /// `FAILURE`: ended without a result; Task::fail_reason says why. Terminal.
  Failure,
  /// `SUCCESS`: done; the image, buttons or video are there. Terminal.
  Success,
  /// `CANCEL`: cancelled upstream. Terminal.
  Cancel,
  /// A status this SDK does not know; the text is in Task::status_text.
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
/// \var cometapi::BotType::MidJourney
/// `MID_JOURNEY`, the service's default.
/// \var cometapi::BotType::NijiJourney
/// `NIJI_JOURNEY`, the anime-style bot.

/// `dimensions` of a blend.
enum class BlendDimensions { Portrait, Square, Landscape };
/// \var cometapi::BlendDimensions::Portrait
/// `PORTRAIT`, 2:3.
/// \var cometapi::BlendDimensions::Square
/// `SQUARE`, 1:1 (the service's default).
/// \var cometapi::BlendDimensions::Landscape
/// `LANDSCAPE`, 3:2.

/// `motion` of a video.
enum class VideoMotion { Low, High };
/// \var cometapi::VideoMotion::Low
/// `low` (the upstream's default).
/// \var cometapi::VideoMotion::High
/// `high`

/// Speed modes for AccountFilter::modes.
enum class SpeedMode { Relax, Fast, Turbo };
/// \var cometapi::SpeedMode::Relax
/// `RELAX`
/// \var cometapi::SpeedMode::Fast
/// `FAST`
/// \var cometapi::SpeedMode::Turbo
/// `TURBO`

/// `accountFilter`: asks the upstream for particular accounts. Unset fields are left out.
struct AccountFilter {
  std::vector<SpeedMode> modes;  ///< Preferred speed, first wins.
  /// `instanceId`: pin the upstream account instance.
  std::optional<std::string> instance_id;
  /// `channelId`: pin the upstream Discord channel.
  std::optional<std::string> channel_id;
  /// `remark`: pick accounts by their remark.
  std::optional<std::string> remark;
  /// `remix`: only accounts with remix on (true) or off (false).
  std::optional<bool> remix;
  /// `nijiRemix`: the same for the Niji bot.
  std::optional<bool> niji_remix;
  /// `remixAutoConsidered`: whether accounts that auto-submit remix count as remix accounts.
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
  /// `finalPrompt`: the prompt Midjourney ran.
  std::string final_prompt;
  /// `finalZhPrompt`: its Chinese form, when the upstream keeps one.
  std::string final_zh_prompt;
  std::string raw_json;  ///< The whole object as received ("" when null or absent).
};

/// A Midjourney task as returned by fetch, list-by-condition or a webhook.
struct Task {
  /// The task id: 16 digits today, kept as an opaque string.
  std::string id;
  /// e.g. "IMAGINE", "UPSCALE": the gateway's name, an open set (see docs/service-notes.md).
  std::string action;
  std::string custom_id;  ///< Always empty in fetch answers.
  std::string bot_type;   ///< Always empty in fetch answers.
  /// The prompt; for an action, its parent's prompt.
  std::string prompt;
  /// The prompt Midjourney ran. Some upstreams put describe's suggestions here, one per line:
  /// read them with prompt_suggestions(), which also looks in properties.final_prompt.
  std::string prompt_en;
  std::string description;  ///< The submit response's description, not updated later.
  std::string state;        ///< Your `state`, echoed after the first sync.
  /// The status, parsed; branch on this, never on progress.
  TaskStatus status = TaskStatus::NotSynced;
  std::string status_text;       ///< The status exactly as received.
  int progress = 0;              ///< Percent, parsed from "45%". FAILURE reports 100: check status.
  std::int64_t submit_time = 0;  ///< Epoch milliseconds; 0 when unknown.
  /// Epoch milliseconds; 0 until the task started.
  std::int64_t start_time = 0;
  /// Epoch milliseconds; 0 until the task ended.
  std::int64_t finish_time = 0;
  /// The image; "" until there is one. While the task runs the URL carries a changing
  /// `?rand=` query; after SUCCESS it is stable. Fetch it with CometClient::download.
  std::string image_url;
  /// The video of a video task.
  std::string video_url;
  /// Every video of a video task (`videoUrls`, whose objects are read for their `url`).
  std::vector<std::string> video_urls;
  std::vector<std::string> image_urls;  ///< Upstream (webhook) only.
  /// Why the task ended in FAILURE; "" otherwise.
  std::string fail_reason;
  /// Always empty in fetch answers.
  std::string mask_base64;
  std::vector<Button> buttons;  ///< Empty when the service sends null.
  /// `properties`: the final prompts.
  TaskProperties properties;
  std::string parent_id;  ///< Upstream (webhook) only.
  std::string seed;       ///< Upstream (webhook) only.

  /// is_terminal(status): SUCCESS, FAILURE or CANCEL.
  bool finished() const noexcept { return is_terminal(status); }
};

/// The prompts a finished describe or shorten task suggests, in order. Upstreams differ in where
/// they put them (properties.final_prompt, or prompt_en for describe) and how (lines joined by
/// "\n" or "\r\n", numbered with 1️⃣ ... 4️⃣ or not): this reads either field, splits the
/// lines, drops the numbering and the blank lines. Empty when the task carries none.
std::vector<std::string> prompt_suggestions(const Task& task);

/// `properties` of a submit answer. Fields the answer lacks stay empty.
struct SubmitProperties {
  int number_of_queues = 0;  ///< Queue position (code 22, rewritten to 1 by the gateway).
  /// `discordInstanceId`: the upstream account that took the job.
  std::string discord_instance_id;
  /// `discordChannelId`: its channel (the same value on the known upstreams).
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
  /// `properties`: queue position, modal and banned-prompt details.
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
  /// `botType`; unset sends none (the service uses MID_JOURNEY).
  std::optional<BotType> bot_type;
  /// `accountFilter`: which upstream accounts may run the job (the gateway may drop it).
  std::optional<AccountFilter> account_filter;
  /// `notifyHook`: an http(s) URL of at most 2000 characters that receives callbacks (see
  /// docs/webhooks.md); "" asks for the account's default hook.
  std::optional<std::string> notify_hook;
  /// `state`: your own text of at most 255 characters, echoed in Task::state.
  std::optional<std::string> state;
  /// A JSON object whose members are added to the body, for fields this SDK does not type yet;
  /// "" adds nothing. A member that a set typed field also sends is refused (InvalidArgument).
  std::string extra_json;
};

/// POST /mj/submit/action: press a button of a finished task.
struct ActionRequest {
  std::string task_id;    ///< Required: the task whose button is pressed.
  std::string custom_id;  ///< Required: from that task's latest buttons.
  /// `state`: your own text of at most 255 characters, echoed in Task::state.
  std::optional<std::string> state;
  std::optional<bool> enable_remix;         ///< Forces remix: the new task goes MODAL.
  std::optional<bool> strong;               ///< V1-V4: a strong variation (some upstreams).
  std::optional<bool> choose_same_channel;  ///< Prefer the account that ran the parent.
  /// `notifyHook`: an http(s) URL of at most 2000 characters that receives callbacks (see
  /// docs/webhooks.md); "" asks for the account's default hook.
  std::optional<std::string> notify_hook;
  /// `accountFilter`: which upstream accounts may run the job (the gateway may drop it).
  std::optional<AccountFilter> account_filter;
  /// A JSON object whose members are added to the body, for fields this SDK does not type yet;
  /// "" adds nothing. A member that a set typed field also sends is refused (InvalidArgument).
  std::string extra_json;
};

/// POST /mj/submit/modal: completes a task waiting in MODAL.
struct ModalRequest {
  std::string task_id;                     ///< Required: the MODAL task (not its parent).
  std::optional<std::string> prompt;       ///< Custom Zoom: "<prompt> --zoom 2"; Vary Region: text.
  std::optional<std::string> mask_base64;  ///< Vary Region: PNG data URI, white = repaint.
  /// `accountFilter`: which upstream accounts may run the job (the gateway may drop it).
  std::optional<AccountFilter> account_filter;
  /// `notifyHook`: an http(s) URL of at most 2000 characters that receives callbacks (see
  /// docs/webhooks.md); "" asks for the account's default hook.
  std::optional<std::string> notify_hook;
  /// `state`: your own text of at most 255 characters, echoed in Task::state.
  std::optional<std::string> state;
  /// A JSON object whose members are added to the body, for fields this SDK does not type yet;
  /// "" adds nothing. A member that a set typed field also sends is refused (InvalidArgument).
  std::string extra_json;
};

/// POST /mj/submit/blend.
struct BlendRequest {
  std::vector<std::string> base64_array;  ///< Required: 2 to 5 data URIs.
  /// `dimensions`: the output's aspect; unset sends none (the service uses SQUARE).
  std::optional<BlendDimensions> dimensions;
  /// `botType`; unset sends none (the service uses MID_JOURNEY).
  std::optional<BotType> bot_type;
  /// `accountFilter`: which upstream accounts may run the job (the gateway may drop it).
  std::optional<AccountFilter> account_filter;
  /// `notifyHook`: an http(s) URL of at most 2000 characters that receives callbacks (see
  /// docs/webhooks.md); "" asks for the account's default hook.
  std::optional<std::string> notify_hook;
  /// `state`: your own text of at most 255 characters, echoed in Task::state.
  std::optional<std::string> state;
  /// A JSON object whose members are added to the body, for fields this SDK does not type yet;
  /// "" adds nothing. A member that a set typed field also sends is refused (InvalidArgument).
  std::string extra_json;
};

/// POST /mj/submit/describe. Exactly one of base64 and link.
struct DescribeRequest {
  std::optional<std::string> base64;  ///< The image as a data URI.
  std::optional<std::string> link;    ///< Or its URL.
  /// `botType`; unset sends none (the service uses MID_JOURNEY).
  std::optional<BotType> bot_type;
  std::optional<std::string> language;  ///< e.g. "zh".
  /// `accountFilter`: which upstream accounts may run the job (the gateway may drop it).
  std::optional<AccountFilter> account_filter;
  /// `notifyHook`: an http(s) URL of at most 2000 characters that receives callbacks (see
  /// docs/webhooks.md); "" asks for the account's default hook.
  std::optional<std::string> notify_hook;
  /// `state`: your own text of at most 255 characters, echoed in Task::state.
  std::optional<std::string> state;
  /// A JSON object whose members are added to the body, for fields this SDK does not type yet;
  /// "" adds nothing. A member that a set typed field also sends is refused (InvalidArgument).
  std::string extra_json;
};

/// POST /mj/submit/shorten.
struct ShortenRequest {
  std::string prompt;  ///< Required.
  /// `botType`; unset sends none (the service uses MID_JOURNEY).
  std::optional<BotType> bot_type;
  /// `accountFilter`: which upstream accounts may run the job (the gateway may drop it).
  std::optional<AccountFilter> account_filter;
  /// `notifyHook`: an http(s) URL of at most 2000 characters that receives callbacks (see
  /// docs/webhooks.md); "" asks for the account's default hook.
  std::optional<std::string> notify_hook;
  /// `state`: your own text of at most 255 characters, echoed in Task::state.
  std::optional<std::string> state;
  /// A JSON object whose members are added to the body, for fields this SDK does not type yet;
  /// "" adds nothing. A member that a set typed field also sends is refused (InvalidArgument).
  std::string extra_json;
};

/// POST /mj/submit/video. A new video needs `image`; an extension needs action "extend" (any
/// case), task_id and index.
struct VideoRequest {
  /// Text for the video.
  std::optional<std::string> prompt;
  std::optional<std::string> image;  ///< First frame: URL or data URI.
  /// `motion`; unset sends none (the upstream uses low).
  std::optional<VideoMotion> motion;
  std::optional<std::string> action;  ///< e.g. "extend".
  std::optional<int> index;           ///< Zero-based video index, for extend.
  /// The video task to extend, for extend.
  std::optional<std::string> task_id;
  /// Last frame: URL or data URI.
  std::optional<std::string> end_image;
  /// Ask for a looping video.
  std::optional<bool> loop;
  std::optional<std::string> video_type;  ///< e.g. "vid_1.1_i2v_720".
  std::optional<int> batch_size;          ///< 1, 2 or 4.
  /// `accountFilter`: which upstream accounts may run the job (the gateway may drop it).
  std::optional<AccountFilter> account_filter;
  /// `notifyHook`: an http(s) URL of at most 2000 characters that receives callbacks (see
  /// docs/webhooks.md); "" asks for the account's default hook.
  std::optional<std::string> notify_hook;
  /// `state`: your own text of at most 255 characters, echoed in Task::state.
  std::optional<std::string> state;
  /// A JSON object whose members are added to the body, for fields this SDK does not type yet;
  /// "" adds nothing. A member that a set typed field also sends is refused (InvalidArgument).
  std::string extra_json;
};

/// POST /mj/submit/edits.
struct EditsRequest {
  std::string prompt;  ///< Required.
  std::string image;   ///< Required: URL or data URI.
  /// PNG data URI of the area to change (white = repaint).
  std::optional<std::string> mask_base64;
  /// `botType`; unset sends none (the service uses MID_JOURNEY).
  std::optional<BotType> bot_type;
  /// `accountFilter`: which upstream accounts may run the job (the gateway may drop it).
  std::optional<AccountFilter> account_filter;
  /// `notifyHook`: an http(s) URL of at most 2000 characters that receives callbacks (see
  /// docs/webhooks.md); "" asks for the account's default hook.
  std::optional<std::string> notify_hook;
  /// `state`: your own text of at most 255 characters, echoed in Task::state.
  std::optional<std::string> state;
  /// A JSON object whose members are added to the body, for fields this SDK does not type yet;
  /// "" adds nothing. A member that a set typed field also sends is refused (InvalidArgument).
  std::string extra_json;
};

/// POST /mj/insight-face/swap.
struct SwapFaceRequest {
  std::string source_base64;  ///< Required: the face, as a data URI.
  std::string target_base64;  ///< Required: the image to put it on, as a data URI.
  /// `accountFilter`: which upstream accounts may run the job (the gateway may drop it).
  std::optional<AccountFilter> account_filter;
  /// `notifyHook`: an http(s) URL of at most 2000 characters that receives callbacks (see
  /// docs/webhooks.md); "" asks for the account's default hook.
  std::optional<std::string> notify_hook;
  /// `state`: your own text of at most 255 characters, echoed in Task::state.
  std::optional<std::string> state;
  /// A JSON object whose members are added to the body, for fields this SDK does not type yet;
  /// "" adds nothing. A member that a set typed field also sends is refused (InvalidArgument).
  std::string extra_json;
};

}  // namespace cometapi
