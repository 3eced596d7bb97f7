// OpportunityCsv: a CRM's CSV export read as the JSON records
// upsert_opportunities takes.
#include "cli/import_csv.h"

#include <gtest/gtest.h>

namespace leadroute::cli {
namespace {

std::vector<json::CsvCell> Record(std::string_view text) {
  json::CsvReader reader(text);
  std::vector<json::CsvCell> cells;
  json::CsvCell error_at;
  std::string error;
  std::size_t count = 0;
  EXPECT_TRUE(reader.Next(64, &cells, &count, &error_at, &error)) << error;
  return cells;
}

TEST(OpportunityCsvTest, ColumnsBecomeFieldsAndNestedObjects) {
  std::vector<std::string> ignored;
  auto csv = OpportunityCsv::FromHeader(
      Record("ID, Owner.Kind,owner.id,Company,Stage,products,Amount,ids.VAT,IDS.duns,Expires_At,"),
      &ignored);
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(csv->columns(), 11u);
  EXPECT_EQ(ignored, std::vector<std::string>{"Stage"});  // and the unnamed last one, silently

  std::string json, id;
  std::size_t column = 99;
  ASSERT_TRUE(csv->ToJson(Record(R"(o-1 ,direct,rep-7," ACME, Inc. ",Won,cloud; ; backup ,+12.5,DE 1,,2030-01-01T00:00:00Z,)"),
                          &json, &id, &column)
                  .ok());
  EXPECT_EQ(json,
            R"({"id":"o-1","company":" ACME, Inc. ","products":["cloud","backup"],"amount":12.5,)"
            R"("expires_at":"2030-01-01T00:00:00Z","owner":{"kind":"direct","id":"rep-7"},)"
            R"("ids":{"vat":"DE 1"}})");
  EXPECT_EQ(id, "o-1");
  // Empty cells are absent fields; no owner or ids cell, no such object.
  ASSERT_TRUE(csv->ToJson(Record("o-2,,,Globex,,,,,,,"), &json, &id, &column).ok());
  EXPECT_EQ(json, R"({"id":"o-2","company":"Globex"})");
}

TEST(OpportunityCsvTest, ADateOfBirthIsAPartyField) {
  std::vector<std::string> ignored;
  auto csv = OpportunityCsv::FromHeader(Record("id,First_Name,last_name,Birth_Date"), &ignored);
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_TRUE(ignored.empty());
  std::string json, id;
  std::size_t column = 99;
  ASSERT_TRUE(csv->ToJson(Record("o-1,Mary,Kusha,10/27/76"), &json, &id, &column).ok());
  EXPECT_EQ(json,
            R"({"id":"o-1","first_name":"Mary","last_name":"Kusha","birth_date":"10/27/76"})");
}

TEST(OpportunityCsvTest, BadCellsNameTheirColumn) {
  std::vector<std::string> ignored;
  auto csv = OpportunityCsv::FromHeader(Record("id,company,amount"), &ignored);
  ASSERT_TRUE(csv.ok());
  std::string json, id;
  std::size_t column = 99;
  Status s = csv->ToJson(Record("o-1,Acme,12x"), &json, &id, &column);
  EXPECT_EQ(s.field(), "amount");
  EXPECT_EQ(s.message(), "not a number");
  EXPECT_EQ(column, 2u);
  for (const char* amount : {"inf", "nan", "1e999", "--1", "+-1", "1,5"}) {
    std::string line = "o-1,Acme,\"";
    line.append(amount).append("\"");
    EXPECT_FALSE(csv->ToJson(Record(line), &json, &id, &column).ok()) << amount;
  }
  s = csv->ToJson(Record("o-1,Ac\xC3\x28me,1"), &json, &id, &column);
  EXPECT_EQ(s.field(), "company");
  EXPECT_EQ(s.message(), "not valid UTF-8");
  EXPECT_EQ(column, 1u);
}

TEST(OpportunityCsvTest, HeadersItRefuses) {
  std::vector<std::string> ignored;
  EXPECT_NE(OpportunityCsv::FromHeader(Record("company,country"), &ignored)
                .status()
                .message()
                .find("no id column"),
            std::string_view::npos);
  EXPECT_NE(OpportunityCsv::FromHeader(Record("id,Company,COMPANY"), &ignored)
                .status()
                .message()
                .find("\"COMPANY\" named twice"),
            std::string_view::npos);
  EXPECT_NE(OpportunityCsv::FromHeader(Record("id,ids.vat,IDS.VAT"), &ignored)
                .status()
                .message()
                .find("named twice"),
            std::string_view::npos);
  EXPECT_NE(OpportunityCsv::FromHeader(Record("id,ids.vat-no"), &ignored)
                .status()
                .message()
                .find("an identifier's type"),
            std::string_view::npos);
  EXPECT_FALSE(OpportunityCsv::FromHeader(Record("id,ids."), &ignored).ok());
}

}  // namespace
}  // namespace leadroute::cli
