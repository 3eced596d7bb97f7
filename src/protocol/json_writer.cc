#include "protocol/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace leadroute::protocol {

namespace {
constexpr char kHex[] = "0123456789abcdef";

bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Whether any of eight bytes needs escaping (a control character, '"' or
// '\\'), eight at a time: bytes of 0x80 and up never do. Exact as a yes/no.
bool AnyNeedsEscape(std::uint64_t w) {
  constexpr std::uint64_t k01 = 0x0101010101010101ULL;
  constexpr std::uint64_t k80 = 0x8080808080808080ULL;
  auto less_than = [&](std::uint64_t v, std::uint64_t n) { return (v - k01 * n) & ~v & k80; };
  const std::uint64_t quote = w ^ (k01 * '"');
  const std::uint64_t backslash = w ^ (k01 * '\\');
  return (less_than(w, 0x20) | less_than(quote, 1) | less_than(backslash, 1)) != 0;
}

// Whether any byte of `s` needs escaping: eight bytes at a time, the last
// eight overlapping the word before; shorter strings a byte at a time.
inline bool AnyNeedsEscape(std::string_view s) {
  const char* p = s.data();
  const std::size_t n = s.size();
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      if (NeedsEscape(static_cast<unsigned char>(p[i]))) return true;
    }
    return false;
  }
  std::uint64_t w;
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    std::memcpy(&w, p + i, 8);
    if (AnyNeedsEscape(w)) return true;
  }
  std::memcpy(&w, p + n - 8, 8);
  return AnyNeedsEscape(w);
}

}  // namespace

// Key() and AppendQuoted() each copy a clean string through a buffer: one
// function for both (the colon a parameter or a template argument) cost an
// import 2-3% more instructions (callgrind), so the few lines stand twice.
void JsonWriter::Key(std::string_view key) {
  Separate();
  after_key_ = true;
  constexpr std::size_t kShort = 61;
  if (key.size() <= kShort && !AnyNeedsEscape(key)) {  // "key": in one append
    char buf[kShort + 3];
    buf[0] = '"';
    if (!key.empty()) std::memcpy(buf + 1, key.data(), key.size());  // data() may be null
    buf[key.size() + 1] = '"';
    buf[key.size() + 2] = ':';
    out_->append(buf, key.size() + 3);
    return;
  }
  AppendQuoted(key);
  out_->push_back(':');
}

void JsonWriter::AppendQuotedSlow(std::string_view s) {
  out_->push_back('"');
  std::size_t run = 0;  // start of the pending run that needs no escaping
  for (std::size_t i = 0; i < s.size(); ++i) {
    // Eight bytes that need nothing are skipped at once.
    while (i + 8 <= s.size()) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (AnyNeedsEscape(w)) break;
      i += 8;
    }
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (!NeedsEscape(c)) continue;
    out_->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out_->append("\\\""); break;
      case '\\': out_->append("\\\\"); break;
      case '\n': out_->append("\\n"); break;
      case '\r': out_->append("\\r"); break;
      case '\t': out_->append("\\t"); break;
      case '\b': out_->append("\\b"); break;
      case '\f': out_->append("\\f"); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out_->append(esc, 6);
      }
    }
  }
  out_->append(s.data() + run, s.size() - run);
  out_->push_back('"');
}

void JsonWriter::AppendQuoted(std::string_view s) {
  // Most strings (every key, nearly every value) need no escaping: checked
  // a word at a time, then copied with their quotes in one append.
  if (AnyNeedsEscape(s)) {
    AppendQuotedSlow(s);
    return;
  }
  constexpr std::size_t kShort = 62;
  if (s.size() <= kShort) {
    char buf[kShort + 2];
    buf[0] = '"';
    if (!s.empty()) std::memcpy(buf + 1, s.data(), s.size());  // data() may be null
    buf[s.size() + 1] = '"';
    out_->append(buf, s.size() + 2);
    return;
  }
  out_->reserve(out_->size() + s.size() + 2);
  out_->push_back('"');
  out_->append(s);
  out_->push_back('"');
}

void JsonWriter::Int(std::int64_t v) {
  Separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_->append(buf, r.ptr);
}

void JsonWriter::Uint(std::uint64_t v) {
  Separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_->append(buf, r.ptr);
}

void JsonWriter::Double(double v) {
  Separate();
  if (!std::isfinite(v)) {
    out_->append("null");
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_->append(buf, r.ptr);
}

}  // namespace leadroute::protocol
