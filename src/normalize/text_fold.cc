#include "normalize/text_fold.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace leadroute::normalize {

namespace {

// Appends ASCII bytes of `s` lower-cased; other bytes (and controls) become a
// single space.
void AppendLowerAscii(std::string_view s, std::string* out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // Skip the continuation bytes of this code point: one space for it.
      while (i + 1 < s.size() &&
             (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
        ++i;
      }
      out->push_back(' ');
    } else if (c < 0x20 || c == 0x7F) {
      out->push_back(' ');
    } else {
      out->push_back(AsciiLower(static_cast<char>(c)));
    }
  }
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// ICU transliterators are not safe to share between threads: one per thread,
// created on first use.
const icu::Transliterator* ThreadTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(
        icu::Transliterator::createInstance(
            icu::UnicodeString::fromUTF8("Any-Latin; Latin-ASCII"),
            UTRANS_FORWARD, status));
    if (U_FAILURE(status)) made.reset();
    return made;
  }();
  return t.get();
}

}  // namespace

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

bool FoldToAscii(std::string_view in, std::string* out) {
  out->clear();
  if (in.size() > kMaxFoldInput) return false;
  if (in.find('\0') != std::string_view::npos) return false;
  if (IsAscii(in)) {
    out->reserve(in.size());
    AppendLowerAscii(in, out);
    return true;
  }
  // NFKC + case fold + strip marks + lump punctuation in one utf8proc pass.
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(in.data()),
      static_cast<utf8proc_ssize_t>(in.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                     UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                     UTF8PROC_STRIPMARK | UTF8PROC_IGNORE |
                                     UTF8PROC_LUMP));
  if (n < 0) return false;  // invalid UTF-8
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped,
                                                                &std::free);
  std::string_view folded(reinterpret_cast<const char*>(mapped),
                          static_cast<std::size_t>(n));
  if (IsAscii(folded)) {
    AppendLowerAscii(folded, out);
    return true;
  }
  // Letters beyond Latin-with-diacritics (ø, ł, Cyrillic, Greek, Han, ...):
  // ICU's transliteration to Latin, then to ASCII.
  const icu::Transliterator* t = ThreadTransliterator();
  if (t == nullptr) {
    AppendLowerAscii(folded, out);
    return true;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(folded.data(), static_cast<int32_t>(folded.size())));
  t->transliterate(u);
  std::string latin;
  u.toUTF8String(latin);
  AppendLowerAscii(latin, out);
  return true;
}

}  // namespace leadroute::normalize
