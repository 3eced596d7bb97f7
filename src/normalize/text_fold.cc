#include "normalize/text_fold.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include <unicode/translit.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>
#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace leadroute::normalize {

namespace {

// What an ASCII byte folds to: lower case, a control a space.
constexpr std::array<char, 128> kLowerAscii = [] {
  std::array<char, 128> t{};
  for (int c = 0; c < 128; ++c) {
    t[c] = (c < 0x20 || c == 0x7F) ? ' ' : (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32)
                                                                   : static_cast<char>(c);
  }
  return t;
}();

// Appends ASCII bytes of `s` lower-cased; other bytes (and controls) become a
// single space.
void AppendLowerAscii(std::string_view s, std::string* out) {
  // Never longer than `s`: written in place, then cut to length.
  const std::size_t start = out->size();
  out->resize(start + s.size());
  char* w = out->data() + start;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // Skip the continuation bytes of this code point: one space for it.
      while (i + 1 < s.size() &&
             (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
        ++i;
      }
      *w++ = ' ';
    } else {
      *w++ = kLowerAscii[c];
    }
  }
  out->resize(static_cast<std::size_t>(w - out->data()));
}

// AppendLowerAscii() of text known to be ASCII, one lookup a byte.
void AppendLowerAsciiOnly(std::string_view s, std::string* out) {
  const std::size_t start = out->size();
  out->resize(start + s.size());
  char* w = out->data() + start;
  for (char c : s) *w++ = kLowerAscii[static_cast<unsigned char>(c)];
}

// ICU transliterators are not safe to share between threads: one of each
// per thread, created on first use. Nullptr if ICU cannot build it.
const icu::Transliterator* ThreadTransliterator(bool latin_only) {
  auto make = [](const char* id) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8(id), UTRANS_FORWARD, status));
    if (U_FAILURE(status)) made.reset();
    return made;
  };
  if (latin_only) {
    thread_local std::unique_ptr<icu::Transliterator> latin = make("Latin-ASCII");
    return latin.get();
  }
  thread_local std::unique_ptr<icu::Transliterator> any =
      make("Any-Latin; Latin-ASCII");
  return any.get();
}

// Appends `run` (UTF-8 without ASCII) transliterated to ASCII. Latin letters
// that NFKC cannot strip (ł, ø, æ) take ICU's cheap Latin-ASCII; other
// scripts the full Any-Latin chain, which costs several microseconds.
// Chinese, Japanese and Korean, written without spaces between words and
// onto Latin brand names, are words of their own: a space comes between
// them and a letter or digit written just before ("ACME株式会社" is "acme
// zhu shi hui she", not "acmezhu ..."). A Cyrillic or Greek letter inside
// a Latin word is a look-alike typed by mistake ("Аcme" with a Cyrillic
// А) and stays in it. True when the run was such a script's.
bool AppendTransliterated(std::string_view run, std::string* out) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(run.data(), static_cast<int32_t>(run.size())));
  bool latin = true, cjk = false;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &status);
    latin = latin && (script == USCRIPT_LATIN || script == USCRIPT_COMMON ||
                      script == USCRIPT_INHERITED);
    cjk = cjk || script == USCRIPT_HAN || script == USCRIPT_HIRAGANA ||
          script == USCRIPT_KATAKANA || script == USCRIPT_HANGUL;
    i += U16_LENGTH(c);
  }
  const icu::Transliterator* t = ThreadTransliterator(latin);
  if (t == nullptr) {
    AppendLowerAscii(run, out);
    return false;
  }
  t->transliterate(u);
  std::string ascii;
  u.toUTF8String(ascii);
  if (cjk && !out->empty() && IsAsciiAlnum(out->back()) && !ascii.empty() &&
      IsAsciiAlnum(ascii.front())) {
    out->push_back(' ');
  }
  AppendLowerAscii(ascii, out);
  return cjk;
}

}  // namespace

bool IsAscii(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t high = 0;  // the top bits of eight bytes at a time
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    high |= w;
  }
  for (; n > 0; ++p, --n) high |= static_cast<unsigned char>(*p);
  return (high & 0x8080808080808080ULL) == 0;
}

std::string_view TrimAscii(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
  };
  while (b < e && space(s[b])) ++b;
  while (e > b && space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool FoldsToItself(std::string_view in) {
  if (in.size() > kMaxFoldInput) return false;
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const char* p = in.data();
  std::size_t n = in.size();
  std::uint64_t bad = 0;  // top bits: a byte >= 0x80, or (in effect) a zero byte
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    bad |= w | ((w - kOnes) & ~w);
  }
  for (; n > 0; ++p, --n) {
    const auto c = static_cast<unsigned char>(*p);
    bad |= c == 0 ? 0x80 : c;
  }
  return (bad & kHigh) == 0;
}

bool NextCodePoint(std::string_view* rest, std::int32_t* cp, std::string_view* bytes) {
  utf8proc_int32_t c = 0;
  const utf8proc_ssize_t n =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(rest->data()),
                       static_cast<utf8proc_ssize_t>(rest->size()), &c);
  if (n <= 0) return false;
  *cp = c;
  *bytes = rest->substr(0, static_cast<std::size_t>(n));
  rest->remove_prefix(static_cast<std::size_t>(n));
  return true;
}

bool WrittenInLatin(std::string_view in) {
  std::int32_t cp = 0;
  std::string_view bytes;
  while (!in.empty()) {
    if (!NextCodePoint(&in, &cp, &bytes)) return false;
    if (cp < 0x80) continue;
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(cp, &status);
    if (script != USCRIPT_LATIN && script != USCRIPT_COMMON && script != USCRIPT_INHERITED) {
      return false;
    }
  }
  return true;
}

namespace {

using Mapped = std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)>;

// NFKC + case fold + strip marks + lump punctuation in one utf8proc pass:
// false for invalid UTF-8.
bool MapUnicode(std::string_view in, Mapped* mapped, std::string_view* folded) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(in.data()),
      static_cast<utf8proc_ssize_t>(in.size()), &out,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                     UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                     UTF8PROC_STRIPMARK | UTF8PROC_IGNORE |
                                     UTF8PROC_LUMP));
  if (n < 0) return false;
  mapped->reset(out);
  *folded = std::string_view(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  return true;
}

// The general path: MapUnicode(), then ICU for what is left outside ASCII.
bool FoldUnicode(std::string_view in, std::string* out) {
  Mapped owned(nullptr, &std::free);
  std::string_view folded;
  if (!MapUnicode(in, &owned, &folded)) return false;  // invalid UTF-8
  if (IsAscii(folded)) {
    AppendLowerAscii(folded, out);
    return true;
  }
  // What NFKC left outside ASCII, run by run: ASCII stays as it is.
  std::size_t i = 0;
  bool other_script = false;  // the run before was another script's
  while (i < folded.size()) {
    std::size_t j = i;
    const bool ascii = static_cast<unsigned char>(folded[i]) < 0x80;
    while (j < folded.size() &&
           (static_cast<unsigned char>(folded[j]) < 0x80) == ascii) {
      ++j;
    }
    if (ascii) {
      if (other_script && !out->empty() && IsAsciiAlnum(out->back()) &&
          IsAsciiAlnum(folded[i])) {
        out->push_back(' ');
      }
      AppendLowerAscii(folded.substr(i, j - i), out);
    } else {
      other_script = AppendTransliterated(folded.substr(i, j - i), out);
    }
    i = j;
  }
  return true;
}

// Whether utf8proc maps `in` to ASCII or to Latin letters only (which ICU's
// Latin-ASCII spells one by one), not to another script or to signs whose
// transliteration follows the script around them ("µ·" is "m:").
bool MapsToLatin(std::string_view in) {
  Mapped owned(nullptr, &std::free);
  std::string_view folded;
  if (!MapUnicode(in, &owned, &folded)) return false;
  if (IsAscii(folded)) return true;
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(folded.data(), static_cast<int32_t>(folded.size())));
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    UErrorCode status = U_ZERO_ERROR;
    if (c < 0x80) {
      i += 1;
      continue;
    }
    if (uscript_getScript(c, &status) != USCRIPT_LATIN || U_FAILURE(status)) return false;
    i += U16_LENGTH(c);
  }
  return true;
}

// Latin letters and signs of two UTF-8 bytes (U+0080 to U+024F: Latin-1,
// Latin Extended-A and -B) as the general path folds each alone, where
// that is at most two ASCII letters, digits or spaces ("ü" -> "u", "ß" ->
// "ss", a no-break space -> " ", a soft hyphen -> ""); `ok` false for the
// others. Folding is the same letter by letter for these
// (TextFoldTest.LatinLettersFoldAsTheGeneralPathFoldsThem): what joins or
// reorders under NFKC is a combining mark, U+0300 and above.
struct LatinFold {
  char text[2];
  std::uint8_t size = 0;
  bool ok = false;
};
constexpr char32_t kLatinEnd = 0x250;

const std::array<LatinFold, kLatinEnd>& LatinFolds() {
  static const std::array<LatinFold, kLatinEnd> table = [] {
    std::array<LatinFold, kLatinEnd> t{};
    std::string out;
    for (char32_t cp = 0x80; cp < kLatinEnd; ++cp) {
      const char utf8[2] = {static_cast<char>(0xC0 | (cp >> 6)),
                            static_cast<char>(0x80 | (cp & 0x3F))};
      const std::string_view letter(utf8, 2);
      out.clear();
      if (!MapsToLatin(letter) || !FoldUnicode(letter, &out) || out.size() > 2) continue;
      bool plain = true;
      for (char c : out) plain &= IsAsciiAlnum(c) || c == ' ';
      if (!plain) continue;
      LatinFold& f = t[cp];
      std::copy(out.begin(), out.end(), f.text);
      f.size = static_cast<std::uint8_t>(out.size());
      f.ok = true;
    }
    return t;
  }();
  return table;
}

// FoldToAscii() of ASCII text with such letters, a table lookup each; false
// (*out unspecified) at anything else, for the general path.
bool FoldLatin(std::string_view in, std::string* out) {
  const auto& folds = LatinFolds();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      out->push_back(kLowerAscii[c]);
      continue;
    }
    if (c < 0xC2 || c > 0xC9 || i + 1 == in.size()) return false;
    const auto next = static_cast<unsigned char>(in[i + 1]);
    if ((next & 0xC0) != 0x80) return false;
    const char32_t cp = (static_cast<char32_t>(c & 0x1F) << 6) | (next & 0x3F);
    if (cp >= kLatinEnd || !folds[cp].ok) return false;
    out->append(folds[cp].text, folds[cp].size);
    ++i;
  }
  return true;
}

// What FoldToAscii() refuses before looking at the text: too long, or a NUL.
bool Refused(std::string_view in) {
  return in.size() > kMaxFoldInput || in.find('\0') != std::string_view::npos;
}

}  // namespace

bool FoldToAscii(std::string_view in, std::string* out) {
  out->clear();
  if (FoldsToItself(in)) {
    AppendLowerAsciiOnly(in, out);
    return true;
  }
  if (Refused(in)) return false;
  if (FoldLatin(in, out)) return true;
  out->clear();
  return FoldUnicode(in, out);
}

bool FoldToAsciiGenerally(std::string_view in, std::string* out) {
  out->clear();
  return !Refused(in) && FoldUnicode(in, out);
}

}  // namespace leadroute::normalize
