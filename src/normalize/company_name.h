// Company names to match keys: folding, tokenizing, legal forms.
#ifndef LEADROUTE_NORMALIZE_COMPANY_NAME_H_
#define LEADROUTE_NORMALIZE_COMPANY_NAME_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normalize/word_list.h"

namespace leadroute::normalize {

// Name tokens written once: joined by single spaces in `text`, each one's
// first byte at starts[i]. A run of tokens is a substring of `text`, so a
// legal form of several words is looked up without joining them again.
struct NameTokens {
  // More raw words than this and the tokenizer stops reading.
  static constexpr std::size_t kMaxWords = 64;

  std::string text;
  std::array<std::uint32_t, kMaxWords + 1> starts{};
  std::size_t size = 0;
  // How many tokens stood before each of the first kMaxBreaks places where
  // the name's text was set off (a comma, an opening parenthesis, a dash
  // or bar between spaces: "Acme GmbH (Berlin)"), in order.
  static constexpr std::size_t kMaxBreaks = 4;
  std::array<std::uint8_t, kMaxBreaks> breaks{};
  std::size_t break_count = 0;
  // Bit i: token i is an "n" written lower-case and without a dot, as the
  // "and" of "Barnes n Noble" and "Rock 'n' Roll" is (an "N" or "N." is a
  // letter: "Model N", "John N. Smith"); of the first 64 tokens.
  std::uint64_t and_n = 0;

  // Tokens [begin, end) as written in `text`; begin < end <= size.
  std::string_view Span(std::size_t begin, std::size_t end) const {
    const std::size_t stop = end < size ? starts[end] - 1 : text.size();
    return std::string_view(text).substr(starts[begin], stop - starts[begin]);
  }
  std::string_view Token(std::size_t i) const { return Span(i, i + 1); }
};

// Splits folded (lower-case ASCII) text into name tokens: runs of letters and
// digits; apostrophes vanish ("mcdonald's" -> "mcdonalds"); runs of single
// characters join ("i.b.m." -> "ibm", "g.m.b.h." -> "gmbh"); "&", "+",
// "and", "und", "et" are dropped, and so is a leading "the" (CompanyName
// drops "n" between two words of a name: "barnes n noble"). Reads at most
// NameTokens::kMaxWords + 1 raw words.
void TokenizeName(std::string_view folded, NameTokens* tokens);
// The same tokens, one string each.
void TokenizeName(std::string_view folded, std::vector<std::string>* tokens);

// Immutable; thread-safe.
class CompanyName {
 public:
  // `legal_forms`: legal_forms.tsv (spelling, position, jurisdictions);
  // `stopwords`: company_stopwords.txt; `abbreviations`:
  // company_abbreviations.tsv (abbreviation, word).
  CompanyName(std::string_view legal_forms, std::string_view stopwords,
              std::string_view abbreviations = {});

  // The name's tokens with legal forms removed (from the end, repeatedly,
  // and from the start for forms written first such as "OOO"; never the
  // last remaining token), joined by single spaces; none when the name
  // yields no key.
  //
  // A form written first is removed only where it is one: `country` (the
  // party's ISO 3166-1 alpha-2 code, upper case; empty when unknown) must
  // be among its jurisdictions ("A.O. Smith" in the US keeps its "ao",
  // "АО Тинькофф" in Russia loses it). Without a country it is removed
  // when it is listed world-wide, when the name is written in another
  // script than ASCII ("ООО", "株式会社", "Công ty"), or when it is
  // distinctive: several words or more than four letters
  // ("Perseroan Terbatas", "Aktiebolaget"); a short Latin one ("OOO",
  // "PT", "AO") is then kept, being as often initials or a word.
  //
  // Where German is written (DE, AT, CH, LI, LU), an umlaut spelled out
  // folds as the umlaut does: "Mueller", "Müller" and "Muller" are one
  // key; in DK, NO, SE, FI and IS "ø" and "å" spelled "oe" and "aa" too
  // ("Oersted" is "Ørsted"; see AppendSpelled in the .cc).
  //
  // In a name of several words, an abbreviated word stands for the word
  // ("Acme Intl" is "acme international"; "Saint-Gobain" is "st gobain":
  // saint, mount and fort the other way round, as "ST" may be initials),
  // and
  // a country named in another language for its English name ("ACME
  // Deutschland" is "acme germany"). A name of one word is its own: "CIA".
  std::optional<std::string> Key(std::string_view name,
                                 std::string_view country = {}) const;

  // Key() in *key and its tokens that are not stopwords in *significant,
  // from one reading of the name. False (both empty) when it yields no key.
  bool KeyAndSignificant(std::string_view name, std::string_view country,
                         std::string* key,
                         std::vector<std::string>* significant) const;

  bool IsStopword(std::string_view token) const {
    return stopword_filter_.MayHold(token) && stopwords_.contains(token);
  }

 private:
  // Reads the name into *tokens and sets [*begin, *end) to the tokens left
  // once legal forms are stripped; false when the name yields no key.
  bool Strip(std::string_view name, std::string_view country, NameTokens* tokens,
             std::size_t* begin, std::size_t* end) const;
  // How many tokens the longest legal form ending (or, for prefix, starting)
  // tokens [begin, end) spans, or 0; never all of them.
  std::size_t MatchSuffix(const NameTokens& tokens, std::size_t begin,
                          std::size_t end) const;
  // `name`: as given; `ascii`: whether it is all ASCII.
  std::size_t MatchPrefix(const NameTokens& tokens, std::size_t begin,
                          std::size_t end, std::string_view country,
                          std::string_view name, bool ascii) const;

  // Where a form written first is one (legal_forms.tsv's jurisdictions,
  // the union of its spellings'; "ооо" and "ooo" fold alike).
  struct PrefixForm {
    bool worldwide = false;
    // Several words or more than four letters (see Key()).
    bool distinctive = false;
    std::vector<std::string> countries;  // upper case, sorted
  };
  // Key() into *key and, unless null, the significant words into
  // *significant: KeyAndSignificant() and Key() in one reading.
  bool KeyOf(std::string_view name, std::string_view country, std::string* key,
             std::vector<std::string>* significant) const;
  bool PrefixFormApplies(const PrefixForm& form, std::string_view country,
                         std::string_view name, bool ascii) const;
  // The word `token` stands for: its expansion where it is an
  // abbreviation, else itself.
  std::string_view Expanded(std::string_view token) const;
  // Whether `token` may be an abbreviation: false for most tokens, at the
  // cost of a few instructions.
  bool MayBeAbbreviation(std::string_view token) const {
    if (token.empty() || token.size() > max_abbreviation_) return false;
    return abbreviation_filter_.MayHold(token);
  }

  // Words a list holds, as bits of one hash each (8,192 bits, ~5% of them
  // set by the longest list, the legal forms' last words): most words a
  // name is made of are found in no list with a multiply and a load, not a
  // hash table's lookup.
  class WordFilter {
   public:
    void Add(std::string_view word) {
      const std::size_t bit = Bit(word);
      bits_[bit / 64] |= std::uint64_t{1} << (bit % 64);
    }
    bool MayHold(std::string_view word) const {
      const std::size_t bit = Bit(word);
      return (bits_[bit / 64] >> (bit % 64)) & 1;
    }

   private:
    static constexpr int kLogBits = 13;
    // From the length and the first two and last bytes (a word of fewer
    // bytes repeats them), mixed by a multiply.
    static std::size_t Bit(std::string_view word) {
      const std::size_t n = word.size();
      const auto at = [&](std::size_t i) {
        return n == 0 ? std::uint32_t{0}
                      : static_cast<std::uint32_t>(
                            static_cast<unsigned char>(word[i]));
      };
      const std::uint32_t x = static_cast<std::uint32_t>(n & 0xFF) |
                              at(0) << 8 | at(n > 1 ? 1 : 0) << 16 |
                              at(n > 0 ? n - 1 : 0) << 24;
      return (x * 0x9E3779B1u) >> (32 - kLogBits);
    }
    std::array<std::uint64_t, (std::size_t{1} << kLogBits) / 64> bits_{};
  };

  // Legal forms as their tokens joined by spaces: "gmbh co kg".
  StringSet suffix_forms_;
  StringMap<PrefixForm> prefix_forms_;
  // The last (first) word of suffix (prefix) forms, and the most tokens of
  // a form ending (starting) with it; for a last word, also whether it is
  // a form alone (then not looked up again in suffix_forms_).
  struct SuffixEnd {
    std::size_t most = 0;
    bool alone = false;
  };
  StringMap<SuffixEnd> suffix_last_words_;
  StringMap<std::size_t> prefix_first_words_;
  WordFilter suffix_last_filter_, prefix_first_filter_;  // their words
  std::size_t max_form_tokens_ = 0;
  StringSet stopwords_;
  WordFilter stopword_filter_;
  // Abbreviations of at most sixteen bytes, each packed into two integers
  // (PackWord) in an open-addressed table of kAbbreviationSlots (0 =
  // empty): a token is looked up with a multiply and a compare or two.
  struct Abbreviation {
    std::uint64_t packed[2] = {0, 0};
    std::string word;
  };
  static constexpr std::size_t kAbbreviationSlots = 256;
  std::vector<Abbreviation> abbreviations_ = std::vector<Abbreviation>(kAbbreviationSlots);
  std::size_t max_abbreviation_ = 0;  // bytes of the longest
  // Every abbreviation: most tokens are passed over without being packed.
  WordFilter abbreviation_filter_;
};

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_COMPANY_NAME_H_
