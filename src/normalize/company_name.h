// Company names to match keys: folding, tokenizing, legal forms.
#ifndef LEADROUTE_NORMALIZE_COMPANY_NAME_H_
#define LEADROUTE_NORMALIZE_COMPANY_NAME_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normalize/word_list.h"

namespace leadroute::normalize {

// Splits folded (lower-case ASCII) text into name tokens: runs of letters and
// digits; apostrophes vanish ("mcdonald's" -> "mcdonalds"); runs of single
// characters join ("i.b.m." -> "ibm", "g.m.b.h." -> "gmbh"); "&", "+",
// "and", "und", "et" are dropped, and so is a leading "the".
void TokenizeName(std::string_view folded, std::vector<std::string>* tokens);

// Immutable; thread-safe.
class CompanyName {
 public:
  // `legal_forms`: legal_forms.tsv (spelling, position, jurisdictions);
  // `stopwords`: company_stopwords.txt.
  CompanyName(std::string_view legal_forms, std::string_view stopwords);

  // Tokens of the name with legal forms removed (from the end, repeatedly,
  // and from the start for forms written first such as "OOO"); never removes
  // the last remaining token. False when the name yields no key.
  bool Tokens(std::string_view name, std::vector<std::string>* tokens) const;

  // The tokens joined by single spaces.
  std::optional<std::string> Key(std::string_view name) const;

  bool IsStopword(std::string_view token) const {
    return stopwords_.contains(token);
  }

 private:
  // Tokens of the longest legal form ending (or, for prefix, starting) the
  // sequence, or 0.
  std::size_t MatchSuffix(const std::vector<std::string>& tokens,
                          std::string* scratch) const;
  std::size_t MatchPrefix(const std::vector<std::string>& tokens,
                          std::string* scratch) const;

  // Legal forms as their tokens joined by spaces: "gmbh co kg".
  StringSet suffix_forms_;
  StringSet prefix_forms_;
  // The last (first) word of suffix (prefix) forms, and the most tokens of
  // a form ending (starting) with it.
  StringMap<std::size_t> suffix_last_words_;
  StringMap<std::size_t> prefix_first_words_;
  std::size_t max_form_tokens_ = 0;
  StringSet stopwords_;
};

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_COMPANY_NAME_H_
