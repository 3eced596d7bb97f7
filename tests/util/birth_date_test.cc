// ReadBirthDate: the spellings of a date of birth forms and exports use.
#include <gtest/gtest.h>

#include "leadroute/party.h"

namespace leadroute {
namespace {

std::string Read(std::string_view text, int this_year = 2026) {
  return ReadBirthDate(text, this_year).value_or("-");
}

TEST(BirthDateTest, ReadsTheCommonSpellings) {
  EXPECT_EQ(Read("1970-03-01"), "1970-03-01");
  EXPECT_EQ(Read("1970/3/1"), "1970-03-01");
  EXPECT_EQ(Read("19700301"), "1970-03-01");
  EXPECT_EQ(Read("1970-03-01T00:00:00Z"), "1970-03-01");
  EXPECT_EQ(Read("1970-03-01 00:00:00"), "1970-03-01");
  // Numbers: the month first, as US forms write it ...
  EXPECT_EQ(Read("3/1/1970"), "1970-03-01");
  EXPECT_EQ(Read("03-01-1970"), "1970-03-01");
  // ... unless the first cannot be a month, or dots separate them.
  EXPECT_EQ(Read("20/8/1991"), "1991-08-20");
  EXPECT_EQ(Read("1.3.1970"), "1970-03-01");
  EXPECT_EQ(Read("01.03.1970"), "1970-03-01");
  // A month's name, anywhere.
  EXPECT_EQ(Read("Mar 1 1970"), "1970-03-01");
  EXPECT_EQ(Read("March 1, 1970"), "1970-03-01");
  EXPECT_EQ(Read("1 March 1970"), "1970-03-01");
  EXPECT_EQ(Read("15-Mar-92"), "1992-03-15");
  EXPECT_EQ(Read("1970 Mar 1"), "1970-03-01");
  EXPECT_EQ(Read("sept 9 1999"), "1999-09-09");
  EXPECT_EQ(Read("24-MAY-11"), "2011-05-24");
}

TEST(BirthDateTest, TwoDigitYearsAreTheLatestNotToCome) {
  EXPECT_EQ(Read("2/4/31"), "1931-02-04");
  EXPECT_EQ(Read("8/2/06"), "2006-08-02");
  EXPECT_EQ(Read("1/1/26"), "2026-01-01");
  EXPECT_EQ(Read("1/1/27"), "1927-01-01");
  EXPECT_EQ(Read("1/1/27", 2027), "2027-01-01");
}

TEST(BirthDateTest, RefusesWhatIsNoDateOfBirth) {
  for (const char* text :
       {"", "1970", "3/1", "1970-13-01", "1970-02-29", "1970-00-10", "2/30/1970", "31/31/1970",
        "1/1/0999", "Mar 1", "Mar Apr 1970", "Ma 1 1970", "1970-03-01-02",
        "12345/1/1970", "1/123/1970", "1/1/197", "1970-03-01x", "3:1:1970", "next tuesday",
        "19700301000", "1970-03-01 garbage"}) {
    EXPECT_FALSE(ReadBirthDate(text, 2026).has_value()) << text;
  }
  EXPECT_EQ(Read("2/29/2000"), "2000-02-29");  // a leap year
  // Whatever today is: what was read once is read alike on a later day (a
  // journal's replay), a date to come (a typing error) too.
  EXPECT_EQ(Read("2099-01-01"), "2099-01-01");
  EXPECT_EQ(Read("1849-01-01", 2026), "1849-01-01");
  EXPECT_EQ(Read("1849-01-01", 2126), "1849-01-01");
  EXPECT_EQ(Read("1/1/2099", 2026), "2099-01-01");
  EXPECT_EQ(Read("2/29/1900"), "-");           // not one
}

TEST(BirthDateTest, IsoDates) {
  EXPECT_TRUE(IsIsoDate("1970-03-01"));
  EXPECT_TRUE(IsIsoDate("2000-02-29"));
  for (const char* text : {"1970-3-01", "1970/03/01", "1970-02-30", "0999-01-01", "1970-03-01 ",
                           "19700301", "1970-13-01"}) {
    EXPECT_FALSE(IsIsoDate(text)) << text;
  }
}

}  // namespace
}  // namespace leadroute
