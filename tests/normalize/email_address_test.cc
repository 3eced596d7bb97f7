#include <gtest/gtest.h>

#include <string>

#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::IsNone;
using testing::ReadTable;
using testing::TestNormalizer;

// cases/email.tsv: address, mailbox ("-" for none), company domain ("-" for
// none), "freemail" or "corporate".
TEST(EmailAddressTest, Table) {
  auto rows = ReadTable("email.tsv", 4);
  ASSERT_GT(rows.size(), 100u);
  for (const auto& row : rows) {
    SCOPED_TRACE("email.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    auto key = TestNormalizer().Email(row.cols[0]);
    if (IsNone(row.cols[1])) {
      EXPECT_FALSE(key.has_value()) << key->mailbox;
      continue;
    }
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->mailbox, row.cols[1]);
    if (IsNone(row.cols[2])) {
      EXPECT_FALSE(key->domain.has_value()) << *key->domain;
    } else {
      ASSERT_TRUE(key->domain.has_value());
      EXPECT_EQ(*key->domain, row.cols[2]);
    }
    EXPECT_EQ(key->freemail, row.cols[3] == "freemail");
  }
}

// The host part of `address` as EmailAddress::Key reads it, or "".
std::string HostPart(std::string s) {
  auto trim = [](std::string t) {
    const auto b = t.find_first_not_of(" \t\r\n\f\v");
    if (b == std::string::npos) return std::string();
    return t.substr(b, t.find_last_not_of(" \t\r\n\f\v") - b + 1);
  };
  s = trim(s);
  if (const auto lt = s.rfind('<'); lt != std::string::npos) {
    const auto gt = s.find('>', lt);
    if (gt == std::string::npos) return "";
    s = trim(s.substr(lt + 1, gt - lt - 1));
  }
  const auto at = s.rfind('@');
  return at == std::string::npos ? "" : s.substr(at + 1);
}

// A party whose domain field is its email's host, byte for byte, reads
// that host once for both: the keys are those each field gives alone.
TEST(EmailAddressTest, AnEmailOnTheDomainsHostReadsAsAlone) {
  std::size_t shared = 0;
  for (const auto& row : ReadTable("email.tsv", 4)) {
    const std::string host = HostPart(row.cols[0]);
    if (host.empty()) continue;
    SCOPED_TRACE("email.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    Party party;
    party.email = row.cols[0];
    party.domain = host;
    const MatchKeys keys = TestNormalizer().Keys(party);
    const auto email = TestNormalizer().Email(row.cols[0]);
    ASSERT_EQ(keys.email.has_value(), email.has_value());
    const auto domain = TestNormalizer().Domain(host);
    if (email) {
      EXPECT_EQ(*keys.email, email->mailbox);
      EXPECT_EQ(keys.email_freemail, email->freemail);
      EXPECT_EQ(keys.domain, domain ? domain : email->domain);
    } else {
      EXPECT_EQ(keys.domain, domain);
    }
    shared += email.has_value() && domain.has_value();
  }
  EXPECT_GT(shared, 50u);
}

// A page on a social network names the customer: the website field's
// host and path ("facebook.com/contoso"), not the network (a review found
// two companies in conflict on "facebook.com"). The bare name, and mail
// on it, stay the network's own.
TEST(EmailAddressTest, APageOnASocialNetworkNamesItsOwner) {
  auto domain_of = [](std::string domain, std::string email = "") {
    Party party;
    party.domain = std::move(domain);
    party.email = std::move(email);
    return TestNormalizer().Keys(party).domain.value_or("-");
  };
  EXPECT_EQ(domain_of("facebook.com/contoso"), "facebook.com/contoso");
  EXPECT_EQ(domain_of("https://www.facebook.com/Contoso/?ref=bookmarks"), "facebook.com/contoso");
  EXPECT_EQ(domain_of("https://www.facebook.com/fabrikam"), "facebook.com/fabrikam");
  EXPECT_EQ(domain_of("https://www.linkedin.com/company/contoso/about/"),
            "linkedin.com/company/contoso");
  EXPECT_EQ(domain_of("https://sites.google.com/view/contoso"), "sites.google.com/view/contoso");
  EXPECT_EQ(domain_of("https://www.facebook.com/"), "facebook.com");
  EXPECT_EQ(domain_of("", "jane@facebook.com"), "facebook.com");
  EXPECT_EQ(domain_of("https://www.acme.de/en/contact"), "acme.de");
  // Paths that name no one's page, or only by a profile's id.
  EXPECT_EQ(domain_of("https://www.facebook.com/profile.php?id=100012345"),
            "facebook.com/profile.php?id=100012345");
  EXPECT_EQ(domain_of("https://www.facebook.com/profile.php"), "facebook.com");
  EXPECT_EQ(domain_of("https://sites.google.com/site/contoso/home"),
            "sites.google.com/site/contoso");
  EXPECT_EQ(domain_of("https://www.youtube.com/watch?v=abc"), "youtube.com");
  EXPECT_EQ(domain_of("https://www.linkedin.com/company/"), "linkedin.com");
  EXPECT_EQ(domain_of("https://www.facebook.com/pages/category/Restaurant/X-1"), "facebook.com");
  // A path with a control character or a space names no page.
  EXPECT_EQ(domain_of(std::string("facebook.com/con") + '\x01' + "toso"), "facebook.com");
  EXPECT_EQ(domain_of("facebook.com/con toso"), "facebook.com");
  // A tenant platform's own name, and mail on it, are its own.
  EXPECT_EQ(domain_of("", "jane@squarespace.com"), "squarespace.com");
}

}  // namespace
}  // namespace leadroute
