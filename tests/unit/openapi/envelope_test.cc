#include "openapi/envelope.h"

#include <gtest/gtest.h>

#include "common/json_writer.h"
#include "openapi/error_table.h"

namespace disync::openapi {
namespace {

TEST(Envelope, SuccessIsRequestIdThenFields) {
  Json fields = {{"Success", true}, {"Data", {{"ProcessId", 10}}}};
  auto r = RenderSuccess("X", "RID", fields, Format::kJson);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"RequestId":"RID","Success":true,"Data":{"ProcessId":10}})");
}

// A pre-rendered TaskContent is not copied into the body: it is a part of
// its own, in its place.
TEST(Envelope, PreRenderedValuesTravelAsBodyParts) {
  const std::string literal = R"("{\"a\":1}")";
  Json fields = {
      {"Data",
       {{"TaskContent", PreRenderedJson(std::vector<std::uint8_t>(literal.begin(), literal.end()))},
        {"Status", "success"}}}};
  auto r = RenderSuccess("X", "RID", fields, Format::kJson);
  ASSERT_EQ(r.parts.size(), 1u);
  EXPECT_EQ(std::string(r.parts[0].bytes.begin(), r.parts[0].bytes.end()), literal);
  EXPECT_EQ(r.body, R"({"RequestId":"RID","Data":{"TaskContent":,"Status":"success"}})");
  EXPECT_EQ(r.JoinedBody(),
            R"({"RequestId":"RID","Data":{"TaskContent":"{\"a\":1}","Status":"success"}})");
  EXPECT_EQ(Json::parse(r.JoinedBody())["Data"]["TaskContent"], R"({"a":1})");
}

TEST(Envelope, ErrorBodyHasTheGatewayFields) {
  auto r = RenderError(Error(ErrorCode::kSignatureNonceUsed, ""), "RID", "host", Format::kJson);
  EXPECT_EQ(r.status, 400);
  auto j = Json::parse(r.body);
  EXPECT_EQ(j["RequestId"], "RID");
  EXPECT_EQ(j["HostId"], "host");
  EXPECT_EQ(j["Code"], "SignatureNonceUsed");
  EXPECT_EQ(j["Message"], "Specified signature nonce was used already.");
  EXPECT_NE(j["Recommend"].get<std::string>().find("SignatureNonceUsed"), std::string::npos);
}

TEST(Envelope, InternalDetailsAreReplacedByTheGenericText) {
  auto r = RenderError(Error::Internal("sqlite: disk I/O error at /var/x"), "RID", "h",
                       Format::kJson);
  EXPECT_EQ(r.status, 500);
  auto j = Json::parse(r.body);
  EXPECT_EQ(j["Code"], "InternalError");
  EXPECT_EQ(r.body.find("/var/x"), std::string::npos);
}

TEST(Envelope, XmlEscapesAndRepeatsArrays) {
  Json fields = {{"Items", Json::array({"a<b", "c&d"})}, {"Skip", nullptr}, {"N", 3}};
  auto r = RenderSuccess("ListThings", "RID", fields, Format::kXml);
  EXPECT_EQ(r.content_type, "text/xml;charset=utf-8");
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListThingsResponse><RequestId>RID"
            "</RequestId><Items>a&lt;b</Items><Items>c&amp;d</Items><N>3</N>"
            "</ListThingsResponse>");
}

TEST(Envelope, InvalidUtf8IsReplacedNotFatal) {
  Json fields = {{"Name", std::string("bad\xff")}};
  auto r = RenderSuccess("X", "RID", fields, Format::kJson);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("bad"), std::string::npos);
}

TEST(ErrorTable, StatusesFollowTheProtocolReference) {
  struct Case {
    ErrorCode code;
    int status;
    const char* text;
  } cases[] = {
      {ErrorCode::kMissingParameter, 400, "MissingParameter"},
      {ErrorCode::kInvalidAccessKeyIdNotFound, 404, "InvalidAccessKeyId.NotFound"},
      {ErrorCode::kInvalidAccessKeyIdInactive, 400, "InvalidAccessKeyId.Inactive"},
      {ErrorCode::kSignatureDoesNotMatch, 400, "SignatureDoesNotMatch"},
      {ErrorCode::kIncompleteSignature, 400, "IncompleteSignature"},
      {ErrorCode::kSignatureNonceUsed, 400, "SignatureNonceUsed"},
      {ErrorCode::kInvalidTimeStampExpired, 400, "InvalidTimeStamp.Expired"},
      {ErrorCode::kInvalidTimeStampFormat, 400, "InvalidTimeStamp.Format"},
      {ErrorCode::kInvalidVersion, 400, "InvalidVersion"},
      {ErrorCode::kInvalidActionNotFound, 404, "InvalidAction.NotFound"},
      {ErrorCode::kInternal, 500, "InternalError"},
      {ErrorCode::kDiInvalidParameter, 400, "Invalid.DI.Parameter"},
      {ErrorCode::kDiFileExisted, 400, "Invalid.DI.Parameter.File.Existed"},
      {ErrorCode::kDiNoPrivilege, 403, "Forbidden.DI.NoPrivilege"},
      {ErrorCode::kDiInternal, 500, "InternalError.DI.Parameter"},
      {ErrorCode::kProjectNotExists, 400, "Invalid.Tenant.ProjectNotExists"},
  };
  for (const auto& c : cases) {
    auto info = Describe(c.code);
    EXPECT_EQ(info.http_status, c.status) << c.text;
    EXPECT_EQ(info.code, c.text);
  }
}

}  // namespace
}  // namespace disync::openapi
