#include "tools/cli/client.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <utility>

#include "common/memory.h"
#include "common/random.h"

namespace disync::cli {
namespace {

constexpr char kUserAgent[] = "disync-cli/0.1 (dataworks-public 2020-05-18)";
constexpr long kReadBufferBytes = 512 * 1024;

std::string StringMember(const Json& body, const char* upper, const char* lower) {
  for (const char* key : {upper, lower}) {
    auto it = body.find(key);
    if (it != body.end() && it->is_string()) return it->get<std::string>();
    if (it != body.end() && !it->is_null()) return it->dump();
  }
  return "";
}

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// One part of a parsed URL, or "" when it is absent.
std::string UrlPart(CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, 0) != CURLUE_OK || text == nullptr) return "";
  std::string out(text);
  curl_free(text);
  return out;
}

struct Sink {
  CURL* handle;
  std::string* body;
  size_t limit;
};

size_t Write(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (sink->body->size() + n > sink->limit) return 0;  // aborts with CURLE_WRITE_ERROR
  if (sink->body->empty()) {
    // Room for the whole body at once when its length is announced: a
    // 45 MB TaskContent answer grew by doubling, copying and faulting in
    // twice its size.
    curl_off_t length = -1;
    if (curl_easy_getinfo(sink->handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK &&
        length > 0 && static_cast<uint64_t>(length) <= sink->limit) {
      sink->body->reserve(static_cast<size_t>(length));
      PrefaultForWrite(sink->body->data(), static_cast<size_t>(length));
    }
  }
  sink->body->append(data, n);
  return n;
}

std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 200;
  std::string out(text.substr(0, kMax));
  for (char& ch : out) {
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  }
  if (text.size() > kMax) out += "...";
  return out;
}

}  // namespace

struct ApiClient::Curl {
  struct Deleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
  };
  std::unique_ptr<CURL, Deleter> handle;
};

std::string ApiResponse::Code() const { return StringMember(body, "Code", "code"); }
std::string ApiResponse::Message() const { return StringMember(body, "Message", "message"); }
std::string ApiResponse::RequestId() const { return StringMember(body, "RequestId", "requestId"); }

Result<std::unique_ptr<ApiClient>> ApiClient::Create(ClientOptions options) {
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url) return Error::Internal("out of memory");
  CURLUcode rc = curl_url_set(url.get(), CURLUPART_URL, options.endpoint.c_str(),
                              CURLU_DEFAULT_SCHEME);
  if (rc != CURLUE_OK) {
    return Error::InvalidArgument("the endpoint \"" + options.endpoint +
                                  "\" is not a URL: " + curl_url_strerror(rc));
  }
  std::string scheme = UrlPart(url.get(), CURLUPART_SCHEME);
  std::string host = UrlPart(url.get(), CURLUPART_HOST);
  std::string port = UrlPart(url.get(), CURLUPART_PORT);
  if ((scheme != "http" && scheme != "https") || host.empty()) {
    return Error::InvalidArgument("the endpoint \"" + options.endpoint +
                                  "\" must look like http://HOST:PORT or https://HOST");
  }
  std::string authority = port.empty() ? host : host + ":" + port;
  auto curl = std::make_unique<Curl>();
  curl->handle.reset(curl_easy_init());
  if (!curl->handle) return Error::Internal("curl_easy_init failed");
  std::string base = scheme + "://" + authority;
  return std::unique_ptr<ApiClient>(
      new ApiClient(std::move(options), std::move(base), std::move(authority), std::move(curl)));
}

ApiClient::ApiClient(ClientOptions options, std::string base_url, std::string host,
                     std::unique_ptr<Curl> curl)
    : options_(std::move(options)),
      base_url_(std::move(base_url)),
      host_(std::move(host)),
      curl_(std::move(curl)) {}

ApiClient::~ApiClient() = default;

Result<ApiResponse> ApiClient::Call(const ApiCall& call) {
  DISYNC_ASSIGN_OR_RETURN(
      SignedRequest request,
      SignRequest(call, host_, options_.credentials, options_.signature,
                  std::chrono::system_clock::now(), RandomHex(16)));

  CURL* h = curl_->handle.get();
  curl_easy_reset(h);  // keeps the connection cache
  std::string url = base_url_ + request.target;
  std::string body;
  Sink sink{h, &body, options_.max_response_bytes};
  char error_buffer[CURL_ERROR_SIZE] = {};

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&headers](const std::string& line) {
    // curl_slist_append returns the (possibly new) head, or null leaving
    // the list as it was.
    curl_slist* head = headers.release();
    curl_slist* next = curl_slist_append(head, line.c_str());
    headers.reset(next != nullptr ? next : head);
    return next != nullptr;
  };
  bool headers_ok = true;
  for (const auto& [name, value] : request.headers) headers_ok &= add_header(name + ": " + value);
  // No "Expect: 100-continue" round trip; no content-type that the
  // signature does not cover when there is no body.
  headers_ok &= add_header("Expect:");
  if (request.body.empty()) headers_ok &= add_header("Content-Type:");
  if (!headers_ok) return Error::Internal("out of memory");

  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, kUserAgent);
  // Reads of up to 512 KiB instead of 16 KiB: a 45 MB TaskContent answer
  // took about 2,700 reads of 16 KiB, and arrived in 18 ms instead of
  // 26-33 ms with the larger buffer. Larger still was slower: with 4 MiB or
  // libcurl's largest, CURL_MAX_READ_SIZE (10 MiB), 106-141 ms against
  // 22-41 ms (bench/README.md, fourteenth and fifteenth rounds).
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, kReadBufferBytes);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  switch (call.method) {
    case HttpMethod::kGet:
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
      break;
    case HttpMethod::kPut:
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
      [[fallthrough]];
    case HttpMethod::kPost:
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
      break;
  }

  CURLcode rc = curl_easy_perform(h);
  const auto received = std::chrono::steady_clock::now();
  if (rc != CURLE_OK) {
    std::string detail = curl_easy_strerror(rc);
    if (error_buffer[0] != '\0') detail += " (" + std::string(error_buffer) + ")";
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        return Error(ErrorCode::kDeadlineExceeded,
                     "cannot reach " + options_.endpoint + ": no answer within " +
                         std::to_string(options_.timeout.count()) + " ms (" + detail + ")");
      case CURLE_WRITE_ERROR:
        return Error(ErrorCode::kCorruption,
                     "the answer of " + options_.endpoint + " is larger than " +
                         std::to_string(options_.max_response_bytes) + " bytes");
      case CURLE_URL_MALFORMAT:
      case CURLE_UNSUPPORTED_PROTOCOL:
        return Error::InvalidArgument("the endpoint \"" + options_.endpoint +
                                      "\" cannot be used: " + detail);
      default:
        return Error::Unavailable("cannot reach " + options_.endpoint + ": " + detail);
    }
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);

  ApiResponse response;
  response.http_status = static_cast<int>(status);
  response.body_bytes = body.size();
  response.received = received;
  response.body = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (response.body.is_discarded() || !response.body.is_object()) {
    return Error(ErrorCode::kCorruption,
                 "the answer of " + options_.endpoint + " to " + call.action +
                     " is not the API's JSON (HTTP " + std::to_string(status) +
                     "): " + Excerpt(body));
  }
  return response;
}

}  // namespace disync::cli
