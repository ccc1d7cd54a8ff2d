// Request parameters of the Alibaba Cloud RPC protocol (rpc-protocol.md
// section 1.2-1.3): x-www-form-urlencoded decoding of the query string and of
// the form body, their merge into one map, and the RFC 3986 percent-encoding
// that both signature algorithms canonicalise with. Pure functions;
// thread-safe.
#ifndef DISYNC_OPENAPI_PARAMS_H_
#define DISYNC_OPENAPI_PARAMS_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace disync::openapi {

// Sorted by name in byte order (std::string compares like memcmp), which is
// the order both canonical forms need.
using ParamMap = std::map<std::string, std::string>;
using ParamList = std::vector<std::pair<std::string, std::string>>;

// Decodes "a=1&b=x+y&c=%2A" into pairs, '+' as space, %XY as a byte. Empty
// segments ("a=1&&b=2") are skipped; "a" alone is ("a", ""). Unescaped
// sub-delimiters (* ' ( ) !) are taken literally. A malformed escape ("%G1",
// a trailing "%") is an kInvalidParameter error naming the offending text.
Result<ParamList> ParseFormUrlEncoded(std::string_view text);

// Builds the merged map: every query pair, then every body pair, a body value
// replacing a query value of the same name. A name repeated inside the query
// or inside the body is kInvalidParameter ("duplicate parameter X").
Result<ParamMap> MergeParams(const ParamList& query, const ParamList& body);

// RFC 3986 percent-encoding of rpc-protocol.md section 4 step 3:
// A-Z a-z 0-9 - _ . ~ stay, every other byte becomes %XY (upper-case hex).
std::string PercentEncode(std::string_view text);

}  // namespace disync::openapi

#endif  // DISYNC_OPENAPI_PARAMS_H_
