// Table-driven tests: rows of tab-separated columns read from
// tests/normalize/cases/*.tsv, `#` comments and blank lines skipped.
#ifndef LEADROUTE_TESTS_NORMALIZE_TABLE_H_
#define LEADROUTE_TESTS_NORMALIZE_TABLE_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "leadroute/normalizer.h"

namespace leadroute::testing {

struct Row {
  int line;
  std::vector<std::string> cols;  // missing trailing columns are ""
};

// Rows of cases/<name>, each padded to `columns` columns. Fails the test
// (and returns nothing) when the file cannot be read.
std::vector<Row> ReadTable(const std::string& name, std::size_t columns);

// "-" in a table means "no key".
inline bool IsNone(const std::string& s) { return s == "-"; }

// Expects `got` to be the key `want`, or no key when want is "-".
inline void ExpectKey(const std::optional<std::string>& got,
                      const std::string& want) {
  if (IsNone(want)) {
    EXPECT_FALSE(got.has_value()) << *got;
  } else {
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, want);
  }
}

// The process-wide Normalizer for tests.
const Normalizer& TestNormalizer();

}  // namespace leadroute::testing

#endif  // LEADROUTE_TESTS_NORMALIZE_TABLE_H_
