#include "index/match_scorer.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "index/similarity.h"

namespace leadroute::index {

namespace {

// Company names less similar than this (TokenSimilarity) are another
// company's: company_mismatch.
constexpr double kNamesApart = 0.7;

bool Both(std::string_view a, std::string_view b) {
  return !a.empty() && !b.empty();
}

// Similarity of two spellings of one name (both non-empty): Jaro-Winkler,
// with an initial against a full name ("j" vs "jane") as near.
double NameSimilarity(std::string_view a, std::string_view b) {
  const double sim = a == b ? 1.0 : JaroWinkler(a, b);
  if (sim < 0.85 && (a.size() == 1 || b.size() == 1) && a.front() == b.front()) {
    return 0.85;
  }
  return sim;
}

// Similarity of two spellings of a person's name: as NameSimilarity, with
// two spellings of one sound as near as an initial: one Metaphone code of
// three letters or more ("fysl" transliterated and "faisal", "sdyqy" and
// "siddiqui"), or of two where both names have five letters or more
// ("keeley" and "kaylee"). Metaphone keeps no vowel but a first one, so a
// short code of short names joins names that differ only there: "john"
// and "jane", "tom" and "tim", "dan" and "diane" stay apart. A given name
// (`given`) clipped of its beginning is near too, five letters or more
// ("nastassia" of "anastassia"; not "anna" of "johanna", nor a surname's
// "stein" of "goldstein").
double PersonNameSimilarity(std::string_view a, std::string_view b, bool given) {
  const double sim = NameSimilarity(a, b);
  if (sim >= 0.85) return sim;
  const std::string_view shorter = a.size() < b.size() ? a : b;
  const std::string_view longer = a.size() < b.size() ? b : a;
  if (given && shorter.size() >= 5 && longer.ends_with(shorter)) return 0.85;
  const std::string code = Metaphone(a);
  const bool sound_alike = (code.size() >= 3 || (code.size() == 2 && shorter.size() >= 5)) &&
                           code == Metaphone(b);
  return sound_alike ? 0.85 : sim;
}

// Points for two spellings of one field of similarity `sim`: `full` when
// equal, a share when close, `mismatch` otherwise. *agreed when at least
// close.
double Graded(double sim, double full, double mismatch, const MatchWeights& w,
              bool* agreed = nullptr) {
  if (agreed != nullptr) *agreed = sim >= 0.9;
  if (sim == 1.0) return full;
  if (sim >= 0.9) return full * w.name_close;
  if (sim >= 0.8) return full * w.name_near;
  return mismatch;
}

double Graded(std::string_view a, std::string_view b, double full,
              double mismatch, const MatchWeights& w, bool* agreed = nullptr) {
  return Graded(NameSimilarity(a, b), full, mismatch, w, agreed);
}

// Whether two house numbers name one house: equal, or one the other's
// first blocks ("2-3" and "2-3-1": a Japanese block and a house in it).
bool SameHouse(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  return b.starts_with(a) && (a.size() == b.size() || b[a.size()] == '-');
}

// Whether the digits of `a` and `b`, in order, are the same.
bool SameDigits(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (true) {
    while (i < a.size() && !(a[i] >= '0' && a[i] <= '9')) ++i;
    while (j < b.size() && !(b[j] >= '0' && b[j] <= '9')) ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (a[i++] != b[j++]) return false;
  }
}

// One typing error apart: the same length with one character replaced
// ("2148", "2149"), or two neighbours transposed ("2763", "2736").
bool OneTypo(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  std::size_t first = a.size(), diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (diff++ == 0) first = i;
  }
  if (diff <= 1) return true;
  return diff == 2 && first + 1 < a.size() && a[first] == b[first + 1] &&
         a[first + 1] == b[first];
}

double Capped(double points, double cap) { return points > cap ? cap : points; }

// The score of `points`: a logistic around the midpoint.
double Logistic(double points, const MatchWeights& w) {
  return 1.0 / (1.0 + std::exp(-(points - w.midpoint) * w.slope));
}

// Two dates of birth ("YYYY-MM-DD", not equal) that one typing error
// makes one of the other: day and month swapped; or a digit of the month,
// the day or the year's last one replaced; or two neighbours transposed
// from the year's last two digits on ("1987", "1978"). A decade or a
// century apart is two people (a father and a son born on one day of the
// year): not near.
bool NearDate(std::string_view a, std::string_view b) {
  if (a.size() != 10 || b.size() != 10) return false;
  if (a.substr(0, 4) == b.substr(0, 4) && a.substr(5, 2) == b.substr(8, 2) &&
      a.substr(8, 2) == b.substr(5, 2)) {
    return true;
  }
  // YYYYMMDD: positions 0 to 3 the year's digits, 4 and 5 the month's.
  char x[8], y[8];
  for (int i = 0, j = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    x[j] = a[i];
    y[j++] = b[i];
  }
  int first = -1, diffs = 0;
  for (int i = 0; i < 8; ++i) {
    if (x[i] == y[i]) continue;
    if (++diffs > 2) return false;
    if (first < 0) first = i;
  }
  if (first < 2 || (diffs == 1 && first == 2)) return false;
  if (diffs == 1) return true;
  // Two differences: neighbours, each the other's.
  return first + 1 < 8 && x[first] == y[first + 1] && x[first + 1] == y[first];
}

struct PersonScore {
  double points = 0;
  bool agreed = false;      // both names agree
  bool other_given = false; // both give a given name, and they differ
};

PersonScore ScorePerson(const Features& d, const RecordView::FeatureView& s,
                        bool person_is_party, const MatchWeights& w) {
  const double gm = person_is_party ? w.given_mismatch : 0.0;
  const double sm = person_is_party ? w.surname_mismatch : 0.0;
  PersonScore out;
  bool given_ok = false, surname_ok = false;
  // Spellings of one sound count where the person is the customer; a
  // company's contacts are compared as written.
  auto similarity = [person_is_party](std::string_view a, std::string_view b, bool given) {
    return person_is_party ? PersonNameSimilarity(a, b, given) : NameSimilarity(a, b);
  };
  const double given = Both(d.given, s.given) ? similarity(d.given, s.given, true) : 0.0;
  if (Both(d.given, s.given)) out.points += Graded(given, w.given, gm, w, &given_ok);
  if (Both(d.surname, s.surname)) {
    const double surname = similarity(d.surname, s.surname, false);
    out.points += Graded(surname, w.surname, sm, w, &surname_ok);
  }
  out.agreed = given_ok && surname_ok;
  // Not even close, nor an initial of the other, nor its sound ("mary" vs
  // "edward"; "j" vs "jane", "susan" vs "susanne" and "keeley" vs "kaylee"
  // are not other names).
  out.other_given = Both(d.given, s.given) && given < 0.85;
  // First and last name entered the other way round.
  if (!out.agreed && Both(d.given, s.surname) && Both(d.surname, s.given)) {
    bool a = false, b = false;
    const double swapped = Graded(d.given, s.surname, w.surname, sm, w, &a) +
                           Graded(d.surname, s.given, w.given, gm, w, &b);
    const bool nickname_swap =
        !d.person_swapped.empty() && s.has_person() &&
        d.person_swapped.size() == s.given.size() + 1 + s.surname.size() &&
        d.person_swapped.compare(0, s.given.size(), s.given) == 0 &&
        d.person_swapped.compare(s.given.size() + 1, std::string::npos,
                                 s.surname) == 0;
    if (nickname_swap) {
      out.points = w.given + w.surname;
      out.agreed = true;
      out.other_given = false;
    } else if (swapped > out.points) {
      out.points = swapped;
      out.agreed = a && b;
      out.other_given = false;
    }
  }
  out.points = Capped(out.points, w.person_cap);
  return out;
}

// Two values of one identifier type: the same, or one the other with a
// two-letter prefix ("DE129273398", "129273398").
bool SameId(std::string_view a, std::string_view b) {
  return a == b || WithoutIdPrefix(a) == b || WithoutIdPrefix(b) == a;
}

// Identifiers of the types both sides give: points for each, the same
// value or another; *agreed when one is the same and none differs.
double ScoreIds(std::string_view d, std::string_view s, const MatchWeights& w,
                bool* agreed) {
  double points = 0;
  bool same = false, other = false;
  ForEachId(d, [&](std::string_view type, std::string_view value) {
    ForEachId(s, [&](std::string_view stored_type, std::string_view stored_value) {
      if (stored_type != type) return;
      if (SameId(value, stored_value)) {
        points += w.identifier;
        same = true;
      } else {
        points += w.identifier_mismatch;
        other = true;
      }
    });
  });
  *agreed = same && !other;
  return points;
}

}  // namespace

ScoreFloor::ScoreFloor(double least, const MatchWeights& w) : score(least) {
  // (Weights that are not numbers, which only code can set, bound
  // nothing.)
  if (least > 0 && least < 1 && w.slope > 0 && !std::isnan(w.company_fuzzy) &&
      !std::isnan(w.company_mismatch)) {
    // (Less a margin far above rounding: below these points the score is
    // below `least` to the last bit too.)
    points = w.midpoint + std::log(least / (1 - least)) / w.slope - 1e-9;
  }
}

Scored ScoreMatch(const Features& d, const RecordView::FeatureView& s,
                  const MatchWeights& w, const ScoreFloor& floor) {
  double points = 0;
  Scored out;
  bool email = false, domain = false, company = false, phone = false;
  bool near_name = false;  // the company names only close (fuzzy_name_cap)
  bool name_domains = false;  // two domains that both spell the company's name

  // Where neither side names a company and both name a person, the
  // customer is a person: a domain then names their employer or provider,
  // not them, and a mailbox shared by people whose names disagree (a
  // household's, an office's) is not theirs. A side that names neither
  // (a bare "acme.de") names an organization by its domain.
  const bool person_is_party = d.company.empty() && s.company.empty() &&
                               (!d.given.empty() || !d.surname.empty()) &&
                               (!s.given.empty() || !s.surname.empty());
  const PersonScore person = ScorePerson(d, s, person_is_party, w);
  bool identifier = false;
  if (Both(d.ids, s.ids)) [[unlikely]] points += ScoreIds(d.ids, s.ids, w, &identifier);
  // Dates of birth, where the person is the customer.
  double born = 0;
  bool born_alike = false, born_apart = false;
  if (person_is_party && Both(d.birth_date, s.birth_date)) [[unlikely]] {
    if (d.birth_date == s.birth_date) {
      // It lifts a name that agrees; under another given name it is a
      // twin's as likely as a mistyped name's.
      born = person.other_given ? 0.0 : w.birth_date;
      born_alike = !person.other_given;
    } else if (NearDate(d.birth_date, s.birth_date)) {
      born = w.birth_date_near;
    } else {
      born = w.birth_date_mismatch;
      born_apart = true;
    }
  }
  points += born;
  // Generational suffixes that differ ("Jr" and "Sr", "II" and "III"): a
  // father and a son, as plainly as two dates of birth.
  bool generations_apart = false;
  if (person_is_party && d.generation != 0) [[unlikely]] {
    const char g = GenerationOf(s.first_name, s.last_name);
    generations_apart = g != 0 && g != d.generation;
  }
  // Names, dates of birth or generations that disagree on one mailbox: a
  // shared one.
  const bool names_disagree =
      person_is_party && (person.points < 0 || born_apart || generations_apart);
  const bool same_mailbox = Both(d.email, s.email) && d.email == s.email;
  if (same_mailbox) {
    points += names_disagree ? w.email * w.shared_mailbox : w.email;
    email = !names_disagree;
  }
  if (Both(d.domain, s.domain)) {
    if (d.domain == s.domain) {
      points += email ? 1.0 : person_is_party ? w.domain * w.shared_mailbox
                                              : w.domain;
      domain = !person_is_party || email;
    } else if (!person_is_party && !SameDomainName(d.domain, s.domain)) {
      // (One company's domains under other suffixes, "acme.de" and
      // "acme.com", are no evidence against it: a review found an identical
      // company name cancelled by them.) Two that both spell an identical
      // name, one with a legal form or a group word ("acme.de",
      // "acme-gmbh.de"), are one firm's as often as two namesakes' (each
      // taking a variant the other left): neither, and at most review
      // below.
      name_domains = Both(d.company, s.company) && d.company == s.company &&
                     DomainsSpellCompany(d.domain, s.domain, d.company);
      if (!name_domains) points += w.domain_mismatch;
    }
  }
  if (Both(d.phone, s.phone) && d.phone == s.phone) {
    points += w.phone;
    phone = true;
  }

  // The company's points, added where they always were (after the phone,
  // before the person: the sum is the same to the last bit). Names that
  // neither equal nor spell each other otherwise are compared by token
  // similarity, the most a score costs; that waits for the rest, which may
  // show the score below `floor` whatever it finds.
  double company_points = 0;
  bool company_counts = false;  // company_points apply
  bool names_pending = false;
  if (Both(d.company, s.company)) {
    if (d.company == s.company) {
      company_points = w.company;
      company = company_counts = true;
    } else if (const CompanyWords words =
                   SameCompanyWords(d.company, d.company_tokens, s.company, s.tokens);
               words != CompanyWords::kOther) {
      // One name written otherwise (word order, spaces): the same company
      // as its key (a review found "Bau Müller GmbH" and "Müller Bau GmbH"
      // at most in review). A generic word more ("ASML Holding", "ASML")
      // is as close as a name gets, not the same: a holding and a namesake
      // ("Müller Holding", "Müller") may be two (the review of this rule).
      company_points =
          words == CompanyWords::kSameWords ? w.company : w.company_fuzzy;
      company = company_counts = true;
    } else if (IsAcronymOf(d.company, s.company) ||
               IsAcronymOf(s.company, d.company)) {
      company_points = w.company_acronym;
      company = company_counts = true;
    } else {
      names_pending = true;
    }
  }

  double address = 0;
  bool number_ok = false, street_ok = false;
  if (Both(d.number, s.number)) {
    number_ok = SameHouse(d.number, s.number);
    address += number_ok ? w.number : w.number_mismatch;
  }
  if (Both(d.street, s.street)) {
    // Numbered streets differ by their number, not by a typo: "west15th
    // street" is not close to "west16thstreet".
    address += SameDigits(d.street, s.street)
                   ? Graded(d.street, s.street, w.street, w.street_mismatch, w, &street_ok)
                   : w.street_mismatch;
  }
  if (Both(d.postal, s.postal)) {
    address += d.postal == s.postal    ? w.postal
               : OneTypo(d.postal, s.postal) ? w.postal_near
                                            : w.postal_mismatch;
  }
  if (Both(d.city, s.city)) {
    address += Graded(d.city, s.city, w.city, w.city_mismatch, w);
  }
  // The country, where both give one and the address is compared too, is
  // part of the address, under its cap: an address alone stays below a
  // conflict (a review found 4.0 + 0.5 for the country, 0.794).
  const bool compared = Both(d.number, s.number) || Both(d.street, s.street) ||
                        Both(d.postal, s.postal) || Both(d.city, s.city);
  const bool same_country = Both(d.country, s.country) && d.country == s.country;
  if (same_country && compared) address += w.country;
  // A street of which one side names no place (no postal code, no city)
  // may lie in any town: it supports other evidence, weakly, and alone
  // cannot lift a name to a conflict.
  const bool placed = (!d.postal.empty() || !d.city.empty()) &&
                      (!s.postal.empty() || !s.city.empty());
  const bool city_alone = Both(d.city, s.city) && !Both(d.number, s.number) &&
                          !Both(d.street, s.street) && !Both(d.postal, s.postal);
  const double address_points =
      Capped(address, city_alone ? w.city_alone_cap
                      : placed   ? w.address_cap
                                 : w.unplaced_address_cap);
  const bool country_apart =
      Both(d.country, s.country) && !(same_country && compared);
  const double country_points = same_country ? w.country : w.country_mismatch;

  // The points so far with the company's (where `counts`) and the rest's,
  // added in this order whether they bound the score or are it: rounding
  // then keeps a bound at least the sum it bounds.
  auto with_rest = [&](double company_part, bool counts) {
    double sum = points;
    if (counts) sum += company_part;
    sum += person.points;
    sum += address_points;
    if (country_apart) sum += country_points;
    return sum;
  };
  if (names_pending) {
    // At most the names' points at their closest (a similarity of 1) or
    // apart; the caps below only lower the sum.
    const double most =
        with_rest(std::max({w.company_fuzzy * (1.0 - 0.85) / 0.15,
                            w.company_mismatch, 0.0}),
                  true);
    if (most < floor.points) {
      out.score = Logistic(most, w);
      if (out.score < floor.score) return out;
    }
    // Below kNamesApart only that it is counts (a bound shows it for
    // most pairs).
    const double sim = TokenSimilarity(d.company, s.company, kNamesApart);
    if (sim >= 0.85) {
      company_points = w.company_fuzzy * (sim - 0.85) / 0.15;
      company = company_counts = true;
      near_name = true;
    } else if (sim < kNamesApart) {
      company_points = w.company_mismatch;
      company_counts = true;
    }
  }
  points = with_rest(company_points, company_counts);

  // Near names (a typing error apart) of firms that share nothing else
  // strong, nor a street and number: two firms in one postal code or town
  // as often as one misspelt (a review found "Hofmann GmbH" and "Hoffmann
  // GmbH" in one industrial estate at 0.969).
  if ((near_name || name_domains) && !identifier && !email && !domain && !phone &&
      !(number_ok && street_ok) && points > w.fuzzy_name_cap) {
    points = w.fuzzy_name_cap;
  }

  // Two people sharing a mailbox or a phone: where the person is the
  // customer, another given name on the same mailbox shows it shared (a
  // household's, an office's), so the rest they share (a surname, an
  // address) names the household, not the customer. Possible at most, for
  // review. Without such a sign another given name may be a typing error
  // and weighs as a mismatch only. An identifier both give alike names the
  // person whatever the mailbox.
  if (person_is_party && person.other_given && (same_mailbox || phone) && !identifier &&
      points > w.other_person_cap) {
    points = w.other_person_cap;
  }
  // Another date of birth or generation shows two people just as plainly,
  // whatever else they share (a name, with "Jr" and "Sr" dropped from its
  // key; an address; a mailbox).
  if ((born_apart || generations_apart) && !identifier && points > w.other_person_cap) {
    points = w.other_person_cap;
  }

  out.score = Logistic(points, w);
  if (identifier) out.evidence.push_back(Evidence::kIdentifier);
  if (email) out.evidence.push_back(Evidence::kEmail);
  if (domain) out.evidence.push_back(Evidence::kDomain);
  if (company) out.evidence.push_back(Evidence::kCompany);
  if (phone) out.evidence.push_back(Evidence::kPhone);
  if (person.agreed) out.evidence.push_back(Evidence::kContact);
  if (born_alike) out.evidence.push_back(Evidence::kBirthDate);
  if (number_ok && street_ok) out.evidence.push_back(Evidence::kAddress);
  return out;
}

}  // namespace leadroute::index
