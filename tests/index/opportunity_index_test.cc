// The index's storage: the posting table against a reference multimap,
// record packing, and reclaiming replaced records.
#include "index/opportunity_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <thread>

#include "index/match_scorer.h"
#include "index/posting_table.h"
#include "index/record.h"
#include "index/record_arena.h"
#include "index/snapshot_fixture.h"
#include "leadroute/normalizer.h"

namespace leadroute::index {
namespace {

TEST(PostingTableTest, MatchesAReferenceUnderRandomOperations) {
  PostingTable table;
  // By tag, the hash's high half: keys differing only below it share a list.
  std::map<std::uint64_t, std::vector<std::uint32_t>> reference;
  std::mt19937_64 rng(5);
  // Homes crowd at both ends of the table (a home is the tag, scaled):
  // long probe runs that wrap around and shift back. A third of the keys
  // lie anywhere, so that runs hold many homes (a removal's shift stops
  // at a key at its home).
  std::vector<std::uint64_t> anywhere(3000);
  for (auto& tag : anywhere) tag = rng() & 0xFFFFFFFFULL;
  auto key = [&] {
    const std::uint64_t kind = rng() % 3;
    const std::uint64_t tag = kind == 2   ? anywhere[rng() % anywhere.size()]
                              : kind == 1 ? 0xFFFFF000ULL + rng() % 3000
                                          : rng() % 3000;
    return (tag << 32) | (rng() % 4);
  };
  for (int op = 0; op < 200000; ++op) {
    const std::uint64_t k = key();
    const std::uint32_t slot = static_cast<std::uint32_t>(rng() % 50);
    auto& ref = reference[k >> 32];
    if (rng() % 3 != 0) {
      table.Add(k, slot);
      ref.push_back(slot);  // once per Add
    } else {
      table.Remove(k, slot);
      if (auto it = std::find(ref.rbegin(), ref.rend(), slot); it != ref.rend()) {
        ref.erase(std::next(it).base());  // the newest occurrence
      }
    }
    if (ref.empty()) reference.erase(k >> 32);
    if (op % 4999 == 0) {
      for (const auto& [h, slots] : reference) {
        const auto got = table.Find((h << 32) | (rng() % 4));
        ASSERT_EQ(std::vector<std::uint32_t>(got.begin(), got.end()), slots) << op;
      }
      ASSERT_EQ(table.keys(), reference.size());
      // Runs stay in order of homes through additions and removals (a
      // restore checks it).
      std::string saved;
      table.Save(&saved);
      PostingTable restored;
      std::string_view in = saved;
      ASSERT_TRUE(restored.Restore(&in, 50)) << op;
    }
  }
  EXPECT_TRUE(table.Find(0xDEADBEEF00000000ULL).empty());
}

// Regression (review): a restored table of one bucket and no key never
// grew (by half of one), and the second key added looped for ever on a
// full table.
TEST(PostingTableTest, ATableOfOneBucketGrows) {
  std::string one;
  const std::uint64_t buckets = 1, lists = 0;
  const std::uint32_t empty[2] = {0, 0xFFFFFFFFu};
  one.append(reinterpret_cast<const char*>(&buckets), 8);
  one.append(reinterpret_cast<const char*>(empty), 8);
  one.append(reinterpret_cast<const char*>(&lists), 8);
  PostingTable table;
  std::string_view in = one;
  ASSERT_TRUE(table.Restore(&in, 10));
  for (std::uint32_t slot = 0; slot < 10; ++slot) table.Add(std::uint64_t{slot} << 40, slot);
  for (std::uint32_t slot = 0; slot < 10; ++slot) {
    EXPECT_EQ(table.Find(std::uint64_t{slot} << 40).size(), 1u) << slot;
  }
}

// A lookup stops at a key whose home lies after its own, so a table whose
// run is out of that order would hide keys: a restore refuses it.
TEST(PostingTableTest, RestoreRefusesARunOutOfOrder) {
  PostingTable table;
  // Tags of homes 5, 5 and 6 in the first table's 1,024 buckets: at 5, 6
  // and 7.
  auto at_home = [](std::uint64_t home, std::uint64_t n) { return ((home << 22) + n) << 32; };
  table.Add(at_home(5, 0), 1);
  table.Add(at_home(5, 1), 2);
  table.Add(at_home(6, 0), 3);
  EXPECT_EQ(table.Find(at_home(6, 0)).size(), 1u);
  EXPECT_TRUE(table.Find(at_home(6, 1)).empty());
  std::string saved;
  table.Save(&saved);
  {
    PostingTable restored;
    std::string_view in = saved;
    ASSERT_TRUE(restored.Restore(&in, 4));
  }
  // Buckets 6 and 7 swapped: the home-5 key after the home-6 one.
  std::string swapped = saved;
  constexpr std::size_t kBuckets = 8;  // after the u64 count
  std::swap_ranges(swapped.begin() + kBuckets + 6 * 8, swapped.begin() + kBuckets + 7 * 8,
                   swapped.begin() + kBuckets + 7 * 8);
  PostingTable restored;
  std::string_view in = swapped;
  EXPECT_FALSE(restored.Restore(&in, 4));
  // An earlier build's table is put in order: each key found.
  in = swapped;
  ASSERT_TRUE(restored.Restore(&in, 4, /*by_home=*/false));
  EXPECT_EQ(restored.Find(at_home(5, 0)).size(), 1u);
  EXPECT_EQ(restored.Find(at_home(5, 1)).size(), 1u);
  EXPECT_EQ(restored.Find(at_home(6, 0)).size(), 1u);
}

// Regression (fuzz_journal, UBSan): a list emptied by removals is saved
// with length 0, and restoring it copied zero bytes to a null pointer.
TEST(PostingTableTest, EmptiedListsSaveAndRestore) {
  PostingTable table;
  constexpr std::uint64_t kFortyTwo = 42ULL << 32, kSeven = 7ULL << 32;  // two tags
  for (std::uint32_t slot = 0; slot < 3; ++slot) table.Add(kFortyTwo, slot);
  for (std::uint32_t slot = 0; slot < 3; ++slot) table.Remove(kFortyTwo, slot);
  table.Add(kSeven, 1);
  table.Add(kSeven, 2);
  std::string saved;
  table.Save(&saved);
  PostingTable restored;
  std::string_view in = saved;
  ASSERT_TRUE(restored.Restore(&in, 3));
  EXPECT_TRUE(in.empty());
  EXPECT_TRUE(restored.Find(kFortyTwo).empty());
  const auto seven = restored.Find(kSeven);
  EXPECT_EQ(std::vector<std::uint32_t>(seven.begin(), seven.end()),
            (std::vector<std::uint32_t>{1, 2}));
}

TEST(RecordTest, PacksAndReadsEveryField) {
  Opportunity o;
  o.id = "opp-1";
  o.party.company = std::string(300, 'c');  // a long field: three length bytes
  o.party.email = "j@acme.de";
  o.products = {"cloud", "backup"};
  o.registered_at = 1795846849;
  o.amount = 1234.5;
  Features f;
  f.company = "acme";
  f.country = "DE";
  std::string packed;
  ASSERT_TRUE(Pack(o, f, &packed));
  const RecordView r(packed.data());
  EXPECT_EQ(r.Get(kId), "opp-1");
  EXPECT_EQ(r.Get(kCompany), o.party.company);
  EXPECT_EQ(r.Get(kEmail), "j@acme.de");
  EXPECT_EQ(r.Get(kDomain), "");
  EXPECT_EQ(r.Get(kProducts), "cloud\x1f" "backup");
  EXPECT_EQ(r.features().company, "acme");
  EXPECT_EQ(r.features().country, "DE");
  EXPECT_EQ(r.registered_at(), 1795846849);
  EXPECT_EQ(r.amount(), 1234.5);
  EXPECT_EQ(r.size(), packed.size());
  // A feature equal to its raw field is stored once and read back the same.
  f.email = "j@acme.de";
  std::string shared;
  ASSERT_TRUE(Pack(o, f, &shared));
  EXPECT_EQ(shared.size(), packed.size());
  EXPECT_EQ(RecordView(shared.data()).features().email, "j@acme.de");
  EXPECT_EQ(RecordView(shared.data()).Get(kFEmail), "j@acme.de");
  f.email = "other@acme.de";
  ASSERT_TRUE(Pack(o, f, &shared));
  EXPECT_EQ(shared.size(), packed.size() + 1 + f.email.size());
  EXPECT_EQ(RecordView(shared.data()).Get(kFEmail), "other@acme.de");
  o.party.company = std::string(kMaxRecordBytes, 'x');
  EXPECT_FALSE(Pack(o, f, &packed));
}

// A floor spares the comparison of names only where the rest of the
// evidence shows the score below it: at or above the floor the score and
// its evidence are exact; below, the score stays below and at least the
// exact one. Random pairs of customers that share words of their names,
// and sometimes a country, city, street, mailbox or phone.
TEST(ScoreMatchTest, AFloorNeverChangesWhatTheScoreDecides) {
  std::mt19937_64 rng(29);
  const std::vector<std::string> words = {
      "nordwind", "nordwin",    "logistik", "logistic", "bau",
      "systems",  "sistems",    "acme",     "data",     "muller",
      "mueller",  "consulting", "berg"};
  auto pick = [&](const std::vector<std::string>& from) {
    return from[rng() % from.size()];
  };
  auto name = [&] {
    std::string n;
    for (int k = 1 + static_cast<int>(rng() % 4); k > 0; --k) {
      if (!n.empty()) n += ' ';
      n += pick(words);
    }
    return n;
  };
  auto maybe = [&](const std::vector<std::string>& from) {
    return rng() % 3 == 0 ? std::string() : pick(from);
  };
  int below = 0, at_or_above = 0, spared = 0;
  for (int n = 0; n < 40000; ++n) {
    // Half of them under other weights: the names' weights negative or
    // positive, another midpoint and slope.
    MatchWeights w;
    if (n % 2 == 1) {
      auto between = [&](double lo, double hi) {
        return lo + (hi - lo) * static_cast<double>(rng() % 10001) / 10000.0;
      };
      w.company_fuzzy = between(-2, 6);
      w.company_mismatch = between(-4, 2);
      w.company = between(0, 6);
      w.domain = between(0, 6);
      w.country = between(-1, 2);
      w.midpoint = between(1, 5);
      w.slope = between(0.1, 3);
    }
    Features d, f;
    d.company = name();
    f.company = rng() % 8 == 0 ? d.company : name();
    d.company_tokens = d.company;
    f.company_tokens = f.company;
    for (Features* x : {&d, &f}) {
      x->country = maybe({"DE", "FR"});
      x->city = maybe({"berlin", "hamburg", "paris"});
      x->street = maybe({"hauptstrasse", "rue de la paix"});
      x->number = maybe({"1", "12"});
      x->postal = maybe({"10115", "20095"});
      x->email = maybe({"info@acme.de", "j.doe@acme.de"});
      x->phone = maybe({"+4930123456", "+4940123456"});
      x->given = maybe({"jane", "john"});
      x->surname = maybe({"doe", "roe"});
      x->domain = maybe({"acme.de", "nordwind.de"});
    }
    Opportunity o;
    o.id = "s";
    std::string packed;
    ASSERT_TRUE(Pack(o, f, &packed));
    const RecordView::FeatureView s = RecordView(packed.data()).features();
    const Scored exact = ScoreMatch(d, s, w);
    // Where the score falls as points rise, no floor spares anything.
    MatchWeights falling;
    falling.slope = -0.9;
    const Scored falling_exact = ScoreMatch(d, s, falling);
    ASSERT_EQ(ScoreMatch(d, s, falling, ScoreFloor(0.5, falling)).score,
              falling_exact.score);
    for (double floor : {0.5, 0.75, 0.3, 0.9, 0.0, 1.0}) {
      const Scored floored = ScoreMatch(d, s, w, ScoreFloor(floor, w));
      if (exact.score >= floor) {
        ASSERT_EQ(floored.score, exact.score)
            << d.company << " / " << f.company << " " << floor;
        ASSERT_EQ(floored.evidence, exact.evidence)
            << d.company << " / " << f.company;
        ++at_or_above;
      } else {
        ASSERT_LT(floored.score, floor)
            << d.company << " / " << f.company << " " << floor;
        ASSERT_GE(floored.score, exact.score)
            << d.company << " / " << f.company << " " << floor;
        ++below;
        spared += floored.score != exact.score;
      }
    }
  }
  // Weights that are not numbers (only code sets them) bound nothing.
  MatchWeights nan_weights;
  nan_weights.company_mismatch = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(ScoreFloor(0.5, nan_weights).points,
            -std::numeric_limits<double>::infinity());
  // Both sides of the floor were met often, and names left uncompared.
  EXPECT_GT(below, 20000);
  EXPECT_GT(at_or_above, 20000);
  EXPECT_GT(spared, 10000);
}

// A feature is a reference where it begins among the data's first 256
// bytes, to the first place it begins; places that share only its first
// and last byte do not count, and the data's very end does.
TEST(RecordTest, ReferencesAFeatureWhereItFirstBeginsAmongTheFirst256Bytes) {
  // A short feature and a long one, with near misses that share their
  // first and last byte (and, the long one, all but one in its middle).
  const std::pair<std::string, std::string> features[] = {
      {"abcd", "abxdaxcd"}, {"abcdefghijklmnopqrstu", "abcdefghijXlmnopqrstu"}};
  for (const auto& [needle, near] : features) {
    for (std::size_t at :
         {1, 2, 15, 16, 17, 31, 200, 254, 255, 256, 257, 300}) {
      for (const bool twice : {false, true}) {
        Opportunity o;
        o.id = "o";  // the data's first byte; the street follows it
        std::string filler;
        while (filler.size() < at - 1) filler += near;
        filler.resize(at - 1);
        o.party.street = filler + needle + (twice ? needle : "");
        Features f;
        std::string without, with;
        ASSERT_TRUE(Pack(o, f, &without));
        f.city = needle;
        ASSERT_TRUE(Pack(o, f, &with));
        EXPECT_EQ(RecordView(with.data()).features().city, needle) << at;
        const std::string ref = std::string("\xfe") + static_cast<char>(at) +
                                static_cast<char>(needle.size());
        if (at < 256) {
          EXPECT_EQ(with.size(), without.size() + 3) << needle << " " << at;
          EXPECT_NE(with.find(ref), std::string::npos)
              << needle << " " << at << " " << twice;
        } else {
          EXPECT_EQ(with.size(), without.size() + 1 + needle.size())
              << needle << " " << at;
        }
      }
    }
  }
}

// Raw fields spelled from their features, features found within the
// fields before them, lengths of every size: every field reads back as
// packed, in random records built to hit each case.
TEST(RecordTest, RoundTripsSpelledAndReferencedFields) {
  std::mt19937_64 rng(11);
  const std::vector<std::string> words = {"acme", "systems", "GmbH", "s.a.", "müller", "x",
                                          "van der", "Berg", "jo", "anna-lena", "3com", ""};
  auto word = [&] { return words[rng() % words.size()]; };
  auto text = [&](int max_words) {
    std::string t;
    for (int n = static_cast<int>(rng() % (max_words + 1)); n > 0; --n) {
      if (!t.empty()) t += ' ';
      t += word();
    }
    if (rng() % 16 == 0) t += std::string(250 + rng() % 10, 'q');  // around 254
    return t;
  };
  auto capitalized = [](std::string t) {
    bool start = true;
    for (char& c : t) {
      if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      start = c == ' ';
    }
    return t;
  };
  std::size_t spelled = 0, referenced = 0;
  for (int round = 0; round < 5000; ++round) {
    Opportunity o;
    Features f;
    o.id = "opp-" + std::to_string(round);
    f.company = text(3);
    f.company_tokens = rng() % 2 ? f.company.substr(0, rng() % (f.company.size() + 1)) : text(2);
    f.company_acronym = text(1);
    f.given = text(1);
    f.surname = text(2);
    o.party.company = rng() % 3 ? capitalized(f.company) + text(1) : text(3);
    o.party.first_name = rng() % 2 ? capitalized(f.given) : text(1);
    o.party.last_name = rng() % 2 ? capitalized(f.surname) : f.surname;
    o.party.email = f.given;
    o.party.email.append(".").append(f.surname).append("@").append(text(1));
    f.email = rng() % 2 ? o.party.email : text(1);
    f.city = text(2);
    o.party.city = rng() % 2 ? f.city : text(2);
    f.street = rng() % 2 ? o.party.email.substr(0, rng() % (o.party.email.size() + 1)) : text(2);
    o.products = {text(1)};
    if (rng() % 2) o.amount = static_cast<double>(rng() % 100000) / 4;
    // Identifiers come last; their feature may be a reference too.
    if (rng() % 2) o.party.ids = {{"vat", text(1)}, {"duns", text(1)}};
    f.ids = rng() % 3 == 0 ? f.company : rng() % 2 ? text(1) : "";
    // A date of birth, the last field (the 31st: the bitmap's top bit is
    // the references flag).
    if (rng() % 2) f.birth_date = "19" + std::to_string(10 + rng() % 90) + "-0" + std::to_string(1 + rng() % 9) + "-2" + std::to_string(rng() % 9);
    std::string packed;
    ASSERT_TRUE(Pack(o, f, &packed)) << round;
    ASSERT_TRUE(RecordView::Valid(packed)) << round;
    const RecordView r(packed.data());
    EXPECT_EQ(r.size(), packed.size());
    EXPECT_EQ(r.Get(kId), o.id);
    EXPECT_EQ(r.Raw(kCompany), o.party.company) << round;
    EXPECT_EQ(r.Raw(kFirstName), o.party.first_name) << round;
    EXPECT_EQ(r.Raw(kLastName), o.party.last_name) << round;
    EXPECT_EQ(r.Raw(kEmail), o.party.email) << round;
    EXPECT_EQ(r.Raw(kCity), o.party.city) << round;
    EXPECT_EQ(r.Get(kProducts), o.products[0]);
    EXPECT_EQ(r.amount(), o.amount);
    EXPECT_EQ(r.Get(kIds), o.party.ids.empty() ? std::string()
                                                : "vat\x1e" + o.party.ids[0].value + "\x1f" +
                                                      "duns\x1e" + o.party.ids[1].value)
        << round;
    const RecordView::FeatureView v = r.features();
    EXPECT_EQ(v.ids, f.ids) << round;
    EXPECT_EQ(v.birth_date, f.birth_date) << round;
    EXPECT_EQ(r.Get(kBirthDate), f.birth_date) << round;
    EXPECT_EQ(v.company, f.company) << round;
    EXPECT_EQ(v.tokens, f.company_tokens) << round;
    EXPECT_EQ(v.acronym, f.company_acronym) << round;
    EXPECT_EQ(v.given, f.given) << round;
    EXPECT_EQ(v.surname, f.surname) << round;
    EXPECT_EQ(v.email, f.email) << round;
    EXPECT_EQ(v.city, f.city) << round;
    EXPECT_EQ(v.street, f.street) << round;
    EXPECT_EQ(r.Get(kFTokens), f.company_tokens);
    EXPECT_EQ(r.Get(kFSurname), f.surname);
    // The features held, stored or equal to their raw field, as bits.
    EXPECT_EQ(r.FieldBits() & kFeatureBits, FeatureBits(f)) << round;
    spelled += r.Get(kCompany).size() < o.party.company.size();
    referenced += !f.company_tokens.empty() && r.Get(kFTokens).data() < r.Get(kFCompany).data() + r.Get(kFCompany).size() &&
                  r.Get(kFTokens).data() >= r.Get(kFCompany).data();
  }
  EXPECT_GT(spelled, 1000u);
  EXPECT_GT(referenced, 500u);
}

// Regression (review): references after the last field stored as bytes
// were not counted against the size limit, so a record one or two bytes
// too large was packed and then refused by Valid() on restore.
TEST(RecordTest, ReferencesCountAgainstTheSizeLimit) {
  Opportunity o;
  o.id = "o";
  o.party.email = "anna.smith@x.io";
  Features f;
  f.email = o.party.email;
  f.given = "anna";
  f.surname = "smith";
  std::size_t packed_count = 0, refused = 0;
  for (std::size_t products = kMaxRecordBytes - 60; products < kMaxRecordBytes - 20;
       ++products) {
    o.products = {std::string(products, 'p')};
    std::string packed;
    if (Pack(o, f, &packed)) {
      ++packed_count;
      EXPECT_LE(packed.size(), kMaxRecordBytes) << products;
      EXPECT_TRUE(RecordView::Valid(packed)) << products;
    } else {
      ++refused;
    }
  }
  // The sizes straddle the limit: some fit, some do not.
  EXPECT_GT(packed_count, 0u);
  EXPECT_GT(refused, 0u);
}

// A record of an earlier build (no reference flag) with a 254-byte field:
// 254 there is a length.
TEST(RecordTest, ReadsRecordsWithoutReferences) {
  const std::string company(254, 'c');
  std::string packed;
  const std::uint32_t present = (1u << kId) | (1u << kCompany), same = 0;
  packed.append(reinterpret_cast<const char*>(&present), 4);
  packed.append(reinterpret_cast<const char*>(&same), 4);
  const std::uint16_t offset = 12;
  packed.append(reinterpret_cast<const char*>(&offset), 2);
  packed.push_back(2);
  packed.push_back(static_cast<char>(254));
  packed += "id" + company;
  ASSERT_TRUE(RecordView::Valid(packed));
  const RecordView r(packed.data());
  EXPECT_EQ(r.Get(kId), "id");
  EXPECT_EQ(r.Raw(kCompany), company);
  EXPECT_EQ(r.size(), packed.size());
}

// References past the data or on a raw field, and a raw field spelled from
// a feature that is not stored: refused.
TEST(RecordTest, RefusesBadReferences) {
  Opportunity o;
  o.id = "opp-1";
  o.party.company = "Acme Systems GmbH";
  Features f;
  f.company = "acme systems";
  f.company_tokens = "acme";
  std::string packed;
  ASSERT_TRUE(Pack(o, f, &packed));
  ASSERT_TRUE(RecordView::Valid(packed));
  const RecordView r(packed.data());
  ASSERT_EQ(r.Raw(kCompany), "Acme Systems GmbH");
  ASSERT_EQ(r.Get(kCompany), " GmbH");  // the rest, after the spelled key
  ASSERT_EQ(r.features().tokens, "acme");
  // The tokens' reference, [254][offset][length]: "acme" within the key,
  // after the id ("opp-1") and the company's rest (" GmbH") in the data.
  const std::size_t at = packed.find(std::string("\xFE\x0A\x04", 3), 10);
  ASSERT_NE(at, std::string::npos);
  std::string bad = packed;
  bad[at + 2] = 100;  // past the data
  EXPECT_FALSE(RecordView::Valid(bad));
  // Records built by hand, each well framed, so only the rule decides:
  // header, lengths, data.
  auto record = [](std::uint32_t present, std::uint32_t same, std::string lengths,
                   std::string data) {
    std::string r;
    present |= 1u << 31;  // may hold references
    r.append(reinterpret_cast<const char*>(&present), 4);
    r.append(reinterpret_cast<const char*>(&same), 4);
    const auto offset = static_cast<std::uint16_t>(10 + lengths.size());
    r.append(reinterpret_cast<const char*>(&offset), 2);
    return r + lengths + data;
  };
  // A company spelled from its key, the key stored: accepted.
  EXPECT_TRUE(RecordView::Valid(record((1u << kId) | (1u << kCompany) | (1u << kFCompany),
                                       1u << kCompany, "\x01\x05\x04", "o GmbHacme")));
  EXPECT_EQ(RecordView(record((1u << kId) | (1u << kCompany) | (1u << kFCompany),
                              1u << kCompany, "\x01\x05\x04", "o GmbHacme")
                           .data())
                .Raw(kCompany),
            "Acme GmbH");
  // Spelled from a key that is not stored: refused.
  EXPECT_FALSE(RecordView::Valid(
      record((1u << kId) | (1u << kCompany), 1u << kCompany, "\x01\x05", "o GmbH")));
  // A reference on a raw field: refused; on a feature, within the data: accepted.
  EXPECT_FALSE(RecordView::Valid(record((1u << kId) | (1u << kCompany), 0,
                                        std::string("\x04\xFE\x00\x02", 4), "acme")));
  EXPECT_TRUE(RecordView::Valid(record((1u << kId) | (1u << kFCompany), 0,
                                       std::string("\x04\xFE\x00\x02", 4), "acme")));
}

TEST(OpportunityIndexTest, ReplacedRecordsAreReclaimed) {
  OpportunityIndex index({.compact_after_bytes = 1 << 16});
  Features f;
  for (int round = 0; round < 60; ++round) {
    for (int i = 0; i < 200; ++i) {
      Opportunity o;
      o.id = std::string("opp-") + std::to_string(i);
      o.owner = {OwnerKind::kPartner, std::string("p") + std::to_string(round)};
      o.party.company = std::string("Company ") + std::to_string(i) + " round " +
                        std::to_string(round) + std::string(200, '.');
      f.company = std::string("company ") + std::to_string(i);
      bool created;
      ASSERT_TRUE(index.Upsert(o, f, &created).ok());
      EXPECT_EQ(created, round == 0);
    }
  }
  EXPECT_EQ(index.size(), 200u);
  // 60 rounds of ~230-byte records are ~2.8 MB: two 2 MB chunks without
  // reclaiming, one with.
  EXPECT_LT(index.bytes(), (2u << 20) + (256u << 10));
  for (int i = 0; i < 200; ++i) {
    auto o = index.Get(std::string("opp-") + std::to_string(i));
    ASSERT_TRUE(o);
    EXPECT_EQ(o->owner.id, "p59");
    EXPECT_NE(o->party.company.find("round 59"), std::string::npos);
  }
  // The postings follow the last version only.
  std::vector<LookupKey> keys;
  f.company = "company 7";
  StoredKeys(f, &keys);
  std::vector<std::uint32_t> candidates;
  index.Candidates(keys, &candidates);
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(index.IdOf(candidates[0]), "opp-7");
}


TEST(OpportunityIndexTest, CompactsInTwoPhasesWhenAskedTo) {
  OpportunityIndex index({.compact_after_bytes = 1 << 16, .compact_in_upsert = false});
  Features f;
  auto upsert_round = [&](int round) {
    for (int i = 0; i < 200; ++i) {
      Opportunity o;
      o.id = "opp-" + std::to_string(i);
      o.party.company = "Company " + std::to_string(i) + " round " + std::to_string(round) +
                        std::string(200, '.');
      f.company = "company " + std::to_string(i);
      bool created;
      ASSERT_TRUE(index.Upsert(o, f, &created).ok());
    }
  };
  for (int round = 0; round < 3; ++round) upsert_round(round);
  // Upsert left the dead bytes alone; the owner compacts.
  ASSERT_TRUE(index.NeedsCompaction());
  const std::size_t before = index.bytes();
  OpportunityIndex::Compaction c = index.PrepareCompaction();
  EXPECT_TRUE(index.NeedsCompaction());  // preparing changes nothing
  index.InstallCompaction(&c);
  EXPECT_FALSE(index.NeedsCompaction());
  c = {};  // the old arena goes
  EXPECT_LE(index.bytes(), before);
  for (int i = 0; i < 200; ++i) {
    auto o = index.Get("opp-" + std::to_string(i));
    ASSERT_TRUE(o);
    EXPECT_NE(o->party.company.find("round 2"), std::string::npos);
  }
  // Writes go on into the fresh arena.
  upsert_round(3);
  auto o = index.Get("opp-7");
  ASSERT_TRUE(o);
  EXPECT_NE(o->party.company.find("round 3"), std::string::npos);
}

// Two indexes hold the same: every record, status, expiry, history and
// candidate list.
void ExpectSameIndex(const OpportunityIndex& want, const OpportunityIndex& got) {
  ASSERT_EQ(want.size(), got.size());
  for (int i = 0; i < 200; ++i) {
    const std::string id = "opp-" + std::to_string(i);
    auto x = want.Get(id), y = got.Get(id);
    ASSERT_TRUE(x && y) << id;
    EXPECT_EQ(x->owner.kind, y->owner.kind) << id;
    EXPECT_EQ(x->owner.id, y->owner.id) << id;
    EXPECT_EQ(x->party.company, y->party.company) << id;
    EXPECT_EQ(x->products, y->products) << id;
    EXPECT_EQ(x->status, y->status) << id;
    EXPECT_EQ(x->expires_at, y->expires_at) << id;
    auto hx = want.History(id), hy = got.History(id);
    ASSERT_TRUE(hx && hy) << id;
    ASSERT_EQ(hx->size(), hy->size()) << id;
    for (std::size_t e = 0; e < hx->size(); ++e) {
      EXPECT_EQ((*hx)[e].at, (*hy)[e].at);
      EXPECT_EQ((*hx)[e].event, (*hy)[e].event);
      EXPECT_EQ((*hx)[e].status, (*hy)[e].status);
      EXPECT_EQ((*hx)[e].actor, (*hy)[e].actor);
      EXPECT_EQ((*hx)[e].expires_at, (*hy)[e].expires_at);
    }
    Features f;
    f.company = "snapshot company " + std::to_string(i);
    f.domain = "company" + std::to_string(i) + ".de";
    std::vector<LookupKey> keys;
    StoredKeys(f, &keys);
    std::vector<std::uint32_t> a, b;
    want.Candidates(keys, &a);
    got.Candidates(keys, &b);
    EXPECT_EQ(a, b) << id;
  }
}

// An expiry past 2106 is kept in the history and in snapshots (it was
// cut to 32 bits, 2106-02-07).
TEST(OpportunityIndexTest, HistoriesKeepExpiriesPast2106) {
  OpportunityIndex index;
  Opportunity o;
  o.id = "far";
  o.owner = {OwnerKind::kPartner, "p"};
  o.party.domain = "farfuture.com";
  o.expires_at = 253402214400;  // 9999-12-31T00:00:00Z
  Features f;
  f.domain = "farfuture.com";
  bool created = false;
  ASSERT_TRUE(index.Upsert(o, f, &created, 1'790'000'000).ok());
  std::string saved;
  index.Save(&saved);
  OpportunityIndex restored;
  ASSERT_TRUE(restored.Restore(saved).ok());
  for (const OpportunityIndex* x : {&index, &restored}) {
    const auto h = x->History("far");
    ASSERT_TRUE(h && !h->empty());
    EXPECT_EQ(h->back().expires_at, 253402214400);
  }
}

TEST(OpportunityIndexTest, SnapshotsRestoreWhatWasSaved) {
  OpportunityIndex index;
  FillForSnapshot(&index);
  std::string saved;
  index.Save(&saved);
  ASSERT_EQ(saved.substr(0, 8), "LROI0028");
  EXPECT_GE(index.SaveSizeBound(), saved.size());
  // In two steps, as the Engine saves: the same bytes.
  std::string tables;
  std::vector<const char*> records;
  index.SaveTables(&tables, &records);
  EXPECT_EQ(records.size(), index.size());
  OpportunityIndex::SaveRecords(records, &tables);
  EXPECT_EQ(tables, saved);
  OpportunityIndex restored;
  ASSERT_TRUE(restored.Restore(saved).ok());
  ExpectSameIndex(index, restored);
  std::string again;
  restored.Save(&again);
  EXPECT_EQ(again, saved);
  // Cut anywhere, or with a byte more: refused, and the index is empty.
  for (std::size_t cut : {std::size_t{8}, saved.size() / 3, saved.size() / 2, saved.size() - 1}) {
    OpportunityIndex bad;
    EXPECT_FALSE(bad.Restore(std::string_view(saved).substr(0, cut)).ok()) << cut;
    EXPECT_EQ(bad.size(), 0u);
  }
  OpportunityIndex bad;
  EXPECT_FALSE(bad.Restore(saved + "x").ok());
  EXPECT_EQ(bad.size(), 0u);
  // A version before LROI0003, a later one or no version: refused.
  for (const char* magic : {"LROI0002", "LROI9999", "LROI00x4", "XROI0017"}) {
    OpportunityIndex other;
    EXPECT_FALSE(other.Restore(std::string(magic) + saved.substr(8)).ok()) << magic;
    EXPECT_EQ(other.size(), 0u);
  }
}

// The bytes of tests/index/data/NAME; empty when it is missing.
std::string ReadTestData(const std::string& name) {
  std::ifstream file(std::string(LEADROUTE_TEST_DATA) + "/index/data/" + name,
                     std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

// tests/index/data/index-lroi0003.bin: FillForSnapshot() saved by the
// build before LROI0004 (records' bytes among their fixed fields). A data
// directory from before the upgrade still starts.
TEST(OpportunityIndexTest, RestoresSnapshotsOfTheFormerFormat) {
  const std::string v3 = ReadTestData("index-lroi0003.bin");
  ASSERT_EQ(v3.substr(0, 8), "LROI0003");
  OpportunityIndex want;
  FillForSnapshot(&want);
  OpportunityIndex restored;
  ASSERT_TRUE(restored.Restore(v3).ok());
  ExpectSameIndex(want, restored);
  OpportunityIndex cut;
  EXPECT_FALSE(cut.Restore(std::string_view(v3).substr(0, v3.size() / 2)).ok());
}

// tests/index/data/NAME, which starts with `magic`, restored into
// *restored; *want filled as it was when it was written.
void RestoreFixture(const std::string& name, std::string_view magic, OpportunityIndex* want,
                    OpportunityIndex* restored) {
  const std::string saved = ReadTestData(name);
  ASSERT_EQ(saved.substr(0, 8), magic);
  FillForSnapshot(want);
  FillWithAddresses(want);
  ASSERT_TRUE(restored->Restore(saved).ok());
  ExpectSameIndex(*want, *restored);
}

// tests/index/data/index-lroi0004.bin: FillForSnapshot() and
// FillWithAddresses() saved by the build before LROI0005, which posted no
// address for a record naming a company. Restored, those records are found
// at their address as if stored by this build.
TEST(OpportunityIndexTest, RestoringLroi0004PostsCompanyAddresses) {
  OpportunityIndex want, restored;
  ASSERT_NO_FATAL_FAILURE(RestoreFixture("index-lroi0004.bin", "LROI0004", &want, &restored));
  for (int number = 80; number < 84; ++number) {
    Features f;
    f.street = "hardenbergstrasse";
    f.number = std::to_string(number);
    f.postal = "66879";
    std::vector<LookupKey> keys;
    StoredKeys(f, &keys);
    std::vector<std::uint32_t> a, b;
    want.Candidates(keys, &a);
    restored.Candidates(keys, &b);
    EXPECT_EQ(a.size(), 3u) << number;  // 12 records over 4 numbers
    // Newest first, as a build that posted them all along holds them: the
    // person at number 83 was stored after the companies.
    EXPECT_EQ(a, b) << number;
  }
}

// tests/index/data/index-lroi0005.bin: FillForSnapshot() and
// FillWithAddresses() saved by the build before LROI0006, whose posting
// table kept whole hashes and whose records had no references. Restored,
// its records are packed again and its postings rebuilt: the same index as
// a fresh build's.
TEST(OpportunityIndexTest, RestoresLroi0005WithTheCurrentPostings) {
  OpportunityIndex want, restored;
  ASSERT_NO_FATAL_FAILURE(RestoreFixture("index-lroi0005.bin", "LROI0005", &want, &restored));
  const std::string v5 = ReadTestData("index-lroi0005.bin");
  // Saved again, in the current format: restored as it was.
  std::string again;
  restored.Save(&again);
  ASSERT_EQ(again.substr(0, 8), "LROI0028");
  OpportunityIndex twice;
  ASSERT_TRUE(twice.Restore(again).ok());
  ExpectSameIndex(want, twice);
  // Its records packed again, as this build packs them ("Snapshot Company
  // 7 GmbH" spelled from its key): the same bytes as a fresh build's.
  auto records = [](const OpportunityIndex& index) {
    std::string tables, bytes;
    std::vector<const char*> at;
    index.SaveTables(&tables, &at);
    OpportunityIndex::SaveRecords(at, &bytes);
    return bytes;
  };
  EXPECT_EQ(records(restored), records(want));
  EXPECT_LT(records(restored).size(), v5.size() / 2);
  // Its table cut short, or a list longer than the bytes left: refused.
  OpportunityIndex cut;
  EXPECT_FALSE(cut.Restore(std::string_view(v5).substr(0, v5.size() / 2)).ok());
  EXPECT_EQ(cut.size(), 0u);
}

// tests/index/data/index-lroi0008.bin: FillForSnapshot() and
// FillWithAddresses() saved by the build before LROI0009, whose posting
// keys were hashed by FNV-1a. Restored, its postings are rebuilt under this
// build's keys (none would be found under the saved ones): the same index
// as a fresh build's, saved again in this format.
TEST(OpportunityIndexTest, RestoresLroi0008WithPostingsUnderThisBuildsKeys) {
  OpportunityIndex want, restored;
  ASSERT_NO_FATAL_FAILURE(RestoreFixture("index-lroi0008.bin", "LROI0008", &want, &restored));
  EXPECT_TRUE(restored.restored_from_earlier_format());
  std::vector<LookupKey> keys;
  Features f;
  f.company = "snapshot company 7";
  StoredKeys(f, &keys);
  std::vector<std::uint32_t> found;
  restored.Candidates(keys, &found);
  EXPECT_FALSE(found.empty());
  std::string again;
  restored.Save(&again);
  ASSERT_EQ(again.substr(0, 8), "LROI0028");
  OpportunityIndex twice;
  ASSERT_TRUE(twice.Restore(again).ok());
  EXPECT_FALSE(twice.restored_from_earlier_format());
  ExpectSameIndex(want, twice);
}

// tests/index/data/index-lroi0014.bin: FillForSnapshot() and
// FillWithAddresses() saved by the build before LROI0015, which posted a
// company name of several words under its key and its words as they are.
// Restored, even without a featurer (its features are kept), a name with a
// typing error finds its record through the skeletons this build posts.
TEST(OpportunityIndexTest, RestoresLroi0014WithCompanyNamesBySkeleton) {
  OpportunityIndex want, restored;
  ASSERT_NO_FATAL_FAILURE(RestoreFixture("index-lroi0014.bin", "LROI0014", &want, &restored));
  EXPECT_FALSE(restored.restored_from_earlier_format());
  std::vector<LookupKey> keys;
  Features f;
  f.company = "snapshot compny 7";
  f.company_tokens = f.company;
  QueryKeys(f, &keys);
  std::vector<std::uint32_t> found;
  restored.Candidates(keys, &found);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(restored.IdOf(found.front()), "opp-7");
  std::string again;
  restored.Save(&again);
  ASSERT_EQ(again.substr(0, 8), "LROI0028");
  OpportunityIndex twice;
  ASSERT_TRUE(twice.Restore(again).ok());
  ExpectSameIndex(want, twice);
}

// A snapshot written before LROI0008 holds the features an earlier
// normalizer derived. Restored with a featurer, every record's features are
// derived again from its fields and the postings rebuilt: a one-line
// address the earlier build could not read is found at its address.
// Without a featurer, or from a snapshot of this format, records restore as
// saved.
TEST(OpportunityIndexTest, EarlierFormatsGetTheirFeaturesDerivedAgain) {
  static const std::unique_ptr<Normalizer> normalizer = [] {
    auto n = Normalizer::Create();
    return n.ok() ? std::move(*n) : nullptr;
  }();
  ASSERT_NE(normalizer, nullptr);
  const OpportunityIndex::Featurer featurer = [](const Party& party) {
    return ExtractFeatures(*normalizer, party, "");
  };
  OpportunityIndex index;
  Opportunity o;
  o.id = "one-line";
  o.owner = {OwnerKind::kPartner, "p"};
  o.party.company = "Müllenkranz";
  o.party.street = "Hardenbergstraße 87, 66879 Kaiserslautern";
  o.party.country = "DE";
  Features stale;  // as a build that read no one-line address derived them
  stale.company = "mullenkranz";
  stale.company_tokens = "mullenkranz";
  stale.country = "DE";
  bool created = false;
  ASSERT_TRUE(index.Upsert(o, stale, &created, 1'790'000'000).ok());
  std::string saved;
  index.Save(&saved);
  ASSERT_EQ(saved.substr(0, 8), "LROI0028");
  auto as_format = [&](std::string_view magic) {
    return std::string(magic) + saved.substr(8);
  };
  const std::string v6 = as_format("LROI0006");

  Features at_address;
  at_address.street = "hardenbergstrasse";
  at_address.number = "87";
  at_address.postal = "66879";
  at_address.company = "mullenkrants";  // another spelling: only the address meets
  std::vector<LookupKey> keys;
  StoredKeys(at_address, &keys);
  auto found = [&](const OpportunityIndex& restored) {
    std::vector<std::uint32_t> candidates;
    restored.Candidates(keys, &candidates);
    return !candidates.empty();
  };
  EXPECT_FALSE(found(index));

  OpportunityIndex kept;
  ASSERT_TRUE(kept.Restore(v6).ok());
  EXPECT_FALSE(found(kept));
  EXPECT_TRUE(kept.restored_from_earlier_format());
  OpportunityIndex current;
  ASSERT_TRUE(current.Restore(saved, featurer).ok());
  EXPECT_FALSE(found(current));
  EXPECT_FALSE(current.restored_from_earlier_format());
  OpportunityIndex derived;
  ASSERT_TRUE(derived.Restore(v6, featurer).ok());
  EXPECT_TRUE(found(derived));
  EXPECT_TRUE(derived.restored_from_earlier_format());
  // LROI0007, whose normalizer dropped street ordinals, likewise.
  const std::string v7 = as_format("LROI0007");
  OpportunityIndex derived7;
  ASSERT_TRUE(derived7.Restore(v7, featurer).ok());
  EXPECT_TRUE(found(derived7));
  EXPECT_TRUE(derived7.restored_from_earlier_format());
  // LROI0008 and LROI0009, whose normalizer dropped phones its metadata
  // did not hold valid and read a leading floor and unit as the house
  // number, likewise.
  for (const char* magic : {"LROI0008", "LROI0009", "LROI0010", "LROI0011", "LROI0012", "LROI0013",
                            "LROI0014", "LROI0015", "LROI0016", "LROI0017", "LROI0018",
                            "LROI0019", "LROI0020", "LROI0021", "LROI0022", "LROI0023"}) {
    SCOPED_TRACE(magic);
    OpportunityIndex upgraded;
    ASSERT_TRUE(upgraded.Restore(as_format(magic), featurer).ok());
    EXPECT_TRUE(found(upgraded));
    EXPECT_TRUE(upgraded.restored_from_earlier_format());
    OpportunityIndex as_saved;
    ASSERT_TRUE(as_saved.Restore(as_format(magic)).ok());
    EXPECT_FALSE(found(as_saved));
    // Without a featurer, an LROI0009 to LROI0023 snapshot is kept as it is (its
    // features would be written again unchanged, never derived again);
    // an LROI0008 one still gets this build's posting keys.
    EXPECT_EQ(as_saved.restored_from_earlier_format(), std::string_view(magic) == "LROI0008");
  }

  // Refused bytes leave an empty index, not an upgraded one.
  OpportunityIndex cut;
  EXPECT_FALSE(cut.Restore(std::string_view(v6).substr(0, v6.size() - 1), featurer).ok());
  EXPECT_EQ(cut.size(), 0u);
  EXPECT_FALSE(cut.restored_from_earlier_format());
  // Its fields as they were.
  const auto got = derived.Get("one-line");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->party.company, "Müllenkranz");
  EXPECT_EQ(got->party.street, "Hardenbergstraße 87, 66879 Kaiserslautern");
  EXPECT_EQ(got->owner.id, "p");
  std::string again;
  derived.Save(&again);
  EXPECT_EQ(again.substr(0, 8), "LROI0028");
}

// Keys whose hashes share their upper 32 bits share one list: both keys
// find every slot stored under either, and removing one key's slot leaves
// the other's.
TEST(PostingTableTest, KeysOfOneTagShareAList) {
  PostingTable table;
  const std::uint64_t a = 0x1234567800000001ull, b = 0x1234567800000002ull;
  table.Add(a, 1);
  table.Add(b, 2);
  EXPECT_EQ(table.keys(), 1u);
  EXPECT_EQ(std::vector<std::uint32_t>(table.Find(a).begin(), table.Find(a).end()),
            (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(table.Find(b).size(), 2u);
  table.Remove(a, 1);
  ASSERT_EQ(table.Find(b).size(), 1u);
  EXPECT_EQ(table.Find(b)[0], 2u);
  table.Remove(b, 1);  // gone already: nothing happens
  EXPECT_EQ(table.Find(a).size(), 1u);
  EXPECT_TRUE(table.Find(0x1234567900000001ull).empty());
  // Regression (review): one slot under two keys of one tag (a record's id
  // and one of its match keys) was held once, so removing the match key on
  // a re-upsert took the id's posting with it.
  table.Add(a, 3);
  table.Add(b, 3);
  table.Remove(b, 3);
  const auto left = table.Find(a);
  EXPECT_EQ(std::vector<std::uint32_t>(left.begin(), left.end()),
            (std::vector<std::uint32_t>{2, 3}));
  table.Remove(a, 3);
  EXPECT_EQ(table.Find(a).size(), 1u);
}

// Caps count the slots that count: a long list of a weak kind (a phone)
// whose slots are nearly all closed is still followed for the few open
// ones; a long strong list (a domain) yields its newest open slots, not its
// newest slots. Without a filter both stay capped as before.
TEST(OpportunityIndexTest, ClosedSlotsDoNotCountAgainstTheCaps) {
  constexpr std::int64_t kAt = 1'790'000'000;
  for (const bool strong : {false, true}) {
    SCOPED_TRACE(strong ? "domain" : "phone");
    OpportunityIndex index;
    Features f;
    (strong ? f.domain : f.phone) = strong ? "acme.de" : "+49891234567";
    Opportunity o;
    o.owner = {OwnerKind::kPartner, "p"};
    bool created = false;
    o.id = "open";
    ASSERT_TRUE(index.Upsert(o, f, &created, kAt).ok());
    for (int i = 0; i < 60; ++i) {
      o.id = "closed-" + std::to_string(i);
      ASSERT_TRUE(index.Upsert(o, f, &created, kAt).ok());
      ASSERT_TRUE(index.SetStatus(o.id, OpportunityStatus::kLost, kAt));
    }
    std::vector<LookupKey> keys;
    QueryKeys(f, &keys);
    std::vector<std::uint32_t> capped, counted;
    index.Candidates(keys, &capped);
    const OpportunityIndex::Counted active{.held = false, .at = kAt + 1};
    index.Candidates(keys, &counted, &active);
    auto has_open = [&](const std::vector<std::uint32_t>& slots) {
      return std::any_of(slots.begin(), slots.end(),
                         [&](std::uint32_t s) { return index.IdOf(s) == "open"; });
    };
    EXPECT_FALSE(has_open(capped));
    ASSERT_EQ(counted.size(), 1u);
    EXPECT_TRUE(has_open(counted));
    // Past max_scanned_weak_postings a weak list is not read at all; a
    // strong one is read that far (max_scanned_postings).
    for (int i = 60; i < 200; ++i) {
      o.id = "closed-" + std::to_string(i);
      ASSERT_TRUE(index.Upsert(o, f, &created, kAt).ok());
      ASSERT_TRUE(index.SetStatus(o.id, OpportunityStatus::kLost, kAt));
    }
    counted.clear();
    index.Candidates(keys, &counted, &active);
    EXPECT_EQ(has_open(counted), strong);
  }
}

// Each upsert's history event names its owner; other events their actor.
// After a restore, owners interned before the saved actors still name
// themselves.
TEST(OpportunityIndexTest, HistoriesNameOwnersAndActors) {
  OpportunityIndex index;
  Opportunity o;
  o.id = "opp-1";
  o.owner = {OwnerKind::kPartner, "p-1"};
  Features f;
  f.company = "acme";
  bool created = false;
  ASSERT_TRUE(index.Upsert(o, f, &created, 1'790'000'000).ok());
  ASSERT_TRUE(index.SetStatus("opp-1", OpportunityStatus::kPending, 1'790'000'001,
                              HistoryEvent::kClosed, "crm-sync"));
  o.owner = {OwnerKind::kDirect, "rep-2"};
  ASSERT_TRUE(index.Upsert(o, f, &created, 1'790'000'002).ok());
  std::string saved;
  index.Save(&saved);
  OpportunityIndex restored;
  ASSERT_TRUE(restored.Restore(saved).ok());
  for (OpportunityIndex* x : {&index, &restored}) {
    o.owner = {OwnerKind::kPartner, "p-1"};
    ASSERT_TRUE(x->Upsert(o, f, &created, 1'790'000'003).ok());
    const auto h = x->History("opp-1");
    ASSERT_TRUE(h);
    std::vector<std::string> actors;
    for (const HistoryEntry& e : *h) actors.push_back(e.actor);
    EXPECT_EQ(actors, (std::vector<std::string>{"partner:p-1", "crm-sync", "direct:rep-2",
                                                 "partner:p-1"}));
  }
  std::string a, b;
  index.Save(&a);
  restored.Save(&b);
  EXPECT_EQ(a, b);  // the same actors, no second "partner:p-1"
}

TEST(RecordArenaTest, MovesToTheSpareChunkWhenFull) {
  RecordArena arena;
  const std::string record(1000, 'r');
  const char* first = arena.Store(record);
  EXPECT_FALSE(arena.NeedsChunk(record.size()));
  // Fill the first chunk to within a record of its end.
  while (!arena.NeedsChunk(2 * record.size())) arena.Store(record);
  ASSERT_TRUE(arena.NeedsChunk(2 * record.size()));
  RecordArena::Chunk spare = RecordArena::NewChunk(2 * record.size());
  const char* spare_begin = spare.bytes.get();
  const std::size_t spare_size = spare.size;
  EXPECT_GE(spare_size, 2 * record.size());
  arena.AddSpare(std::move(spare));
  EXPECT_FALSE(arena.NeedsChunk(2 * record.size()));
  const std::size_t reserved = arena.reserved();  // the spare counts
  // The rest of the first chunk is used first, then the spare.
  const char* a = arena.Store(record);
  EXPECT_FALSE(a >= spare_begin && a < spare_begin + spare_size);
  const char* b = arena.Store(record);
  EXPECT_EQ(b, spare_begin);
  EXPECT_EQ(arena.reserved(), reserved);
  EXPECT_EQ(std::string_view(first, record.size()), record);
  EXPECT_EQ(std::string_view(b, record.size()), record);
  // A record larger than the spare gets a chunk of its own.
  arena.AddSpare(RecordArena::NewChunk(1));
  const std::string big(3u << 20, 'b');
  const char* c = arena.Store(big);
  EXPECT_EQ(std::string_view(c, big.size()), big);
}

TEST(OpportunityIndexTest, PreparedUpsertsEqualPlainOnes) {
  OpportunityIndex plain, prepared;
  Features f;
  f.company = "acme";
  f.domain = "acme.de";
  for (int i = 0; i < 3000; ++i) {
    Opportunity o;
    o.id = "opp-" + std::to_string(i % 2000);  // the last 1000 replace
    o.owner = {OwnerKind::kPartner, "p-" + std::to_string(i)};
    o.party.company = "Acme " + std::to_string(i);
    o.status = i % 3 == 0 ? OpportunityStatus::kPending : OpportunityStatus::kOpen;
    o.expires_at = 1000 + i;
    f.company = "acme " + std::to_string(i % 500);
    bool a = false, b = false;
    ASSERT_TRUE(plain.Upsert(o, f, &a, i).ok());
    // Grown (a fresh arena chunk readied) and prefetched first, as the
    // Engine's writers do.
    OpportunityIndex::Prepared r;
    ASSERT_TRUE(OpportunityIndex::Prepare(o, f, &r));
    OpportunityIndex::Growth growth = prepared.PrepareGrowth(1, r.packed.size(), 1);
    prepared.InstallGrowth(&growth);
    prepared.Prefetch(r);
    prepared.Upsert(o, r, &b, i);
    EXPECT_EQ(a, b) << i;
  }
  ASSERT_EQ(plain.size(), prepared.size());
  for (int i = 0; i < 2000; ++i) {
    const std::string id = "opp-" + std::to_string(i);
    auto x = plain.Get(id), y = prepared.Get(id);
    ASSERT_TRUE(x && y) << id;
    EXPECT_EQ(x->owner.id, y->owner.id);
    EXPECT_EQ(x->party.company, y->party.company);
    EXPECT_EQ(x->status, y->status);
    EXPECT_EQ(x->expires_at, y->expires_at);
    EXPECT_EQ(plain.History(id)->size(), prepared.History(id)->size());
  }
  std::vector<LookupKey> keys;
  f.company = "acme 7";
  StoredKeys(f, &keys);
  std::vector<std::uint32_t> from_plain, from_prepared;
  plain.Candidates(keys, &from_plain);
  prepared.Candidates(keys, &from_prepared);
  EXPECT_EQ(from_plain, from_prepared);
  // The bound a snapshot sizes its buffer by holds, lists and histories
  // included.
  std::string saved;
  prepared.Save(&saved);
  EXPECT_GE(prepared.SaveSizeBound(), saved.size());
  EXPECT_LT(prepared.SaveSizeBound(), saved.size() + 64);
  // Too large to pack: refused before anything is stored.
  Opportunity huge;
  huge.id = "huge";
  huge.party.company = std::string(kMaxRecordBytes, 'x');
  OpportunityIndex::Prepared r;
  EXPECT_FALSE(OpportunityIndex::Prepare(huge, f, &r));
}

// A reader that holds no lock prefetches from a copy of where the buckets
// lie: the copy follows them as the table grows, is grown off to the side
// (Install), restored, emptied and moved, and a reader may use it while a
// writer grows the table (a race a TSan build would report).
TEST(PostingTableTest, UnlockedPrefetchesFollowTheBuckets) {
  PostingTable table;
  std::mt19937_64 rng(3);
  auto same = [&](const PostingTable& t) {
    for (int i = 0; i < 50; ++i) {
      const std::uint64_t h = rng();
      ASSERT_EQ(t.HomeAddressUnlocked(h), t.HomeAddress(h));
    }
  };
  same(table);
  for (std::uint32_t i = 0; i < 20000; ++i) {
    table.Add(rng(), i);
    if (i % 997 == 0) same(table);
  }
  PostingTable::Buckets grown = table.GrownFor(100000);
  ASSERT_GT(grown.capacity(), 0u);
  table.Install(&grown);
  same(table);
  std::string saved;
  table.Save(&saved);
  PostingTable restored;
  std::string_view in = saved;
  ASSERT_TRUE(restored.Restore(&in, 20000));
  same(restored);
  std::string_view junk = "not a table";
  EXPECT_FALSE(restored.Restore(&junk, 20000));
  same(restored);
  PostingTable moved = std::move(table);
  same(moved);
  moved = PostingTable();
  same(moved);

  std::atomic<bool> stop{false};
  std::thread reader([&] {
    std::mt19937_64 r(4);
    while (!stop.load(std::memory_order_relaxed)) moved.PrefetchUnlocked(r());
  });
  for (std::uint32_t i = 0; i < 200000; ++i) moved.Add(rng(), i);
  stop = true;
  reader.join();
  same(moved);
}

// A check makes its features and keys as the normalizer goes, telling a
// loader of each company and contact key as soon as it is made: the
// features and keys are those made apart (ExtractFeatures(), then
// QueryKeys()), in the same order (the order decides which candidates the
// caps keep), and the loader hears of the company's keys, then of the
// domain's, the email's and the phone's. Over parties that take each
// branch: one-word names with and without significant words, names of
// several words and of none, legal forms alone, contacts each present or
// not, a national phone number read with the default country only
// (KeysOf(), after the contacts: not loaded early), identifiers (their keys
// come first), people, addresses.
TEST(FeatureKeysTest, QueriesMadeAsTheyAreNormalizedEqualThoseMadeApart) {
  auto n = Normalizer::Create();
  ASSERT_TRUE(n.ok());
  struct Recorder final : KeyLoader {
    mutable std::vector<std::uint64_t> loaded;
    void Load(std::uint64_t hash) const override { loaded.push_back(hash); }
  };
  std::mt19937 rng(91);
  auto pick = [&](std::initializer_list<const char*> options) {
    return std::string(*(options.begin() + rng() % options.size()));
  };
  std::size_t early_loads = 0;
  for (int i = 0; i < 3000; ++i) {
    Party p;
    p.company = pick({"", "Acme", "IBM", "Acme Data GmbH", "The Joelzana Networks Iberia S.L.",
                      "GmbH", "Royal Bank of Canada", "Müller & Söhne KG", "x", "Bau AG",
                      "Group", "International Business Machines Corp", "Bank of the West"});
    p.domain = pick({"", "acme.de", "https://www.acme.co.uk/contact", "not a domain"});
    p.email = pick({"", "j.doe+webinar@acme.de", "anna@gmail.com", "broken@"});
    p.phone = pick({"", "+49 89 1234567", "089 1234567", "12"});
    p.country = pick({"", "DE", "Germany"});
    p.first_name = pick({"", "John", "Anna"});
    p.last_name = pick({"", "Smith", "Müller"});
    p.street = pick({"", "Leopoldstr. 12", "12 Main Street"});
    p.postal_code = pick({"", "80331"});
    p.city = pick({"", "München"});
    if (rng() % 4 == 0) p.ids.push_back({"vat", "DE129273398"});
    if (rng() % 4 == 0) p.ids.push_back({"duns", "150483782"});
    const std::string_view default_country = rng() % 2 ? "DE" : "";
    const Features apart = ExtractFeatures(**n, p, default_country);
    std::vector<LookupKey> apart_keys;
    QueryKeys(apart, &apart_keys);
    Recorder loader;
    std::vector<LookupKey> keys;
    const Features f = ExtractQuery(**n, p, default_country, loader, &keys);
    for (auto [a, b] : {std::pair{&f.company, &apart.company},
                        {&f.company_acronym, &apart.company_acronym},
                        {&f.company_tokens, &apart.company_tokens},
                        {&f.domain, &apart.domain}, {&f.email, &apart.email},
                        {&f.phone, &apart.phone}, {&f.given, &apart.given},
                        {&f.surname, &apart.surname},
                        {&f.person_swapped, &apart.person_swapped},
                        {&f.street, &apart.street}, {&f.number, &apart.number},
                        {&f.postal, &apart.postal}, {&f.city, &apart.city},
                        {&f.country, &apart.country}, {&f.ids, &apart.ids}}) {
      ASSERT_EQ(*a, *b) << i;
    }
    ASSERT_EQ(keys.size(), apart_keys.size()) << i << " " << p.company;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      ASSERT_EQ(keys[k].kind, apart_keys[k].kind) << i << " " << k;
      ASSERT_EQ(keys[k].hash, apart_keys[k].hash) << i << " " << k;
    }
    // The keys stored, derived from those looked up (as a registration
    // does), are those made apart, in order.
    std::vector<LookupKey> stored, derived;
    StoredKeys(f, &stored);
    StoredKeys(f, keys, &derived);
    ASSERT_EQ(derived.size(), stored.size()) << i << " " << p.company;
    for (std::size_t k = 0; k < stored.size(); ++k) {
      ASSERT_EQ(derived[k].kind, stored[k].kind) << i << " " << k;
      ASSERT_EQ(derived[k].hash, stored[k].hash) << i << " " << k;
    }
    // Keys whose end is not QueryKeys()'s are not read: the stored ones
    // are made apart.
    if (!keys.empty() && keys.back().kind == KeyKind::kPerson) {
      std::vector<LookupKey> cut(keys.begin(), keys.end() - 1);
      StoredKeys(f, cut, &derived);
      ASSERT_EQ(derived.size(), stored.size()) << i;
      for (std::size_t k = 0; k < stored.size(); ++k) {
        ASSERT_EQ(derived[k].hash, stored[k].hash) << i << " " << k;
      }
    }
    // What the loader heard, in order: the company's keys (a name's
    // initials, looked up as kCompany keys too, come after the others and
    // are not among them), then the contacts' made with the party's own
    // country.
    std::vector<std::uint64_t> expected;
    for (const LookupKey& k : keys) {
      if (k.kind == KeyKind::kCompanySkeleton || k.kind == KeyKind::kCompanyToken ||
          (k.kind == KeyKind::kCompany && f.company.find(' ') == std::string::npos)) {
        expected.push_back(k.hash);
      }
    }
    const auto cc = Normalizer::CountryOf(p.country, p.region, p.street);
    const bool phone_early = (*n)->Phone(p.phone, cc ? *cc : "").has_value();
    for (const LookupKey& k : keys) {
      if (k.kind == KeyKind::kDomain || k.kind == KeyKind::kEmail ||
          (k.kind == KeyKind::kPhone && phone_early)) {
        expected.push_back(k.hash);
      }
    }
    EXPECT_EQ(loader.loaded, expected) << i << " " << p.company;
    early_loads += loader.loaded.size();
  }
  EXPECT_GT(early_loads, 3000u);
}

}  // namespace
}  // namespace leadroute::index
