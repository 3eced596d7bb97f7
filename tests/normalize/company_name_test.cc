#include <gtest/gtest.h>

#include <random>

#include "normalize/company_name.h"
#include "normalize/word_list.h"
#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::ReadTable;
using testing::TestNormalizer;

// cases/company.tsv: name, key ("-" for none), and the party's country
// when the row gives one.
TEST(CompanyNameTest, Table) {
  auto rows = ReadTable("company.tsv", 3);
  ASSERT_GT(rows.size(), 200u);
  for (const auto& row : rows) {
    SCOPED_TRACE("company.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    auto key = TestNormalizer().Company(row.cols[0], row.cols[2]);
    testing::ExpectKey(key, row.cols[1]);
  }
}

// cases/company_pairs.tsv: name a, name b, "same" or "different".
TEST(CompanyNameTest, Pairs) {
  auto rows = ReadTable("company_pairs.tsv", 3);
  ASSERT_GT(rows.size(), 30u);
  for (const auto& row : rows) {
    SCOPED_TRACE("company_pairs.tsv:" + std::to_string(row.line));
    auto a = TestNormalizer().Company(row.cols[0]);
    auto b = TestNormalizer().Company(row.cols[1]);
    ASSERT_TRUE(a && b);
    if (row.cols[2] == "same") {
      EXPECT_EQ(*a, *b);
    } else {
      EXPECT_NE(*a, *b);
    }
  }
}

TEST(CompanyNameTest, TokenizerJoinsInitialismsAndDropsConnectives) {
  std::vector<std::string> t;
  normalize::TokenizeName("i.b.m. & co", &t);
  EXPECT_EQ(t, (std::vector<std::string>{"ibm", "co"}));
  normalize::TokenizeName("the mcdonald's company", &t);
  EXPECT_EQ(t, (std::vector<std::string>{"mcdonalds", "company"}));
  normalize::TokenizeName("the", &t);
  EXPECT_EQ(t, (std::vector<std::string>{"the"}));
}

// The tokenizer in one pass agrees with the plain two-pass reading of its
// contract (raw tokens first, then runs of single characters joined and
// connectives dropped) on random text over the characters that matter.
TEST(CompanyNameTest, TokenizerAgreesWithTwoPassReference) {
  auto reference = [](std::string_view folded) {
    // Each raw word, and whether a '.' is just before or just after it.
    std::vector<std::string> raw, out;
    std::vector<bool> dotted;
    std::string cur;
    bool cur_after_dot = false;
    auto flush = [&](bool before_dot) {
      if (!cur.empty()) {
        raw.push_back(cur);
        dotted.push_back(cur_after_dot || before_dot);
      }
      cur.clear();
    };
    for (std::size_t i = 0; i < folded.size(); ++i) {
      const char c = folded[i];
      if (std::isalnum(static_cast<unsigned char>(c))) {
        if (cur.empty()) cur_after_dot = i > 0 && folded[i - 1] == '.';
        cur.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (c != '\'' && c != '`') {
        flush(c == '.');
        if (c == '&' || c == '+') {
          raw.emplace_back("&");
          dotted.push_back(false);
        }
      }
      if (raw.size() > 64) break;
    }
    flush(false);
    for (std::size_t i = 0; i < raw.size();) {
      if (raw[i].size() == 1 && raw[i] != "&") {
        std::string joined;
        const bool run_dotted = dotted[i];
        // An "&" inside a run does not end it ("p&g"); one after it is
        // dropped in any case.
        while (i < raw.size() && raw[i].size() == 1 &&
               (raw[i] == "&" || dotted[i] == run_dotted)) {
          if (raw[i] != "&") joined += raw[i];
          ++i;
        }
        out.push_back(joined);
        continue;
      }
      if (raw[i] != "&" && raw[i] != "and" && raw[i] != "und" && raw[i] != "et") {
        out.push_back(raw[i]);
      }
      ++i;
    }
    if (out.size() > 1 && out.front() == "the") out.erase(out.begin());
    return out;
  };
  const std::vector<std::string> pieces = {"a", "b", "7", "ab", "and", "und", "et", "the",
                                           "gmbh", " ", " ", ".", "&", "+", "'", "-", ","};
  std::mt19937 rng(20261128);
  std::vector<std::string> tokens;
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    const int parts = static_cast<int>(rng() % (n < 19000 ? 12 : 200));
    for (int i = 0; i < parts; ++i) text += pieces[rng() % pieces.size()];
    normalize::TokenizeName(text, &tokens);
    ASSERT_EQ(tokens, reference(text)) << "\"" << text << "\"";
  }
}

// Every abbreviation of company_abbreviations.tsv stands for its word as
// the first word of a name of several and in its middle (at its end an
// "inner" one stays, and some are legal forms there: "& Cie"); alone it is
// the name's own.
TEST(CompanyNameTest, EveryListedAbbreviationIsSpelledOut) {
  std::size_t listed = 0;
  normalize::ForEachDataLine(data::kCompanyAbbreviations,
                             [&](const std::vector<std::string_view>& cols) {
    ASSERT_GE(cols.size(), 2u);
    ++listed;
    const std::string abbreviation(cols[0]), word(cols[1]);
    EXPECT_EQ(TestNormalizer().Company(abbreviation + " zyxwv"), word + " zyxwv") << abbreviation;
    EXPECT_EQ(TestNormalizer().Company("zyxwv " + abbreviation + " qvxz"),
              "zyxwv " + word + " qvxz")
        << abbreviation;
    EXPECT_EQ(TestNormalizer().Company(abbreviation), abbreviation) << abbreviation;
  });
  EXPECT_GT(listed, 60u);
}

// Every legal form of legal_forms.tsv is stripped where it is written:
// a suffix after a name, a prefix before one in its first jurisdiction.
// And every word of company_stopwords.txt is generic. (Words are looked up
// behind filters of their bits: a filter that missed a listed word would
// keep its form or its word.)
TEST(CompanyNameTest, EveryListedLegalFormIsStrippedAndEveryStopwordIsGeneric) {
  std::size_t suffixes = 0, prefixes = 0;
  normalize::ForEachDataLine(
      data::kLegalForms, [&](const std::vector<std::string_view>& cols) {
        const std::string form(cols[0]);
        const std::string_view position = cols.size() > 1 ? cols[1] : "suffix";
        std::string country(
            cols.size() > 2 ? cols[2].substr(0, cols[2].find(',')) : "");
        if (country == "*") country.clear();
        if (position == "suffix" || position == "both") {
          ++suffixes;
          EXPECT_EQ(TestNormalizer().Company("Zyxwv Qvxz " + form, country),
                    "zyxwv qvxz")
              << form;
        }
        if (position == "prefix" || position == "both") {
          ++prefixes;
          EXPECT_EQ(TestNormalizer().Company(form + " Zyxwv Qvxz", country),
                    "zyxwv qvxz")
              << form;
        }
      });
  EXPECT_GT(suffixes, 500u);
  EXPECT_GT(prefixes, 20u);
  std::size_t stopwords = 0;
  normalize::ForEachDataLine(
      data::kCompanyStopwords, [&](const std::vector<std::string_view>& cols) {
        ++stopwords;
        const std::string word(cols[0]);
        // Between two words, where no legal form is stripped. (The
        // connectives "and", "und", "et" and "&" the tokenizer drops
        // before.)
        EXPECT_EQ(TestNormalizer().CompanyTokens("Zyxwv " + word + " Qvxz"),
                  (std::vector<std::string>{"zyxwv", "qvxz"}))
            << word;
      });
  EXPECT_GT(stopwords, 300u);
}

TEST(CompanyNameTest, TokensDropGenericWords) {
  EXPECT_EQ(TestNormalizer().CompanyTokens("ACME Deutschland Holding GmbH"),
            (std::vector<std::string>{"acme"}));
  EXPECT_TRUE(TestNormalizer().CompanyTokens("").empty());
  // An abbreviation is generic as its word is: "Intl" as "International",
  // "Labs" as "Laboratories"; "Cntr" is "Center" (generic).
  for (const char* name : {"Acme Intl Labs", "Acme International Laboratories",
                           "Acme Cntr", "Acme Center"}) {
    EXPECT_EQ(TestNormalizer().CompanyTokens(name), (std::vector<std::string>{"acme"})) << name;
  }
  EXPECT_EQ(TestNormalizer().CompanyTokens("St. Jude Medical"),
            TestNormalizer().CompanyTokens("Saint Jude Medical"));
}

}  // namespace
}  // namespace leadroute
