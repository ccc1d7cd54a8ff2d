// Text files compiled into the `disync` binary by cmake/embed_files.cmake,
// looked up by their path relative to tools/cli ("disync.bash-completion").
// Immutable string literals; thread-safe.
#ifndef DISYNC_TOOLS_CLI_EMBEDDED_FILES_H_
#define DISYNC_TOOLS_CLI_EMBEDDED_FILES_H_

#include <optional>
#include <string_view>
#include <vector>

namespace disync::cli {

std::optional<std::string_view> FindEmbeddedFile(std::string_view name);
std::vector<std::string_view> EmbeddedFileNames();

}  // namespace disync::cli

#endif  // DISYNC_TOOLS_CLI_EMBEDDED_FILES_H_
