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
// eight overlapping the word before; shorter strings in one word of two
// overlapping loads (the rest of the word a letter), not a byte at a time.
inline bool AnyNeedsEscape(std::string_view s) {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::uint64_t w;
  if (n < 8) {
    std::uint32_t lo, hi;
    if (n >= 4) {
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      w = lo | (static_cast<std::uint64_t>(hi) << 32);
    } else if (n >= 2) {
      std::uint16_t a, b;
      std::memcpy(&a, p, 2);
      std::memcpy(&b, p + n - 2, 2);
      w = a | (static_cast<std::uint64_t>(b) << 16) | 0x6161616100000000ULL;
    } else if (n == 1) {
      w = static_cast<unsigned char>(p[0]) | 0x6161616161616100ULL;
    } else {
      return false;
    }
    return AnyNeedsEscape(w);
  }
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    std::memcpy(&w, p + i, 8);
    if (AnyNeedsEscape(w)) return true;
  }
  std::memcpy(&w, p + n - 8, 8);
  return AnyNeedsEscape(w);
}

// Writes the decimal digits of v (0 as "0") ending just before `end`;
// returns where they begin.
char* DigitsBefore(char* end, std::uint64_t v) {
  do {
    *--end = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  return end;
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

void JsonWriter::Field(std::string_view key, std::string_view s) {
  // "key":"value" in one append when both are short and need no escaping
  // (nearly every field of an answer or a journal record).
  constexpr std::size_t kShort = 96;
  if (key.size() + s.size() <= kShort && !AnyNeedsEscape(key) && !AnyNeedsEscape(s)) {
    Separate();
    char buf[kShort + 5];
    char* p = buf;
    *p++ = '"';
    if (!key.empty()) std::memcpy(p, key.data(), key.size());  // data() may be null
    p += key.size();
    *p++ = '"';
    *p++ = ':';
    *p++ = '"';
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = '"';
    out_->append(buf, static_cast<std::size_t>(p - buf));
    return;
  }
  Key(key);
  String(s);
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

bool JsonWriter::Plain(std::string_view s) { return !AnyNeedsEscape(s); }

char* JsonWriter::FormatDouble(double v, char* buf) {
  if (!std::isfinite(v)) {
    std::memcpy(buf, "null", 4);
    return buf + 4;
  }
  // A number of at most four decimals from 0.001 up to 10,000 (the scores
  // and rates of answers, rounded so) is written from its integer of
  // ten-thousandths: std::to_chars would write the same digits (v is the
  // double nearest that decimal, and no shorter decimal lies as near; in
  // this range its fixed form is never longer than its exponent form),
  // for under a third of the instructions. Anything else goes through
  // std::to_chars.
  const double magnitude = std::fabs(v);
  if (magnitude >= 1e-3 && magnitude < 1e4) {
    const double scaled = std::round(magnitude * 10000);
    if (scaled / 10000 == magnitude) {
      auto units = static_cast<std::uint64_t>(scaled);
      char digits_buf[24];
      char* end = digits_buf + sizeof(digits_buf);
      std::uint64_t fraction = units % 10000;
      units /= 10000;
      char* p = end;
      if (fraction != 0) {
        int places = 4;
        while (fraction % 10 == 0) {
          fraction /= 10;
          --places;
        }
        char* digits = DigitsBefore(end, fraction);
        while (end - digits < places) *--digits = '0';
        p = digits;
        *--p = '.';
      }
      p = DigitsBefore(p, units);
      if (v < 0) *--p = '-';
      const auto n = static_cast<std::size_t>(end - p);
      std::memcpy(buf, p, n);
      return buf + n;
    }
  }
  return std::to_chars(buf, buf + kMaxNumber, v).ptr;
}

void JsonWriter::Double(double v) {
  Separate();
  char buf[kMaxNumber];
  out_->append(buf, FormatDouble(v, buf));
}

}  // namespace leadroute::protocol
