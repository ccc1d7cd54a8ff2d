#include "common/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace disync {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Error::InvalidArgument("not positive");
  return v;
}

Result<int> Doubled(int v) {
  DISYNC_ASSIGN_OR_RETURN(int x, ParsePositive(v));
  return 2 * x;
}

Status CheckPositive(int v) {
  DISYNC_RETURN_IF_ERROR(ParsePositive(v));
  return OkStatus();
}

TEST(Result, CarriesValue) {
  auto r = Doubled(21);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 42);
}

TEST(Result, PropagatesErrorWithCodeAndMessage) {
  auto r = Doubled(-1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message(), "not positive");
}

TEST(Result, StatusPropagates) {
  EXPECT_TRUE(CheckPositive(1).ok());
  Status s = CheckPositive(0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
}

TEST(Result, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<std::string>> r = std::make_unique<std::string>("x");
  ASSERT_TRUE(r.ok());
  auto p = std::move(r).value();
  EXPECT_EQ(*p, "x");
}

TEST(ErrorCode, HasStableNames) {
  EXPECT_EQ(ToString(ErrorCode::kSignatureNonceUsed), "SignatureNonceUsed");
  EXPECT_EQ(ToString(ErrorCode::kDiNoPrivilege), "DiNoPrivilege");
}

}  // namespace
}  // namespace disync
