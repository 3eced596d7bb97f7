// A deterministic automaton over the ten ASCII digits, compiled from the
// regular expressions libphonenumber's metadata writes its number patterns
// in ("(?:[2-9]\d{2}|30)\d{6}"): digits, classes of digits, \d, groups,
// alternation and the quantifiers ? * + {n} {n,} {n,m}.
//
// A full match is one table lookup per digit, where RE2::FullMatch spends
// ~700 instructions a call getting to its own DFA (and takes its cache's
// lock). Patterns outside that subset, or whose automaton would pass
// `max_states`, do not compile; the caller keeps RE2 for them.
//
// Thread safety: immutable once compiled.
#ifndef LEADROUTE_NORMALIZE_DIGIT_DFA_H_
#define LEADROUTE_NORMALIZE_DIGIT_DFA_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace leadroute::normalize {

class DigitDfa {
 public:
  static constexpr std::size_t kDefaultMaxStates = 4096;

  // nullopt when `pattern` is not in the subset or needs more states.
  static std::optional<DigitDfa> Compile(std::string_view pattern,
                                         std::size_t max_states = kDefaultMaxStates);

  // Whether the whole of `text` matches (RE2::FullMatch). Any byte that is
  // not an ASCII digit fails the match.
  bool FullMatch(std::string_view text) const {
    std::uint32_t state = start_;
    for (char c : text) {
      const unsigned digit = static_cast<unsigned char>(c) - '0';
      if (digit > 9) return false;
      state = next_[state * 10 + digit];
      if (state == kDead) return false;
    }
    return accepting_[state] != 0;
  }

  // Whether a prefix of `text` matches; *length receives the shortest
  // such prefix's length. With PrefixFree() it is the only one, so it is
  // the prefix any matcher finds (RE2's leftmost-first match included).
  bool MatchPrefix(std::string_view text, std::size_t* length) const {
    std::uint32_t state = start_;
    for (std::size_t i = 0;; ++i) {
      if (accepting_[state]) {
        *length = i;
        return true;
      }
      if (i == text.size()) return false;
      const unsigned digit = static_cast<unsigned char>(text[i]) - '0';
      if (digit > 9) return false;
      state = next_[state * 10 + digit];
      if (state == kDead) return false;
    }
  }

  // Whether no match is a proper prefix of another ("00", "011", "0"; not
  // "0|01" or "1?").
  bool PrefixFree() const;

  std::size_t states() const { return accepting_.size(); }

 private:
  static constexpr std::uint16_t kDead = 0;
  DigitDfa() = default;

  std::vector<std::uint16_t> next_;     // [state * 10 + digit]
  std::vector<std::uint8_t> accepting_;  // [state]
  std::uint16_t start_ = kDead;
};

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_DIGIT_DFA_H_
