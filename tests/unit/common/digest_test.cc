#include "common/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace disync {
namespace {

TEST(Sha256Hex, KnownAnswers) {
  // FIPS 180-2 examples.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, PiecesHashAsTheirConcatenation) {
  std::string whole;
  Sha256 hash;
  for (int i = 0; i < 1000; ++i) {
    std::string piece(static_cast<size_t>(i % 97), static_cast<char>('a' + i % 26));
    whole += piece;
    hash.Update(piece);
  }
  EXPECT_EQ(hash.HexDigest(), Sha256Hex(whole));
}

TEST(Sha256, NothingFedIsTheEmptyDigest) {
  EXPECT_EQ(Sha256().Update("").HexDigest(), Sha256Hex(""));
}

TEST(AppendFramed, LengthColonBytes) {
  std::string out = "v1";
  AppendFramed(&out, "ab");
  AppendFramed(&out, "");
  AppendFramed(&out, std::string_view("x\0y", 3));
  EXPECT_EQ(out, std::string("v12:ab0:3:x\0y", 13));
}

TEST(AppendFramed, PartsThatConcatenateAlikeFrameApart) {
  std::string a, b;
  AppendFramed(&a, "ab");
  AppendFramed(&a, "c");
  AppendFramed(&b, "a");
  AppendFramed(&b, "bc");
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace disync
