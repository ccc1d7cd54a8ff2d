// The exit codes of the `disync` command line, one place for all of them so
// that scripts can rely on them (README.md lists them). Constants only.
#ifndef DISYNC_TOOLS_CLI_EXIT_CODES_H_
#define DISYNC_TOOLS_CLI_EXIT_CODES_H_

#include "common/error.h"

namespace disync::cli {

enum class ExitCode : int {
  kOk = 0,
  // The command ran, and its outcome is a failure: validation problems, a
  // generation that ended "fail", Data.Status "fail", an unreachable source.
  kFailed = 1,
  // The API answered with an error (HTTP 4xx/5xx and a Code), or with
  // something that is not the API's JSON.
  kApiError = 2,
  // The endpoint could not be reached: refused, unresolvable, timed out.
  kUnreachable = 3,
  kUsage = 64,      // EX_USAGE: bad flags or arguments
  kNoInput = 66,    // EX_NOINPUT: an input file cannot be read
  kIoError = 74,    // EX_IOERR: the config file cannot be written
  kConfig = 78,     // EX_CONFIG: no or unusable credentials / config file
};

inline int ToInt(ExitCode code) { return static_cast<int>(code); }

// How an Error of the command line's own modules ends the process:
// kUnavailable / kDeadlineExceeded -> kUnreachable, kCorruption (an answer
// that is not the API's JSON) -> kApiError, kInvalidArgument -> kUsage,
// kNotFound -> kNoInput, kFailedPrecondition -> kConfig, anything else ->
// kIoError.
inline ExitCode ExitCodeFor(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
      return ExitCode::kUnreachable;
    case ErrorCode::kCorruption:
      return ExitCode::kApiError;
    case ErrorCode::kInvalidArgument:
      return ExitCode::kUsage;
    case ErrorCode::kNotFound:
      return ExitCode::kNoInput;
    case ErrorCode::kFailedPrecondition:
      return ExitCode::kConfig;
    default:
      return ExitCode::kIoError;
  }
}

}  // namespace disync::cli

#endif  // DISYNC_TOOLS_CLI_EXIT_CODES_H_
