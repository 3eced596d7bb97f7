// The common shapes of phone numbers parsed and validated without
// libphonenumber's ICU regular expressions.
//
// libphonenumber costs 10-20 µs a number, almost all of it in ICU's regex
// engine. Nearly every phone a CRM stores is digits with spaces, dashes,
// dots, slashes or parentheses, either "+CC ..." or national with a region.
// For those, PhoneFastPath replays the steps of PhoneNumberUtil::Parse,
// IsValidNumber and Format(E164) on libphonenumber's own metadata (the
// compiled-in PhoneMetadataCollection), with the number patterns compiled
// once into DigitDfa tables and the prefix patterns into RE2. Whatever it
// is not sure about (letters, extensions, unusual national prefix rules, a
// country code without "+"), it says so and the caller asks libphonenumber.
// Differential tests and the fuzz target hold both paths to the same
// answers.
#ifndef LEADROUTE_NORMALIZE_PHONE_FAST_PATH_H_
#define LEADROUTE_NORMALIZE_PHONE_FAST_PATH_H_

#include <memory>
#include <string>
#include <string_view>

namespace leadroute::normalize {

class PhoneFastPath {
 public:
  enum class Answer {
    kKey,     // *e164 holds the key libphonenumber would give
    kNoKey,   // libphonenumber would reject it too
    kUnsure,  // ask libphonenumber
  };

  // The process-wide instance; built on first use (~20 ms), thread-safe.
  static const PhoneFastPath& Get();

  // `region` is an upper-case ISO 3166-1 alpha-2 code or "ZZ".
  Answer Key(std::string_view number, std::string_view region,
             std::string* e164) const;

  // Whether a national significant number that libphonenumber's metadata
  // gives no type (so not valid to it) still has the shape of one of
  // country code `code`: its main region's general pattern and a possible
  // length (for +1, an exchange code not beginning with 0 or 1), and no
  // placeholder (the number or its last seven digits one digit repeated
  // or counting: "5555555555", "(312) 123-4567"). Metadata lags
  // the numbering plans (Debian 12's is of 2022: area codes opened since,
  // 728 in Florida, 624 in New York, are not valid to it), and a number a
  // customer gives is theirs whether or not it is assigned yet. kKey: yes;
  // kNoKey: no; kUnsure: no tables for the code.
  Answer Shaped(int code, std::string_view nsn) const;

  // Whether reading `e164` (a key) again could strip more: its national
  // number starts with what its country's national prefix rule strips
  // ("+52 1 55..." reads again as "+52 55..."). Unsure counts as yes.
  bool MayChangeOnReread(std::string_view e164) const;

  PhoneFastPath(const PhoneFastPath&) = delete;
  PhoneFastPath& operator=(const PhoneFastPath&) = delete;
  ~PhoneFastPath();

 private:
  struct Tables;
  PhoneFastPath();
  std::unique_ptr<Tables> tables_;
};

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_PHONE_FAST_PATH_H_
