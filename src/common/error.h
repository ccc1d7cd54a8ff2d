// Error: the value every expected failure travels as, from the store or the
// protocol layer up to the one renderer in openapi (error_table.cc).
//
// The code is a closed enum. Codes that a client can see map 1:1 to an
// Alibaba Cloud / DataWorks error Code (see openapi/error_table.cc); the
// generic ones (kNotFound, kAlreadyExists, kUnavailable, ...) are for modules
// below the API, and an API handler either maps them to a visible code or lets
// them fall through to InternalError, whose details go only to the log.
//
// Thread-safety: a value type; const methods may be called concurrently.
#ifndef DISYNC_COMMON_ERROR_H_
#define DISYNC_COMMON_ERROR_H_

#include <string>
#include <string_view>
#include <utility>

namespace disync {

enum class ErrorCode {
  // Generic, below the API.
  kInternal,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kUnavailable,
  kDeadlineExceeded,
  kCorruption,
  kPermissionDenied,   // e.g. a source database refused our credentials
  kFailedPrecondition, // e.g. a table without the primary key a target needs

  // Gateway (POP) errors, rpc-protocol.md section 7.
  kMissingParameter,
  kInvalidParameter,
  kInvalidAccessKeyIdNotFound,
  kInvalidAccessKeyIdInactive,
  kSignatureDoesNotMatch,
  kIncompleteSignature,
  kSignatureNonceUsed,
  kInvalidTimeStampExpired,
  kInvalidTimeStampFormat,
  kInvalidVersion,
  kInvalidActionNotFound,
  kInvalidSignatureMethod,
  kForbiddenRam,
  kServiceUnavailable,

  // DataWorks tenant / workspace errors, workspaces.md section 4.
  kProjectNotExists,
  kUserNotInProject,
  kUserAlreadyInProject,
  kUserNotInTenant,
  kCallerNotInTenant,
  kNotProjectOwnerOrAdmin,
  kConnectionNotExists,
  kInvalidParam,
  kInvalidOperation,

  // Data Integration errors, the seed page.
  kDiInvalidParameter,
  kDiFileExisted,
  kDiNoPrivilege,
  kDiInternal,
};

// Stable name of the enumerator, for logs and tests ("kNotFound" -> "NotFound").
std::string_view ToString(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Convenience factories for the generic codes.
  static Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
  static Error InvalidArgument(std::string m) {
    return {ErrorCode::kInvalidArgument, std::move(m)};
  }
  static Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Error AlreadyExists(std::string m) {
    return {ErrorCode::kAlreadyExists, std::move(m)};
  }
  static Error Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }

 private:
  ErrorCode code_;
  std::string message_;
};

}  // namespace disync

#endif  // DISYNC_COMMON_ERROR_H_
