#include "common/json_writer.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/check.h"
#include "common/memory.h"

namespace disync {
namespace {

// How nlohmann treats each byte between the quotes: printable ASCII other
// than '"' and '\\' unchanged; those two with a backslash; everything else
// (control characters, DEL, the bytes of non-ASCII text) escaped or checked.
enum ByteClass : unsigned char { kPlain, kQuoteOrBackslash, kOther };

constexpr std::array<ByteClass, 256> kByteClass = [] {
  std::array<ByteClass, 256> table{};
  for (int b = 0; b < 256; ++b) table[b] = b >= 0x20 && b < 0x7F ? kPlain : kOther;
  table['"'] = kQuoteOrBackslash;
  table['\\'] = kQuoteOrBackslash;
  return table;
}();

ByteClass ClassOf(char c) { return kByteClass[static_cast<unsigned char>(c)]; }

#if defined(__SSE2__)
// The bytes of a 16-byte block that are not kPlain, as a bit mask (bit i
// for byte i).
[[gnu::always_inline]] inline unsigned NotPlainMask(const char* sixteen) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sixteen));
  // Signed: the bytes >= 0x80 are below 0x20 too.
  const __m128i not_plain = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)),
                                                      _mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x7F))),
                                         _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')),
                                                      _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))));
  return static_cast<unsigned>(_mm_movemask_epi8(not_plain));
}

// The bytes of a 16-byte block that are '"' or '\\', as a bit mask.
[[gnu::always_inline]] inline unsigned QuoteOrBackslashMask(const char* sixteen) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sixteen));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
      _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\')))));
}
#endif

constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;

// The bytes of a buffer, as chars, which may alias anything.
char* Chars(std::string* out) { return out->data(); }
char* Chars(std::vector<std::uint8_t>* out) { return reinterpret_cast<char*>(out->data()); }

void AppendBytes(const char* bytes, size_t size, std::string* out) { out->append(bytes, size); }
void AppendBytes(const char* bytes, size_t size, std::vector<std::uint8_t>* out) {
  const size_t at = out->size();
  out->resize(at + size);
  std::memcpy(out->data() + at, bytes, size);
}

// True if every byte of `value` is kPlain. Checked where it lies: a copy
// into a buffer of its own, checked 16 bytes at a time, made this path
// slower than the general one (the loads waited for the copy's stores).
bool IsPlain(std::string_view value) {
  const char* p = value.data();
  size_t left = value.size();
#if defined(__SSE2__)
  if (left >= 16) {
    for (; left > 16; p += 16, left -= 16) {
      if (NotPlainMask(p) != 0) return false;
    }
    return NotPlainMask(p + left - 16) == 0;  // the last 16, overlapping
  }
#endif
  for (; left > 0; ++p, --left) {
    if (ClassOf(*p) != kPlain) return false;
  }
  return true;
}

// Strings of up to this many bytes that need no escaping are appended as
// they are, between quotes: most strings of a TaskContent are member names,
// column names and types of a few bytes each, for which the general path
// below costs more in sizing and trimming its room than in copying.
constexpr size_t kShortString = 64;

// Appends `value` escaped as the inside of a JSON string literal (no
// quotes) to `out`: a std::string or a std::vector<std::uint8_t>.
template <typename Buffer>
void AppendEscaped(std::string_view value, Buffer* out) {
  // Writes straight into the output, block by block: each block's room is
  // sized for its worst case of plain and quoted bytes (each at most two)
  // and trimmed after it. A TaskContent has a quote every few bytes, and an
  // append per run cost more than the copying itself; sizing the whole
  // value for its worst case at once zero-filled (and faulted in) twice the
  // memory of a 38 MB TaskContent. The capacity is reserved once, which
  // touches no memory. (Through a local pointer: stores through a char* may
  // alias the string object, so indexing it reloads it on every byte.)
  //
  // The room of a long value is populated ahead of the blocks, a step at a
  // time (PrefaultForWrite): never more than a step past what the blocks
  // ask for, since the escaped value takes about 1.2 times its size, not 2.
  constexpr size_t kBlock = 64 * 1024;
  constexpr size_t kPopulateStep = size_t{1} << 20;
  const char* p = value.data();
  const char* const end = p + value.size();
  size_t at = out->size();
  out->reserve(at + 2 * value.size());
  size_t populated = value.size() >= kMinPrefaultBytes ? at : out->capacity();
  while (p < end) {
    const char* block_end = p + std::min<size_t>(kBlock, static_cast<size_t>(end - p));
    const size_t room_end = at + 2 * static_cast<size_t>(block_end - p);
    if (room_end > populated) {
      const size_t upto = std::min(out->capacity(), std::max(room_end, populated + kPopulateStep));
      PrefaultForWrite(Chars(out) + populated, upto - populated);
      populated = upto;
    }
    out->resize(room_end);
    char* w = Chars(out) + at;
    while (p < block_end) {
#if defined(__SSE2__)
      // Sixteen bytes at a time up to the next one that is not plain: all
      // sixteen are stored (the room left is at least twice the input
      // left) and the output moves past the plain ones. A TaskContent has a
      // quote every five bytes or so; byte by byte this loop cost 11-13
      // instructions per byte.
      if (block_end - p >= 16) {
        std::memcpy(w, p, 16);
        const unsigned not_plain = NotPlainMask(p);
        if (not_plain == 0) {
          p += 16;
          w += 16;
          continue;
        }
        if (block_end - p >= 32 && not_plain == QuoteOrBackslashMask(p)) {
          // Only quotes and backslashes: each gets its backslash here, and
          // the block is done. Each store takes 16 bytes from where the
          // input resumes (at most p + 31: the 32 bytes left hold it, and
          // the room, twice the input left, holds the store).
          const char* from = p;
          for (unsigned quotes = not_plain; quotes != 0; quotes &= quotes - 1) {
            const char* quote = p + std::countr_zero(quotes);
            std::memcpy(w, from, 16);
            w += quote - from;
            *w++ = '\\';
            from = quote;  // copied by the next store, after its backslash
          }
          std::memcpy(w, from, 16);
          w += p + 16 - from;
          p += 16;
          continue;
        }
        const int plain = std::countr_zero(not_plain);
        p += plain;  // to the byte handled below
        w += plain;
      }
#endif
      const ByteClass kind = ClassOf(*p);
      if (kind == kPlain) {
        *w++ = *p++;
      } else if (kind == kQuoteOrBackslash) {
        *w++ = '\\';
        *w++ = *p++;
      } else {
        // A run of other bytes never ends inside a valid UTF-8 sequence (all
        // its bytes are >= 0x80), so nlohmann sees whole characters, and an
        // invalid one ends the same way it would in the whole string. Its
        // escaping may be longer than two bytes per byte, and the run may
        // go past the block: make room for both.
        const char* run = p + 1;
        while (run < end && ClassOf(*run) == kOther) ++run;
        const std::string escaped =
            nlohmann::ordered_json(std::string(p, run)).dump(-1, ' ', false, kReplace);
        const size_t inner = escaped.size() - 2;  // without its quotes
        block_end = std::max(block_end, run);
        const size_t written = static_cast<size_t>(w - Chars(out));
        out->resize(written + inner + 2 * static_cast<size_t>(block_end - run));
        w = Chars(out) + written;
        w += escaped.copy(w, inner, 1);
        p = run;
      }
    }
    at = static_cast<size_t>(w - Chars(out));
  }
  out->resize(at);
}

// Appends the JSON string literal of `value`, quotes included, to `out`:
// a std::string or a std::vector<std::uint8_t>.
template <typename Buffer>
void AppendStringLiteral(std::string_view value, Buffer* out) {
  if (value.size() <= kShortString && IsPlain(value)) {
    AppendBytes("\"", 1, out);
    AppendBytes(value.data(), value.size(), out);
    AppendBytes("\"", 1, out);
    return;
  }
  out->reserve(out->size() + 2 * value.size() + 2);
  out->push_back('"');
  AppendEscaped(value, out);
  out->push_back('"');
}

}  // namespace

void JsonWriter::BeforeValue() {
  if (stack_.empty()) {
    DISYNC_CHECK(!wrote_root_);
    wrote_root_ = true;
    return;
  }
  Frame& frame = stack_.back();
  if (frame.level == Level::kObject) {
    DISYNC_CHECK(after_key_);
    after_key_ = false;
    return;
  }
  if (!frame.empty) out_->push_back(',');
  frame.empty = false;
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  stack_.push_back({Level::kObject});
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  DISYNC_CHECK(!stack_.empty() && stack_.back().level == Level::kObject && !after_key_);
  stack_.pop_back();
  out_->push_back('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  stack_.push_back({Level::kArray});
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  DISYNC_CHECK(!stack_.empty() && stack_.back().level == Level::kArray);
  stack_.pop_back();
  out_->push_back(']');
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  DISYNC_CHECK(!stack_.empty() && stack_.back().level == Level::kObject && !after_key_);
  Frame& frame = stack_.back();
  if (!frame.empty) out_->push_back(',');
  frame.empty = false;
  AppendString(key);
  out_->push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendString(value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  AppendJsonInt(out_, value);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_->append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Value(const nlohmann::ordered_json& value) {
  WriteValue(value);
  return *this;
}

JsonWriter& JsonWriter::Value(const nlohmann::json& value) {
  WriteValue(value);
  return *this;
}

JsonWriter& JsonWriter::Value(nlohmann::ordered_json&& value) {
  WriteValue(value);
  return *this;
}

std::string_view JsonWriter::SplicedElements(std::string_view array) const {
  DISYNC_CHECK(array.size() >= 2 && array.front() == '[' && array.back() == ']');
  DISYNC_CHECK(!stack_.empty() && stack_.back().level == Level::kArray);
  return array.substr(1, array.size() - 2);
}

JsonWriter& JsonWriter::Splice(std::string_view array) {
  const std::string_view elements = SplicedElements(array);
  if (elements.empty()) return *this;
  BeforeValue();
  out_->append(elements);
  return *this;
}

JsonWriter& JsonWriter::SpliceOwned(std::string array) {
  if (pieces_ == nullptr) return Splice(array);
  const size_t length = SplicedElements(array).size();
  if (length == 0) return *this;
  BeforeValue();
  pieces_->Append(std::move(*out_));
  out_->clear();  // moved from
  pieces_->Append(std::move(array), 1, length);
  return *this;
}

template <typename Json>
void JsonWriter::WriteValue(Json& value) {
  using Type = std::remove_const_t<Json>;
  switch (value.type()) {
    case Type::value_t::object:
      BeginObject();
      for (auto it = value.begin(); it != value.end(); ++it) {
        Key(it.key());
        WriteValue(it.value());
      }
      EndObject();
      return;
    case Type::value_t::array:
      BeginArray();
      for (Json& element : value) WriteValue(element);
      EndArray();
      return;
    case Type::value_t::string:
      String(value.template get_ref<const typename Type::string_t&>());
      return;
    case Type::value_t::binary:
      if (auto& binary = value.get_binary();
          binary.has_subtype() && binary.subtype() == kPreRenderedJsonSubtype) {
        BeforeValue();
        if constexpr (!std::is_const_v<Json>) {
          if (splices_ != nullptr) {
            splices_->push_back(
                {out_->size(), std::move(static_cast<std::vector<std::uint8_t>&>(binary))});
            return;
          }
        }
        // With room for the rest of the document (an answer's closing
        // brackets): one byte past an exact fit would double the capacity,
        // copying and faulting in the whole 45 MB answer a second time.
        constexpr size_t kRoomAfter = 4096;
        out_->reserve(out_->size() + binary.size() + kRoomAfter);
        out_->append(reinterpret_cast<const char*>(binary.data()), binary.size());
        return;
      }
      [[fallthrough]];
    default:  // numbers, booleans, null, binary: short, and nlohmann's own format
      BeforeValue();
      out_->append(value.dump(-1, ' ', false, kReplace));
      return;
  }
}

void JsonWriter::AppendString(std::string_view value) { AppendStringLiteral(value, out_); }

void AppendJsonString(std::string* out, std::string_view value) { AppendStringLiteral(value, out); }

void AppendJsonInt(std::string* out, int64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  DISYNC_CHECK(ec == std::errc());
  out->append(buffer, end);
}

std::vector<std::uint8_t> JsonStringLiteral(std::string_view value) {
  std::vector<std::uint8_t> literal;
  AppendStringLiteral(value, &literal);
  return literal;
}

std::vector<std::uint8_t> JsonStringLiteral(const TextPieces& value) {
  std::vector<std::uint8_t> literal;
  // Room for the worst case at once (reserving touches no memory): each
  // piece's own reservation then fits, and the buffer never moves.
  literal.reserve(2 * value.size() + 2);
  literal.push_back('"');
  // Pieces are cut between whole characters, so each escapes as it would
  // inside the joined text.
  value.ForEach([&](std::string_view piece) { AppendEscaped(piece, &literal); });
  literal.push_back('"');
  return literal;
}

}  // namespace disync
