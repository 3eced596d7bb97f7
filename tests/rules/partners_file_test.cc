// Partners files: JSON Lines and CSV read into the same partners, and every
// bad CSV cell reported at its FILE:LINE:COL.
#include "rules/partners_file.h"

#include "json/lines.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leadroute::rules {
namespace {

struct Parsed {
  Status status;
  std::vector<Partner> partners;
  std::vector<PartnerSource> sources;
};

Parsed Csv(std::string_view text) {
  Parsed p;
  p.status = ParsePartnersCsv(text, "partners.csv", &p.partners, &p.sources);
  return p;
}

std::string Errors(std::string_view text) {
  const Parsed p = Csv(text);
  EXPECT_FALSE(p.status.ok());
  EXPECT_EQ(p.partners.size(), p.sources.size());
  return std::string(p.status.message());
}

// A partners.jsonl key that is no partner field loads (as on the wire,
// unknown fields are ignored) but is named as a warning where it stands: a
// misspelt "territory" routed the partner nothing, and lint said nothing
// (found in an audit).
TEST(PartnersJsonlTest, UnknownKeysAreWarnedOfWhereTheyStand) {
  const std::string jsonl =
      "{\"id\":\"p-1\",\"territories\":[\"DE\"]}\n"
      "{\"id\":\"p-2\",\"territory\":[\"DE\"],\"notes\":\"x\"}\n";
  std::vector<Partner> partners;
  std::vector<PartnerSource> sources;
  std::vector<std::string> warnings;
  ASSERT_TRUE(ParsePartnersJsonl(jsonl, "partners.jsonl", &partners, &sources, &warnings).ok());
  ASSERT_EQ(partners.size(), 2u);
  EXPECT_TRUE(partners[1].territories.empty());
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0], "partners.jsonl:2:13: warning: partner.territory: unknown key, ignored");
  EXPECT_EQ(warnings[1], "partners.jsonl:2:32: warning: partner.notes: unknown key, ignored");
  // Without the list, nothing is said.
  partners.clear();
  sources.clear();
  ASSERT_TRUE(ParsePartnersJsonl(jsonl, "partners.jsonl", &partners, &sources).ok());
  EXPECT_EQ(partners.size(), 2u);
  // Each warning is one line (a key's control characters escaped), and the
  // first 100 are told, the rest counted (from review).
  std::string many = "{\"id\":\"p-0\",\"bad\\nkey\":1}\n";
  for (int i = 1; i < 150; ++i) many += "{\"id\":\"p-" + std::to_string(i) + "\",\"x\":1}\n";
  partners.clear();
  sources.clear();
  warnings.clear();
  ASSERT_TRUE(ParsePartnersJsonl(many, "partners.jsonl", &partners, &sources, &warnings).ok());
  ASSERT_EQ(warnings.size(), 101u);
  EXPECT_EQ(warnings[0].find('\n'), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("partner.bad\\x0akey"), std::string::npos) << warnings[0];
  EXPECT_EQ(warnings.back(), "partners.jsonl: warning: 50 more unknown keys");
}

// Regression: a file beginning with a byte order mark (as some Windows
// tools write UTF-8) was "not valid JSON" on its first line; CSV read it.
// The column of a field is its key's, at the top of the record (or in the
// object a dotted path names), not the first place its name is written
// (regression: a value "tier" or a nested "tier" key took it).
TEST(PartnersJsonlTest, AFieldsColumnIsItsKeys) {
  const std::string a = R"({"id":"a","name":"tier","tier":"diamond"})";
  EXPECT_EQ(json::FieldColumn(a, "tier"), a.find(R"("tier":)") + 1);
  EXPECT_EQ(a.find(R"("tier":)") + 1, 25u);
  const std::string d = R"({"id":"d","performance":{"tier":1},"tier":"diamond"})";
  EXPECT_EQ(json::FieldColumn(d, "tier"), 36u);
  EXPECT_EQ(json::FieldColumn(d, "performance.tier"), 26u);
  EXPECT_EQ(json::FieldColumn(d, "performance"), 11u);
  const std::string t = R"({"territories" : ["x\"tier\":", "DE"], "tier" :"gold"})";
  EXPECT_EQ(json::FieldColumn(t, "territories[1]"), 2u);
  EXPECT_EQ(json::FieldColumn(t, "tier"), t.find(R"("tier" :)") + 1);
  EXPECT_EQ(json::FieldColumn(t, "nowhere"), 1u);
  EXPECT_EQ(json::FieldColumn("not json", "tier"), 1u);
}

TEST(PartnersJsonlTest, AByteOrderMarkIsReadPast) {
  std::vector<Partner> partners;
  std::vector<PartnerSource> sources;
  const Status s = ParsePartnersJsonl("\xEF\xBB\xBF{\"id\":\"p-1\"}\n{\"id\":\"p-2\"}\n",
                                      "partners.jsonl", &partners, &sources);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(partners.size(), 2u);
  EXPECT_EQ(partners[0].id, "p-1");
}

TEST(PartnersCsvTest, ReadsEveryColumnAsJsonLinesWould) {
  const std::string csv =
      "\xEF\xBB\xBFId,Name,Tier,Active,Capacity,Weight,Territories,Accounts,Products,"
      "Certifications,Industries,Languages,Performance.Win_Rate,performance.avg_response_hours\r\n"
      "p-1,\"Acme IT, Munich\",Gold,yes,25,1.5,DE; AT ;US:941,acme.de,cloud;backup,"
      "cloud-pro,health,de;en,0.4,6\r\n"
      "p-2,\"Say \"\"hi\"\"\",,false,,,,,,,,,,\r\n";
  const std::string jsonl =
      R"({"id":"p-1","name":"Acme IT, Munich","tier":"Gold","active":true,"capacity":25,)"
      R"("weight":1.5,"territories":["DE","AT","US:941"],"accounts":["acme.de"],)"
      R"("products":["cloud","backup"],"certifications":["cloud-pro"],"industries":["health"],)"
      R"("languages":["de","en"],"performance":{"Win_Rate":0.4,"avg_response_hours":6}})"
      "\n"
      R"({"id":"p-2","name":"Say \"hi\"","active":false})"
      "\n";
  const Parsed from_csv = Csv(csv);
  ASSERT_TRUE(from_csv.status.ok()) << from_csv.status.message();
  Parsed from_json;
  ASSERT_TRUE(ParsePartnersJsonl(jsonl, "partners.jsonl", &from_json.partners,
                                 &from_json.sources)
                  .ok());
  ASSERT_EQ(from_csv.partners.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const Partner& a = from_csv.partners[i];
    const Partner& b = from_json.partners[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.tier, b.tier);
    EXPECT_EQ(a.active, b.active);
    EXPECT_EQ(a.capacity, b.capacity);
    EXPECT_EQ(a.weight, b.weight);
    EXPECT_EQ(a.territories, b.territories);
    EXPECT_EQ(a.accounts, b.accounts);
    EXPECT_EQ(a.products, b.products);
    EXPECT_EQ(a.certifications, b.certifications);
    EXPECT_EQ(a.industries, b.industries);
    EXPECT_EQ(a.languages, b.languages);
    EXPECT_EQ(a.performance, b.performance) << i;
  }
  EXPECT_FALSE(from_csv.partners[1].capacity.has_value());
  EXPECT_EQ(from_csv.sources[1].line_no, 3u);
  // Positions of cells for later checks: the byte order mark is not a column.
  EXPECT_EQ(from_csv.sources[0].At("tier"), "partners.csv:2:23");
  EXPECT_EQ(from_csv.sources[0].At("performance"), "partners.csv:2:98");
  EXPECT_EQ(from_csv.sources[0].At("nothing"), "partners.csv:2:1");
  EXPECT_EQ(from_json.sources[0].At("tier"), "partners.jsonl:1:38");
}

TEST(PartnersCsvTest, QuotedCellsSpanLinesAndKeepTheirText) {
  const Parsed p = Csv(
      "id,name,products\n"
      "\n"
      "a, \"Line one\nline two\" ,x\n"
      ",,\n"
      "b,\"\",\"y;z\"\n"
      "c,plain \t,\"\"");  // no line end at the end
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  ASSERT_EQ(p.partners.size(), 3u);
  EXPECT_EQ(p.partners[0].name, "Line one\nline two");
  EXPECT_EQ(p.partners[1].name, "");
  EXPECT_EQ(p.partners[1].products, (std::vector<std::string>{"y", "z"}));
  EXPECT_EQ(p.partners[2].name, "plain");
  EXPECT_TRUE(p.partners[2].products.empty());
  // Lines count the line break inside the quoted cell and the blank rows.
  EXPECT_EQ(p.sources[0].line_no, 3u);
  EXPECT_EQ(p.sources[1].line_no, 6u);
  EXPECT_EQ(p.sources[2].line_no, 7u);
  EXPECT_EQ(p.sources[1].At("products"), "partners.csv:6:6");
}

TEST(PartnersCsvTest, EveryBadCellIsReportedWhereItBegins) {
  const std::string all = Errors(
      "id,capacity,active,weight,performance.win_rate,territories\n"
      "a,-1,maybe,1e999,high,DE\n"
      "b,4294967296,TRUE,x,0.5,\n"
      ",1,,,,\n"
      "c,1,1\n"
      "d,\"unclosed,1,1,1,1,1\n");
  EXPECT_NE(all.find("partners.csv:2:3: partner.capacity: must be a whole number from 0 to "
                     "4294967295"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("partners.csv:2:6: partner.active: must be true or false"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("partners.csv:2:12: partner.weight: must be a finite number"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("partners.csv:2:18: partner.performance.win_rate: must be a finite number"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("partners.csv:3:3: partner.capacity"), std::string::npos) << all;
  EXPECT_NE(all.find("partners.csv:3:19: partner.weight"), std::string::npos) << all;
  EXPECT_NE(all.find("partners.csv:4:1: partner.id: missing"), std::string::npos) << all;
  EXPECT_NE(all.find("partners.csv:5:1: 3 fields, the header has 6"), std::string::npos) << all;
  EXPECT_NE(all.find("partners.csv:6:3: unclosed quote"), std::string::npos) << all;
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 8) << all;
}

TEST(PartnersCsvTest, MalformedQuotingIsReportedAndTheRestStillRead) {
  const std::string all = Errors(
      "id,name\n"
      "a,say \"hi\"\n"
      "b,\"x\"y\n"
      "c,ok\n");
  EXPECT_NE(all.find("partners.csv:2:3: a quote inside an unquoted field"), std::string::npos)
      << all;
  EXPECT_NE(all.find("partners.csv:3:3: text after a closing quote"), std::string::npos) << all;
  EXPECT_EQ(all.find(":4:"), std::string::npos) << all;
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 1) << all;
}

TEST(PartnersCsvTest, NulBytesAreRefused) {
  static constexpr char kText[] = "id,name\nd,\"nul\0x\"\n";
  const std::string all = Errors(std::string_view(kText, sizeof kText - 1));
  EXPECT_NE(all.find("partners.csv:2:3: NUL byte"), std::string::npos) << all;
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 0) << all;
}

TEST(PartnersCsvTest, QuotedSpacesAndMetricNamesAreKeptAsWritten) {
  const Parsed p = Csv("id,name,performance.WinRate,capacity\n"
                       "a,\" spaced \",0.5,12.0\n"
                       "b,  trimmed\t,+0.25,1e3\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.partners[0].name, " spaced ");
  EXPECT_EQ(p.partners[1].name, "trimmed");
  ASSERT_NE(p.partners[0].Performance("WinRate"), nullptr);
  EXPECT_EQ(*p.partners[0].Performance("WinRate"), 0.5);
  EXPECT_EQ(*p.partners[1].Performance("WinRate"), 0.25);
  EXPECT_EQ(p.partners[0].capacity, 12u);  // whole numbers as JSON takes them
  EXPECT_EQ(p.partners[1].capacity, 1000u);
  EXPECT_EQ(p.sources[0].At("performance"), "partners.csv:2:14");
}

TEST(PartnersCsvTest, SignsLoneCarriageReturnsAndUnnamedColumns) {
  std::string all = Errors("id,weight,name\na,+-5,x\nb,1,x\ry\n");
  EXPECT_NE(all.find("partners.csv:2:3: partner.weight: must be a finite number"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("partners.csv:3:5: a carriage return without a line feed"),
            std::string::npos)
      << all;
  // A trailing comma makes an unnamed column: fine while its cells are empty.
  const Parsed p = Csv("id,name,\na,x,\nb,y, \n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.partners.size(), 2u);
  all = Errors("id,name,\na,x,oops\n");
  EXPECT_NE(all.find("partners.csv:2:5: a value in a column without a name"), std::string::npos)
      << all;
  // A semicolon-separated export says so.
  EXPECT_NE(Errors("id;name;tier\na;b;c\n").find("separated by commas, not semicolons"),
            std::string::npos);
}

TEST(PartnersCsvTest, BoundedOnJunk) {
  // A row of ten million commas: counted, not kept.
  std::string text = "id\n";
  text.append(10000000, ',');
  std::string all = Errors(text);
  EXPECT_NE(all.find("partners.csv:2:1: record too long (over 1 MiB)"), std::string::npos)
      << all.substr(0, 200);
  // A header of ten thousand columns: refused at once.
  text = "id";
  for (int i = 0; i < 10000; ++i) text.append(",performance.m").append(std::to_string(i));
  all = Errors(text + "\n");
  EXPECT_NE(all.find("partners.csv:1:1: 10001 columns (at most 76)"), std::string::npos)
      << all.substr(0, 200);
  // A hundred errors are listed, the rest counted.
  text = "id,capacity\n";
  for (int i = 0; i < 1000; ++i) text.append("p").append(std::to_string(i)).append(",x\n");
  all = Errors(text);
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 100) << all.substr(0, 200);
  EXPECT_NE(all.find("partners.csv: 900 more errors"), std::string::npos);
  // A missing id is reported beside the row's other errors.
  all = Errors("id,capacity\n ,x\n");
  EXPECT_NE(all.find("partners.csv:2:1: partner.id: missing"), std::string::npos) << all;
  EXPECT_NE(all.find("partners.csv:2:3: partner.capacity"), std::string::npos) << all;
}

TEST(PartnersCsvTest, HeaderProblems) {
  EXPECT_NE(Errors("").find("partners.csv:1:1: no header row"), std::string::npos);
  EXPECT_NE(Errors("\n , \n").find("partners.csv:1:1: no header row"), std::string::npos);
  std::string header = "\nname,territory,Name,performance.,performance.";
  header.append(65, 'x');
  header.append("\na,b,c,d,e\n");
  const std::string all = Errors(header);
  EXPECT_NE(all.find("partners.csv:2:6: unknown column \"territory\""), std::string::npos) << all;
  EXPECT_NE(all.find("partners.csv:2:16: column \"name\" named twice"), std::string::npos) << all;
  EXPECT_NE(all.find("partners.csv:2:21: unknown column \"performance.\""), std::string::npos)
      << all;
  EXPECT_NE(all.find("partners.csv:2:34: metric name too long"), std::string::npos) << all;
  EXPECT_NE(all.find("partners.csv:2:1: no id column"), std::string::npos) << all;
  std::string many = "id";
  for (int i = 0; i < 65; ++i) many += ",performance.m" + std::to_string(i);
  EXPECT_NE(Errors(many + "\n").find("partners.csv:1:1: more than 64 performance columns"),
            std::string::npos);
}

TEST(PartnersCsvTest, InvalidUtf8NamesItsLine) {
  EXPECT_NE(Errors("id,name\na,ok\nb,\xC3\x28\n").find("partners.csv:3:1: not valid UTF-8"),
            std::string::npos);
}

TEST(PartnersCsvTest, LongValuesAndListsAreRefused) {
  std::string many;
  for (int i = 0; i < 4097; ++i) many.append("p").append(std::to_string(i)).append(";");
  std::string text = "id,name,products\na,";
  text.append(1025, 'n').append(",").append(many).append("\n");
  const std::string all = Errors(text);
  EXPECT_NE(all.find("partners.csv:2:3: partner.name: too long (at most 1024 bytes)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("partners.csv:2:1029: partner.products: too many or too long entries"),
            std::string::npos)
      << all;
}

}  // namespace
}  // namespace leadroute::rules
