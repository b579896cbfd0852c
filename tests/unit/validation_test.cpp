// Client-side validation: every rule refuses with InvalidArgument, names what is wrong, and sends
// nothing. One test per rule (docs/endpoints.md, "Validation rules", lists them with these names).
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "test_support.hpp"

namespace cometapi {
namespace {

using test::UnitClient;

// A valid PNG data URI ("\x89PNG\r\n\x1a\n" + IHDR), so that only the rule under test can fail.
constexpr const char* kPngUri = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==";
constexpr const char* kTaskId = "1773314942177684";

// Refused by the SDK: InvalidArgument whose message mentions every one of `needles`.
template <class T>
::testing::AssertionResult Refused(const Result<T>& result,
                                   std::initializer_list<std::string_view> needles) {
  if (result.ok()) return ::testing::AssertionFailure() << "the call was accepted";
  const Error& error = result.error();
  if (error.kind != ErrorKind::InvalidArgument) {
    return ::testing::AssertionFailure() << "wrong kind: " << error.to_string();
  }
  for (std::string_view needle : needles) {
    if (error.message.find(needle) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "message \"" << error.message << "\" does not mention \"" << needle << "\"";
    }
  }
  if (error.attempts != 0 || error.http_status != 0) {
    return ::testing::AssertionFailure() << "the error claims a request: " << error.to_string();
  }
  return ::testing::AssertionSuccess();
}

class ValidationRule : public ::testing::Test {
 protected:
  // Every test ends here: whatever was refused, nothing reached the transport.
  void TearDown() override { EXPECT_EQ(unit_.transport->request_count(), 0u); }

  const CometClient& client() const { return unit_.client; }

  UnitClient unit_;
};

// ---- prompts ----------------------------------------------------------------------------------

TEST_F(ValidationRule, ImagineWithEmptyOrBlankPrompt) {
  ImagineRequest request;
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"prompt", "empty"}));
  request.prompt = " \t\n";
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"prompt", "empty"}));
}

TEST_F(ValidationRule, ShortenWithEmptyPrompt) {
  ShortenRequest request;
  EXPECT_TRUE(Refused(client().submit_shorten(request), {"prompt", "empty"}));
  request.prompt = "   ";
  EXPECT_TRUE(Refused(client().submit_shorten(request), {"prompt", "empty"}));
}

TEST_F(ValidationRule, EditsWithEmptyPrompt) {
  EditsRequest request;
  request.image = kPngUri;
  EXPECT_TRUE(Refused(client().submit_edits(request), {"prompt", "empty"}));
}

// ---- blend ------------------------------------------------------------------------------------

TEST_F(ValidationRule, BlendWithFewerThanTwoImages) {
  BlendRequest request;
  EXPECT_TRUE(Refused(client().submit_blend(request), {"2 to 5", "got 0"}));
  request.base64_array = {kPngUri};
  EXPECT_TRUE(Refused(client().submit_blend(request), {"2 to 5", "got 1"}));
}

TEST_F(ValidationRule, BlendWithMoreThanFiveImages) {
  BlendRequest request;
  request.base64_array.assign(6, kPngUri);
  EXPECT_TRUE(Refused(client().submit_blend(request), {"2 to 5", "got 6"}));
}

// ---- describe ---------------------------------------------------------------------------------

TEST_F(ValidationRule, DescribeWithNeitherImageNorLink) {
  DescribeRequest request;
  EXPECT_TRUE(Refused(client().submit_describe(request), {"exactly one", "base64", "link"}));
  request.base64 = "";  // present but empty counts as absent
  request.link = "";
  EXPECT_TRUE(Refused(client().submit_describe(request), {"exactly one", "base64", "link"}));
}

TEST_F(ValidationRule, DescribeWithBothImageAndLink) {
  DescribeRequest request;
  request.base64 = kPngUri;
  request.link = "https://cdn.example.test/cat.png";
  EXPECT_TRUE(Refused(client().submit_describe(request), {"exactly one", "base64", "link"}));
}

TEST_F(ValidationRule, DescribeLinkThatIsNotAnHttpUrl) {
  DescribeRequest request;
  request.link = "ftp://example.test/cat.png";
  EXPECT_TRUE(Refused(client().submit_describe(request), {"link", "http"}));
}

// ---- task ids ---------------------------------------------------------------------------------

TEST_F(ValidationRule, ModalWithoutTaskId) {
  ModalRequest request;
  request.prompt = "a fox --zoom 2";
  EXPECT_TRUE(Refused(client().submit_modal(request), {"task_id", "empty"}));
}

TEST_F(ValidationRule, ActionWithoutTaskId) {
  ActionRequest request;
  request.custom_id = "MJ::JOB::upsample::1::0f0e0d0c-0000-4000-8000-000000000000";
  EXPECT_TRUE(Refused(client().submit_action(request), {"task_id", "empty"}));
}

TEST_F(ValidationRule, ActionWithoutCustomId) {
  ActionRequest request;
  request.task_id = kTaskId;
  EXPECT_TRUE(Refused(client().submit_action(request), {"custom_id", "empty"}));
}

TEST_F(ValidationRule, TaskIdThatWouldChangeThePath) {
  // fetch, image-seed, list-by-condition and the submits that carry an id share one rule.
  EXPECT_TRUE(Refused(client().fetch_task("12/34"), {"task id", "'/'"}));
  EXPECT_TRUE(Refused(client().image_seed("../x"), {"task id", "'.'"}));
  EXPECT_TRUE(Refused(client().list_tasks({kTaskId, "1 2"}), {"task id", "0x20"}));
  EXPECT_TRUE(Refused(client().fetch_task(std::string(65, '1')), {"task id", "64"}));
  ModalRequest modal;
  modal.task_id = "1?x=2";
  EXPECT_TRUE(Refused(client().submit_modal(modal), {"task_id", "'?'"}));
}

TEST_F(ValidationRule, FetchAndImageSeedWithEmptyTaskId) {
  EXPECT_TRUE(Refused(client().fetch_task(""), {"task id", "empty"}));
  EXPECT_TRUE(Refused(client().image_seed(""), {"task id", "empty"}));
}

// ---- video ------------------------------------------------------------------------------------

TEST_F(ValidationRule, VideoWithoutImage) {
  VideoRequest request;
  request.prompt = "the fox runs";
  EXPECT_TRUE(Refused(client().submit_video(request), {"image"}));
  request.image = "";
  EXPECT_TRUE(Refused(client().submit_video(request), {"image"}));
}

TEST_F(ValidationRule, VideoExtendWithoutTaskId) {
  VideoRequest request;
  request.action = "extend";
  request.index = 0;
  EXPECT_TRUE(Refused(client().submit_video(request), {"extend", "task_id"}));
}

TEST_F(ValidationRule, VideoExtendWithoutIndex) {
  VideoRequest request;
  request.action = "extend";
  request.task_id = kTaskId;
  EXPECT_TRUE(Refused(client().submit_video(request), {"extend", "index"}));
}

TEST_F(ValidationRule, VideoExtendWithNegativeIndex) {
  VideoRequest request;
  request.action = "extend";
  request.task_id = kTaskId;
  request.index = -1;
  EXPECT_TRUE(Refused(client().submit_video(request), {"index", "negative"}));
}

TEST_F(ValidationRule, VideoImageThatIsNeitherUrlNorDataUri) {
  VideoRequest request;
  request.image = "/home/me/cat.png";  // a path, not a URL: use data_uri_from_file
  EXPECT_TRUE(Refused(client().submit_video(request), {"image", "URL", "data URI"}));
  request.image = kPngUri;
  request.end_image = "cat.png";
  EXPECT_TRUE(Refused(client().submit_video(request), {"end_image"}));
}

TEST_F(ValidationRule, VideoBatchSizeOtherThanOneTwoOrFour) {
  VideoRequest request;
  request.image = "https://cdn.example.test/first.png";
  request.batch_size = 3;
  EXPECT_TRUE(Refused(client().submit_video(request), {"batch_size", "1, 2 or 4"}));
}

// ---- edits, face swap, upload -----------------------------------------------------------------

TEST_F(ValidationRule, EditsWithoutImage) {
  EditsRequest request;
  request.prompt = "make it blue";
  EXPECT_TRUE(Refused(client().submit_edits(request), {"image"}));
  request.image = "cat.png";
  EXPECT_TRUE(Refused(client().submit_edits(request), {"image", "URL", "data URI"}));
}

TEST_F(ValidationRule, SwapFaceWithoutSource) {
  SwapFaceRequest request;
  request.target_base64 = kPngUri;
  EXPECT_TRUE(Refused(client().swap_face(request), {"both", "source_base64", "target_base64"}));
}

TEST_F(ValidationRule, SwapFaceWithoutTarget) {
  SwapFaceRequest request;
  request.source_base64 = kPngUri;
  EXPECT_TRUE(Refused(client().swap_face(request), {"both", "source_base64", "target_base64"}));
}

TEST_F(ValidationRule, UploadWithoutImages) {
  EXPECT_TRUE(Refused(client().upload_images({}), {"at least one image"}));
}

// ---- data URIs --------------------------------------------------------------------------------

TEST_F(ValidationRule, DataUriThatIsNotOne) {
  // Each field that takes a data URI names itself (and its index) when it gets something else.
  ImagineRequest imagine;
  imagine.prompt = "a fox";
  imagine.base64_array = {kPngUri, "https://cdn.example.test/a.png"};
  EXPECT_TRUE(Refused(client().submit_imagine(imagine), {"base64_array[1]", "not a data URI"}));

  BlendRequest blend;
  blend.base64_array = {"iVBORw0KGgo=", kPngUri};  // bare base64, no "data:" header
  EXPECT_TRUE(Refused(client().submit_blend(blend), {"base64_array[0]", "not a data URI"}));

  DescribeRequest describe;
  describe.base64 = "https://cdn.example.test/a.png";  // a URL belongs in `link`
  EXPECT_TRUE(Refused(client().submit_describe(describe), {"base64", "not a data URI"}));

  ModalRequest modal;
  modal.task_id = kTaskId;
  modal.mask_base64 = "mask.png";
  EXPECT_TRUE(Refused(client().submit_modal(modal), {"mask_base64", "not a data URI"}));

  EditsRequest edits;
  edits.prompt = "make it blue";
  edits.image = kPngUri;
  edits.mask_base64 = "mask.png";
  EXPECT_TRUE(Refused(client().submit_edits(edits), {"mask_base64", "not a data URI"}));

  SwapFaceRequest swap;
  swap.source_base64 = "face.png";
  swap.target_base64 = kPngUri;
  EXPECT_TRUE(Refused(client().swap_face(swap), {"source_base64", "not a data URI"}));
  swap.source_base64 = kPngUri;
  swap.target_base64 = "target.png";
  EXPECT_TRUE(Refused(client().swap_face(swap), {"target_base64", "not a data URI"}));

  EXPECT_TRUE(Refused(client().upload_images({kPngUri, "a.png"}), {"data_uris[1]"}));
}

TEST_F(ValidationRule, DataUriWithoutBase64Marker) {
  ImagineRequest request;
  request.prompt = "a fox";
  request.base64_array = {"data:image/png,iVBORw0KGgo="};
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"base64_array[0]", ";base64,"}));
}

TEST_F(ValidationRule, DataUriWithoutMediaType) {
  ImagineRequest request;
  request.prompt = "a fox";
  request.base64_array = {"data:;base64,iVBORw0KGgo="};
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"base64_array[0]", "media type"}));
}

TEST_F(ValidationRule, DataUriWithEmptyPayload) {
  ImagineRequest request;
  request.prompt = "a fox";
  request.base64_array = {"data:image/png;base64,"};
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"base64_array[0]", "empty"}));
}

TEST_F(ValidationRule, DataUriWithCharactersThatAreNotBase64) {
  ImagineRequest request;
  request.prompt = "a fox";
  request.base64_array = {"data:image/png;base64,iVBO RW0K"};
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"base64_array[0]", "not base64"}));
}

TEST_F(ValidationRule, DataUriThatIsNotPaddedStandardBase64) {
  ImagineRequest request;
  request.prompt = "a fox";
  request.base64_array = {"data:image/png;base64,abc"};
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"base64_array[0]", "padded"}));
  request.base64_array = {"data:image/png;base64,ab-_"};  // the URL-safe alphabet
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"base64_array[0]", "not base64"}));
  request.base64_array = {"data:image/png;base64,a==="};
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"base64_array[0]"}));
  request.base64_array = {"data:image/png;base64,ab=c"};  // padding only at the end
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"base64_array[0]", "not base64"}));
}

TEST_F(ValidationRule, DataUriWithAMediaTypeThatIsNotOne) {
  // Found by the fuzzer: bytes that are not text in the media type made the JSON encoder throw.
  EXPECT_TRUE(Refused(client().upload_images({"data:a/\xFF;base64,AAAA"}), {"media type"}));
}

// ---- common fields ----------------------------------------------------------------------------

TEST_F(ValidationRule, StateLongerThan255Characters) {
  ImagineRequest request;
  request.prompt = "a fox";
  request.state = std::string(256, 's');
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"state", "255"}));
}

TEST(ValidationRuleLimits, StateOf255CharactersIsSent) {
  // The limit is inclusive: the rule above must not refuse what the service accepts.
  UnitClient unit;
  unit.transport->reply(200, test::kSubmitOk);
  ImagineRequest request;
  request.prompt = "a fox";
  request.state = std::string(255, 's');
  EXPECT_TRUE(unit.client.submit_imagine(request).ok());
  EXPECT_EQ(unit.transport->request_count(), 1u);
}

TEST_F(ValidationRule, NotifyHookThatIsNotAnHttpUrl) {
  ShortenRequest request;
  request.prompt = "a fox";
  request.notify_hook = "ftp://hooks.example.test/mj";
  EXPECT_TRUE(Refused(client().submit_shorten(request), {"notify_hook", "http"}));
}

TEST_F(ValidationRule, NotifyHookLongerThan2000Characters) {
  BlendRequest request;
  request.base64_array = {kPngUri, kPngUri};
  request.notify_hook = "https://hooks.example.test/" + std::string(2000, 'h');
  EXPECT_TRUE(Refused(client().submit_blend(request), {"notify_hook", "2000"}));
}

// ---- the raw escape hatch ---------------------------------------------------------------------

TEST_F(ValidationRule, ExtraJsonThatIsNotAnObject) {
  ImagineRequest request;
  request.prompt = "a fox";
  request.extra_json = R"(["not", "an", "object"])";
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"extra_json", "object"}));
  request.extra_json = "{not json";
  EXPECT_TRUE(Refused(client().submit_imagine(request), {"extra_json", "object"}));
}

TEST_F(ValidationRule, ExtraJsonThatWouldReplaceATypedField) {
  VideoRequest request;
  request.image = kPngUri;
  request.motion = VideoMotion::High;
  request.extra_json = R"({"motion": "low"})";
  EXPECT_TRUE(Refused(client().submit_video(request), {"extra_json", "motion", "typed field"}));
}

// ---- downloads --------------------------------------------------------------------------------

TEST_F(ValidationRule, DownloadUrlThatIsNotHttp) {
  EXPECT_TRUE(Refused(client().download("file:///etc/passwd"), {"http"}));
  EXPECT_TRUE(Refused(client().download("/mj/image/1"), {"http"}));
}

TEST_F(ValidationRule, DownloadUrlWithWhitespaceOrControlCharacters) {
  EXPECT_TRUE(Refused(client().download("https://cdn.example.test/a b.png"), {"whitespace"}));
  EXPECT_TRUE(
      Refused(client().download("https://cdn.example.test/a.png\r\nX-Evil: 1"), {"control"}));
}

TEST_F(ValidationRule, DownloadToFileWithEmptyPath) {
  EXPECT_TRUE(
      Refused(client().download_to_file("https://cdn.example.test/a.png", ""), {"path", "empty"}));
}

// ---- options ----------------------------------------------------------------------------------

TEST_F(ValidationRule, BadOptionsRefuseEveryCall) {
  ClientOptions options = test::unit_options(nullptr, nullptr);
  options.api_key.clear();
  UnitClient bad(options);
  ImagineRequest request;
  request.prompt = "a fox";
  EXPECT_TRUE(Refused(bad.client.submit_imagine(request), {"API key", "empty"}));
  EXPECT_TRUE(Refused(bad.client.fetch_task(kTaskId), {"API key", "empty"}));
  EXPECT_TRUE(Refused(bad.client.upload_images({kPngUri}), {"API key", "empty"}));
  EXPECT_TRUE(Refused(bad.client.download("https://cdn.example.test/a.png"), {"API key", "empty"}));
  EXPECT_EQ(bad.transport->request_count(), 0u);
}

}  // namespace
}  // namespace cometapi
