// A fresh, empty directory for the running GoogleTest test: under the system
// temporary directory, named after `prefix`, the process and the test, so
// that parallel test processes never share one. The caller removes it
// (std::filesystem::remove_all) in TearDown.
#ifndef DISYNC_TESTS_SUPPORT_TEMP_DIR_H_
#define DISYNC_TESTS_SUPPORT_TEMP_DIR_H_

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace disync::test_support {

inline std::filesystem::path FreshTestDir(std::string_view prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (std::string(prefix) + "_" + std::to_string(::getpid()) + "_" + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace disync::test_support

#endif  // DISYNC_TESTS_SUPPORT_TEMP_DIR_H_
