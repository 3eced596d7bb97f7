#include "normalize/table.h"

#include <gtest/gtest.h>

#include <fstream>

namespace leadroute::testing {

std::vector<Row> ReadTable(const std::string& name, std::size_t columns) {
  std::vector<Row> rows;
  const std::string path =
      std::string(LEADROUTE_TEST_DATA) + "/normalize/cases/" + name;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return rows;
  }
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // A comment starts with '#' and has no tab; a row may start with '#'
    // ("#01-11, ..." as a street line).
    if (line.empty() || (line[0] == '#' && line.find('\t') == std::string::npos)) continue;
    Row row{n, {}};
    std::size_t start = 0;
    while (true) {
      auto tab = line.find('\t', start);
      row.cols.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    row.cols.resize(std::max(columns, row.cols.size()));
    rows.push_back(std::move(row));
  }
  return rows;
}

const Normalizer& TestNormalizer() {
  static const Normalizer* n = [] {
    auto made = Normalizer::Create();
    if (!made.ok()) std::abort();
    return made->release();
  }();
  return *n;
}

}  // namespace leadroute::testing
