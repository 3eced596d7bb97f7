// Person names to order- and nickname-insensitive keys.
#ifndef LEADROUTE_NORMALIZE_PERSON_NAME_H_
#define LEADROUTE_NORMALIZE_PERSON_NAME_H_

#include <optional>
#include <string>
#include <string_view>

#include "leadroute/normalizer.h"
#include "normalize/word_list.h"

namespace leadroute::normalize {

// Immutable; thread-safe.
class PersonName {
 public:
  // `nicknames`: nicknames.tsv (canonical, comma-separated variants).
  explicit PersonName(std::string_view nicknames);

  // Both names are needed: a surname alone says too little. Titles
  // ("Dr.", "Mr") and suffixes ("Jr", "III") are dropped; a given name keeps
  // its first word, canonical ("Bob" -> "robert"); a surname's words are
  // joined ("van der Berg" -> "vanderberg"). See PersonKey.
  std::optional<PersonKey> Key(std::string_view first,
                               std::string_view last) const;

  // The name parts alone (see Normalizer::GivenName, Normalizer::Surname).
  std::optional<std::string> Given(std::string_view first) const;
  static std::optional<std::string> Surname(std::string_view last);

  // The canonical given name of a folded name ("bob" -> "robert"), or the
  // name itself.
  std::string_view Canonical(std::string_view folded) const;

 private:
  StringMap<std::string> canonical_;
};

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_PERSON_NAME_H_
