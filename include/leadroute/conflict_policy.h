// ConflictPolicy: how check and register decide (thresholds, protection
// period, evidence weights). The rule set will carry one; these defaults
// hold without it.
#ifndef LEADROUTE_CONFLICT_POLICY_H_
#define LEADROUTE_CONFLICT_POLICY_H_

#include <cstddef>

namespace leadroute {

// Points per kind of evidence (roughly log-odds; see index/match_scorer.h).
// Defaults: a domain or an email alone is a conflict, a company name alone
// (or with its country) is a conflict; a phone, an address or a person's
// name alone stays below the conflict threshold, and together they reach
// it; the same name in another country is clear.
struct MatchWeights {
  // An identifier of one type (Party::ids) on both sides: the same value
  // names the customer on its own; another value speaks against it, per
  // type (outweighing a company name and country, not a domain as well).
  double identifier = 7.0;
  double identifier_mismatch = -6.0;
  double domain = 6.0;
  double domain_mismatch = -3.0;
  double email = 7.0;
  double phone = 3.0;
  double company = 4.5;           // the same company key
  double company_fuzzy = 3.5;     // at similarity 1.0, down to 0 at 0.85
  double company_acronym = 3.0;
  double company_mismatch = -2.5;
  // A person's name. Mismatches count only where neither side names a
  // company: then the person is the customer, not just a contact.
  double given = 2.0;             // the same canonical given name
  double surname = 2.5;
  double name_close = 0.7;        // share of the above at Jaro-Winkler >= 0.9
  // Share at Jaro-Winkler >= 0.8; for a person customer's names also a
  // spelling of the same sound or a given name clipped of its beginning
  // (index/match_scorer.cc: PersonNameSimilarity).
  double name_near = 0.3;
  double given_mismatch = -1.0;
  double surname_mismatch = -1.5;
  double person_cap = 3.5;        // a name alone stays below a conflict
  // Share of email and domain points where the customer is a person: a
  // domain names an employer; a mailbox shared under other names a household.
  double shared_mailbox = 0.3;
  // Points at most where the customer is a person, the two given names
  // differ (not close, not an initial, not one sound) and both sides give
  // the same mailbox or phone: two members of a household or an office;
  // also where their dates of birth or generational suffixes ("Jr", "Sr")
  // differ. With the default midpoint, slope and thresholds, 3.5 points
  // score 0.61: review.
  double other_person_cap = 3.5;
  // Dates of birth, where the customer is a person and both give one: the
  // same date (with a whole name: a conflict, 5.5 points; nothing under
  // another given name); a near one (day and month swapped, a digit of the
  // month, the day or the year's last one off, two neighbours transposed:
  // a typing error; a decade apart is not near); another, which shows
  // two people: a mailbox both give is a shared one (see shared_mailbox),
  // and the match scores other_person_cap at most unless an identifier
  // agrees.
  double birth_date = 2.0;
  double birth_date_near = 0.5;
  double birth_date_mismatch = -5.0;
  // A postal address.
  double number = 1.5;
  double number_mismatch = -0.8;
  double street = 2.0;            // close spellings get name_close/name_near
  double street_mismatch = -0.8;
  double postal = 1.5;
  double postal_near = 0.5;       // one typing error: a character off, two swapped
  double postal_mismatch = -0.5;
  double city = 1.5;
  // Another city (not close): with the country's 0.5 it takes a company
  // name alone from a conflict to review (a namesake in another town).
  double city_mismatch = -1.0;
  double address_cap = 4.0;       // an address alone stays below a conflict
  // Where one side's address names no place (neither postal code nor
  // city), it counts for at most this much: the street may lie in any town.
  double unplaced_address_cap = 1.5;
  // Where the city is all of the address both sides give (no street,
  // number or postal code on both), the address counts for at most this
  // much, its country included: a city is where many customers are, and
  // a phone's area code says it again. A name, or a phone, with its city
  // stays below a conflict (a review found "Thomas Müller, München" at
  // 0.905).
  double city_alone_cap = 0.5;
  // Points at most where the company names are only near (a typing error
  // apart: "Hofmann", "Hoffmann") and no domain, mailbox, phone or
  // identifier agrees, nor the street with its number: near names of two
  // firms in one postal code stay in review (a review found 0.969).
  double fuzzy_name_cap = 4.0;
  double country = 0.5;
  double country_mismatch = -5.0;
  double midpoint = 3.0;          // points at which the score is 0.5
  double slope = 0.9;
};

struct ConflictPolicy {
  // A match at or above it is a conflict (or a duplicate, same owner).
  double conflict_threshold = 0.75;
  // Between this and the conflict threshold: a possible match; register
  // stores the deal as pending for review when one belongs to another owner.
  double review_threshold = 0.5;
  // Registrations without expires_at are protected this long.
  int protection_days = 90;
  // Matches reported per check, best first.
  std::size_t max_matches = 10;
  // Whether a match on another product line is a conflict. When false, an
  // opportunity whose products share none with the deal's (both named) does
  // not count against it: one customer, two product lines, two owners.
  bool product_lines_conflict = true;
  // Whether direct sales comes first. When false, a registration that
  // collides only with direct opportunities goes to review (a channel
  // manager decides) instead of conflict.
  bool direct_precedence = true;
  MatchWeights weights;
};

}  // namespace leadroute

#endif  // LEADROUTE_CONFLICT_POLICY_H_
