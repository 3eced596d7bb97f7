// Party: the customer side of a lead, an opportunity or a deal registration,
// as it arrives from the outside (CONTRACT §3, "Records"). Every field is raw,
// untrusted text; an empty string means absent.
#ifndef LEADROUTE_PARTY_H_
#define LEADROUTE_PARTY_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/status.h"

namespace leadroute {

// An identifier a registry or an issuer gave the customer: a VAT or tax
// number, a DUNS number, an LEI, a company register's number; for a person,
// a passport's or a licence's. Two parties with an identifier of one type
// are the same customer when its values agree; values compare by their
// letters and digits ("DE 129 273 398" is "de129273398"). See
// Normalizer::Identifier for the values that count.
struct PartyId {
  std::string type;   // "vat": 1 to 32 lower-case ASCII letters, digits, '_'
  std::string value;  // as received
};

// Most identifiers on one party, and the longest type name.
inline constexpr std::size_t kMaxPartyIds = 16;
inline constexpr std::size_t kMaxPartyIdType = 32;

// 1 to kMaxPartyIdType lower-case ASCII letters, digits or '_'.
bool IsPartyIdType(std::string_view type);
// Whether `value` holds a control character (the packed record separates
// identifiers with two of them).
bool HasControlCharacter(std::string_view value);
// The rules the JSON decoder applies, for parties built otherwise (the
// engine's callers): at most kMaxPartyIds, each type valid and given once,
// no value with a control character. Errors name `path`.ids[.TYPE].
Status ValidatePartyIds(const std::vector<PartyId>& ids, std::string_view path);

// A person's date of birth as forms and exports write it, as "YYYY-MM-DD":
// ISO ("1970-03-01", "1970/3/1", "19700301", an ISO time after it
// ignored); numbers with the month first ("3/1/1970", "03-01-70"), unless
// the first is above 12 ("20/8/1991") or dots separate them, which put the
// day first ("1.3.1970"); a month's English name or abbreviation in any
// place ("Mar 1 1970", "1 March 1970", "01-Mar-70", "March 1, 1970"). A
// two-digit year is the latest year ending in them not after `this_year`
// ("31" in 2026 is 1931, "06" is 2006), the only use of `this_year`: a
// date read once reads the same from its "YYYY-MM-DD" on any later day
// (a journal's replay). nullopt for anything else or a day the calendar
// lacks; the dates IsIsoDate() takes, no others.
std::optional<std::string> ReadBirthDate(std::string_view text, int this_year);
// The current year (UTC), ReadBirthDate's `this_year` for a request.
int CurrentYear();
// Whether `date` is "YYYY-MM-DD" of a day the calendar has (years 1000 to
// 9999): Party::birth_date's form.
bool IsIsoDate(std::string_view date);

// The error for a record without any of what HasIdentity() asks.
inline constexpr std::string_view kNeedsIdentity =
    "needs at least one of company, domain, email, phone, a full name, a street or an "
    "identifier";

// The error for a record that has some of them, but none that reads as
// one ("-" for a company, "n/a" for an email): nothing would find it.
inline constexpr std::string_view kNoMatchKey =
    "none of company, domain, email, phone, name, street or identifier reads as one (blank, a "
    "placeholder or malformed): nothing could match the record";

struct Party {
  std::string company;      // "ACME Deutschland GmbH"
  std::string domain;       // "acme.de", "https://www.acme.de/en"
  std::string email;        // "J.Doe@acme.de", "Jane <j.doe@acme.de>"
  std::string first_name;
  std::string last_name;
  std::string phone;        // "+49 89 1234567", "(773) 534-6361"
  std::string street;       // "Leopoldstr. 1"
  std::string city;
  std::string postal_code;
  std::string region;       // ISO 3166-2: "DE-BY"
  std::string country;      // ISO 3166-1 alpha-2: "DE"
  std::vector<PartyId> ids; // {"vat": "DE129273398"}, in the order given
  // For a customer who is a person: "1970-03-01" (IsIsoDate), empty when
  // unknown. The JSON decoder reads other spellings into this form
  // (ReadBirthDate). It tells namesakes apart (one address, one mailbox)
  // and, alike, lifts a name to a match; it is no identity of its own.
  std::string birth_date;

  // True when the party carries at least one of company, domain, email,
  // phone (the minimum CONTRACT §3 asks of a record) or, for a customer who
  // is a person, a full name or a street address; or an identifier with a
  // digit (or a character beyond ASCII, which may fold to one): "N/A" is
  // none.
  bool HasIdentity() const {
    if (!company.empty() || !domain.empty() || !email.empty() || !phone.empty() ||
        (!first_name.empty() && !last_name.empty()) || !street.empty()) {
      return true;
    }
    for (const PartyId& id : ids) {
      for (char c : id.value) {
        if ((c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80) return true;
      }
    }
    return false;
  }
};

}  // namespace leadroute

#endif  // LEADROUTE_PARTY_H_
