#include "openapi/error_table.h"

namespace disync::openapi {

ApiErrorInfo Describe(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMissingParameter:
      return {400, "MissingParameter",
              "The input parameter that is mandatory for processing this request is not supplied."};
    case ErrorCode::kInvalidParameter:
      return {400, "InvalidParameter", "The specified parameter is not valid."};
    case ErrorCode::kInvalidAccessKeyIdNotFound:
      return {404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."};
    case ErrorCode::kInvalidAccessKeyIdInactive:
      return {400, "InvalidAccessKeyId.Inactive", "Specified access key is disabled."};
    case ErrorCode::kSignatureDoesNotMatch:
      return {400, "SignatureDoesNotMatch",
              "Specified signature is not matched with our calculation."};
    case ErrorCode::kIncompleteSignature:
      return {400, "IncompleteSignature",
              "The request signature does not conform to Aliyun standards."};
    case ErrorCode::kSignatureNonceUsed:
      return {400, "SignatureNonceUsed", "Specified signature nonce was used already."};
    case ErrorCode::kInvalidTimeStampExpired:
      return {400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."};
    case ErrorCode::kInvalidTimeStampFormat:
      return {400, "InvalidTimeStamp.Format",
              "Specified time stamp or date value is not well formatted."};
    case ErrorCode::kInvalidVersion:
      return {400, "InvalidVersion", "Specified parameter Version is not valid."};
    case ErrorCode::kInvalidActionNotFound:
      return {404, "InvalidAction.NotFound",
              "Specified api is not found, please check your url and method."};
    case ErrorCode::kInvalidSignatureMethod:
      return {400, "InvalidSignatureMethod", "Specified signature method is not supported."};
    case ErrorCode::kForbiddenRam:
      return {403, "Forbidden.RAM",
              "User not authorized to operate on the specified resource, or this API doesn't "
              "support RAM."};
    case ErrorCode::kServiceUnavailable:
      return {503, "ServiceUnavailable",
              "The request has failed due to a temporary failure of the server."};
    case ErrorCode::kProjectNotExists:
      return {400, "Invalid.Tenant.ProjectNotExists", "The project does not exist."};
    case ErrorCode::kUserNotInProject:
      return {400, "Invalid.Tenant.UserNotInProject", "The user is not in the project."};
    case ErrorCode::kUserAlreadyInProject:
      return {400, "Invalid.Tenant.UserAlreadyInProject", "The user already exists in the project."};
    case ErrorCode::kUserNotInTenant:
      return {400, "Invalid.Tenant.UserNotInTenant", "The user is not in the tenant."};
    case ErrorCode::kCallerNotInTenant:
      return {403, "Invalid.Tenant.UserNotInTenant", "The user is not in tenant."};
    case ErrorCode::kNotProjectOwnerOrAdmin:
      return {403, "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
              "The user is not a project administrator or owner."};
    case ErrorCode::kConnectionNotExists:
      return {400, "Invalid.Tenant.ConnectionNotExists", "The connection does not exist."};
    case ErrorCode::kInvalidParam:
      return {400, "Invalid.Param", "The request parameter is invalid."};
    case ErrorCode::kInvalidOperation:
      return {400, "Invalid.Operation", "The operation is not allowed."};
    case ErrorCode::kDiInvalidParameter:
      return {400, "Invalid.DI.Parameter", "The parameter is invalid."};
    case ErrorCode::kDiFileExisted:
      return {400, "Invalid.DI.Parameter.File.Existed", "The file name already exists."};
    case ErrorCode::kDiNoPrivilege:
      return {403, "Forbidden.DI.NoPrivilege", "No access."};
    case ErrorCode::kDiInternal:
      return {500, "InternalError.DI.Parameter", "A DI internal error occurred."};
    case ErrorCode::kInternal:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
    case ErrorCode::kCorruption:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kFailedPrecondition:
      break;
  }
  return {500, "InternalError",
          "The request processing has failed due to some unknown error, exception or failure."};
}

bool IsClientVisible(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInternal:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
    case ErrorCode::kCorruption:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kDiInternal:
      return false;
    default:
      return true;
  }
}

}  // namespace disync::openapi
