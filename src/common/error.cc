#include "common/error.h"

namespace disync {

std::string_view ToString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInternal: return "Internal";
    case ErrorCode::kInvalidArgument: return "InvalidArgument";
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kAlreadyExists: return "AlreadyExists";
    case ErrorCode::kUnavailable: return "Unavailable";
    case ErrorCode::kDeadlineExceeded: return "DeadlineExceeded";
    case ErrorCode::kCorruption: return "Corruption";
    case ErrorCode::kPermissionDenied: return "PermissionDenied";
    case ErrorCode::kFailedPrecondition: return "FailedPrecondition";
    case ErrorCode::kMissingParameter: return "MissingParameter";
    case ErrorCode::kInvalidParameter: return "InvalidParameter";
    case ErrorCode::kInvalidAccessKeyIdNotFound: return "InvalidAccessKeyIdNotFound";
    case ErrorCode::kInvalidAccessKeyIdInactive: return "InvalidAccessKeyIdInactive";
    case ErrorCode::kSignatureDoesNotMatch: return "SignatureDoesNotMatch";
    case ErrorCode::kIncompleteSignature: return "IncompleteSignature";
    case ErrorCode::kSignatureNonceUsed: return "SignatureNonceUsed";
    case ErrorCode::kInvalidTimeStampExpired: return "InvalidTimeStampExpired";
    case ErrorCode::kInvalidTimeStampFormat: return "InvalidTimeStampFormat";
    case ErrorCode::kInvalidVersion: return "InvalidVersion";
    case ErrorCode::kInvalidActionNotFound: return "InvalidActionNotFound";
    case ErrorCode::kInvalidSignatureMethod: return "InvalidSignatureMethod";
    case ErrorCode::kForbiddenRam: return "ForbiddenRam";
    case ErrorCode::kServiceUnavailable: return "ServiceUnavailable";
    case ErrorCode::kProjectNotExists: return "ProjectNotExists";
    case ErrorCode::kUserNotInProject: return "UserNotInProject";
    case ErrorCode::kUserAlreadyInProject: return "UserAlreadyInProject";
    case ErrorCode::kUserNotInTenant: return "UserNotInTenant";
    case ErrorCode::kCallerNotInTenant: return "CallerNotInTenant";
    case ErrorCode::kNotProjectOwnerOrAdmin: return "NotProjectOwnerOrAdmin";
    case ErrorCode::kConnectionNotExists: return "ConnectionNotExists";
    case ErrorCode::kInvalidParam: return "InvalidParam";
    case ErrorCode::kInvalidOperation: return "InvalidOperation";
    case ErrorCode::kDiInvalidParameter: return "DiInvalidParameter";
    case ErrorCode::kDiFileExisted: return "DiFileExisted";
    case ErrorCode::kDiNoPrivilege: return "DiNoPrivilege";
    case ErrorCode::kDiInternal: return "DiInternal";
  }
  return "Unknown";
}

}  // namespace disync
