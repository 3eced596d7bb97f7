#include <gtest/gtest.h>
#include <idn2.h>
#include <libpsl.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "normalize/domain_name.h"
#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::ReadTable;
using testing::TestNormalizer;

// cases/domain.tsv: URL/host/email, registrable domain ("-" for none).
TEST(DomainNameTest, Table) {
  auto rows = ReadTable("domain.tsv", 2);
  ASSERT_GT(rows.size(), 100u);
  for (const auto& row : rows) {
    SCOPED_TRACE("domain.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    auto key = TestNormalizer().Domain(row.cols[0]);
    testing::ExpectKey(key, row.cols[1]);
  }
}

// Each thread remembers its last few hosts' answers: the table read in
// every order (forwards, backwards, each row twice in a row) gives the same
// keys as it does once, for hosts with a key and without.
TEST(DomainNameTest, RememberedHostsAnswerAsTheFirstTime) {
  auto rows = ReadTable("domain.tsv", 2);
  ASSERT_GT(rows.size(), 100u);
  auto expect = [](const testing::Row& row) {
    SCOPED_TRACE("domain.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    testing::ExpectKey(TestNormalizer().Domain(row.cols[0]), row.cols[1]);
  };
  for (const auto& row : rows) {
    expect(row);
    expect(row);
  }
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) expect(*it);
  // A host seen as a domain, then in an email address, and the reverse.
  EXPECT_EQ(TestNormalizer().Domain("shop.acme.co.uk").value_or("-"), "acme.co.uk");
  auto email = TestNormalizer().Email("j.doe@shop.acme.co.uk");
  ASSERT_TRUE(email.has_value());
  EXPECT_EQ(email->domain.value_or("-"), "acme.co.uk");
  EXPECT_FALSE(TestNormalizer().Email("j.doe@example.invalidtld").has_value());
  EXPECT_FALSE(TestNormalizer().Domain("example.invalidtld").has_value());
  EXPECT_FALSE(TestNormalizer().Domain("co.uk").has_value());
  EXPECT_FALSE(TestNormalizer().Domain("co.uk").has_value());
}

// DomainName answers from its own shortcuts (names that are no rule's and
// under no wildcard are not asked of libpsl; each thread remembers which
// TLDs are listed): the same as libpsl asked in full, for every rule of the
// public suffix list (wildcards and exceptions and internationalized rules
// included), a name under it and one two levels down. Each host is asked
// twice, so the remembered answers are compared too.
TEST(DomainNameTest, AgreesWithLibpslOnEveryRule) {
  std::ifstream list("/usr/share/publicsuffix/public_suffix_list.dat");
  if (!list) GTEST_SKIP() << "the publicsuffix package is not installed";
  auto domains = normalize::DomainName::Create();
  ASSERT_TRUE(domains.ok());
  const psl_ctx_t* psl = psl_latest(nullptr);
  ASSERT_NE(psl, nullptr);
  std::vector<std::string> hosts;
  std::size_t internationalized = 0;
  std::string line;
  while (std::getline(list, line)) {
    if (line.empty() || line.starts_with("//")) continue;
    std::string rule = line.substr(0, line.find_first_of(" \t"));
    if (rule.starts_with("!")) rule.erase(0, 1);
    if (rule.starts_with("*.")) rule[0] = 'w';
    if (std::any_of(rule.begin(), rule.end(), [](char c) { return c & 0x80; })) {
      // Internationalized rules are listed in Unicode; hosts reach libpsl
      // as punycode (DomainName::Host converts them).
      char* ascii = nullptr;
      if (idn2_to_ascii_8z(rule.c_str(), &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) !=
              IDN2_OK ||
          ascii == nullptr) {
        idn2_free(ascii);
        continue;
      }
      rule = ascii;
      idn2_free(ascii);
      ++internationalized;
    }
    for (const std::string& h : {rule, "acme." + rule, "a.acme." + rule}) hosts.push_back(h);
  }
  ASSERT_GT(hosts.size(), 10000u);
  EXPECT_GT(internationalized, 100u);
  constexpr int kExplicit = PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE;
  std::size_t registrable = 0;
  for (const std::string& h : hosts) {
    SCOPED_TRACE(h);
    const std::size_t dot = h.rfind('.');
    const std::size_t second = dot == std::string::npos ? dot : h.rfind('.', dot - 1);
    const bool listed =
        dot != std::string::npos &&
        (psl_is_public_suffix2(psl, h.c_str() + dot + 1, kExplicit) ||
         psl_is_public_suffix2(psl, h.c_str() + (second == std::string::npos ? 0 : second + 1),
                               kExplicit));
    const char* reg = psl_registrable_domain(psl, h.c_str());
    registrable += reg != nullptr;
    for (int twice = 0; twice < 2; ++twice) {
      EXPECT_EQ((*domains)->Host(h).has_value(), listed);
      EXPECT_EQ((*domains)->Registrable(h).value_or("-"), reg ? reg : "-");
    }
  }
  // Both answers occur often.
  EXPECT_GT(registrable, hosts.size() / 3);
  EXPECT_LT(registrable, hosts.size() * 9 / 10);
  psl_free(const_cast<psl_ctx_t*>(psl));
}


// The parsing of Host() (authority cut out of a URL or email, lower-cased,
// labels checked) against a plain reading, byte by byte, on random
// URL-like text. The reference hands Host() only clean lower-case hosts,
// whose reading is the identity, for the public suffix check.
std::optional<std::string> ReferenceHost(const normalize::DomainName& domains,
                                         std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return std::nullopt;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.starts_with("mailto:") || s.starts_with("MAILTO:")) s.remove_prefix(7);
  if (auto scheme = s.find("://"); scheme != std::string_view::npos) {
    s.remove_prefix(scheme + 3);
  } else if (s.starts_with("//")) {
    s.remove_prefix(2);
  }
  const std::size_t end = s.find_first_of("/?#\\ \t");
  if (end != std::string_view::npos) s = s.substr(0, end);
  if (const std::size_t at = s.rfind('@'); at != std::string_view::npos) s.remove_prefix(at + 1);
  if (!s.empty() && s.front() == '[') return std::nullopt;
  if (const std::size_t colon = s.rfind(':'); colon != std::string_view::npos) {
    for (char c : s.substr(colon + 1)) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    s = s.substr(0, colon);
  }
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  while (!s.empty() && s.front() == '.') s.remove_prefix(1);
  if (s.empty() || s.size() > 253) return std::nullopt;
  std::string host;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return std::nullopt;
    host.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  }
  std::size_t label = 0;
  for (char c : host) {
    if (c == '.') {
      if (label == 0) return std::nullopt;
      label = 0;
    } else if (++label > 63) {
      return std::nullopt;
    }
  }
  if (label == 0) return std::nullopt;
  return domains.Host(host);
}

// A list read by the filter as libpsl reads it: rules after a carriage
// return or a form libpsl skips, wildcards and exceptions, a comment too
// long for libpsl's line buffer (its second piece becomes a rule there:
// the filter must then stand aside), names of nine labels and more (libpsl
// looks at the last nine only). Every host's registrable domain is
// libpsl's, loaded from the same text.
TEST(DomainNameTest, ListsAreReadAsLibpslReadsThem) {
  const std::string plain =
      "// ===BEGIN ICANN DOMAINS===\n"
      "com\nde\nuk\nco.uk\n*.ck\n!www.ck\n"
      "\rcr.example.com\n"
      "\t  tab.example.com  trailing words\n"
      "*.wild.example.com\n"
      "a.b.c.d.e.f.g.h.example.com\n"
      "*foo.example.com\n"
      "// ===END ICANN DOMAINS===\n";
  const std::string long_comment =
      plain + "// " + std::string(260, 'x') + " hidden.example.com\n";
  const std::vector<std::string> hosts = {
      "acme.de", "www.acme.de", "acme.co.uk", "co.uk", "x.acme.co.uk", "acme.ck", "www.ck",
      "a.www.ck", "cr.example.com", "x.cr.example.com", "tab.example.com", "x.tab.example.com",
      "trailing.example.com", "w.wild.example.com", "x.w.wild.example.com",
      "wild.example.com", "x.a.b.c.d.e.f.g.h.example.com", "a.b.c.d.e.f.g.h.example.com",
      "b.c.d.e.f.g.h.example.com", "p.q.r.s.t.u.v.w.x.y.z.com", "foo.example.com",
      "x.hidden.example.com", "hidden.example.com", "example.com"};
  for (const std::string& list : {plain, long_comment}) {
    SCOPED_TRACE(list.size());
    auto domains = normalize::DomainName::FromList(list);
    ASSERT_TRUE(domains.ok());
    std::string copy = list;
    std::FILE* f = ::fmemopen(copy.data(), copy.size(), "r");
    ASSERT_NE(f, nullptr);
    psl_ctx_t* psl = psl_load_fp(f);
    std::fclose(f);
    ASSERT_NE(psl, nullptr);
    // The long comment turns the filter off; the plain list keeps it.
    EXPECT_EQ((*domains)->filtered(), list == plain);
    for (const std::string& h : hosts) {
      SCOPED_TRACE(h);
      const char* reg = psl_registrable_domain(psl, h.c_str());
      EXPECT_EQ((*domains)->Registrable(h).value_or("-"), reg ? reg : "-");
    }
    psl_free(psl);
  }
}

// Each thread remembers libpsl's answers for the names the filter lets
// through, per list: under "*.ck", "x.ck" is a public suffix, unless an
// exception "!x.ck" says otherwise. Two such lists asked in turn on one
// thread: each answer is its own list's.
TEST(DomainNameTest, RememberedSuffixesAreTheirListsOwn) {
  // ("co.uk": a list without a name of two labels has no filter.)
  auto wild = normalize::DomainName::FromList("uk\nco.uk\nck\n*.ck\n");
  auto excepted = normalize::DomainName::FromList("uk\nco.uk\nck\n*.ck\n!x.ck\n");
  ASSERT_TRUE(wild.ok());
  ASSERT_TRUE(excepted.ok());
  ASSERT_TRUE((*wild)->filtered());
  ASSERT_TRUE((*excepted)->filtered());
  for (int i = 0; i < 12; ++i) {  // distinct hosts: no remembered host answers
    std::string host = "h";  // (not "h" + to_string(i): GCC 12's false -Wrestrict)
    host += std::to_string(i);
    host += ".x.ck";
    SCOPED_TRACE(host);
    EXPECT_EQ((*wild)->Registrable(host).value_or("-"), host);
    EXPECT_EQ((*excepted)->Registrable(host).value_or("-"), "x.ck");
  }
}

TEST(DomainNameTest, HostAgreesWithAPlainReading) {
  auto domains = normalize::DomainName::Create();
  ASSERT_TRUE(domains.ok());
  static constexpr std::string_view kPieces[] = {
      "acme", "ACME", "Acme-Corp", "de", "co.uk", "com", ".", ".", ".", "www", "a_b",
      "@", ":", ":8080", "/", "?q=1", "#x", "\\", " ", "\t", "https://", "//", "mailto:",
      "[", "1", "x", "-", "!", "%", std::string_view("\0", 1), "..", "j.doe+tag"};
  std::mt19937 rng(11);
  std::size_t hosts = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < n; ++k) text += kPieces[rng() % std::size(kPieces)];
    SCOPED_TRACE(text);
    const auto got = (*domains)->Host(text);
    ASSERT_EQ(got, ReferenceHost(**domains, text));
    hosts += got.has_value();
  }
  EXPECT_GT(hosts, 1000u);  // both answers occur
}

}  // namespace
}  // namespace leadroute
