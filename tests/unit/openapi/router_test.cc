#include "openapi/router.h"

#include <gtest/gtest.h>

namespace disync::openapi {
namespace {

Result<Json> Empty(const ApiRequest&) { return Json::object(); }

TEST(Router, FindsRegisteredActionsOnly) {
  Router router;
  router.Register({.action = "ListProjects"}, Empty);
  router.Register({.action = "GetProject", .auth = AuthLevel::kSuperuser, .required = {"ProjectId"}},
                  Empty);
  ASSERT_NE(router.Find("ListProjects"), nullptr);
  const Route* get = router.Find("GetProject");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->spec.auth, AuthLevel::kSuperuser);
  EXPECT_EQ(get->spec.required, std::vector<std::string>{"ProjectId"});
  EXPECT_EQ(router.Find("listprojects"), nullptr);  // Actions are case-sensitive
  EXPECT_EQ(router.Find(""), nullptr);
  EXPECT_EQ(router.Actions(), (std::vector<std::string>{"GetProject", "ListProjects"}));
}

TEST(RouterDeathTest, DuplicateRegistrationIsAWiringBug) {
  Router router;
  router.Register({.action = "ListProjects"}, Empty);
  EXPECT_DEATH(router.Register({.action = "ListProjects"}, Empty), "check failed");
}

struct IntCase {
  const char* value;
  bool ok;
  int64_t expected;  // -1: absent
};

TEST(ApiRequest, ParsesIntegersWithinRange) {
  const IntCase cases[] = {
      {"100", true, 100}, {"0", true, 0},    {"-5", false, 0},  {"12x", false, 0},
      {"", true, -1},     {" 1", false, 0},  {"1.5", false, 0}, {"101", false, 0},
      {"99999999999999999999", false, 0},
  };
  Caller caller;
  for (const auto& c : cases) {
    ParamMap params{{"ProjectId", c.value}};
    ApiRequest r("A", params, caller, "rid", ErrorCode::kDiInvalidParameter);
    auto v = r.GetInt("ProjectId", 0, 100);
    ASSERT_EQ(v.ok(), c.ok) << c.value;
    if (!c.ok) {
      EXPECT_EQ(v.error().code(), ErrorCode::kDiInvalidParameter) << c.value;
      EXPECT_NE(v.error().message().find("\"ProjectId\""), std::string::npos);
    } else if (c.expected < 0) {
      EXPECT_FALSE(v.value().has_value());
    } else {
      EXPECT_EQ(*v.value(), c.expected);
    }
  }
}

TEST(ApiRequest, PagingDefaultsAndLimits) {
  Caller caller;
  ParamMap none;
  ApiRequest r1("A", none, caller, "rid", ErrorCode::kInvalidParameter);
  auto p = r1.GetPaging();
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->page_number, 1);
  EXPECT_EQ(p->page_size, 10);

  ParamMap big{{"PageSize", "101"}};
  ApiRequest r2("A", big, caller, "rid", ErrorCode::kInvalidParameter);
  EXPECT_EQ(r2.GetPaging().error().code(), ErrorCode::kInvalidParameter);

  ParamMap zero{{"PageNumber", "0"}};
  ApiRequest r3("A", zero, caller, "rid", ErrorCode::kInvalidParameter);
  EXPECT_FALSE(r3.GetPaging().ok());
}

TEST(ApiRequest, ParsesBooleansInAnyCase) {
  Caller caller;
  for (auto [text, expected] : std::vector<std::pair<const char*, bool>>{
           {"true", true}, {"True", true}, {"FALSE", false}}) {
    ParamMap params{{"B", text}};
    ApiRequest r("A", params, caller, "rid", ErrorCode::kInvalidParameter);
    ASSERT_TRUE(r.GetBool("B").ok());
    EXPECT_EQ(*r.GetBool("B").value(), expected);
  }
  ParamMap bad{{"B", "yes"}};
  ApiRequest r("A", bad, caller, "rid", ErrorCode::kInvalidParameter);
  EXPECT_EQ(r.GetBool("B").error().code(), ErrorCode::kInvalidParameter);
}

}  // namespace
}  // namespace disync::openapi
