#include <gtest/gtest.h>

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

}  // namespace
}  // namespace leadroute
