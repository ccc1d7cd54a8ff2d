// TextPieces: one text held as the pieces it was made of, in order, each
// owned here, instead of one string.
//
// A 10,000-table TaskContent (38 MB) is rendered database by database on the
// discovery threads. Joining the pieces took a fresh 38 MB buffer, faulted
// in page by page, and a copy, before the store could begin: on the
// project's machine the generator's Finish took 84-93 ms after discovery
// with the join, 12-13 ms without (bench/README.md, tenth round). The store
// and the escaper of the answer read the pieces in turn instead.
//
// A piece may be part of the string it owns (say, an array's elements
// without its brackets). Cut only between whole UTF-8 characters: the JSON
// escaper (JsonStringLiteral) escapes each piece on its own.
#ifndef DISYNC_COMMON_TEXT_PIECES_H_
#define DISYNC_COMMON_TEXT_PIECES_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/check.h"
#include "common/memory.h"

namespace disync {

class TextPieces {
 public:
  TextPieces() = default;
  // The whole text as one piece.
  explicit TextPieces(std::string whole) { Append(std::move(whole)); }

  void Append(std::string text) {
    const size_t length = text.size();
    Append(std::move(text), 0, length);
  }
  // Appends text[from, from + length), keeping all of `text` until this is
  // destroyed. An empty piece is dropped.
  void Append(std::string text, size_t from, size_t length) {
    DISYNC_CHECK(from <= text.size() && length <= text.size() - from);
    if (length == 0) return;
    size_ += length;
    pieces_.push_back({std::move(text), from, length});
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t count() const { return pieces_.size(); }

  // Calls fn(std::string_view) for each piece, in order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Piece& piece : pieces_) {
      fn(std::string_view(piece.text).substr(piece.from, piece.length));
    }
  }

  // The text in one string: a copy.
  std::string Join() const {
    std::string whole;
    whole.reserve(size_);
    PrefaultForWrite(whole.data(), size_);
    ForEach([&](std::string_view piece) { whole.append(piece); });
    return whole;
  }

 private:
  struct Piece {
    std::string text;
    size_t from;
    size_t length;
  };
  std::vector<Piece> pieces_;
  size_t size_ = 0;
};

}  // namespace disync

#endif  // DISYNC_COMMON_TEXT_PIECES_H_
