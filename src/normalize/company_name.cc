#include "normalize/company_name.h"

#include <algorithm>

#include "normalize/text_fold.h"
#include "normalize/word_list.h"

namespace leadroute::normalize {

namespace {

constexpr int kMaxStripRounds = 3;
constexpr std::size_t kMaxTokens = 64;

bool IsConnective(std::string_view t) {
  return t == "&" || t == "and" || t == "und" || t == "et";
}

void JoinTokens(const std::vector<std::string>& tokens, std::size_t begin,
                std::size_t end, std::string* out) {
  out->clear();
  for (std::size_t i = begin; i < end; ++i) {
    if (i != begin) out->push_back(' ');
    out->append(tokens[i]);
  }
}

// `name` without ™, ℠, ® and ©, which NFKC would turn into letters
// ("Acme™" -> "acmetm"); *scratch holds the copy when one is needed.
std::string_view WithoutMarkSigns(std::string_view name, std::string* scratch) {
  static constexpr std::string_view kSigns[] = {"\u2122", "\u2120", "\u00AE",
                                                "\u00A9"};
  bool any = false;
  for (std::string_view sign : kSigns) any |= name.find(sign) != name.npos;
  if (!any) return name;
  scratch->clear();
  for (std::size_t i = 0; i < name.size();) {
    bool matched = false;
    for (std::string_view sign : kSigns) {
      if (name.substr(i, sign.size()) == sign) {
        scratch->push_back(' ');
        i += sign.size();
        matched = true;
        break;
      }
    }
    if (!matched) scratch->push_back(name[i++]);
  }
  return *scratch;
}

}  // namespace

void TokenizeName(std::string_view folded, std::vector<std::string>* tokens) {
  tokens->clear();
  // One pass over raw tokens (runs of letters and digits; "&" and "+" are
  // the connective "&"): runs of single characters join (initialisms),
  // connectives are dropped and end a run.
  std::size_t raw = 0;
  bool in_run = false;  // tokens->back() is a run of single characters
  std::string cur;
  auto emit = [&](std::string_view t) {
    ++raw;
    if (t.size() == 1 && t != "&") {
      if (in_run) {
        tokens->back().push_back(t[0]);
      } else {
        tokens->emplace_back(t);
        in_run = true;
      }
      return;
    }
    in_run = false;
    if (!IsConnective(t)) tokens->emplace_back(t);
  };
  for (char c : folded) {
    if (IsAsciiAlnum(c)) {
      cur.push_back(AsciiLower(c));
    } else if (c == '\'' || c == '`') {
      // "McDonald's": apostrophes do not split a word.
    } else {
      if (!cur.empty()) emit(cur);
      cur.clear();
      if (c == '&' || c == '+') emit("&");
    }
    if (raw > kMaxTokens) break;
  }
  if (!cur.empty()) emit(cur);  // (a break leaves cur empty)
  if (tokens->size() > 1 && tokens->front() == "the") {
    tokens->erase(tokens->begin());
  }
}

CompanyName::CompanyName(std::string_view legal_forms,
                         std::string_view stopwords) {
  std::string folded;
  std::vector<std::string> tokens;
  std::string joined;
  ForEachDataLine(legal_forms, [&](const std::vector<std::string_view>& cols) {
    if (!FoldToAscii(cols[0], &folded)) return;
    TokenizeName(folded, &tokens);
    if (tokens.empty()) return;
    JoinTokens(tokens, 0, tokens.size(), &joined);
    const std::string_view position = cols.size() > 1 ? cols[1] : "suffix";
    if (position == "suffix" || position == "both") {
      suffix_forms_.insert(joined);
      std::size_t& k = suffix_last_words_[tokens.back()];
      k = std::max(k, tokens.size());
    }
    if (position == "prefix" || position == "both") {
      prefix_forms_.insert(joined);
      std::size_t& k = prefix_first_words_[tokens.front()];
      k = std::max(k, tokens.size());
    }
    max_form_tokens_ = std::max(max_form_tokens_, tokens.size());
  });
  ForEachDataLine(stopwords, [&](const std::vector<std::string_view>& cols) {
    if (FoldToAscii(cols[0], &folded)) stopwords_.insert(folded);
  });
}

std::size_t CompanyName::MatchSuffix(const std::vector<std::string>& tokens,
                                     std::string* scratch) const {
  const std::size_t n = tokens.size();
  // Only forms ending in the last word can match.
  auto last = suffix_last_words_.find(tokens.back());
  if (last == suffix_last_words_.end()) return 0;
  for (std::size_t k = std::min(last->second, n - 1); k >= 1; --k) {
    JoinTokens(tokens, n - k, n, scratch);
    if (suffix_forms_.contains(*scratch)) return k;
  }
  return 0;
}

std::size_t CompanyName::MatchPrefix(const std::vector<std::string>& tokens,
                                     std::string* scratch) const {
  const std::size_t n = tokens.size();
  auto first = prefix_first_words_.find(tokens.front());
  if (first == prefix_first_words_.end()) return 0;
  for (std::size_t k = std::min(first->second, n - 1); k >= 1; --k) {
    JoinTokens(tokens, 0, k, scratch);
    if (prefix_forms_.contains(*scratch)) return k;
  }
  return 0;
}

bool CompanyName::Tokens(std::string_view name,
                         std::vector<std::string>* tokens) const {
  tokens->clear();
  std::string folded;
  std::string unmarked;
  if (!FoldToAscii(WithoutMarkSigns(name, &unmarked), &folded)) return false;
  TokenizeName(folded, tokens);
  if (tokens->size() > kMaxTokens) {
    tokens->clear();
    return false;
  }
  std::string scratch;
  // A name that is nothing but a legal form ("AG", "Kabushiki Kaisha") is
  // kept whole rather than cut down to an arbitrary part of the form.
  if (tokens->size() <= max_form_tokens_) {
    JoinTokens(*tokens, 0, tokens->size(), &scratch);
    if (suffix_forms_.contains(scratch) || prefix_forms_.contains(scratch)) {
      return true;
    }
  }
  for (int round = 0; round < kMaxStripRounds && tokens->size() > 1; ++round) {
    const std::size_t k = MatchSuffix(*tokens, &scratch);
    if (k == 0) break;
    tokens->resize(tokens->size() - k);
  }
  if (tokens->size() > 1) {
    const std::size_t k = MatchPrefix(*tokens, &scratch);
    tokens->erase(tokens->begin(), tokens->begin() + static_cast<long>(k));
  }
  return !tokens->empty();
}

std::optional<std::string> CompanyName::Key(std::string_view name) const {
  std::vector<std::string> tokens;
  if (!Tokens(name, &tokens)) return std::nullopt;
  std::string key;
  JoinTokens(tokens, 0, tokens.size(), &key);
  return key;
}

}  // namespace leadroute::normalize
