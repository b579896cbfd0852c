// The faults the real stack produces beyond plain HTTP errors: the gateway's code-5 family, the
// trueai envelope, the web page, the customId refusals, the exhausted token and the bare 429.
// Each is checked byte for byte, with whether the submit created its job.
#include "test_support.hpp"

namespace simtest {
namespace {

using cometapi::testing::FaultKind;

struct Created {
  int tasks = 0, submits = 0;
};

class StackFaultTest : public SimTest {
 protected:
  // Submits an imagine under `kind` and reports what the server created.
  Answer imagine_under(FaultKind kind, Created& created) {
    server_->fail_next("/mj/submit/imagine", kind);
    const int tasks = server_->tasks_created(), submits = server_->submits();
    const Answer a = post("/mj/submit/imagine", json{{"prompt", "a fox"}, {"state", "s"}});
    created.tasks = server_->tasks_created() - tasks;
    created.submits = server_->submits() - submits;
    EXPECT_EQ(server_->last_request()->fault, kind);
    return a;
  }
};

TEST_F(StackFaultTest, Code5FamilyAtHttp400) {
  const std::pair<FaultKind, const char*> kinds[] = {
      {FaultKind::DoRequestFailed, "do_request_failed"},
      {FaultKind::ReadResponseBodyFailed, "read_response_body_failed"},
      {FaultKind::UnmarshalResponseBodyFailed, "unmarshal_response_body_failed"},
      {FaultKind::EmptyResponseBody, "empty_response_body"},
      {FaultKind::CloseRequestBodyFailed, "close_request_body_failed"},
      {FaultKind::CloseResponseBodyFailed, "close_response_body_failed"}};
  for (const auto& [kind, name] : kinds) {
    EXPECT_EQ(cometapi::testing::to_string(kind), name);
    Created created;
    const Answer a = imagine_under(kind, created);
    EXPECT_EQ(a.status, 400) << name;
    EXPECT_EQ(a.content_type, "application/json; charset=utf-8");
    EXPECT_EQ(a.body, std::string(R"({"description":")") + name +
                          R"( ","type":"upstream_error","code":5})");
    // Only do_request_failed means the upstream was never reached; for the others the job exists.
    const bool reached = kind != FaultKind::DoRequestFailed;
    EXPECT_EQ(created.tasks, reached ? 1 : 0) << name;
    EXPECT_EQ(created.submits, reached ? 1 : 0) << name;
    EXPECT_EQ(cometapi::testing::applied_before_handling(kind), !reached) << name;
  }
}

TEST_F(StackFaultTest, TrueaiEnvelopeAtHttp200) {
  Created created;
  const Answer a = imagine_under(FaultKind::TrueaiUnavailable, created);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body,
            R"({"success":false,"code":-1,"message":"服务暂不可用，请联系管理员","data":null})");
  EXPECT_EQ(created.tasks, 0);
}

TEST_F(StackFaultTest, HtmlPageAtHttp200) {
  Created created;
  const Answer a = imagine_under(FaultKind::HtmlPage, created);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(a.body.rfind("<!doctype html>", 0), 0u);
  // The same page as any unknown path gets.
  EXPECT_EQ(get("/no/such/path").body, a.body);
  EXPECT_EQ(created.tasks, 0);
}

TEST_F(StackFaultTest, UnknownActionAndPanicInTheOpenAiShape) {
  const std::string grid = imagine("press");
  finish();
  const std::string u1 = custom_id(grid, "U1");
  server_->fail_next("/mj/submit/action", FaultKind::UnknownAction);
  Answer a = post("/mj/submit/action", json{{"taskId", grid}, {"customId", u1}});
  EXPECT_EQ(a.status, 400);
  const int id = static_cast<int>(server_->journal().size());  // request ids count from 1
  EXPECT_EQ(a.body, R"({"error":{"message":"Invalid request, unknown_action:)" + u1 +
                        " (request id: sim-" + std::to_string(id) +
                        R"lit()","type":"comet_api_error","code":"unknown_action"}})lit");
  server_->fail_next("/mj/submit/action", FaultKind::NewApiPanic);
  a = post("/mj/submit/action", json{{"taskId", grid}, {"customId", u1}});
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body_json()["error"]["type"], "new_api_panic");
  EXPECT_EQ(server_->tasks_created(), 1);  // neither press created anything
}

TEST_F(StackFaultTest, QuotaExhaustedIs401InTheOpenAiShape) {
  Created created;
  const Answer a = imagine_under(FaultKind::QuotaExhausted, created);
  EXPECT_EQ(a.status, 401);
  const json error = a.body_json()["error"];
  EXPECT_EQ(error["message"].get<std::string>().rfind("该令牌额度已用尽", 0), 0u) << a.body;
  EXPECT_EQ(error["type"], "comet_api_error");
  // Not the wrong-key message.
  EXPECT_EQ(error["message"].get<std::string>().find("无效的令牌"), std::string::npos);
  EXPECT_EQ(created.tasks, 0);
}

TEST_F(StackFaultTest, BareTooManyRequestsHasNoBodyAndNoRetryAfter) {
  Created created;
  const Answer a = imagine_under(FaultKind::BareTooManyRequests, created);
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.body, "");
  EXPECT_EQ(a.headers.count("Retry-After"), 0u);
  EXPECT_EQ(created.tasks, 0);
  // The code-30 kind keeps its body and Retry-After.
  const Answer limited = imagine_under(FaultKind::TooManyRequests, created);
  EXPECT_EQ(limited.body_json()["code"], 30);
  EXPECT_EQ(limited.headers.count("Retry-After"), 1u);
}

TEST_F(StackFaultTest, SpecsAndTheControlEndpointKnowTheNewKinds) {
  const auto rates = cometapi::testing::parse_fault_spec(
      "do_request_failed=0.1,read_response_body_failed=0.1,unmarshal_response_body_failed=0.1,"
      "empty_response_body=0.1,close_request_body_failed=0.1,close_response_body_failed=0.1,"
      "trueai_unavailable=0.05,html=0.05,unknown_action=0.05,new_api_panic=0.05,quota=0.05,"
      "429_empty=0.05");
  ASSERT_EQ(rates.size(), 12u);
  EXPECT_EQ(rates[11].kind, FaultKind::BareTooManyRequests);
  EXPECT_THROW(cometapi::testing::parse_fault_spec("code5=0.1"), std::invalid_argument);
  ASSERT_EQ(get("/_sim/fail-next?kind=empty_response_body&path=/mj/submit", "").status, 200);
  const Answer a = post("/mj/submit/imagine", json{{"prompt", "x"}});
  EXPECT_EQ(a.body_json()["description"], "empty_response_body ");
  EXPECT_EQ(server_->tasks_created(), 1);
}

TEST_F(StackFaultTest, RandomSpecOfTheNewKindsIsReproducible) {
  auto run = [this] {
    auto options = manual_options();
    options.faults = "do_request_failed=0.2,empty_response_body=0.2,429_empty=0.2";
    options.seed = 77;
    options.queue_size = 100;
    restart(options);
    std::string trace;
    for (int i = 0; i < 30; ++i) {
      trace += std::to_string(post("/mj/submit/imagine", json{{"prompt", "r"}}).status) + ",";
    }
    return trace + std::to_string(server_->tasks_created());
  };
  const std::string first = run();
  EXPECT_EQ(run(), first);
  EXPECT_NE(first.find("400"), std::string::npos);
  EXPECT_NE(first.find("429"), std::string::npos);
}

}  // namespace
}  // namespace simtest
