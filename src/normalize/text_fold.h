// Folding of untrusted UTF-8 text to lower-case ASCII, the common first step
// of every text normalizer.
#ifndef LEADROUTE_NORMALIZE_TEXT_FOLD_H_
#define LEADROUTE_NORMALIZE_TEXT_FOLD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace leadroute::normalize {

// Longest input FoldToAscii accepts. Names, streets and cities are far
// shorter; anything longer is junk and must not cost unbounded time.
inline constexpr std::size_t kMaxFoldInput = 1024;

// Writes to *out the text in lower-case ASCII: NFKC, case folding (ß -> ss),
// diacritics stripped (é -> e), other scripts transliterated to Latin
// (Москва -> moskva, 東京 -> dong jing), lookalike punctuation lumped to
// ASCII. Control characters and characters with no Latin form (emoji) become
// spaces. Returns false, leaving *out unspecified, for invalid UTF-8, a NUL
// byte, or input longer than kMaxFoldInput.
// Thread-safe.
bool FoldToAscii(std::string_view in, std::string* out);

// FoldToAscii() by its general path alone (utf8proc, then ICU), without
// the shortcuts for ASCII and Latin letters: the same answers, slower. For
// tests of the shortcuts.
bool FoldToAsciiGenerally(std::string_view in, std::string* out);

// True when FoldToAscii() would do no more than lower-case `in` and make
// its control characters spaces (ASCII without NUL, not too long): a
// reader that does both itself may skip the copy.
bool FoldsToItself(std::string_view in);

// Whether every byte of `s` is ASCII (eight at a time).
bool IsAscii(std::string_view s);

// Takes the first code point of *rest (UTF-8) into *cp, its bytes into
// *bytes, and moves *rest past it; false (nothing moved) when *rest does
// not begin with a valid one.
bool NextCodePoint(std::string_view* rest, std::int32_t* cp, std::string_view* bytes);

// Whether every letter of `in` (UTF-8) is a Latin one: "A.O. Smith Société"
// is, "ООО Ромашка" and "ACME株式会社" are not. False for invalid UTF-8.
bool WrittenInLatin(std::string_view in);

constexpr bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (c >= 'A' && c <= 'Z');
}
constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}
constexpr char AsciiUpper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - ('a' - 'A')) : c;
}

// `s` without leading and trailing ASCII white space.
std::string_view TrimAscii(std::string_view s);

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_TEXT_FOLD_H_
