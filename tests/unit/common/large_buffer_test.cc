#include "common/large_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace disync {
namespace {

TEST(ReserveLarge, MakesRoomAndKeepsTheContent) {
  for (size_t room : {size_t{0}, size_t{100}, kLargeBufferBytes - 1, kLargeBufferBytes,
                      3 * kLargeBufferBytes + 12345}) {
    std::string text = "prefix";
    ReserveLarge(&text, room);
    EXPECT_EQ(text, "prefix") << room;
    EXPECT_GE(text.capacity(), 6 + room) << room;
    // The room is writable as any reserved capacity is.
    text.append(room, 'x');
    EXPECT_EQ(text.size(), 6 + room);
    EXPECT_EQ(text.substr(0, 6), "prefix");
    if (room > 0) {
      EXPECT_EQ(text.back(), 'x');
    }
  }
}

}  // namespace
}  // namespace disync
