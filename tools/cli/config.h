// Profiles of the `disync` command line: the config file
// ($XDG_CONFIG_HOME/disync/config.json, else ~/.config/disync/config.json),
// written atomically with mode 0600 in a 0700 directory, and the resolution of
// the credentials and endpoint a command uses:
//
//   --profile NAME          that profile, exactly (the environment is ignored)
//   otherwise               DISYNC_ACCESS_KEY_ID, DISYNC_ACCESS_KEY_SECRET and
//                           DISYNC_ENDPOINT, each where set, over the current
//                           profile (the one `configure` wrote last)
//   --endpoint URL          overrides the endpoint in both cases
//
// The environment is read through an injected lookup, so tests control it.
// Value types and functions; LoadConfig/SaveConfig do file I/O. Thread-compatible.
#ifndef DISYNC_TOOLS_CLI_CONFIG_H_
#define DISYNC_TOOLS_CLI_CONFIG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "tools/cli/signing.h"

namespace disync::cli {

// Looks an environment variable up; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
// The process environment (getenv).
EnvLookup ProcessEnvironment();

inline constexpr std::string_view kDefaultProfile = "default";

struct Profile {
  std::string access_key_id;
  std::string access_key_secret;
  std::string endpoint;                // normalised: "http://host:port", no trailing '/'
  std::optional<int64_t> project_id;   // the default --project of this profile
};

struct ConfigFile {
  std::string current;  // the profile used without --profile; "" = kDefaultProfile
  std::map<std::string, Profile> profiles;
};

// $XDG_CONFIG_HOME/disync/config.json when XDG_CONFIG_HOME is an absolute
// path, else $HOME/.config/disync/config.json. kFailedPrecondition when
// neither is usable.
Result<std::string> ConfigPath(const EnvLookup& env);

// A missing file is an empty config. A file that is not the expected JSON is
// kFailedPrecondition naming the file.
Result<ConfigFile> LoadConfig(const std::string& path);

// Creates the directory (0700) if needed and replaces the file atomically:
// a 0600 temporary file in the same directory, fsync, rename, fsync of the
// directory. kInternal (with errno's text) on failure.
Status SaveConfig(const std::string& path, const ConfigFile& config);

// "host:port" -> "http://host:port"; strips trailing '/'. kInvalidArgument
// for an empty endpoint or a scheme other than http/https.
Result<std::string> NormalizeEndpoint(std::string_view endpoint);

// A valid profile name: 1-64 of [A-Za-z0-9_.-].
bool IsValidProfileName(std::string_view name);

struct Settings {
  Credentials credentials;
  std::string endpoint;
  std::optional<int64_t> project_id;
  std::string source;  // where the settings came from, for error messages
};

// The resolution described at the top. kFailedPrecondition when a named
// profile does not exist or something is still missing, with a message that
// says how to fix it.
Result<Settings> ResolveSettings(const ConfigFile& config, const std::string& config_path,
                                 std::string_view profile_flag, std::string_view endpoint_flag,
                                 const EnvLookup& env);

}  // namespace disync::cli

#endif  // DISYNC_TOOLS_CLI_CONFIG_H_
