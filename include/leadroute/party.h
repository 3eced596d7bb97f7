// Party: the customer side of a lead, an opportunity or a deal registration,
// as it arrives from the outside (CONTRACT §3, "Records"). Every field is raw,
// untrusted text; an empty string means absent.
#ifndef LEADROUTE_PARTY_H_
#define LEADROUTE_PARTY_H_

#include <string>
#include <vector>

namespace leadroute {

// An identifier a registry or an issuer gave the customer: a VAT or tax
// number, a DUNS number, an LEI, a company register's number; for a person,
// a passport's or a licence's. Two parties with an identifier of one type
// are the same customer when its values agree and two when they differ;
// values compare by their letters and digits ("DE 129 273 398" is
// "de129273398").
struct PartyId {
  std::string type;   // "vat": 1 to 32 lower-case ASCII letters, digits, '_'
  std::string value;  // as received
};

// Most identifiers on one party, and the longest type name.
inline constexpr std::size_t kMaxPartyIds = 16;
inline constexpr std::size_t kMaxPartyIdType = 32;

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

  // True when the party carries at least one of company, domain, email,
  // phone (the minimum CONTRACT §3 asks of a record) or, for a customer who
  // is a person, a full name or a street address; or an identifier.
  bool HasIdentity() const {
    return !company.empty() || !domain.empty() || !email.empty() ||
           !phone.empty() || (!first_name.empty() && !last_name.empty()) ||
           !street.empty() || !ids.empty();
  }
};

}  // namespace leadroute

#endif  // LEADROUTE_PARTY_H_
