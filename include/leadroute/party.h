// Party: the customer side of a lead, an opportunity or a deal registration,
// as it arrives from the outside (CONTRACT §3, "Records"). Every field is raw,
// untrusted text; an empty string means absent.
#ifndef LEADROUTE_PARTY_H_
#define LEADROUTE_PARTY_H_

#include <string>

namespace leadroute {

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

  // True when the party carries at least one of company, domain, email,
  // phone (the minimum CONTRACT §3 asks of a record) or, for a customer who
  // is a person, a full name or a street address.
  bool HasIdentity() const {
    return !company.empty() || !domain.empty() || !email.empty() ||
           !phone.empty() || (!first_name.empty() && !last_name.empty()) ||
           !street.empty();
  }
};

}  // namespace leadroute

#endif  // LEADROUTE_PARTY_H_
