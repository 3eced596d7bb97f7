// Postal addresses to keys: house number, street, postal code.
#ifndef LEADROUTE_NORMALIZE_POSTAL_ADDRESS_H_
#define LEADROUTE_NORMALIZE_POSTAL_ADDRESS_H_

#include <optional>
#include <string>
#include <string_view>

#include "normalize/word_list.h"

namespace leadroute::normalize {

// A street line split into its parts.
struct StreetParts {
  std::string number;  // "12a"; the first number of "12-14"
  std::string street;  // canonical words joined: "leopoldstrasse"
};

// An address as the matcher reads it: the street line's parts, and the
// postal code and city from their fields or, where a field is empty, from
// the street line ("6371 E Foothill Dr, Orroville, CA 95915").
struct ParsedAddress {
  std::optional<StreetParts> street;
  std::optional<std::string> postal_code;  // canonical, as PostalCode()
  std::string city;                        // folded letters and digits: "sanramon"; its own name: "Cologne" is "koln"
  std::optional<std::string> key;          // as Key()
};

// Immutable; thread-safe.
class PostalAddress {
 public:
  // `street_types`: street_types.tsv (variant, canonical[, countries]);
  // `unit_designators`: unit_designators.txt; `city_names`: city_names.tsv
  // (a name, the city's own).
  PostalAddress(std::string_view street_types, std::string_view unit_designators,
                std::string_view city_names = {});

  // "123 E Main St Suite 900" -> {"123", "eastmainstreet"};
  // "Leopoldstr. 1" -> {"1", "leopoldstrasse"}; "Hauptstr. 5 a" -> {"5a",
  // "hauptstrasse"}. Units ("Suite 900", "Apt 4b"), parts after a comma that
  // name no street, and number markers ("No.") are dropped. Without a
  // number, only a name ending in a street type: "Robertson Street" ->
  // {"", "robertsonstreet"}. Nullopt otherwise, or without a street word.
  std::optional<StreetParts> Street(std::string_view street) const;

  // Postal code in its country's canonical form: upper case, no spaces or
  // dashes, ZIP+4 cut to five digits; checked against the country's pattern
  // when the country is known ("80331" for DE, "SW1A1AA" for GB).
  static std::optional<std::string> PostalCode(std::string_view code,
                                               std::string_view country);

  // "<country>|<postal code or city>|<street>|<number>", country lower case
  // or empty. Nullopt when the street has no number or name, or when neither
  // postal code nor city is usable (from its field or the street line).
  std::optional<std::string> Key(std::string_view street,
                                 std::string_view postal_code,
                                 std::string_view city,
                                 std::string_view country) const;

  // Everything above in one pass. An empty `postal_code` or `city` field is
  // looked for in the street line, after the street: the last word shaped
  // as a postal code (the country's pattern where it has one, else 4 to 6
  // digits or a ZIP+4, dashed or not; a British postcode: "60527", "LE11
  // 1UU"; never a unit's, a PO box's or a house-number range's number), and
  // the first comma-separated part after the street that has letters only
  // once the code, a word of one or two letters just before it or a
  // two-letter word ending the part (a state), and a unit with its number
  // or letter are set aside ("Orroville", "Triesen" in "FL-2198 Triesen").
  ParsedAddress Parse(std::string_view street, std::string_view postal_code,
                      std::string_view city, std::string_view country) const;

 private:
  // Street() on one comma-separated part of the folded street line; a
  // street without a number only where `numberless`.
  // `country`: upper-case alpha-2 or empty, for the words read only there.
  std::optional<StreetParts> StreetPart(std::string_view part, bool numberless,
                                        std::string_view country) const;
  // Appends street word `w` as written in `country` to *street, its
  // type's word spelled out (street_types.tsv, the country's own first).
  void AppendStreetWord(std::string_view w, std::string_view country, std::string* street) const;
  // Appends the word street type `w` stands for in `country` to *street;
  // false (nothing appended) when it is none.
  bool AppendStreetType(std::string_view w, std::string_view country, std::string* street) const;
  // Whether a folded part has a street type's word or a compound ending in
  // one ("hauptstrasse").
  bool NamesStreetType(std::string_view part) const;
  // Street() on a folded line; *part_index is the part that named it.
  // `country`: a bare number that is its postal code ("Main Street,
  // 10001" in the US) is not joined to the street as its house number.
  std::optional<StreetParts> FoldedStreet(std::string_view folded, std::string_view country,
                                          std::size_t* part_index) const;

  // A city's name in another language as its own name is read in
  // `country` (folded letters and digits: "cologne" -> "koln" in DE), in
  // place.
  void OwnCityName(std::string_view country, std::string* city) const;

  StringMap<std::string> city_names_;  // under "CC:name" (FindLocal)

  StringMap<std::string> street_types_;
  // Words read only in some countries, under "CC:word" (CC upper case;
  // FindLocal).
  StringMap<std::string> local_street_types_;
  // Ends of compound words read only in some countries.
  struct LocalSuffix {
    std::string country;  // upper case
    std::string end;      // "gr"
    std::string word;     // "gracht"
  };
  std::vector<LocalSuffix> local_suffixes_;
  StringSet units_;
};

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_POSTAL_ADDRESS_H_
