// The one mapping from an Error to what the client sees: HTTP status, the
// Alibaba Cloud / DataWorks error Code and its documented Message
// (rpc-protocol.md section 7, workspaces.md section 4, the seed page).
// Pure; thread-safe.
#ifndef DISYNC_OPENAPI_ERROR_TABLE_H_
#define DISYNC_OPENAPI_ERROR_TABLE_H_

#include <string>
#include <string_view>

#include "common/error.h"

namespace disync::openapi {

struct ApiErrorInfo {
  int http_status;
  std::string_view code;             // e.g. "InvalidTimeStamp.Expired"
  std::string_view default_message;  // the gateway's text
};

// Codes below the API (kInternal, kNotFound, ...) describe as 500
// InternalError: their details belong in the log, never to the client.
ApiErrorInfo Describe(ErrorCode code);

// True for the codes whose Error message may be shown to the client.
bool IsClientVisible(ErrorCode code);

}  // namespace disync::openapi

#endif  // DISYNC_OPENAPI_ERROR_TABLE_H_
