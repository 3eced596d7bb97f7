#include "index/record.h"

#include <array>
#include <cstring>

namespace leadroute::index {

namespace {

constexpr unsigned char kLongLength = 255;
constexpr std::size_t kHeader = 10;  // present, same, data offset

// The raw field a feature may equal, or kFieldCount.
constexpr std::array<Field, kFieldCount> kRawOf = [] {
  std::array<Field, kFieldCount> raw{};
  raw.fill(kFieldCount);
  raw[kFCompany] = kCompany;
  raw[kFDomain] = kDomain;
  raw[kFEmail] = kEmail;
  raw[kFPhone] = kPhone;
  raw[kFGiven] = kFirstName;
  raw[kFSurname] = kLastName;
  raw[kFPostal] = kPostalCode;
  raw[kFCity] = kCity;
  raw[kFCountry] = kCountry;
  return raw;
}();

std::uint32_t ReadU32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// One stored field's length; advances *len past it.
std::size_t ReadLength(const unsigned char** len) {
  if (**len < kLongLength) return *(*len)++;
  std::uint16_t v;
  std::memcpy(&v, *len + 1, 2);
  *len += 3;
  return v;
}

std::uint16_t ReadU16(const char* p) {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

}  // namespace

bool Pack(const Opportunity& o, const Features& f, std::string* out) {
  std::string products;
  for (const auto& p : o.products) {
    if (!products.empty()) products.push_back('\x1f');
    products += p;
  }
  char registered[8], amount[8];
  std::memcpy(registered, &o.registered_at, 8);
  if (o.amount) std::memcpy(amount, &*o.amount, 8);
  const Party& y = o.party;
  std::array<std::string_view, kFieldCount> fields = {
      o.id,        y.company,     y.domain,       y.email,     y.first_name,
      y.last_name, y.phone,       y.street,       y.city,      y.postal_code,
      y.region,    y.country,     products,       f.company,   f.company_acronym,
      f.company_tokens, f.domain, f.email,        f.phone,     f.given,
      f.surname,   f.street,      f.number,       f.postal,    f.city,
      f.country,
      o.registered_at != 0 ? std::string_view(registered, 8) : std::string_view(),
      o.amount ? std::string_view(amount, 8) : std::string_view()};
  std::uint32_t present = 0, same = 0;
  std::size_t total = kHeader;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].empty()) continue;
    if (kRawOf[i] != kFieldCount && fields[i] == fields[kRawOf[i]]) {
      same |= 1u << i;
      fields[i] = {};
      continue;
    }
    present |= 1u << i;
    total += (fields[i].size() < kLongLength ? 1 : 3) + fields[i].size();
  }
  if (total > kMaxRecordBytes) return false;
  out->clear();
  out->reserve(total);
  out->append(reinterpret_cast<const char*>(&present), 4);
  out->append(reinterpret_cast<const char*>(&same), 4);
  out->append(2, '\0');  // the data offset, below
  for (std::string_view field : fields) {
    if (field.empty()) continue;
    if (field.size() < kLongLength) {
      out->push_back(static_cast<char>(field.size()));
    } else {
      const auto n = static_cast<std::uint16_t>(field.size());
      out->push_back(static_cast<char>(kLongLength));
      out->append(reinterpret_cast<const char*>(&n), 2);
    }
  }
  const auto data = static_cast<std::uint16_t>(out->size());
  std::memcpy(out->data() + 8, &data, 2);
  for (std::string_view field : fields) out->append(field);
  return true;
}

void RecordView::Fields(std::string_view* out) const {
  const std::uint32_t present = ReadU32(p_);
  const std::uint32_t same = ReadU32(p_ + 4);
  const unsigned char* len = reinterpret_cast<const unsigned char*>(p_ + kHeader);
  const char* data = p_ + ReadU16(p_ + 8);
  for (int i = 0; i < kFieldCount; ++i) {
    const std::size_t n = (present >> i) & 1u ? ReadLength(&len) : 0;
    out[i] = std::string_view(data, n);
    data += n;
  }
  for (int i = 0; i < kFieldCount; ++i) {
    if ((same >> i) & 1u) out[i] = out[kRawOf[i]];
  }
}

std::string_view RecordView::Get(Field field) const {
  const std::uint32_t present = ReadU32(p_);
  if ((ReadU32(p_ + 4) >> field) & 1u) field = kRawOf[field];
  if (((present >> field) & 1u) == 0) return {};
  // Only the lengths of the fields before it.
  const unsigned char* len = reinterpret_cast<const unsigned char*>(p_ + kHeader);
  std::size_t offset = ReadU16(p_ + 8);
  for (int i = 0;; ++i) {
    if (((present >> i) & 1u) == 0) continue;
    const std::size_t n = ReadLength(&len);
    if (i == field) return {p_ + offset, n};
    offset += n;
  }
}

bool RecordView::Valid(std::string_view b) {
  if (b.size() < kHeader || b.size() > kMaxRecordBytes) return false;
  const std::uint32_t present = ReadU32(b.data());
  const std::uint32_t same = ReadU32(b.data() + 4);
  constexpr std::uint32_t kAll = (1u << kFieldCount) - 1;
  if ((present & ~kAll) != 0 || (same & ~kAll) != 0 || (present & same) != 0) return false;
  std::size_t at = kHeader, total = 0;
  for (int i = 0; i < kFieldCount; ++i) {
    if ((same >> i) & 1u && kRawOf[i] == kFieldCount) return false;
    if (((present >> i) & 1u) == 0) continue;
    if (at >= b.size()) return false;
    std::size_t n = static_cast<unsigned char>(b[at++]);
    if (n == kLongLength) {
      if (at + 2 > b.size()) return false;
      n = ReadU16(b.data() + at);
      at += 2;
    }
    total += n;
  }
  return ReadU16(b.data() + 8) == at && at + total == b.size();
}

std::size_t RecordView::size() const {
  std::string_view all[kFieldCount];
  Fields(all);
  // Every field's view sits at its place in the data, absent ones empty
  // there, so the last one ends the record (kAmount is never a shared one).
  static_assert(kRawOf[kFieldCount - 1] == kFieldCount);
  return static_cast<std::size_t>(all[kFieldCount - 1].data() + all[kFieldCount - 1].size() - p_);
}

std::int64_t RecordView::registered_at() const {
  const std::string_view v = Get(kRegisteredAt);
  std::int64_t t = 0;
  if (v.size() == 8) std::memcpy(&t, v.data(), 8);
  return t;
}

std::optional<double> RecordView::amount() const {
  const std::string_view v = Get(kAmount);
  if (v.size() != 8) return std::nullopt;
  double d;
  std::memcpy(&d, v.data(), 8);
  return d;
}

RecordView::FeatureView RecordView::features() const {
  std::string_view f[kFieldCount];
  Fields(f);
  return {f[kFCompany], f[kFAcronym], f[kFTokens],  f[kFDomain],
          f[kFEmail],   f[kFPhone],   f[kFGiven],   f[kFSurname],
          f[kFStreet],  f[kFNumber],  f[kFPostal],  f[kFCity],
          f[kFCountry]};
}

}  // namespace leadroute::index
