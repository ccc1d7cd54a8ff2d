#include "iam/secret_box.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace disync::iam {
namespace {

namespace fs = std::filesystem;

constexpr char kPrefix[] = "sealed:v1:";
constexpr char kCannotOpen[] =
    "sealed secret cannot be opened: wrong master key or altered data";
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

// Bytes 0x00..0x1f, and the same key in the two shapes DISYNC_MASTER_KEY takes.
const std::string kKey = [] {
  std::string key;
  for (int i = 0; i < 32; ++i) key += static_cast<char>(i);
  return key;
}();
constexpr char kKeyHex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kKeyBase64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const std::string kOtherKey(32, '\x5a');

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// An independent base64 codec, to look inside a sealed text.
std::string EncodeBase64(const std::string& bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Alphabet[group >> 18 & 63];
    out += kBase64Alphabet[group >> 12 & 63];
    out += i + 1 < bytes.size() ? kBase64Alphabet[group >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? kBase64Alphabet[group & 63] : '=';
  }
  return out;
}

std::string DecodeBase64(const std::string& text) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    bits = bits << 6 | static_cast<uint32_t>(std::string_view(kBase64Alphabet).find(c));
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>(bits >> count & 0xff);
    }
  }
  return out;
}

std::string SealOrDie(const SecretBox& box, std::string_view plaintext) {
  auto sealed = box.Seal(plaintext);
  EXPECT_TRUE(sealed.ok()) << sealed.error().message();
  return sealed.ok() ? sealed.value() : std::string();
}

void ExpectCannotOpen(const SecretBox& box, const std::string& sealed) {
  auto opened = box.Open(sealed);
  ASSERT_FALSE(opened.ok()) << "opened: " << sealed;
  EXPECT_EQ(opened.error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(opened.error().message(), kCannotOpen);
}

TEST(SecretBox, RoundTrips) {
  const SecretBox box(kKey);
  std::string mebibyte(size_t{1} << 20, '\0');
  for (size_t i = 0; i < mebibyte.size(); ++i) mebibyte[i] = static_cast<char>(i * 31 + 7);
  struct Case {
    std::string name;
    std::string plaintext;
  };
  // Lengths 0, 1, 2, 3 cover every base64 padding of nonce|ciphertext|tag.
  const std::vector<Case> cases = {
      {"empty", ""},
      {"1 byte", "x"},
      {"2 bytes", "xy"},
      {"3 bytes", "xyz"},
      {"binary with NULs", std::string("\0a\0\xff\0\x80", 6)},
      {"UTF-8", "数据集成-secret"},
      {"1 MiB", mebibyte},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string sealed = SealOrDie(box, c.plaintext);
    ASSERT_EQ(sealed.rfind(kPrefix, 0), 0u);
    EXPECT_TRUE(Sealer::IsSealed(sealed));
    const std::string body = sealed.substr(std::string_view(kPrefix).size());
    EXPECT_EQ(body.find_first_not_of(std::string(kBase64Alphabet) + "="), std::string::npos);
    EXPECT_EQ(DecodeBase64(body).size(), kNonceBytes + c.plaintext.size() + kTagBytes);
    auto opened = box.Open(sealed);
    ASSERT_TRUE(opened.ok()) << opened.error().message();
    EXPECT_TRUE(opened.value() == c.plaintext);  // not EXPECT_EQ: no 1 MiB diff
  }
}

TEST(SecretBox, SealsTheSameTextDifferentlyEachTime) {
  const SecretBox box(kKey);
  const std::string first = SealOrDie(box, "s3cret");
  const std::string second = SealOrDie(box, "s3cret");
  EXPECT_NE(first, second);
  // A fresh nonce each time, not only a different ciphertext.
  EXPECT_NE(DecodeBase64(first.substr(10)).substr(0, kNonceBytes),
            DecodeBase64(second.substr(10)).substr(0, kNonceBytes));
  EXPECT_EQ(box.Open(first).value(), "s3cret");
  EXPECT_EQ(box.Open(second).value(), "s3cret");
}

TEST(SecretBox, AnyAlteredCharacterFailsToOpen) {
  const SecretBox box(kKey);
  const std::string sealed = SealOrDie(box, "s3cret");
  for (size_t i = 0; i < sealed.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "character " << i << " of " << sealed);
    std::string altered = sealed;
    // Another character that keeps the text well-formed where it can.
    altered[i] = sealed[i] == 'A' ? 'B' : 'A';
    ExpectCannotOpen(box, altered);
  }
}

TEST(SecretBox, AnyAlteredByteFailsToOpen) {
  const SecretBox box(kKey);
  const std::string plaintext = "s3cret-of-19-bytes!";
  const std::string raw = DecodeBase64(SealOrDie(box, plaintext).substr(10));
  ASSERT_EQ(raw.size(), kNonceBytes + plaintext.size() + kTagBytes);
  struct Region {
    std::string name;
    size_t begin;
    size_t end;
  };
  const std::vector<Region> regions = {
      {"nonce", 0, kNonceBytes},
      {"ciphertext", kNonceBytes, kNonceBytes + plaintext.size()},
      {"tag", kNonceBytes + plaintext.size(), raw.size()},
  };
  for (const Region& region : regions) {
    for (size_t i = region.begin; i < region.end; ++i) {
      for (unsigned char flip : {0x01, 0x80}) {
        SCOPED_TRACE(testing::Message() << region.name << " byte " << i << " ^ " << int{flip});
        std::string altered = raw;
        altered[i] = static_cast<char>(altered[i] ^ flip);
        ExpectCannotOpen(box, kPrefix + EncodeBase64(altered));
      }
    }
  }
  // The codec of this test agrees with the box: unaltered, it opens.
  EXPECT_EQ(box.Open(kPrefix + EncodeBase64(raw)).value(), plaintext);
}

TEST(SecretBox, AnotherKeyFailsToOpen) {
  const SecretBox box(kKey);
  const SecretBox other(kOtherKey);
  const std::string sealed = SealOrDie(box, "s3cret");
  ExpectCannotOpen(other, sealed);
  auto opened = other.Open(sealed);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().message().find(kKey), std::string::npos);
  EXPECT_EQ(opened.error().message().find(kKeyHex), std::string::npos);
}

TEST(SecretBox, MalformedOrShortInputFailsToOpen) {
  const SecretBox box(kKey);
  const std::string sealed = SealOrDie(box, "s3cret");  // 34 bytes: 48 base64 characters
  const std::string body = sealed.substr(10);
  struct Case {
    std::string name;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"empty", ""},
      {"prefix only", kPrefix},
      {"no prefix", body},
      {"other version", "sealed:v2:" + body},
      {"upper-case prefix", "SEALED:V1:" + body},
      {"truncated by one character", sealed.substr(0, sealed.size() - 1)},
      {"truncated by one group", sealed.substr(0, sealed.size() - 4)},
      {"truncated to a nonce and a tag less one byte",
       kPrefix + EncodeBase64(DecodeBase64(body).substr(0, kNonceBytes + kTagBytes - 1))},
      {"extended by one group", sealed + "AAAA"},
      {"trailing newline", sealed + "\n"},
      {"leading space", std::string(kPrefix) + " " + body},
      {"padding removed", kPrefix + EncodeBase64(DecodeBase64(body) + "x").substr(0, 48)},
      {"not base64", std::string(kPrefix) + "!!!!"},
      {"url-safe alphabet", kPrefix + std::string(body.size(), '-')},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectCannotOpen(box, c.text);
  }
}

// Sets or unsets an environment variable for one scope, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class MasterKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshTestDir("disync_iam_test");
    key_path_ = (dir_ / "master.key").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteKeyFile(const std::string& content, mode_t mode) {
    {
      std::ofstream out(key_path_, std::ios::binary | std::ios::trunc);
      out << content;
    }
    ASSERT_EQ(::chmod(key_path_.c_str(), mode), 0);
  }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  fs::path dir_;
  std::string key_path_;
  // Every test starts without the variable; those that want it set it.
  ScopedEnv no_env_{"DISYNC_MASTER_KEY", std::nullopt};
};

TEST_F(MasterKeyTest, CreatesAPrivateKeyFileOnFirstStartThenReadsIt) {
  auto created = LoadOrCreateMasterKey(dir_.string());
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_EQ(created->size(), kMasterKeyBytes);
  EXPECT_NE(created.value(), std::string(kMasterKeyBytes, '\0'));

  struct stat st {};
  ASSERT_EQ(::stat(key_path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  std::ifstream in(key_path_, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()),
            created.value());
  // Nothing staged is left beside it.
  EXPECT_EQ(Entries(), std::vector<std::string>{"master.key"});

  auto again = LoadOrCreateMasterKey(dir_.string());
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(again.value(), created.value());
}

TEST_F(MasterKeyTest, ReadsAKeyFileOfMode0600OrStricter) {
  for (mode_t mode : {0600, 0400}) {
    SCOPED_TRACE(mode);
    WriteKeyFile(kKey, mode);
    auto key = LoadOrCreateMasterKey(dir_.string());
    ASSERT_TRUE(key.ok()) << key.error().message();
    EXPECT_EQ(key.value(), kKey);
  }
}

TEST_F(MasterKeyTest, RejectsAKeyFileOthersCanRead) {
  for (auto [mode, text] : {std::pair<mode_t, std::string>{0644, "0644"}, {0640, "0640"},
                            {0604, "0604"}, {0660, "0660"}, {0601, "0601"}}) {
    SCOPED_TRACE(text);
    WriteKeyFile(kKey, mode);
    auto key = LoadOrCreateMasterKey(dir_.string());
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(key.error().message(),
              key_path_ + " has mode " + text +
                  "; the master key file must be mode 0600 or stricter (chmod 600 " + key_path_ +
                  ")");
    EXPECT_EQ(key.error().message().find(kKey), std::string::npos);
    EXPECT_EQ(key.error().message().find(kKeyHex), std::string::npos);
  }
}

TEST_F(MasterKeyTest, RejectsAKeyFileOfAnotherSize) {
  struct Case {
    std::string name;
    std::string content;
  };
  const std::vector<Case> cases = {
      {"empty", ""},
      {"31 bytes", kKey.substr(0, 31)},
      {"33 bytes", kKey + "x"},
      {"hex text", std::string(kKeyHex) + "\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WriteKeyFile(c.content, 0600);
    auto key = LoadOrCreateMasterKey(dir_.string());
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(key.error().message(),
              key_path_ + " is not a master key: it must hold exactly 32 raw bytes");
  }
}

TEST_F(MasterKeyTest, TakesTheKeyFromTheEnvironment) {
  // A file with another key is ignored when the variable is set.
  WriteKeyFile(kOtherKey, 0600);
  std::string upper_hex = kKeyHex;
  for (char& c : upper_hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& value : {std::string(kKeyHex), upper_hex, std::string(kKeyBase64)}) {
    SCOPED_TRACE(value);
    ScopedEnv env("DISYNC_MASTER_KEY", value);
    auto key = LoadOrCreateMasterKey(dir_.string());
    ASSERT_TRUE(key.ok()) << key.error().message();
    EXPECT_EQ(key.value(), kKey);
  }
}

TEST_F(MasterKeyTest, RejectsAMalformedEnvironmentKeyWithoutEchoingIt) {
  std::string odd_hex = kKeyHex;
  odd_hex[10] = 'g';
  struct Case {
    std::string name;
    std::string value;
  };
  const std::vector<Case> cases = {
      {"empty", ""},
      {"63 hex digits", std::string(kKeyHex).substr(0, 63)},
      {"65 hex digits", std::string(kKeyHex) + "0"},
      {"not hex", odd_hex},
      {"base64 of 31 bytes", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg=="},
      {"base64 of 33 bytes", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"},
      {"base64 without padding", std::string(kKeyBase64).substr(0, 43)},
      {"trailing newline", std::string(kKeyHex) + "\n"},
      {"raw key bytes", kOtherKey},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ScopedEnv env("DISYNC_MASTER_KEY", c.value);
    auto key = LoadOrCreateMasterKey(dir_.string());
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(key.error().message(),
              "DISYNC_MASTER_KEY must be 64 hex digits or the base64 of exactly 32 bytes (its "
              "value has " +
                  std::to_string(c.value.size()) + " characters)");
    if (c.value.size() > 3) {
      EXPECT_EQ(key.error().message().find(c.value), std::string::npos);
    }
  }
  // A bad variable is an error, not a reason to make a key file.
  EXPECT_EQ(Entries(), std::vector<std::string>{});
}

}  // namespace
}  // namespace disync::iam
