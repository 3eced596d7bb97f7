#include "cli/import_csv.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "leadroute/party.h"
#include "protocol/json_writer.h"

namespace leadroute::cli {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

constexpr std::string_view kTextColumns[] = {
    "id",     "company",     "domain", "email",  "first_name",    "last_name",  "phone",
    "street", "city",        "postal_code",      "region",        "country",    "status",
    "registered_at",         "expires_at",       "birth_date"};

}  // namespace

Result<OpportunityCsv> OpportunityCsv::FromHeader(const std::vector<json::CsvCell>& header,
                                                  std::vector<std::string>* ignored) {
  OpportunityCsv out;
  for (const json::CsvCell& cell : header) {
    const std::string_view written = json::TrimCell(cell.text);
    const std::string name = Lower(written);
    Column column{Kind::kIgnored, name};
    for (std::string_view text : kTextColumns) {
      if (name == text) column.kind = Kind::kText;
    }
    if (name == "owner.kind") column.kind = Kind::kOwnerKind;
    if (name == "owner.id") column.kind = Kind::kOwnerId;
    if (name == "products") column.kind = Kind::kProducts;
    if (name == "amount") column.kind = Kind::kAmount;
    if (name.starts_with("ids.")) {
      column.kind = Kind::kId;
      column.name = name.substr(4);
      if (!IsPartyIdType(column.name)) {
        return Status::InvalidArgument("column \"" + json::Printable(written) +
                                       "\": an identifier's type is 1 to 32 letters, digits or _");
      }
    }
    if (column.kind == Kind::kIgnored) {
      if (!name.empty()) ignored->push_back(json::Printable(written));
    } else {
      for (const Column& before : out.columns_) {
        if (before.kind == column.kind && before.name == column.name) {
          return Status::InvalidArgument("column \"" + json::Printable(written) +
                                         "\" named twice");
        }
      }
    }
    out.columns_.push_back(std::move(column));
  }
  const bool has_id = std::any_of(out.columns_.begin(), out.columns_.end(), [](const Column& c) {
    return c.kind == Kind::kText && c.name == "id";
  });
  if (!has_id) return Status::InvalidArgument("no id column (the first record names the columns)");
  return out;
}

Status OpportunityCsv::ToJson(const std::vector<json::CsvCell>& cells, std::string* out,
                              std::string* id, std::size_t* column) const {
  out->clear();
  id->clear();
  protocol::JsonWriter w(out);
  w.BeginObject();
  bool owner = false, ids = false;
  auto fail = [&](std::size_t c, std::string_view message) {
    *column = c;
    const std::string field = columns_[c].kind == Kind::kId ? "ids." + columns_[c].name
                              : columns_[c].kind == Kind::kOwnerKind ? "owner.kind"
                              : columns_[c].kind == Kind::kOwnerId   ? "owner.id"
                                                                     : columns_[c].name;
    return Status::InvalidArgument(std::string(message), field);
  };
  for (std::size_t c = 0; c < cells.size() && c < columns_.size(); ++c) {
    const Column& col = columns_[c];
    const std::string_view value = json::CellValue(cells[c]);
    if (col.kind == Kind::kIgnored || value.empty()) continue;
    if (!simdjson::validate_utf8(value.data(), value.size())) return fail(c, "not valid UTF-8");
    switch (col.kind) {
      case Kind::kText:
        w.Field(col.name, value);
        if (col.name == "id") id->assign(value);
        break;
      case Kind::kOwnerKind:
      case Kind::kOwnerId:
        owner = true;
        break;
      case Kind::kId:
        ids = true;
        break;
      case Kind::kProducts: {
        w.Key("products");
        w.BeginArray();
        std::string_view rest = value;
        while (!rest.empty()) {
          const std::size_t semi = std::min(rest.find(';'), rest.size());
          if (const std::string_view item = json::TrimCell(rest.substr(0, semi)); !item.empty()) {
            w.String(item);
          }
          rest.remove_prefix(std::min(semi + 1, rest.size()));
        }
        w.EndArray();
        break;
      }
      case Kind::kAmount: {
        std::string_view number = value;
        if (number.size() > 1 && number.front() == '+' && number[1] != '-') number.remove_prefix(1);
        double d = 0;
        const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), d);
        if (ec != std::errc() || ptr != number.data() + number.size() || !std::isfinite(d)) {
          return fail(c, "not a number");
        }
        w.Field("amount", d);
        break;
      }
      case Kind::kIgnored:
        break;
    }
  }
  // The nested objects, from their columns.
  for (bool nested_owner : {true, false}) {
    if (nested_owner ? !owner : !ids) continue;
    w.Key(nested_owner ? "owner" : "ids");
    w.BeginObject();
    for (std::size_t c = 0; c < cells.size() && c < columns_.size(); ++c) {
      const Column& col = columns_[c];
      const std::string_view value = json::CellValue(cells[c]);
      if (value.empty()) continue;
      if (nested_owner && col.kind == Kind::kOwnerKind) w.Field("kind", value);
      if (nested_owner && col.kind == Kind::kOwnerId) w.Field("id", value);
      if (!nested_owner && col.kind == Kind::kId) w.Field(col.name, value);
    }
    w.EndObject();
  }
  w.EndObject();
  return Status::Ok();
}

}  // namespace leadroute::cli
