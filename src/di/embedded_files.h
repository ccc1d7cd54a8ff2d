// The data files of the di module (JSON Schemas under schemas/, type-mapping
// tables under mappings/), compiled into the binary by cmake/embed_files.cmake
// so that a deployed disyncd needs no data directory. Names are paths relative
// to src/di, e.g. "schemas/realtime_script.schema.json".
//
// The contents are immutable string literals; thread-safe.
#ifndef DISYNC_DI_EMBEDDED_FILES_H_
#define DISYNC_DI_EMBEDDED_FILES_H_

#include <optional>
#include <string_view>
#include <vector>

namespace disync::di {

// The contents of the named file, or nullopt when no such file was embedded.
std::optional<std::string_view> FindEmbeddedFile(std::string_view name);

// Every embedded name, in the order CMake listed them.
std::vector<std::string_view> EmbeddedFileNames();

}  // namespace disync::di

#endif  // DISYNC_DI_EMBEDDED_FILES_H_
