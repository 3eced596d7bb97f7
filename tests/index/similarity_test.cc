#include "index/similarity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace leadroute::index {
namespace {

TEST(SimilarityTest, JaroWinklerKnownValues) {
  EXPECT_DOUBLE_EQ(JaroWinkler("martha", "martha"), 1.0);
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.84, 0.001);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.813, 0.001);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("a", ""), 0.0);
  EXPECT_LE(JaroWinkler(std::string(500, 'a'), std::string(500, 'a') + "b"), 1.0);
}

TEST(SimilarityTest, TokenSimilarityIgnoresOrder) {
  EXPECT_DOUBLE_EQ(TokenSimilarity("acme data", "data acme"), 1.0);
  EXPECT_GT(TokenSimilarity("acme deutschland", "acme deutchland"), 0.95);
  EXPECT_LT(TokenSimilarity("acme", "globex"), 0.6);
  EXPECT_EQ(TokenSimilarity("", "acme"), 0.0);
}

// The textbook forms, as similarity.cc had them before it marked matches
// in bit masks and took equal tokens without Jaro-Winkler: the fast forms
// must give the same doubles, bit for bit.
double ReferenceJaroWinkler(std::string_view a, std::string_view b) {
  a = a.substr(0, 64);
  b = b.substr(0, 64);
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  if (a == b) return 1.0;
  const std::size_t window = std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  std::vector<bool> a_match(a.size()), b_match(b.size());
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(i + window + 1, b.size());
    for (std::size_t j = lo; j < hi; ++j) {
      if (!b_match[j] && a[i] == b[j]) {
        a_match[i] = b_match[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  std::size_t transpositions = 0;
  for (std::size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!a_match[i]) continue;
    while (!b_match[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double jaro = (m / a.size() + m / b.size() + (m - transpositions / 2.0) / m) / 3.0;
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

double ReferenceTokenSimilarity(std::string_view a, std::string_view b) {
  auto tokens = [](std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size() && out.size() < 16) {
      while (i < s.size() && s[i] == ' ') ++i;
      const std::size_t start = i;
      while (i < s.size() && s[i] != ' ') ++i;
      if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
  };
  auto ta = tokens(a), tb = tokens(b);
  if (ta.empty() || tb.empty()) return 0.0;
  if (ta.size() > tb.size()) std::swap(ta, tb);
  double total = 0;
  for (std::string_view t : ta) {
    double best = 0;
    for (std::size_t j = 0; j < tb.size() && best < 1.0; ++j) {
      best = std::max(best, ReferenceJaroWinkler(t, tb[j]));
    }
    total += best;
  }
  const double coverage = static_cast<double>(ta.size()) / tb.size();
  return (total / ta.size()) * (0.85 + 0.15 * coverage);
}

TEST(SimilarityTest, FastFormsGiveTheTextbookValues) {
  std::mt19937 rng(1129);
  // Few letters, so that words share many and transpose some; lengths
  // around the 64 bytes compared.
  auto word = [&](std::size_t max_len) {
    std::string w(rng() % (max_len + 1), 'a');
    for (char& c : w) c = static_cast<char>('a' + rng() % 5);
    return w;
  };
  for (int n = 0; n < 200000; ++n) {
    const std::size_t max_len = n % 10 == 0 ? 80 : 12;
    const std::string a = word(max_len);
    std::string b = rng() % 4 == 0 ? a : word(max_len);
    if (!b.empty() && rng() % 3 == 0) std::swap(b[rng() % b.size()], b[rng() % b.size()]);
    ASSERT_EQ(JaroWinkler(a, b), ReferenceJaroWinkler(a, b)) << a << " / " << b;
  }
  auto name = [&] {
    std::string s;
    const int words = static_cast<int>(rng() % 20);
    for (int i = 0; i < words; ++i) s += (rng() % 3 == 0 ? "  " : " ") + word(6);
    return s;
  };
  for (int n = 0; n < 50000; ++n) {
    const std::string a = name();
    const std::string b = rng() % 3 == 0 ? a.substr(0, a.size() / 2) + name() : name();
    ASSERT_EQ(TokenSimilarity(a, b), ReferenceTokenSimilarity(a, b)) << a << " / " << b;
  }
}

// With a floor, the similarity is the same where it reaches the floor, and
// below the floor where it does not: the bound that spares comparing the
// words never decides otherwise. Names of words over few letters (close
// bounds) and over many (the bound deciding most), bytes beyond ASCII and
// words past the 64 bytes compared.
TEST(SimilarityTest, AFloorNeverChangesWhatTheSimilarityDecides) {
  std::mt19937 rng(2411);
  const std::string alphabets[] = {"abcde", "abcdefghijklmnopqrstuvwxyz0123456789",
                                   "ae\xc3\xa4\xc3\xb6\x80\xc0@"};
  auto word = [&](const std::string& letters, std::size_t max_len) {
    std::string w(1 + rng() % max_len, 'a');
    for (char& c : w) c = letters[rng() % letters.size()];
    return w;
  };
  int below = 0, at_or_above = 0;
  for (int n = 0; n < 200000; ++n) {
    const std::string& letters = alphabets[n % 3];
    const std::size_t max_len = n % 50 == 0 ? 90 : 12;
    auto name = [&] {
      std::string s;
      const int words = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < words; ++i) {
        if (i) s.push_back(' ');
        s.append(word(letters, max_len));
      }
      return s;
    };
    const std::string a = name();
    std::string b = rng() % 4 == 0 ? a : name();
    if (!b.empty() && rng() % 2 == 0) b[rng() % b.size()] = letters[rng() % letters.size()];
    for (double floor : {0.7, 0.85, 0.3}) {
      const double exact = TokenSimilarity(a, b);
      const double floored = TokenSimilarity(a, b, floor);
      if (exact >= floor) {
        ASSERT_EQ(floored, exact) << a << " / " << b << " at " << floor;
        ++at_or_above;
      } else {
        ASSERT_LT(floored, floor) << a << " / " << b << " at " << floor;
        ASSERT_GE(floored, exact) << a << " / " << b << " at " << floor;
        ++below;
      }
    }
  }
  // Both sides of the floor were met often.
  EXPECT_GT(below, 100000);
  EXPECT_GT(at_or_above, 50000);
}

TEST(SimilarityTest, SameCompanyWords) {
  constexpr auto kSame = CompanyWords::kSameWords, kMore = CompanyWords::kMoreGenericWords,
                 kOther = CompanyWords::kOther;
  // Another order, another spacing.
  EXPECT_EQ(SameCompanyWords("bau muller", "bau muller", "muller bau", "muller bau"), kSame);
  EXPECT_EQ(SameCompanyWords("blue sky", "blue sky", "bluesky", "bluesky"), kSame);
  // A generic word more ("holding", "deutschland" are generic).
  EXPECT_EQ(SameCompanyWords("asml holding", "asml", "asml", "asml"), kMore);
  EXPECT_EQ(SameCompanyWords("acme deutschland", "acme", "acme", "acme"), kMore);
  // Generic words that differ, or significant ones.
  EXPECT_EQ(SameCompanyWords("alpha tech", "alpha", "alpha trade", "alpha"), kOther);
  EXPECT_EQ(SameCompanyWords("siemens healthineers", "siemens healthineers", "siemens",
                             "siemens"),
            kOther);
  // Nothing significant on a side: no judgement from generic words alone.
  EXPECT_EQ(SameCompanyWords("global solutions", "", "global services", ""), kOther);
  EXPECT_EQ(SameCompanyWords("global solutions", "", "global", ""), kOther);
  // Repeated words are no order.
  EXPECT_EQ(SameCompanyWords("a a b", "", "a b b", ""), kOther);
  EXPECT_EQ(SameCompanyWords("", "", "", ""), kOther);
}

TEST(SimilarityTest, SameDomainName) {
  EXPECT_TRUE(SameDomainName("acme.de", "acme.com"));
  EXPECT_TRUE(SameDomainName("acme.co.uk", "acme.de"));
  EXPECT_TRUE(SameDomainName("nordwind-logistik.de", "nordwindlogistik.de"));
  EXPECT_FALSE(SameDomainName("acme.de", "acme-gmbh.de"));
  EXPECT_FALSE(SameDomainName("acme.de", "acmes.de"));
  EXPECT_FALSE(SameDomainName("", ""));
  EXPECT_FALSE(SameDomainName("-.de", "--.com"));
}

TEST(SimilarityTest, DomainsSpellCompany) {
  EXPECT_TRUE(DomainsSpellCompany("acme.de", "acme-gmbh.de", "acme"));
  EXPECT_TRUE(DomainsSpellCompany("acme.co.uk", "acmegroup.com", "acme"));
  EXPECT_TRUE(DomainsSpellCompany("nordwind-logistik.de", "nordwindlogistik-ag.ch",
                                  "nordwind logistik"));
  // A trade, not a legal form: a namesake's.
  EXPECT_FALSE(DomainsSpellCompany("mueller-bau.de", "mueller-elektro.de", "mueller"));
  EXPECT_FALSE(DomainsSpellCompany("acme.de", "acme-tools.de", "acme"));
  // Both must spell it.
  EXPECT_FALSE(DomainsSpellCompany("acme.de", "roadrunner.de", "acme"));
  EXPECT_FALSE(DomainsSpellCompany("ac.de", "acme.de", "acme"));
  EXPECT_FALSE(DomainsSpellCompany("acme.de", "acme.de", ""));
  EXPECT_FALSE(DomainsSpellCompany("acme.de", "acme-gmbh-und-co-kg-berlin.de", "acme"));
}

TEST(SimilarityTest, Acronyms) {
  EXPECT_TRUE(IsAcronymOf("ibm", "international business machines"));
  EXPECT_FALSE(IsAcronymOf("ibm", "international business"));
  EXPECT_FALSE(IsAcronymOf("i", "international"));
  EXPECT_FALSE(IsAcronymOf("hp inc", "hewlett packard"));
  // Connectives left out, three letters or more.
  EXPECT_TRUE(IsAcronymOf("rbc", "royal bank of canada"));
  EXPECT_TRUE(IsAcronymOf("rboc", "royal bank of canada"));
  EXPECT_TRUE(IsAcronymOf("cdc", "caisse des depots et consignations"));
  EXPECT_FALSE(IsAcronymOf("ba", "bank of america"));
  EXPECT_FALSE(IsAcronymOf("rb", "royal bank of canada"));
  std::string buffer;
  EXPECT_EQ(InitialsWithoutConnectives("royal bank of canada", &buffer), "rbc");
  EXPECT_EQ(InitialsWithoutConnectives("international business machines", &buffer), "");
  EXPECT_EQ(InitialsWithoutConnectives("bank of america", &buffer), "");
  // Never the first word (a review found "ATC" meeting "Los Angeles Times
  // Communications").
  EXPECT_EQ(InitialsWithoutConnectives("los angeles times communications", &buffer), "");
  EXPECT_FALSE(IsAcronymOf("atc", "los angeles times communications"));
}

std::string Skeleton(std::string_view key) {
  std::string buffer = "left over";
  return std::string(CompanySkeleton(key, &buffer));
}

TEST(SimilarityTest, CompanySkeleton) {
  // A vowel off, two letters swapped beside a vowel, a letter doubled.
  EXPECT_EQ(Skeleton("schneider electric"), "schndrlctrc");
  EXPECT_EQ(Skeleton("schnieder electric"), "schndrlctrc");
  EXPECT_EQ(Skeleton("volkswagen"), Skeleton("volkswagon"));
  EXPECT_EQ(Skeleton("accenture"), Skeleton("accentrue"));
  EXPECT_EQ(Skeleton("siemens"), Skeleton("siemmens"));
  // Written apart or together.
  EXPECT_EQ(Skeleton("micro soft"), "mcrsft");
  EXPECT_EQ(Skeleton("microsoft"), "mcrsft");
  EXPECT_EQ(Skeleton("net app"), Skeleton("netapp"));
  // The first character stays, vowel or not; digits stay as they are.
  EXPECT_EQ(Skeleton("acme"), "acm");
  EXPECT_EQ(Skeleton("studio 54"), "std54");
  EXPECT_NE(Skeleton("customer 144"), Skeleton("customer 14"));
  EXPECT_EQ(Skeleton("3m"), "3m");
  // Other consonants, or another order of them, are another skeleton.
  EXPECT_NE(Skeleton("schneider"), Skeleton("schreiner"));
  EXPECT_NE(Skeleton("siemens"), Skeleton("siemes"));
  EXPECT_EQ(Skeleton(""), "");
  EXPECT_EQ(Skeleton("- &"), "");
}

TEST(SimilarityTest, Soundex) {
  EXPECT_EQ(Soundex("robert"), "r163");
  EXPECT_EQ(Soundex("rupert"), "r163");
  EXPECT_EQ(Soundex("ashcraft"), "a261");
  EXPECT_EQ(Soundex("tymczak"), "t522");
  EXPECT_EQ(Soundex("pfister"), "p236");
  EXPECT_EQ(Soundex("lee"), "l000");
  EXPECT_EQ(Soundex("123"), "");
}

TEST(SimilarityTest, Metaphone) {
  // Spellings of one sound.
  EXPECT_EQ(Metaphone("keeley"), "kl");
  EXPECT_EQ(Metaphone("kaylee"), "kl");
  EXPECT_EQ(Metaphone("zara"), "sr");
  EXPECT_EQ(Metaphone("sahra"), "sr");
  EXPECT_EQ(Metaphone("jon"), "jn");
  EXPECT_EQ(Metaphone("john"), "jn");
  EXPECT_EQ(Metaphone("faisal"), "fsl");
  EXPECT_EQ(Metaphone("fysl"), "fsl");
  // Names of another sound.
  EXPECT_EQ(Metaphone("mark"), "mrk");
  EXPECT_EQ(Metaphone("marsha"), "mrx");
  // The rules: initial letters, c, d, g, h, t, w, x, y, z and doubles.
  EXPECT_EQ(Metaphone("knight"), "nt");
  EXPECT_EQ(Metaphone("wright"), "rt");
  EXPECT_EQ(Metaphone("xavier"), "sfr");
  EXPECT_EQ(Metaphone("whitney"), "wtn");
  EXPECT_EQ(Metaphone("aeneas"), "ens");
  EXPECT_EQ(Metaphone("phillip"), "flp");
  EXPECT_EQ(Metaphone("schmidt"), "skmtt");
  EXPECT_EQ(Metaphone("science"), "sns");
  EXPECT_EQ(Metaphone("patricia"), "ptrx");
  EXPECT_EQ(Metaphone("judge"), "jj");
  EXPECT_EQ(Metaphone("thomas"), "0ms");
  EXPECT_EQ(Metaphone("mitchell"), "mxl");
  EXPECT_EQ(Metaphone("dumb"), "tm");
  EXPECT_EQ(Metaphone("gnome"), "nm");
  EXPECT_EQ(Metaphone("sign"), "sn");
  EXPECT_EQ(Metaphone("george"), "jrj");
  EXPECT_EQ(Metaphone("max"), "mks");
  EXPECT_EQ(Metaphone("accident"), "akstnt");
  EXPECT_EQ(Metaphone("o'brien"), "obrn");
  EXPECT_EQ(Metaphone(""), "");
  EXPECT_EQ(Metaphone("123"), "");
}

}  // namespace
}  // namespace leadroute::index

#include "index/features.h"

namespace leadroute::index {
namespace {

// Regression: the kind and the first character were XORed into one byte, so
// (kCompany, "js") and (kAcronym, "ks") had the same hash and every fresh
// two-word name drew dozens of unrelated candidates.
TEST(FeatureKeysTest, KindsDoNotCollideWithNeighbouringValues) {
  Features a;
  a.company_acronym = "js";
  Features b;
  b.company = "ks";
  std::vector<LookupKey> stored, query;
  StoredKeys(a, &stored);   // kAcronym "js"
  QueryKeys(b, &query);     // kCompany "ks", kAcronym "ks"
  for (const auto& s : stored) {
    for (const auto& q : query) EXPECT_NE(s.hash, q.hash);
  }
}

// A registration looks up the keys it stores and a few more: derived from
// its stored keys, the keys looked up are those QueryKeys() computes, in
// the same order (the order decides which candidates the caps keep). Over
// features that take each branch: one-word names with and without
// significant words, names of several words with their initials (and
// those without connectives, a second initials key), identifiers, people with their names swapped, addresses.
TEST(FeatureKeysTest, QueryKeysFromStoredKeysAreTheQueryKeys) {
  std::mt19937 rng(77);
  auto pick = [&](std::initializer_list<const char*> options) {
    const auto* it = options.begin() + rng() % options.size();
    return std::string(*it);
  };
  for (int n = 0; n < 20000; ++n) {
    Features f;
    f.company = pick({"", "acme", "ibm", "acme data", "joelzana networks iberia", "x",
                      "royal bank of canada"});
    f.company_tokens = f.company.empty() || rng() % 3 == 0 ? std::string() : f.company;
    if (f.company.find(' ') != std::string::npos && rng() % 2) {
      for (char c : f.company) {
        if (f.company_acronym.empty() || f.company_acronym.back() == ' ') f.company_acronym += c;
      }
      std::erase(f.company_acronym, ' ');
    }
    f.domain = pick({"", "acme.de"});
    f.email = pick({"", "j.doe@acme.de"});
    f.phone = pick({"", "+49891234567"});
    f.given = pick({"", "john", "anna"});
    f.surname = pick({"", "smith", "muller"});
    f.person_swapped = f.has_person() && rng() % 2 ? f.surname + " " + f.given : "";
    f.street = pick({"", "leopoldstrasse"});
    f.number = pick({"", "12", "3-1"});
    f.postal = pick({"", "80331"});
    f.city = pick({"", "munchen"});
    f.country = pick({"", "DE"});
    if (rng() % 5 == 0) f.ids = std::string("vat\x1e") + "DE129273398";
    std::vector<LookupKey> stored, direct, derived;
    StoredKeys(f, &stored);
    QueryKeys(f, &direct);
    QueryKeys(f, stored, &derived);
    ASSERT_EQ(derived.size(), direct.size()) << n << " " << f.company;
    for (std::size_t i = 0; i < direct.size(); ++i) {
      EXPECT_EQ(derived[i].kind, direct[i].kind) << n << " " << i;
      EXPECT_EQ(derived[i].hash, direct[i].hash) << n << " " << i;
    }
  }
}

// Every length up to 40 and beyond (the hash reads up to 16 bytes in
// overlapping loads, longer texts 16 a step): distinct texts give distinct
// keys, a byte changed anywhere changes the key, and the upper 32 bits (the
// posting table's tag) collide about as often as chance has it. A key of
// two fields is not the key of their concatenation.
TEST(FeatureKeysTest, KeysSpreadOverEveryLengthAndTag) {
  std::unordered_set<std::uint64_t> keys, tags;
  std::size_t count = 0;
  for (std::size_t len = 0; len <= 70; ++len) {
    for (int i = 0; i < 3000; ++i) {
      std::string id(len, 'x');
      for (std::size_t at = 0; at < len; ++at) {
        id[at] = static_cast<char>('a' + (i * 7 + at * 13 + (i >> 3) * at) % 26);
      }
      // The number spelled at the end, so every text of a length differs.
      const std::string n = std::to_string(i);
      if (len >= n.size()) id.replace(len - n.size(), n.size(), n);
      else if (i > 0) continue;
      ++count;
      const std::uint64_t k = IdKey(id);
      ASSERT_TRUE(keys.insert(k).second) << id;
      tags.insert(k >> 32);
      for (std::size_t at = 0; at < len; at += 5) {
        std::string changed = id;
        changed[at] ^= 0x20;
        ASSERT_NE(IdKey(changed), k) << id << " at " << at;
      }
    }
  }
  // ~200k keys over 2^32 tags: ~5 collisions by chance.
  EXPECT_LT(count - tags.size(), 40u) << count;
  // (postal "8033", number "15") and ("80331", "5") spell one text joined.
  Features a;
  a.postal = "8033";
  a.number = "15";
  Features b;
  b.postal = "80331";
  b.number = "5";
  std::vector<LookupKey> ka, kb;
  StoredKeys(a, &ka);
  StoredKeys(b, &kb);
  ASSERT_FALSE(ka.empty());
  ASSERT_EQ(ka.size(), kb.size());
  for (std::size_t i = 0; i < ka.size(); ++i) EXPECT_NE(ka[i].hash, kb[i].hash);
}

}  // namespace
}  // namespace leadroute::index

namespace leadroute::index {
namespace {

TEST(FeaturesTest, GenerationOfReadsTheSuffixANameEndsWith) {
  EXPECT_EQ(GenerationOf("David", "Dobbins Jr"), 'j');
  EXPECT_EQ(GenerationOf("David", "DOBBINS, JR."), 'j');
  EXPECT_EQ(GenerationOf("David", " Junior"), 'j');  // stored after "Dobbins"
  EXPECT_EQ(GenerationOf("Morris II", "Klein"), 'j');
  EXPECT_EQ(GenerationOf("David", "Dobbins Senior"), 's');
  EXPECT_EQ(GenerationOf("David", "Dobbins snr"), 's');
  EXPECT_EQ(GenerationOf("Henry", "Ford III"), '3');
  EXPECT_EQ(GenerationOf("Henry", "Ford IV"), '4');
  // The surname's first.
  EXPECT_EQ(GenerationOf("Morris II", "Klein Sr"), 's');
  // None.
  EXPECT_EQ(GenerationOf("David", "Dobbins"), 0);
  EXPECT_EQ(GenerationOf("Jr", "Sr"), 0);           // a word alone
  // An initial as likely, but against a younger generation it reads as
  // the first of the name (scored apart only from another generation).
  EXPECT_EQ(GenerationOf("Morris I", "Klein"), 's');
  EXPECT_EQ(GenerationOf("Morris", "Klein i."), 's');
  EXPECT_EQ(GenerationOf("I", "Klein"), 0);
  EXPECT_EQ(GenerationOf("David", "Dobbins-Jr"), 0);
  EXPECT_EQ(GenerationOf("David", "M\xc3\xbcller"), 0);
  EXPECT_EQ(GenerationOf("Anna", "de Sr\xc3\xa1"), 0);
  EXPECT_EQ(GenerationOf("", ""), 0);
  EXPECT_EQ(GenerationOf("", "  ., "), 0);
}

}  // namespace
}  // namespace leadroute::index
