#include "index/match_scorer.h"

#include <cmath>

#include "index/similarity.h"

namespace leadroute::index {

namespace {

bool Both(std::string_view a, std::string_view b) {
  return !a.empty() && !b.empty();
}

// Points for one name part: full for equal, a share for a close spelling,
// the mismatch penalty (when it applies) otherwise.
double NamePoints(std::string_view a, std::string_view b, double full,
                  const MatchWeights& w, bool penalize, bool* agreed) {
  if (a == b) {
    *agreed = true;
    return full;
  }
  const double sim = JaroWinkler(a, b);
  if (sim >= 0.9) {
    *agreed = true;
    return full * w.name_fuzzy;
  }
  // An initial against a full name ("j" vs "jane").
  if ((a.size() == 1 || b.size() == 1) && a.front() == b.front()) {
    *agreed = true;
    return full * 0.4;
  }
  return penalize ? w.name_mismatch / 2 : 0.0;
}

}  // namespace

Scored ScoreMatch(const Features& d, const RecordView::FeatureView& s,
                  const MatchWeights& w) {
  double points = 0;
  Scored out;
  bool email = false, domain = false, company = false, phone = false,
       contact = false, address = false;

  if (Both(d.email, s.email) && d.email == s.email) {
    points += w.email;
    email = true;
  }
  if (Both(d.domain, s.domain)) {
    if (d.domain == s.domain) {
      points += email ? 1.0 : w.domain;  // an equal mailbox implies it
      domain = true;
    } else {
      points += w.domain_mismatch;
    }
  }
  if (Both(d.phone, s.phone) && d.phone == s.phone) {
    points += w.phone;
    phone = true;
  }

  const bool companies = Both(d.company, s.company);
  if (companies) {
    if (d.company == s.company) {
      points += w.company;
      company = true;
    } else if (IsAcronymOf(d.company, s.company) ||
               IsAcronymOf(s.company, d.company)) {
      points += w.company_acronym;
      company = true;
    } else {
      const double sim = TokenSimilarity(d.company, s.company);
      if (sim >= 0.85) {
        points += w.company_fuzzy * (sim - 0.85) / 0.15;
        company = true;
      } else if (sim < 0.7) {
        points += w.company_mismatch;
      }
    }
  }

  // People: without a company on both sides the person is the customer, and
  // a different name is evidence against; with one, it is only a contact.
  const bool person_is_party = d.company.empty() && s.company.empty();
  if (d.has_person() && s.has_person()) {
    bool given_ok = false, surname_ok = false;
    double person = NamePoints(d.given, s.given, w.given, w, person_is_party,
                               &given_ok) +
                    NamePoints(d.surname, s.surname, w.surname, w,
                               person_is_party, &surname_ok);
    // Entered the other way round.
    if (!(given_ok && surname_ok) && !d.person_swapped.empty() &&
        d.person_swapped == std::string(s.given) + " " + std::string(s.surname)) {
      person = w.given + w.surname;
      given_ok = surname_ok = true;
    }
    points += person;
    contact = given_ok && surname_ok;
  }

  bool number_ok = false, street_ok = false, postal_ok = false;
  if (Both(d.number, s.number)) {
    number_ok = d.number == s.number;
    points += number_ok ? w.number : w.number_mismatch;
  }
  if (Both(d.street, s.street)) {
    const double sim = d.street == s.street ? 1.0 : JaroWinkler(d.street, s.street);
    street_ok = sim >= 0.9;
    if (street_ok) {
      points += w.street * (sim >= 0.97 ? 1.0 : 0.7);
    } else if (sim < 0.75) {
      points += w.street_mismatch;
    }
  }
  if (Both(d.postal, s.postal)) {
    postal_ok = d.postal == s.postal;
    points += postal_ok ? w.postal : w.postal_mismatch;
  }
  if (Both(d.city, s.city) && JaroWinkler(d.city, s.city) >= 0.9) {
    points += w.city;
  }
  address = number_ok && street_ok;
  if (Both(d.country, s.country)) {
    points += d.country == s.country ? w.country : w.country_mismatch;
  }

  out.score = 1.0 / (1.0 + std::exp(-(points - w.midpoint) * w.slope));
  if (email) out.evidence.push_back(Evidence::kEmail);
  if (domain) out.evidence.push_back(Evidence::kDomain);
  if (company) out.evidence.push_back(Evidence::kCompany);
  if (phone) out.evidence.push_back(Evidence::kPhone);
  if (contact) out.evidence.push_back(Evidence::kContact);
  if (address) out.evidence.push_back(Evidence::kAddress);
  return out;
}

}  // namespace leadroute::index
