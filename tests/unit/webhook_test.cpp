// notifyHook payloads in both upstream shapes (docs/service-notes.md, Webhooks), and routing by
// state or task id.
#include "cometapi/webhook.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace cometapi {
namespace {

// The original (Java) proxy: nulls for what it does not know, properties with its own keys.
constexpr const char* kClassicPayload = R"json({
  "id": "1712205491372555", "action": "IMAGINE", "status": "IN_PROGRESS",
  "prompt": "pig", "promptEn": "pig", "description": "/imagine pig", "state": "order-42",
  "submitTime": 1712205491372, "startTime": 1712205493000, "finishTime": null,
  "progress": "62%", "imageUrl": "https://cdn.discordapp.com/attachments/1/2/pig.png",
  "failReason": null,
  "properties": {"finalPrompt": "pig --v 6", "notifyHook": "https://me.example/hook",
                 "discordInstanceId": "1118", "flags": 0, "messageId": "123"}
})json";

// The Plus / C# proxy's TaskInfo: more fields, lists of objects, buttons.
constexpr const char* kTaskInfoPayload = R"json({
  "id": "1712205491372556", "parentId": "1712205491372555", "action": "UPSCALE",
  "status": "SUCCESS", "progress": "100%", "prompt": "pig", "promptEn": "pig",
  "state": "order-43", "submitTime": 1712205491372, "startTime": 1712205493000,
  "finishTime": 1712205520000, "imageUrl": "https://cdn.example/pig_u1.png",
  "imageUrls": [{"url": "https://cdn.example/pig_u1.png", "thumbnail": "https://cdn.example/t.png"}],
  "videoUrls": null, "seed": "3816511512", "mode": "FAST", "width": 1024, "height": 1024,
  "botType": "MID_JOURNEY", "failReason": "",
  "buttons": [{"customId": "MJ::JOB::upsample_v6_2x_subtle::1::abc::SOLO", "emoji": "",
               "label": "Upscale (Subtle)", "type": 2, "style": 2}],
  "properties": {"finalPrompt": "pig --v 6", "nonce": "99", "custom": {"deep": true}}
})json";

TEST(ParseWebhook, ClassicShape) {
  auto task = parse_webhook(kClassicPayload);
  ASSERT_TRUE(task.ok()) << task.error().to_string();
  EXPECT_EQ(task->id, "1712205491372555");
  EXPECT_EQ(task->status, TaskStatus::InProgress);
  EXPECT_EQ(task->progress, 62);
  EXPECT_EQ(task->state, "order-42");
  EXPECT_EQ(task->finish_time, 0);
  EXPECT_EQ(task->fail_reason, "");
  EXPECT_EQ(task->properties.final_prompt, "pig --v 6");
  EXPECT_TRUE(task->buttons.empty());
}

TEST(ParseWebhook, TaskInfoShape) {
  auto task = parse_webhook(kTaskInfoPayload);
  ASSERT_TRUE(task.ok()) << task.error().to_string();
  EXPECT_EQ(task->status, TaskStatus::Success);
  EXPECT_EQ(task->parent_id, "1712205491372555");
  EXPECT_EQ(task->seed, "3816511512");
  EXPECT_EQ(task->image_urls, (std::vector<std::string>{"https://cdn.example/pig_u1.png"}));
  ASSERT_EQ(task->buttons.size(), 1u);
  EXPECT_EQ(task->buttons[0].label, "Upscale (Subtle)");
  EXPECT_EQ(task->bot_type, "MID_JOURNEY");
}

TEST(ParseWebhook, RefusesWhatIsNotATask) {
  for (const char* body : {"", "null", "[]", "{\"status\":\"SUCCESS\"}", "{\"id\":"}) {
    auto task = parse_webhook(body);
    ASSERT_FALSE(task.ok()) << body;
    EXPECT_EQ(task.error().kind, ErrorKind::ResponseInvalid) << body;
  }
}

TEST(WebhookRouter, RoutesByStateAndByTaskId) {
  WebhookRouter router;
  std::vector<std::string> by_state, by_task;
  router.on_state("order-42", [&](const Task& t) { by_state.push_back(t.id); });
  router.on_task("1712205491372556", [&](const Task& t) { by_task.push_back(t.id); });

  bool matched = false;
  ASSERT_TRUE(router.dispatch(kClassicPayload, &matched).ok());
  EXPECT_TRUE(matched);
  ASSERT_TRUE(router.dispatch(kTaskInfoPayload, &matched).ok());
  EXPECT_TRUE(matched);
  EXPECT_EQ(by_state, (std::vector<std::string>{"1712205491372555"}));
  EXPECT_EQ(by_task, (std::vector<std::string>{"1712205491372556"}));

  router.forget_state("order-42");
  ASSERT_TRUE(router.dispatch(kClassicPayload, &matched).ok());
  EXPECT_FALSE(matched);
  EXPECT_EQ(by_state.size(), 1u);

  auto bad = router.dispatch("{", &matched);
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(matched);
}

TEST(WebhookRouter, HandlersMayRegisterFromOtherThreadsAndFromHandlers) {
  WebhookRouter router;
  std::atomic<int> calls{0};
  router.on_state("order-42", [&](const Task&) {
    ++calls;
    router.on_state("order-43", [&](const Task&) { ++calls; });  // no deadlock
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) EXPECT_TRUE(router.dispatch(kClassicPayload));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 200);
  EXPECT_TRUE(router.dispatch(kTaskInfoPayload));
  EXPECT_EQ(calls.load(), 201);
}

}  // namespace
}  // namespace cometapi
