// The Dispatcher end to end without sockets: signed requests in, rendered
// answers out. Every gateway error is asserted with its HTTP status and Code.
#include "openapi/dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <vector>

#include "fakes/fake_clock.h"
#include "support/signing.h"

namespace disync::openapi {
namespace {

using ::testing::HasSubstr;
using testing::FakeClock;
using testing::Placement;
using testing::SignOptions;
using testing::TestKey;

const TestKey kKey{"LTAIkey", "the-secret"};
const TestKey kOtherKey{"LTAIother", "other-secret"};
const TestKey kDisabledKey{"LTAIdisabled", "disabled-secret"};
const TestKey kRootKey{"LTAIroot", "root-secret"};

class FakeCredentials final : public CredentialSource {
 public:
  Result<Credential> Find(std::string_view id) override {
    if (on_find) on_find();
    auto it = keys_.find(std::string(id));
    if (it == keys_.end()) return Error::NotFound("no key");
    return it->second;
  }
  std::map<std::string, Credential> keys_;
  std::function<void()> on_find;
};

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : clock_(*ParseIso8601Utc("2024-01-01T00:00:00Z")), replay_(clock_) {
    creds_.keys_[kKey.id] = {kKey.id, kKey.secret, "u1", true, false};
    creds_.keys_[kOtherKey.id] = {kOtherKey.id, kOtherKey.secret, "u2", true, false};
    creds_.keys_[kDisabledKey.id] = {kDisabledKey.id, kDisabledKey.secret, "u3", false, false};
    creds_.keys_[kRootKey.id] = {kRootKey.id, kRootKey.secret, "root", true, true};
    router_.Register({.action = "ListProjects"}, [](const ApiRequest& r) -> Result<Json> {
      return Json{{"Caller", r.caller().user_id}, {"Echo", r.GetOr("Echo", "")}};
    });
    router_.Register({.action = "NeedsProject", .required = {"ProjectId"}},
                     [](const ApiRequest&) -> Result<Json> { return Json::object(); });
    router_.Register({.action = "DiOperation",
                      .required = {"TaskParam"},
                      .missing_code = ErrorCode::kDiInvalidParameter,
                      .invalid_code = ErrorCode::kDiInvalidParameter},
                     [](const ApiRequest& r) -> Result<Json> {
                       DISYNC_ASSIGN_OR_RETURN(auto id, r.GetInt("ProjectId", 1, 100));
                       return Json{{"Id", id.value_or(0)}};
                     });
    router_.Register({.action = "RootOnly", .auth = AuthLevel::kSuperuser},
                     [](const ApiRequest&) -> Result<Json> { return Json::object(); });
    router_.Register({.action = "Broken"}, [](const ApiRequest&) -> Result<Json> {
      return Error::Internal("database file /secret/path is corrupt");
    });
    router_.Register({.action = "DiBroken", .internal_code = ErrorCode::kDiInternal},
                     [](const ApiRequest&) -> Result<Json> {
                       return Error::Internal("connection pool /secret/path exhausted");
                     });
    router_.Register({.action = "Throws"}, [](const ApiRequest&) -> Result<Json> {
      throw std::runtime_error("boom at /secret/path");
    });
    dispatcher_ =
        std::make_unique<Dispatcher>(router_, creds_, nullptr, replay_, inline_, inline_, metrics_);
  }

  SignOptions Opts(std::string action = "ListProjects") {
    SignOptions o;
    o.action = std::move(action);
    o.timestamp = clock_.Now();
    return o;
  }

  struct Answer {
    int status;
    nlohmann::json body;
    std::string content_type;
    std::string raw;
  };
  Answer Send(const http::Request& request) {
    http::Response r = dispatcher_->Process(request);
    Answer a{r.status, nlohmann::json::parse(r.body, nullptr, false), r.content_type, r.body};
    return a;
  }
  void ExpectError(const Answer& a, int status, const std::string& code) {
    EXPECT_EQ(a.status, status) << a.raw;
    ASSERT_TRUE(a.body.is_object()) << a.raw;
    EXPECT_EQ(a.body.value("Code", ""), code) << a.raw;
    EXPECT_FALSE(a.body.value("RequestId", "").empty());
    EXPECT_TRUE(a.body.contains("HostId") && a.body.contains("Message") &&
                a.body.contains("Recommend"))
        << a.raw;
  }

  FakeClock clock_;
  ReplayGuard replay_;
  FakeCredentials creds_;
  InlineExecutor inline_;
  Metrics metrics_;
  Router router_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherTest, AcceptsEveryWireLayout) {
  struct Case {
    const char* name;
    http::Request request;
  } cases[] = {
      {"v1 GET query", [&] { auto o = Opts(); o.method = "GET"; return testing::SignV1Request(kKey, {{"Echo", "a b*~"}}, o); }()},
      {"v1 POST query", testing::SignV1Request(kKey, {{"Echo", "a b*~"}}, Opts())},
      {"v1 POST body", [&] { auto o = Opts(); o.placement = Placement::kBody; return testing::SignV1Request(kKey, {{"Echo", "a b*~"}}, o); }()},
      {"v1 PUT body", [&] { auto o = Opts(); o.method = "PUT"; o.placement = Placement::kBody; return testing::SignV1Request(kKey, {{"Echo", "a b*~"}}, o); }()},
      {"v3 POST query", testing::SignV3Request(kKey, {{"Echo", "a b*~"}}, Opts())},
      {"v3 POST body", [&] { auto o = Opts(); o.placement = Placement::kBody; return testing::SignV3Request(kKey, {{"Echo", "a b*~"}}, o); }()},
      {"v3 GET query", [&] { auto o = Opts(); o.method = "GET"; return testing::SignV3Request(kKey, {{"Echo", "a b*~"}}, o); }()},
  };
  for (auto& c : cases) {
    Answer a = Send(c.request);
    EXPECT_EQ(a.status, 200) << c.name << ": " << a.raw;
    EXPECT_EQ(a.body.value("Caller", ""), "u1") << c.name;
    EXPECT_EQ(a.body.value("Echo", ""), "a b*~") << c.name;
    EXPECT_FALSE(a.body.value("RequestId", "").empty()) << c.name;
    EXPECT_FALSE(a.body.contains("Code")) << c.name;
    EXPECT_EQ(a.content_type, "application/json;charset=utf-8");
  }
}

TEST_F(DispatcherTest, SuccessBodyStartsWithRequestId) {
  Answer a = Send(testing::SignV1Request(kKey, {}, Opts()));
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.raw.rfind("{\"RequestId\":\"", 0), 0u) << a.raw;
}

TEST_F(DispatcherTest, EveryGatewayErrorHasItsStatusAndCode) {
  auto now = clock_.Now();
  struct Case {
    const char* name;
    http::Request request;
    int status;
    const char* code;
  };
  auto v1 = [&](openapi::ParamMap p, SignOptions o) { return testing::SignV1Request(kKey, p, o); };
  auto without = [](http::Request r, const std::string& param) {
    // Drop one query parameter after signing.
    std::string q(r.RawQuery());
    auto list = ParseFormUrlEncoded(q).value();
    ParamMap m;
    for (auto& [k, v] : list) if (k != param) m[k] = v;
    r.target = "/?" + testing::EncodeForm(m);
    return r;
  };
  auto with = [](http::Request r, const std::string& param, const std::string& value) {
    auto list = ParseFormUrlEncoded(r.RawQuery()).value();
    ParamMap m(list.begin(), list.end());
    m[param] = value;
    r.target = "/?" + testing::EncodeForm(m);
    return r;
  };
  auto old = Opts();
  old.timestamp = now - std::chrono::minutes(16);
  auto future = Opts();
  future.timestamp = now + std::chrono::minutes(16);
  auto v3 = testing::SignV3Request(kKey, {}, Opts());
  auto v3_bad_auth = v3;
  for (auto& [k, v] : v3_bad_auth.headers) if (k == "Authorization") v = "ACS3-HMAC-SHA256 Credential=LTAIkey";
  auto v3_no_date = v3;
  std::erase_if(v3_no_date.headers, [](auto& h) { return h.first == "x-acs-date"; });
  auto v3_other_action = testing::SignV3Request(kKey, {}, Opts());
  for (auto& [k, v] : v3_other_action.headers) if (k == "x-acs-action") v = "RootOnly";
  auto v3_tampered = [&] {
    auto o = Opts();
    o.placement = Placement::kBody;
    auto r = testing::SignV3Request(kKey, {{"Echo", "1"}}, o);
    r.body = "Echo=2";
    return r;
  }();
  auto v3_wrong = testing::SignV3Request({kKey.id, "wrong"}, {}, Opts());
  auto sha256 = with(v1({}, Opts()), "SignatureMethod", "HMAC-SHA256");

  Case cases[] = {
      {"missing Action", without(v1({}, Opts()), "Action"), 400, "MissingParameter"},
      {"missing Version", without(v1({}, Opts()), "Version"), 400, "MissingParameter"},
      {"wrong Version", v1({}, [&] { auto o = Opts(); o.version = "2024-05-18"; return o; }()), 400, "InvalidVersion"},
      {"unknown Action", v1({}, Opts("NoSuchAction")), 404, "InvalidAction.NotFound"},
      {"missing Timestamp", without(v1({}, Opts()), "Timestamp"), 400, "MissingParameter"},
      {"missing SignatureNonce", without(v1({}, Opts()), "SignatureNonce"), 400, "MissingParameter"},
      {"missing AccessKeyId", without(v1({}, Opts()), "AccessKeyId"), 400, "MissingParameter"},
      {"missing Signature", without(v1({}, Opts()), "Signature"), 400, "MissingParameter"},
      {"bad Timestamp", with(v1({}, Opts()), "Timestamp", "2024-01-01 00:00:00"), 400, "InvalidTimeStamp.Format"},
      {"old Timestamp", v1({}, old), 400, "InvalidTimeStamp.Expired"},
      {"future Timestamp", v1({}, future), 400, "InvalidTimeStamp.Expired"},
      {"unknown key", testing::SignV1Request({"LTAInone", "x"}, {}, Opts()), 404, "InvalidAccessKeyId.NotFound"},
      {"disabled key", testing::SignV1Request(kDisabledKey, {}, Opts()), 400, "InvalidAccessKeyId.Inactive"},
      {"wrong secret v1", testing::SignV1Request({kKey.id, "wrong"}, {}, Opts()), 400, "SignatureDoesNotMatch"},
      {"tampered parameter v1", with(v1({{"Echo", "1"}}, Opts()), "Echo", "2"), 400, "SignatureDoesNotMatch"},
      {"other SignatureMethod", sha256, 400, "InvalidSignatureMethod"},
      {"wrong secret v3", v3_wrong, 400, "SignatureDoesNotMatch"},
      {"tampered body v3", v3_tampered, 400, "SignatureDoesNotMatch"},
      {"signed for another Action v3", v3_other_action, 400, "SignatureDoesNotMatch"},
      {"malformed Authorization", v3_bad_auth, 400, "IncompleteSignature"},
      {"v3 without x-acs-date", v3_no_date, 400, "MissingParameter"},
      {"non-ACS3 Authorization", [&] { http::Request r = without(v1({}, Opts()), "Signature"); r.headers.emplace_back("Authorization", "Basic abc"); return r; }(), 400, "IncompleteSignature"},
      {"required parameter", v1({}, Opts("NeedsProject")), 400, "MissingParameter"},
      {"DI required parameter", v1({}, Opts("DiOperation")), 400, "Invalid.DI.Parameter"},
      {"DI malformed integer", v1({{"TaskParam", "x"}, {"ProjectId", "12x"}}, Opts("DiOperation")), 400, "Invalid.DI.Parameter"},
      {"superuser route", v1({}, Opts("RootOnly")), 403, "Forbidden.RAM"},
      {"internal error", v1({}, Opts("Broken")), 500, "InternalError"},
      {"DI internal error", v1({}, Opts("DiBroken")), 500, "InternalError.DI.Parameter"},
      {"handler exception", v1({}, Opts("Throws")), 500, "InternalError"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectError(Send(c.request), c.status, c.code);
  }
}

TEST_F(DispatcherTest, SignatureMismatchCarriesTheServerStringToSign) {
  auto r = testing::SignV1Request({kKey.id, "wrong"}, {}, Opts());
  Answer a = Send(r);
  ASSERT_EQ(a.status, 400);
  std::string message = a.body["Message"];
  EXPECT_THAT(message, HasSubstr("server string to sign is:POST&%2F&AccessKeyId%3DLTAIkey"));
}

TEST_F(DispatcherTest, InternalErrorsKeepDetailsOutOfTheAnswer) {
  for (const char* action : {"Broken", "Throws", "DiBroken"}) {
    Answer a = Send(testing::SignV1Request(kKey, {}, Opts(action)));
    EXPECT_EQ(a.status, 500);
    EXPECT_THAT(a.raw, ::testing::Not(HasSubstr("/secret/path")));
  }
}

TEST_F(DispatcherTest, ANonceIsRefusedTheSecondTime) {
  auto o = Opts();
  o.nonce = "nonce-1";
  auto request = testing::SignV1Request(kKey, {}, o);
  EXPECT_EQ(Send(request).status, 200);
  ExpectError(Send(request), 400, "SignatureNonceUsed");
  // The same nonce of another key is another request.
  EXPECT_EQ(Send(testing::SignV1Request(kOtherKey, {}, o)).status, 200);
  // A v3 request with a used nonce too.
  auto v3 = testing::SignV3Request(kKey, {}, o);
  ExpectError(Send(v3), 400, "SignatureNonceUsed");
}

TEST_F(DispatcherTest, ANonceIsForgottenOnlyAfterItsWindow) {
  auto o = Opts();
  o.nonce = "nonce-2";
  EXPECT_EQ(Send(testing::SignV1Request(kKey, {}, o)).status, 200);
  clock_.Advance(std::chrono::minutes(14));
  ExpectError(Send(testing::SignV1Request(kKey, {}, o)), 400, "SignatureNonceUsed");
  clock_.Advance(std::chrono::minutes(2));
  // The old request has left the window: its timestamp is refused as expired.
  ExpectError(Send(testing::SignV1Request(kKey, {}, o)), 400, "InvalidTimeStamp.Expired");
  // The nonce itself is kept at most one generation span longer.
  clock_.Advance(ReplayGuard::kGenerationSpan);
  o.timestamp = clock_.Now();
  EXPECT_EQ(Send(testing::SignV1Request(kKey, {}, o)).status, 200);
  EXPECT_EQ(replay_.SizeForTest(), 1u);
}

TEST_F(DispatcherTest, RequestsBeforeTheReplayFloorAreRefused) {
  replay_.SetReplayFloor(clock_.Now());
  ExpectError(Send(testing::SignV1Request(kKey, {}, Opts())), 400, "SignatureNonceUsed");
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(Send(testing::SignV1Request(kKey, {}, Opts())).status, 200);
}

TEST_F(DispatcherTest, FormatXmlAnswersInXml) {
  ParamMap p{{"Format", "XML"}};
  auto o = Opts();
  // The common Format parameter is set by SignV1Request; override it signed.
  auto r = testing::SignV3Request(kKey, p, o);
  http::Response ok = dispatcher_->Process(r);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.content_type, "text/xml;charset=utf-8");
  EXPECT_THAT(ok.body, HasSubstr("<ListProjectsResponse><RequestId>"));
  EXPECT_THAT(ok.body, HasSubstr("<Caller>u1</Caller>"));

  auto bad = testing::SignV3Request({kKey.id, "wrong"}, p, o);
  http::Response err = dispatcher_->Process(bad);
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.content_type, "text/xml;charset=utf-8");
  EXPECT_THAT(err.body, HasSubstr("<Error><RequestId>"));
  EXPECT_THAT(err.body, HasSubstr("<Code>SignatureDoesNotMatch</Code>"));
}

TEST_F(DispatcherTest, V3TakesActionAndVersionFromHeaders) {
  auto v3 = testing::SignV3Request(kKey, {}, Opts());
  EXPECT_EQ(v3.RawQuery(), "");
  EXPECT_EQ(Send(v3).status, 200);
  auto other_version = v3;
  for (auto& [k, v] : other_version.headers) if (k == "x-acs-version") v = "2024-05-18";
  ExpectError(Send(other_version), 400, "InvalidVersion");
}

TEST_F(DispatcherTest, HealthzAndMetricsAnswerWithoutAuthentication) {
  http::Request health;
  health.method = "GET";
  health.target = "/healthz";
  http::Response got;
  dispatcher_->Handle(health, [&](http::Response r) { got = std::move(r); });
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "{\"status\":\"ok\"}");

  Send(testing::SignV1Request(kKey, {}, Opts()));
  Send(testing::SignV1Request(kKey, {}, Opts("NoSuchAction")));
  http::Request metrics;
  metrics.method = "GET";
  metrics.target = "/metrics";
  dispatcher_->Handle(metrics, [&](http::Response r) { got = std::move(r); });
  EXPECT_EQ(got.status, 200);
  EXPECT_THAT(got.body, HasSubstr("disync_requests_total{action=\"ListProjects\",code=\"\",status=\"200\"} 1"));
  EXPECT_THAT(got.body, HasSubstr("disync_requests_total{action=\"-\",code=\"InvalidAction.NotFound\",status=\"404\"} 1"));
  EXPECT_THAT(got.body, HasSubstr("disync_request_duration_seconds_count{action=\"ListProjects\"} 1"));
  EXPECT_THAT(got.body, HasSubstr("disync_requests_in_flight 0"));
}

TEST_F(DispatcherTest, MalformedQueryIsInvalidParameter) {
  http::Request r;
  r.method = "GET";
  r.target = "/?Action=ListProjects&Bad=%G1";
  ExpectError(Send(r), 400, "InvalidParameter");
}

TEST_F(DispatcherTest, TransportErrorsAreJsonWithTheirStatus) {
  http::Response r = dispatcher_->TransportError(413, "body limit exceeded");
  EXPECT_EQ(r.status, 413);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["Code"], "InvalidParameter");
  EXPECT_FALSE(body["RequestId"].get<std::string>().empty());
}

// An executor that keeps what is posted until the test runs it.
class HeldExecutor final : public Executor {
 public:
  void Post(std::function<void()> task) override { tasks_.push_back(std::move(task)); }
  size_t held() const { return tasks_.size(); }
  void RunAll() {
    std::vector<std::function<void()>> tasks = std::move(tasks_);
    tasks_.clear();
    for (auto& task : tasks) task();
  }

 private:
  std::vector<std::function<void()>> tasks_;
};

// A route that connects to a data source is admitted on the calling thread
// and handled on the data-source executor; every other request is answered
// while such a call is still waiting.
TEST_F(DispatcherTest, DataSourceCallsRunApartFromTheOtherRequests) {
  router_.Register({.action = "PingSource", .waits = Waits::kDataSource},
                   [](const ApiRequest& r) -> Result<Json> {
                     return Json{{"Caller", r.caller().user_id}};
                   });
  HeldExecutor requests;
  HeldExecutor data_source_calls;
  Dispatcher dispatcher(router_, creds_, nullptr, replay_, requests, data_source_calls, metrics_);
  std::vector<http::Response> answers;
  auto keep = [&](http::Response r) { answers.push_back(std::move(r)); };

  // Admitted (signature and parameters checked) where it arrived; the
  // handler is not run.
  dispatcher.Handle(testing::SignV1Request(kKey, {}, Opts("PingSource")), keep);
  EXPECT_TRUE(answers.empty());
  EXPECT_EQ(requests.held(), 0u);
  EXPECT_EQ(data_source_calls.held(), 1u);

  dispatcher.Handle(testing::SignV1Request(kKey, {}, Opts()), keep);
  EXPECT_EQ(requests.held(), 1u);
  requests.RunAll();
  ASSERT_EQ(answers.size(), 1u);  // answered while the data-source call waits
  EXPECT_EQ(answers[0].status, 200);
  EXPECT_EQ(data_source_calls.held(), 1u);

  data_source_calls.RunAll();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[1].status, 200);
  EXPECT_EQ(nlohmann::json::parse(answers[1].body)["Caller"], "u1") << answers[1].body;

  // A request refused at admission never reaches the data-source executor.
  SignOptions bad = Opts("PingSource");
  bad.timestamp = clock_.Now() - std::chrono::hours(1);
  dispatcher.Handle(testing::SignV1Request(kKey, {}, bad), keep);
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[2].status, 400) << answers[2].body;
  EXPECT_EQ(data_source_calls.held(), 0u);
  EXPECT_EQ(requests.held(), 0u);
}

// A route's QuickHandler answers on the thread that called Handle, without
// the workers; when it declines, the route's handler answers on a worker.
TEST_F(DispatcherTest, AQuickAnswerIsGivenWhereTheRequestArrived) {
  int handled = 0;
  router_.Register(
      {.action = "Poll"},
      [&](const ApiRequest& r) -> Result<Json> {
        ++handled;
        return Json{{"By", "worker"}, {"Caller", r.caller().user_id}};
      },
      [](const ApiRequest& r) -> std::optional<Result<Json>> {
        if (r.GetOr("Large", "") == "yes") return std::nullopt;
        return Json{{"By", "quick"}, {"Caller", r.caller().user_id}};
      });
  HeldExecutor requests;
  Dispatcher dispatcher(router_, creds_, nullptr, replay_, requests, requests, metrics_);
  std::vector<http::Response> answers;
  auto keep = [&](http::Response r) { answers.push_back(std::move(r)); };

  dispatcher.Handle(testing::SignV1Request(kKey, {}, Opts("Poll")), keep);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(requests.held(), 0u);
  EXPECT_EQ(handled, 0);
  EXPECT_EQ(answers[0].status, 200) << answers[0].body;
  auto quick = nlohmann::json::parse(answers[0].body);
  EXPECT_EQ(quick["By"], "quick");
  EXPECT_EQ(quick["Caller"], "u1");
  EXPECT_FALSE(quick.value("RequestId", "").empty());

  dispatcher.Handle(testing::SignV1Request(kKey, {{"Large", "yes"}}, Opts("Poll")), keep);
  EXPECT_EQ(answers.size(), 1u);
  ASSERT_EQ(requests.held(), 1u);
  requests.RunAll();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(nlohmann::json::parse(answers[1].body)["By"], "worker") << answers[1].body;

  // Both are counted like any other answer.
  EXPECT_THAT(metrics_.RenderPrometheus(),
              HasSubstr("disync_requests_total{action=\"Poll\",code=\"\",status=\"200\"} 2\n"));
}

// What DispatcherOptions::share_reads gives is held through the key's
// lookup and the quick answer, once per request, and released before a
// handler runs on a worker.
TEST_F(DispatcherTest, AdmissionAndTheQuickAnswerShareTheirReads) {
  int shared = 0;
  bool held = false;
  std::vector<std::string> seen;  // what each stage saw
  auto stage = [&](std::string name) { seen.push_back(name + (held ? ":held" : ":free")); };
  creds_.on_find = [&] { stage("key"); };
  router_.Register(
      {.action = "Poll"},
      [&](const ApiRequest&) -> Result<Json> {
        stage("handler");
        return Json::object();
      },
      [&](const ApiRequest& r) -> std::optional<Result<Json>> {
        stage("quick");
        if (r.GetOr("Large", "") == "yes") return std::nullopt;
        return Json::object();
      });
  DispatcherOptions options;
  options.share_reads = [&]() -> std::shared_ptr<void> {
    ++shared;
    held = true;
    return std::shared_ptr<void>(&held, [](void* flag) { *static_cast<bool*>(flag) = false; });
  };
  HeldExecutor requests;
  Dispatcher dispatcher(router_, creds_, nullptr, replay_, requests, requests, metrics_,
                        std::move(options));
  std::vector<http::Response> answers;
  auto keep = [&](http::Response r) { answers.push_back(std::move(r)); };

  dispatcher.Handle(testing::SignV1Request(kKey, {}, Opts("Poll")), keep);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(shared, 1);
  EXPECT_FALSE(held);
  EXPECT_EQ(seen, (std::vector<std::string>{"key:held", "quick:held"}));

  seen.clear();
  dispatcher.Handle(testing::SignV1Request(kKey, {{"Large", "yes"}}, Opts("Poll")), keep);
  EXPECT_EQ(shared, 2);
  EXPECT_FALSE(held);
  requests.RunAll();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[1].status, 200) << answers[1].body;
  EXPECT_EQ(seen, (std::vector<std::string>{"key:held", "quick:held", "handler:free"}));
}

// A QuickHandler that throws is answered like a handler that throws: an
// internal error without its details, and the dispatcher goes on.
TEST_F(DispatcherTest, AQuickHandlerThatThrowsIsAnInternalError) {
  router_.Register(
      {.action = "PollThrows"}, [](const ApiRequest&) -> Result<Json> { return Json::object(); },
      [](const ApiRequest&) -> std::optional<Result<Json>> {
        throw std::runtime_error("boom at /secret/path");
      });
  Answer a = Send(testing::SignV1Request(kKey, {}, Opts("PollThrows")));
  ExpectError(a, 500, "InternalError");
  EXPECT_EQ(a.raw.find("/secret/path"), std::string::npos) << a.raw;
  EXPECT_EQ(Send(testing::SignV1Request(kKey, {}, Opts())).status, 200);
}

// A request whose body is larger than kMaxQuickBodyBytes (a script) is
// admitted on a worker: nothing of it runs where it arrived, not even a
// refusal.
TEST_F(DispatcherTest, ALargeBodyIsAdmittedOnAWorker) {
  HeldExecutor requests;
  Dispatcher dispatcher(router_, creds_, nullptr, replay_, requests, requests, metrics_);
  std::vector<http::Response> answers;
  auto keep = [&](http::Response r) { answers.push_back(std::move(r)); };
  SignOptions in_body = Opts();
  in_body.placement = Placement::kBody;
  const std::string large(Dispatcher::kMaxQuickBodyBytes, 'x');

  dispatcher.Handle(testing::SignV1Request(kKey, {{"Echo", large}}, in_body), keep);
  SignOptions expired = in_body;
  expired.timestamp = clock_.Now() - std::chrono::hours(1);
  dispatcher.Handle(testing::SignV1Request(kKey, {{"Echo", large}}, expired), keep);
  EXPECT_TRUE(answers.empty());
  ASSERT_EQ(requests.held(), 2u);
  requests.RunAll();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].status, 200) << answers[0].body.substr(0, 200);
  EXPECT_EQ(nlohmann::json::parse(answers[0].body)["Echo"].get<std::string>().size(), large.size());
  EXPECT_EQ(answers[1].status, 400) << answers[1].body;

  // A small one is admitted, and refused, where it arrived.
  answers.clear();
  dispatcher.Handle(testing::SignV1Request(kKey, {{"Echo", "small"}}, expired), keep);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 400) << answers[0].body;
  EXPECT_EQ(requests.held(), 0u);
}

}  // namespace
}  // namespace disync::openapi
