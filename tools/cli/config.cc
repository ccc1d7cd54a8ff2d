#include "tools/cli/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace disync::cli {
namespace {

using Json = nlohmann::json;

Error Precondition(std::string message) {
  return {ErrorCode::kFailedPrecondition, std::move(message)};
}

Error Errno(const std::string& what) {
  return Error::Internal(what + ": " + std::strerror(errno));
}

// mkdir -p with mode 0700 for every directory it creates.
Status MakeDirectories(const std::filesystem::path& dir) {
  std::filesystem::path prefix;
  for (const auto& part : dir) {
    prefix /= part;
    if (prefix == prefix.root_path()) continue;
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return Errno("cannot create " + prefix.string());
    }
  }
  return OkStatus();
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write " + path);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

Json ToJson(const ConfigFile& config) {
  Json profiles = Json::object();
  for (const auto& [name, p] : config.profiles) {
    Json entry = {{"access_key_id", p.access_key_id},
                  {"access_key_secret", p.access_key_secret},
                  {"endpoint", p.endpoint}};
    if (p.project_id) entry["project_id"] = *p.project_id;
    profiles[name] = std::move(entry);
  }
  return Json{{"current", config.current}, {"profiles", std::move(profiles)}};
}

std::string StringOr(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<std::string> ConfigPath(const EnvLookup& env) {
  if (auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty() && (*xdg)[0] == '/') {
    return *xdg + "/disync/config.json";
  }
  if (auto home = env("HOME"); home && !home->empty()) {
    return *home + "/.config/disync/config.json";
  }
  return Precondition("neither XDG_CONFIG_HOME nor HOME is set: cannot locate the config file");
}

Result<ConfigFile> LoadConfig(const std::string& path) {
  ConfigFile config;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return config;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Precondition("cannot read " + path + ": " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  Json doc = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Precondition(path + " is not a JSON object; fix it or run `disync configure` again");
  }
  config.current = StringOr(doc, "current");
  auto profiles = doc.find("profiles");
  if (profiles != doc.end() && profiles->is_object()) {
    for (const auto& [name, entry] : profiles->items()) {
      if (!entry.is_object()) continue;
      Profile p;
      p.access_key_id = StringOr(entry, "access_key_id");
      p.access_key_secret = StringOr(entry, "access_key_secret");
      p.endpoint = StringOr(entry, "endpoint");
      if (auto it = entry.find("project_id"); it != entry.end() && it->is_number_integer()) {
        p.project_id = it->get<int64_t>();
      }
      config.profiles.emplace(name, std::move(p));
    }
  }
  return config;
}

Status SaveConfig(const std::string& path, const ConfigFile& config) {
  std::filesystem::path file(path);
  std::filesystem::path dir = file.parent_path();
  DISYNC_RETURN_IF_ERROR(MakeDirectories(dir));
  std::string tmp = path + ".tmp.XXXXXX";
  std::vector<char> tmp_name(tmp.begin(), tmp.end());
  tmp_name.push_back('\0');
  int fd = ::mkstemp(tmp_name.data());  // mode 0600
  if (fd < 0) return Errno("cannot create a temporary file next to " + path);
  std::string tmp_path(tmp_name.data());
  auto fail = [&](Error error) {
    ::close(fd);
    ::unlink(tmp_path.c_str());
    return error;
  };
  if (::fchmod(fd, 0600) != 0) return fail(Errno("cannot chmod " + tmp_path));
  Status written = WriteAll(fd, ToJson(config).dump(2) + "\n", tmp_path);
  if (!written.ok()) return fail(written.error());
  if (::fsync(fd) != 0) return fail(Errno("cannot fsync " + tmp_path));
  if (::close(fd) != 0) {
    ::unlink(tmp_path.c_str());
    return Errno("cannot close " + tmp_path);
  }
  if (::rename(tmp_path.c_str(), path.c_str()) != 0) {
    Error error = Errno("cannot replace " + path);
    ::unlink(tmp_path.c_str());
    return error;
  }
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);  // best effort: the rename is what must be durable
    ::close(dir_fd);
  }
  return OkStatus();
}

Result<std::string> NormalizeEndpoint(std::string_view endpoint) {
  std::string out(endpoint);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (out.empty()) return Error::InvalidArgument("the endpoint is empty");
  auto scheme_end = out.find("://");
  if (scheme_end == std::string::npos) {
    out = "http://" + out;
  } else {
    std::string scheme = out.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") {
      return Error::InvalidArgument("the endpoint \"" + std::string(endpoint) +
                                    "\" must start with http:// or https://");
    }
  }
  return out;
}

bool IsValidProfileName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char ch : name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '.' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

Result<Settings> ResolveSettings(const ConfigFile& config, const std::string& config_path,
                                 std::string_view profile_flag, std::string_view endpoint_flag,
                                 const EnvLookup& env) {
  Settings settings;
  const std::string fix =
      "run `disync configure --profile NAME --access-key-id ID --access-key-secret SECRET "
      "--endpoint URL`, or set DISYNC_ACCESS_KEY_ID, DISYNC_ACCESS_KEY_SECRET and DISYNC_ENDPOINT";
  if (!profile_flag.empty()) {
    auto it = config.profiles.find(std::string(profile_flag));
    if (it == config.profiles.end()) {
      return Precondition("no profile \"" + std::string(profile_flag) + "\" in " + config_path +
                          "; " + fix);
    }
    settings.credentials = {it->second.access_key_id, it->second.access_key_secret};
    settings.endpoint = it->second.endpoint;
    settings.project_id = it->second.project_id;
    settings.source = "profile \"" + it->first + "\" of " + config_path;
  } else {
    std::string name = config.current.empty() ? std::string(kDefaultProfile) : config.current;
    auto it = config.profiles.find(name);
    if (it != config.profiles.end()) {
      settings.credentials = {it->second.access_key_id, it->second.access_key_secret};
      settings.endpoint = it->second.endpoint;
      settings.project_id = it->second.project_id;
      settings.source = "profile \"" + name + "\" of " + config_path;
    }
    std::vector<std::string> from_env;
    auto take = [&](const char* var, std::string* field) {
      if (auto value = env(var); value && !value->empty()) {
        *field = *value;
        from_env.push_back(var);
      }
    };
    take("DISYNC_ACCESS_KEY_ID", &settings.credentials.access_key_id);
    take("DISYNC_ACCESS_KEY_SECRET", &settings.credentials.access_key_secret);
    take("DISYNC_ENDPOINT", &settings.endpoint);
    if (!from_env.empty()) {
      std::string names;
      for (const auto& n : from_env) names += (names.empty() ? "" : ", ") + n;
      settings.source = settings.source.empty() ? names : names + " over " + settings.source;
    }
  }
  if (!endpoint_flag.empty()) settings.endpoint = std::string(endpoint_flag);

  std::vector<std::string> missing;
  if (settings.credentials.access_key_id.empty()) missing.push_back("access key id");
  if (settings.credentials.access_key_secret.empty()) missing.push_back("access key secret");
  if (settings.endpoint.empty()) missing.push_back("endpoint");
  if (!missing.empty()) {
    std::string what;
    for (size_t i = 0; i < missing.size(); ++i) {
      what += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
    }
    return Precondition("missing " + what +
                        (settings.source.empty() ? "" : " in " + settings.source) + ": " + fix);
  }
  auto endpoint = NormalizeEndpoint(settings.endpoint);
  if (!endpoint.ok()) return Precondition(endpoint.error().message());
  settings.endpoint = *endpoint;
  return settings;
}

}  // namespace disync::cli
