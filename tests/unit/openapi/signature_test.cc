#include "openapi/signature.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "common/digest.h"
#include "http/message.h"
#include "openapi/params.h"

namespace disync::openapi {
namespace {

using nlohmann::json;

constexpr std::string_view kMismatchPrefix =
    "Specified signature is not matched with our calculation. server string to sign is:";
constexpr std::string_view kIncompletePrefix =
    "The request signature does not conform to Aliyun standards.";
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// ---- shared vectors ----

// Empty when the file cannot be read; SharedVectors.AreLoaded then fails.
const json& Vectors() {
  static const json doc = [] {
    std::ifstream in(std::string(DISYNC_SHARED_DIR) + "/vectors/signatures.json");
    return in ? json::parse(in) : json::object();
  }();
  return doc;
}

struct VectorCase {
  std::string name;  // test-name safe
  json vector;
};

std::vector<VectorCase> VectorCases(const char* kind) {
  std::vector<VectorCase> out;
  if (!Vectors().contains(kind)) return out;
  for (const json& v : Vectors().at(kind)) {
    std::string name = v.at("name").get<std::string>();
    std::replace(name.begin(), name.end(), '-', '_');
    out.push_back({std::move(name), v});
  }
  return out;
}

std::string CaseName(const ::testing::TestParamInfo<VectorCase>& info) { return info.param.name; }

http::Request RequestFromJson(const json& r) {
  http::Request request;
  request.method = r.at("method").get<std::string>();
  request.target = r.at("target").get<std::string>();
  for (const json& h : r.at("headers")) {
    request.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
  }
  request.body = r.at("body").get<std::string>();
  return request;
}

bool IsForm(const http::Request& request) {
  std::optional<std::string_view> type = request.Header("content-type");
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  return type && type->size() >= kForm.size() &&
         http::EqualsIgnoreCase(type->substr(0, kForm.size()), kForm);
}

// The request as the vector says it was signed, unless it was edited after
// signing: a negative vector verified with the signing secret.
bool IsTampered(const json& v) {
  return !v.at("expect_valid").get<bool>() &&
         v.at("signed_with_secret") == v.at("verify_with_secret");
}

TEST(SharedVectors, AreLoaded) {
  ASSERT_TRUE(Vectors().contains("v1")) << "cannot read " << DISYNC_SHARED_DIR
                                        << "/vectors/signatures.json";
  EXPECT_EQ(Vectors().at("v1").size(), 6u);
  EXPECT_EQ(Vectors().at("acs3").size(), 5u);
}

// ---- signature v1 against the shared vectors ----

class SignatureV1Vector : public ::testing::TestWithParam<VectorCase> {};

TEST_P(SignatureV1Vector, VerifiesAsExpected) {
  const json& v = GetParam().vector;
  http::Request request = RequestFromJson(v.at("request"));
  Result<ParamList> query = ParseFormUrlEncoded(request.RawQuery());
  ASSERT_TRUE(query.ok()) << query.error().message();
  ParamList body;
  if (IsForm(request)) {
    Result<ParamList> parsed = ParseFormUrlEncoded(request.body);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    body = std::move(parsed).value();
  }
  Result<ParamMap> params = MergeParams(query.value(), body);
  ASSERT_TRUE(params.ok()) << params.error().message();

  std::string canonical = CanonicalizedQueryV1(params.value());
  std::string string_to_sign = StringToSignV1(request.method, canonical);
  // The vector's own fields are consistent with our HMAC.
  EXPECT_EQ(SignV1(v.at("signed_with_secret").get<std::string>(),
                   v.at("string_to_sign").get<std::string>()),
            v.at("signature").get<std::string>());
  if (IsTampered(v)) {
    EXPECT_NE(canonical, v.at("canonicalized_query").get<std::string>());
  } else {
    EXPECT_EQ(canonical, v.at("canonicalized_query").get<std::string>());
    EXPECT_EQ(string_to_sign, v.at("string_to_sign").get<std::string>());
  }

  std::string secret = v.at("verify_with_secret").get<std::string>();
  Status status = VerifyV1(request.method, params.value(), secret);
  if (v.at("expect_valid").get<bool>()) {
    EXPECT_EQ(SignV1(secret, string_to_sign), v.at("signature").get<std::string>());
    EXPECT_TRUE(status.ok()) << status.error().message();
  } else {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code(), ErrorCode::kSignatureDoesNotMatch);
    EXPECT_EQ(status.error().message(), std::string(kMismatchPrefix) + string_to_sign);
  }
}

INSTANTIATE_TEST_SUITE_P(SharedVectors, SignatureV1Vector, ::testing::ValuesIn(VectorCases("v1")),
                         CaseName);

// ---- ACS3 against the shared vectors ----

class SignatureV3Vector : public ::testing::TestWithParam<VectorCase> {};

TEST_P(SignatureV3Vector, VerifiesAsExpected) {
  const json& v = GetParam().vector;
  http::Request request = RequestFromJson(v.at("request"));
  Result<ParamList> query_list = ParseFormUrlEncoded(request.RawQuery());
  ASSERT_TRUE(query_list.ok()) << query_list.error().message();
  if (IsForm(request)) {
    // The form body is not part of the canonical query, but must parse.
    Result<ParamList> body = ParseFormUrlEncoded(request.body);
    ASSERT_TRUE(body.ok()) << body.error().message();
  }
  Result<ParamMap> query = MergeParams(query_list.value(), {});
  ASSERT_TRUE(query.ok()) << query.error().message();
  EXPECT_EQ(query.value(), v.at("query").get<ParamMap>());

  std::optional<std::string_view> header = request.Header("Authorization");
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(*header, v.at("authorization").get<std::string>());
  Result<Acs3Authorization> authorization = ParseAcs3Authorization(*header);
  ASSERT_TRUE(authorization.ok()) << authorization.error().message();
  EXPECT_EQ(authorization->access_key_id, Vectors().at("access_key_id").get<std::string>());
  EXPECT_EQ(authorization->signed_headers,
            v.at("signed_headers").get<std::vector<std::string>>());
  EXPECT_EQ(authorization->signature, v.at("signature").get<std::string>());

  EXPECT_EQ(SignV3(v.at("signed_with_secret").get<std::string>(),
                   v.at("string_to_sign").get<std::string>()),
            v.at("signature").get<std::string>());

  EXPECT_EQ(CanonicalQueryV3(query.value()), v.at("canonical_query").get<std::string>());
  Result<std::string> headers = CanonicalHeadersV3(request, authorization->signed_headers);
  ASSERT_TRUE(headers.ok()) << headers.error().message();
  EXPECT_EQ(headers.value(), v.at("canonical_headers").get<std::string>());
  Result<std::string> canonical_request =
      CanonicalRequestV3(request, query.value(), authorization->signed_headers);
  ASSERT_TRUE(canonical_request.ok()) << canonical_request.error().message();
  std::string string_to_sign = StringToSignV3(canonical_request.value());
  if (IsTampered(v)) {
    // Only the body was edited: its hash no longer matches the header.
    EXPECT_NE(Sha256Hex(request.body), v.at("hashed_payload").get<std::string>());
  } else {
    EXPECT_EQ(Sha256Hex(request.body), v.at("hashed_payload").get<std::string>());
    EXPECT_EQ(canonical_request.value(), v.at("canonical_request").get<std::string>());
    EXPECT_EQ(string_to_sign, v.at("string_to_sign").get<std::string>());
  }

  std::string secret = v.at("verify_with_secret").get<std::string>();
  Status status = VerifyV3(request, query.value(), authorization.value(), secret);
  if (v.at("expect_valid").get<bool>()) {
    EXPECT_EQ(SignV3(secret, string_to_sign), v.at("signature").get<std::string>());
    EXPECT_TRUE(status.ok()) << status.error().message();
  } else {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code(), ErrorCode::kSignatureDoesNotMatch);
    if (!IsTampered(v)) {
      EXPECT_EQ(status.error().message(), std::string(kMismatchPrefix) + string_to_sign);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SharedVectors, SignatureV3Vector,
                         ::testing::ValuesIn(VectorCases("acs3")), CaseName);

// ---- signature v1, rpc-protocol.md section 4.1 ----

ParamMap DescribeRegionsParams(const std::string& timestamp_name) {
  return {
      {"AccessKeyId", "testid"},
      {"Action", "DescribeRegions"},
      {"Format", "XML"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
      {"SignatureVersion", "1.0"},
      {timestamp_name, "2016-02-23T12:46:24Z"},
      {"Version", "2014-05-26"},
  };
}

TEST(SignatureV1, DocumentedVectorA) {
  ParamMap params = DescribeRegionsParams("Timestamp");
  std::string string_to_sign = StringToSignV1("GET", CanonicalizedQueryV1(params));
  EXPECT_EQ(string_to_sign,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26"
            "SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26"
            "SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26"
            "Version%3D2014-05-26");
  EXPECT_EQ(SignV1("testsecret", string_to_sign), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");

  params["Signature"] = "OLeaidS1JvxuMvnyHOwuJ+uX5qY=";
  Status status = VerifyV1("GET", params, "testsecret");
  EXPECT_TRUE(status.ok()) << status.error().message();
}

TEST(SignatureV1, DocumentedVectorAWithPublishedTimeStampSpelling) {
  ParamMap params = DescribeRegionsParams("TimeStamp");
  EXPECT_EQ(SignV1("testsecret", StringToSignV1("GET", CanonicalizedQueryV1(params))),
            "CT9X0VtwR86fNWSnsc6v8YGOjuE=");
}

TEST(SignatureV1, AcceptsPlusDecodedAsSpace) {
  // "...J+uX5..." sent with an unescaped '+' arrives as "...J uX5...".
  Result<ParamList> wire = ParseFormUrlEncoded("Signature=OLeaidS1JvxuMvnyHOwuJ+uX5qY%3D");
  ASSERT_TRUE(wire.ok());
  ParamMap params = DescribeRegionsParams("Timestamp");
  params["Signature"] = wire.value()[0].second;
  ASSERT_EQ(params["Signature"], "OLeaidS1JvxuMvnyHOwuJ uX5qY=");
  Status status = VerifyV1("GET", params, "testsecret");
  EXPECT_TRUE(status.ok()) << status.error().message();
}

std::string EncodeQuery(const ParamList& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += PercentEncode(name) + "=" + PercentEncode(value);
  }
  return out;
}

constexpr char kTaskParam[] =
    R"({"FileFolderPath":"Business Flow/demo/Data Integration","ResourceGroup":"S_res_group_XXX_XXXX"})";
constexpr char kTaskContent[] = R"({"type":"job","version":"2.0"})";

TEST(SignatureV1, DocumentedVectorBWithFormBody) {
  http::Request request;
  request.method = "POST";
  ParamList query_pairs = {
      {"AccessKeyId", "testid"},
      {"Action", "CreateDISyncTask"},
      {"Format", "JSON"},
      {"ProjectId", "10000"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "c3d5a0b2-1111-2222-3333-444455556666"},
      {"SignatureVersion", "1.0"},
      {"TaskName", "new_di_task"},
      {"TaskParam", kTaskParam},
      {"TaskType", "DI_OFFLINE"},
      {"Timestamp", "2024-01-01T00:00:00Z"},
      {"Version", "2020-05-18"},
      {"Signature", "uoq84CsamEVizEabSHQH5vermto="},
  };
  request.target = "/?" + EncodeQuery(query_pairs);
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "TaskContent=" + PercentEncode(kTaskContent);

  Result<ParamList> query = ParseFormUrlEncoded(request.RawQuery());
  Result<ParamList> body = ParseFormUrlEncoded(request.body);
  ASSERT_TRUE(query.ok() && body.ok());
  Result<ParamMap> params = MergeParams(query.value(), body.value());
  ASSERT_TRUE(params.ok());

  EXPECT_EQ(CanonicalizedQueryV1(params.value()),
            "AccessKeyId=testid&Action=CreateDISyncTask&Format=JSON&ProjectId=10000&"
            "SignatureMethod=HMAC-SHA1&SignatureNonce=c3d5a0b2-1111-2222-3333-444455556666&"
            "SignatureVersion=1.0&TaskContent=%7B%22type%22%3A%22job%22%2C%22version%22%3A%222.0%22%7D&"
            "TaskName=new_di_task&TaskParam=%7B%22FileFolderPath%22%3A%22Business%20Flow%2Fdemo%2F"
            "Data%20Integration%22%2C%22ResourceGroup%22%3A%22S_res_group_XXX_XXXX%22%7D&"
            "TaskType=DI_OFFLINE&Timestamp=2024-01-01T00%3A00%3A00Z&Version=2020-05-18");
  EXPECT_EQ(SignV1("testsecret", StringToSignV1("POST", CanonicalizedQueryV1(params.value()))),
            "uoq84CsamEVizEabSHQH5vermto=");
  Status status = VerifyV1("POST", params.value(), "testsecret");
  EXPECT_TRUE(status.ok()) << status.error().message();
}

TEST(SignatureV1, MissingSignatureIsIncomplete) {
  Status status = VerifyV1("GET", DescribeRegionsParams("Timestamp"), "testsecret");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kIncompleteSignature);
  EXPECT_TRUE(StartsWith(status.error().message(), kIncompletePrefix)) << status.error().message();
}

TEST(SignatureV1, RejectsWrongSecret) {
  ParamMap params = DescribeRegionsParams("Timestamp");
  params["Signature"] = "OLeaidS1JvxuMvnyHOwuJ+uX5qY=";
  Status status = VerifyV1("GET", params, "wrongsecret");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kSignatureDoesNotMatch);
  EXPECT_TRUE(StartsWith(status.error().message(), kMismatchPrefix)) << status.error().message();
  std::string server_string_to_sign = StringToSignV1("GET", CanonicalizedQueryV1(params));
  EXPECT_NE(status.error().message().find(server_string_to_sign), std::string::npos);
  EXPECT_EQ(status.error().message(), std::string(kMismatchPrefix) + server_string_to_sign);
}

TEST(SignatureV1, RejectsOtherMethod) {
  ParamMap params = DescribeRegionsParams("Timestamp");
  params["Signature"] = "OLeaidS1JvxuMvnyHOwuJ+uX5qY=";
  Status status = VerifyV1("POST", params, "testsecret");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kSignatureDoesNotMatch);
}

TEST(SignatureV1, CanonicalizedQueryExcludesSignatureAndEncodes) {
  ParamMap params = {{"Signature", "x"}, {"b", "a b*~"}, {"a", ""}, {"c/d", "\xC3\xA9"}};
  EXPECT_EQ(CanonicalizedQueryV1(params), "a=&b=a%20b%2A~&c%2Fd=%C3%A9");
}

// ---- ACS3, rpc-protocol.md section 5.3 ----

constexpr char kDocVectorASignedHeaders[] =
    "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";

http::Request DocVectorA() {
  http::Request request;
  request.method = "POST";
  request.target =
      "/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai";
  request.headers = {
      {"host", "ecs.cn-shanghai.aliyuncs.com"},
      {"x-acs-action", "RunInstances"},
      {"x-acs-version", "2014-05-26"},
      {"x-acs-date", "2023-10-26T09:01:01Z"},
      {"x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0"},
      {"x-acs-content-sha256", std::string(kEmptySha256)},
      {"Authorization",
       std::string("ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=") +
           kDocVectorASignedHeaders +
           ",Signature=e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804"},
  };
  return request;
}

ParamMap QueryOf(const http::Request& request) {
  Result<ParamList> list = ParseFormUrlEncoded(request.RawQuery());
  DISYNC_CHECK(list.ok());
  Result<ParamMap> map = MergeParams(list.value(), {});
  DISYNC_CHECK(map.ok());
  return map.value();
}

Acs3Authorization AuthorizationOf(const http::Request& request) {
  Result<Acs3Authorization> authorization =
      ParseAcs3Authorization(request.Header("Authorization").value_or(""));
  DISYNC_CHECK(authorization.ok());
  return authorization.value();
}

TEST(SignatureV3, DocumentedVectorA) {
  http::Request request = DocVectorA();
  ParamMap query = QueryOf(request);
  Acs3Authorization authorization = AuthorizationOf(request);
  EXPECT_EQ(authorization.access_key_id, "YourAccessKeyId");

  Result<std::string> canonical_request =
      CanonicalRequestV3(request, query, authorization.signed_headers);
  ASSERT_TRUE(canonical_request.ok()) << canonical_request.error().message();
  EXPECT_EQ(canonical_request.value(),
            "POST\n"
            "/\n"
            "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
            "host:ecs.cn-shanghai.aliyuncs.com\n"
            "x-acs-action:RunInstances\n"
            "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-acs-date:2023-10-26T09:01:01Z\n"
            "x-acs-signature-nonce:d410180a5abf7fe235dd9b74aca91fc0\n"
            "x-acs-version:2014-05-26\n"
            "\n"
            "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string string_to_sign = StringToSignV3(canonical_request.value());
  EXPECT_EQ(string_to_sign,
            "ACS3-HMAC-SHA256\n29622f5feb1e9fcaaa2e276a72889c975f7b16f00e02be1ca34965b18cd85015");
  EXPECT_EQ(SignV3("YourAccessKeySecret", string_to_sign),
            "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804");
  Status status = VerifyV3(request, query, authorization, "YourAccessKeySecret");
  EXPECT_TRUE(status.ok()) << status.error().message();
}

TEST(SignatureV3, DocumentedVectorBWithFormBody) {
  http::Request request;
  request.method = "POST";
  request.target = "/?" + EncodeQuery({{"ProjectId", "10000"},
                                       {"TaskName", "new_di_task"},
                                       {"TaskParam", kTaskParam},
                                       {"TaskType", "DI_OFFLINE"}});
  request.body = "TaskContent=%7B%22type%22%3A%22job%22%2C%22version%22%3A%222.0%22%7D";
  ASSERT_EQ(Sha256Hex(request.body),
            "f10b2d4beae560bf1b1b4927639b5a044ecf7d6acc5f05b5252bf7ac4f70659f");
  request.headers = {
      {"content-type", "application/x-www-form-urlencoded"},
      {"host", "dataworks.cn-shanghai.aliyuncs.com"},
      {"x-acs-action", "CreateDISyncTask"},
      {"x-acs-version", "2020-05-18"},
      {"x-acs-date", "2024-01-01T00:00:00Z"},
      {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
      {"x-acs-content-sha256", "f10b2d4beae560bf1b1b4927639b5a044ecf7d6acc5f05b5252bf7ac4f70659f"},
      {"Authorization",
       "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=content-type;host;x-acs-action;"
       "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
       "Signature=6e3fda68761fdd0c6e00eb9a880868e9b564c2b9d12b05b003ad9e9f64761911"},
  };
  ParamMap query = QueryOf(request);
  Acs3Authorization authorization = AuthorizationOf(request);

  Result<std::string> canonical_request =
      CanonicalRequestV3(request, query, authorization.signed_headers);
  ASSERT_TRUE(canonical_request.ok()) << canonical_request.error().message();
  std::string string_to_sign = StringToSignV3(canonical_request.value());
  EXPECT_EQ(string_to_sign,
            "ACS3-HMAC-SHA256\n04735b2693d19dd2a94bc9d13db9fd53dbce089b0f24da1b0c79f86f4d41e487");
  EXPECT_EQ(SignV3("testsecret", string_to_sign),
            "6e3fda68761fdd0c6e00eb9a880868e9b564c2b9d12b05b003ad9e9f64761911");
  Status status = VerifyV3(request, query, authorization, "testsecret");
  EXPECT_TRUE(status.ok()) << status.error().message();
}

TEST(SignatureV3, RejectsWrongSecret) {
  http::Request request = DocVectorA();
  ParamMap query = QueryOf(request);
  Acs3Authorization authorization = AuthorizationOf(request);
  Status status = VerifyV3(request, query, authorization, "wrongsecret");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kSignatureDoesNotMatch);
  Result<std::string> canonical_request =
      CanonicalRequestV3(request, query, authorization.signed_headers);
  ASSERT_TRUE(canonical_request.ok());
  EXPECT_EQ(status.error().message(),
            std::string(kMismatchPrefix) + StringToSignV3(canonical_request.value()));
}

TEST(SignatureV3, RejectsContentHashThatDoesNotMatchBody) {
  http::Request request = DocVectorA();
  request.body = "x=1";  // the header still claims the empty body
  Status status = VerifyV3(request, QueryOf(request), AuthorizationOf(request),
                           "YourAccessKeySecret");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kSignatureDoesNotMatch);
}

TEST(SignatureV3, RejectsTamperedQuery) {
  http::Request request = DocVectorA();
  request.target += "&Extra=1";
  Status status = VerifyV3(request, QueryOf(request), AuthorizationOf(request),
                           "YourAccessKeySecret");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kSignatureDoesNotMatch);
}

TEST(SignatureV3, MissingSignedHeaderIsIncomplete) {
  http::Request request = DocVectorA();
  std::erase_if(request.headers, [](const auto& h) { return h.first == "x-acs-date"; });
  Acs3Authorization authorization = AuthorizationOf(request);

  Result<std::string> headers = CanonicalHeadersV3(request, authorization.signed_headers);
  ASSERT_FALSE(headers.ok());
  EXPECT_EQ(headers.error().code(), ErrorCode::kIncompleteSignature);
  EXPECT_TRUE(StartsWith(headers.error().message(), kIncompletePrefix));

  Status status = VerifyV3(request, QueryOf(request), authorization, "YourAccessKeySecret");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kIncompleteSignature);
}

class SignatureV3MinimumSignedHeaders : public ::testing::TestWithParam<std::string> {};

TEST_P(SignatureV3MinimumSignedHeaders, UnsignedRequiredHeaderIsIncomplete) {
  http::Request request = DocVectorA();
  Acs3Authorization authorization = AuthorizationOf(request);
  std::erase(authorization.signed_headers, GetParam());
  ASSERT_EQ(authorization.signed_headers.size(), 5u);
  Status status = VerifyV3(request, QueryOf(request), authorization, "YourAccessKeySecret");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kIncompleteSignature);
  EXPECT_TRUE(StartsWith(status.error().message(), kIncompletePrefix));
  EXPECT_NE(status.error().message().find(GetParam()), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Table, SignatureV3MinimumSignedHeaders,
                         ::testing::Values("host", "x-acs-action", "x-acs-version", "x-acs-date",
                                           "x-acs-signature-nonce", "x-acs-content-sha256"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// ---- ParseAcs3Authorization ----

struct AuthorizationCase {
  const char* name;
  std::string header;
  std::string access_key_id;
  std::vector<std::string> signed_headers;
  std::string signature;
};

class ParseAcs3AuthorizationValid : public ::testing::TestWithParam<AuthorizationCase> {};

TEST_P(ParseAcs3AuthorizationValid, Parses) {
  const AuthorizationCase& c = GetParam();
  Result<Acs3Authorization> got = ParseAcs3Authorization(c.header);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->access_key_id, c.access_key_id);
  EXPECT_EQ(got->signed_headers, c.signed_headers);
  EXPECT_EQ(got->signature, c.signature);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseAcs3AuthorizationValid,
    ::testing::Values(
        AuthorizationCase{"NoSpaces",
                          "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-date,"
                          "Signature=0a1b",
                          "testid",
                          {"host", "x-acs-date"},
                          "0a1b"},
        AuthorizationCase{"SpacesAfterCommas",
                          "ACS3-HMAC-SHA256 Credential=testid, SignedHeaders=host;x-acs-date, "
                          "Signature=0a1b",
                          "testid",
                          {"host", "x-acs-date"},
                          "0a1b"},
        AuthorizationCase{"OtherOrderAndSurroundingSpace",
                          "  ACS3-HMAC-SHA256  Signature=0a1b,Credential=id,SignedHeaders=host  ",
                          "id",
                          {"host"},
                          "0a1b"},
        AuthorizationCase{"LowerCasesNamesAndHex",
                          "ACS3-HMAC-SHA256 Credential=AbC,SignedHeaders=Host;X-Acs-Date,"
                          "Signature=0A1B",
                          "AbC",
                          {"host", "x-acs-date"},
                          "0a1b"}),
    [](const ::testing::TestParamInfo<AuthorizationCase>& info) { return info.param.name; });

struct InvalidAuthorizationCase {
  const char* name;
  std::string header;
};

class ParseAcs3AuthorizationInvalid : public ::testing::TestWithParam<InvalidAuthorizationCase> {};

TEST_P(ParseAcs3AuthorizationInvalid, IsIncompleteSignature) {
  Result<Acs3Authorization> got = ParseAcs3Authorization(GetParam().header);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kIncompleteSignature);
  EXPECT_TRUE(StartsWith(got.error().message(), kIncompletePrefix)) << got.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseAcs3AuthorizationInvalid,
    ::testing::Values(
        InvalidAuthorizationCase{"Empty", ""},
        InvalidAuthorizationCase{"AlgorithmOnly", "ACS3-HMAC-SHA256"},
        InvalidAuthorizationCase{"WrongAlgorithm",
                                 "ACS3-HMAC-SM3 Credential=id,SignedHeaders=host,Signature=ab"},
        InvalidAuthorizationCase{"AlgorithmPrefixOnly",
                                 "ACS3-HMAC-SHA2567 Credential=id,SignedHeaders=host,Signature=ab"},
        InvalidAuthorizationCase{"NoSpaceAfterAlgorithm",
                                 "ACS3-HMAC-SHA256Credential=id,SignedHeaders=host,Signature=ab"},
        InvalidAuthorizationCase{"V1Style", "HMAC-SHA1 testid:abc="},
        InvalidAuthorizationCase{"MissingCredential",
                                 "ACS3-HMAC-SHA256 SignedHeaders=host,Signature=ab"},
        InvalidAuthorizationCase{"MissingSignedHeaders",
                                 "ACS3-HMAC-SHA256 Credential=id,Signature=ab"},
        InvalidAuthorizationCase{"MissingSignature",
                                 "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host"},
        InvalidAuthorizationCase{"EmptyCredential",
                                 "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=ab"},
        InvalidAuthorizationCase{"EmptySignature",
                                 "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature="},
        InvalidAuthorizationCase{"EmptySignedHeaderName",
                                 "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;;x,Signature=ab"},
        InvalidAuthorizationCase{"DuplicateSignedHeader",
                                 "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;host,Signature=ab"},
        InvalidAuthorizationCase{"PartWithoutEquals",
                                 "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature"},
        InvalidAuthorizationCase{"UnknownPart",
                                 "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=ab,X=1"},
        InvalidAuthorizationCase{"RepeatedPart",
                                 "ACS3-HMAC-SHA256 Credential=id,Credential=id2,SignedHeaders=host,"
                                 "Signature=ab"}),
    [](const ::testing::TestParamInfo<InvalidAuthorizationCase>& info) { return info.param.name; });

// ---- canonical headers ----

struct CanonicalHeadersCase {
  const char* name;
  http::HeaderList headers;
  std::vector<std::string> signed_headers;
  std::string want;
};

class CanonicalHeadersV3Test : public ::testing::TestWithParam<CanonicalHeadersCase> {};

TEST_P(CanonicalHeadersV3Test, Canonicalises) {
  http::Request request;
  request.headers = GetParam().headers;
  Result<std::string> got = CanonicalHeadersV3(request, GetParam().signed_headers);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got.value(), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CanonicalHeadersV3Test,
    ::testing::Values(
        CanonicalHeadersCase{"SortsBySignedName",
                             {{"x-acs-b", "2"}, {"host", "h"}, {"x-acs-a", "1"}},
                             {"x-acs-b", "host", "x-acs-a"},
                             "host:h\nx-acs-a:1\nx-acs-b:2\n"},
        CanonicalHeadersCase{"TrimsSpacesAndTabs",
                             {{"host", " \t h:1 \t"}, {"x-acs-a", "in  side"}},
                             {"host", "x-acs-a"},
                             "host:h:1\nx-acs-a:in  side\n"},
        CanonicalHeadersCase{"NameIsCaseInsensitive",
                             {{"Host", "h"}, {"X-Acs-Date", "d"}},
                             {"host", "x-acs-date"},
                             "host:h\nx-acs-date:d\n"},
        CanonicalHeadersCase{"RepeatedValuesSortedAndJoined",
                             {{"x-acs-a", "b"}, {"X-ACS-A", " a "}, {"x-acs-a", "c"}},
                             {"x-acs-a"},
                             "x-acs-a:a,b,c\n"},
        CanonicalHeadersCase{"UnsignedHeadersIgnored",
                             {{"host", "h"}, {"x-acs-unsigned", "u"}, {"accept", "*/*"}},
                             {"host"},
                             "host:h\n"},
        CanonicalHeadersCase{"EmptyValue", {{"x-acs-a", "  "}}, {"x-acs-a"}, "x-acs-a:\n"}),
    [](const ::testing::TestParamInfo<CanonicalHeadersCase>& info) { return info.param.name; });

TEST(CanonicalQueryV3, EncodesNamesAndValues) {
  EXPECT_EQ(CanonicalQueryV3({}), "");
  EXPECT_EQ(CanonicalQueryV3({{"b", "x y*~"}, {"a", ""}, {"c d", "+"}}),
            "a=&b=x%20y%2A~&c%20d=%2B");
}

// ---- primitives ----

struct EqualsCase {
  const char* name;
  std::string a;
  std::string b;
  bool want;
};

class ConstantTimeEqualsTest : public ::testing::TestWithParam<EqualsCase> {};

TEST_P(ConstantTimeEqualsTest, Compares) {
  EXPECT_EQ(ConstantTimeEquals(GetParam().a, GetParam().b), GetParam().want);
  EXPECT_EQ(ConstantTimeEquals(GetParam().b, GetParam().a), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConstantTimeEqualsTest,
    ::testing::Values(EqualsCase{"BothEmpty", "", "", true},
                      EqualsCase{"Equal", "abc=", "abc=", true},
                      EqualsCase{"EqualWithNul", std::string("a\0b", 3), std::string("a\0b", 3),
                                 true},
                      EqualsCase{"DifferLastByte", "abcd", "abce", false},
                      EqualsCase{"DifferFirstByte", "xbcd", "abcd", false},
                      EqualsCase{"Prefix", "abc", "abcd", false},
                      EqualsCase{"EmptyAndNonEmpty", "", "a", false},
                      EqualsCase{"CaseMatters", "ABC", "abc", false}),
    [](const ::testing::TestParamInfo<EqualsCase>& info) { return info.param.name; });

TEST(Primitives, Sha256Hex) {
  EXPECT_EQ(Sha256Hex(""), kEmptySha256);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Primitives, HmacSha1Base64) {
  // RFC 2202 test case 2.
  EXPECT_EQ(HmacSha1Base64("Jefe", "what do ya want for nothing?"), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
  EXPECT_EQ(HmacSha1Base64("", ""), "+9sdGxiqbAgyS31ktx+3Y3BpDh0=");
}

TEST(Primitives, HmacSha256Hex) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256Hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

}  // namespace
}  // namespace disync::openapi
