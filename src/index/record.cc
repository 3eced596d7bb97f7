#include "index/record.h"

#include <array>
#include <cstring>

namespace leadroute::index {

namespace {

constexpr unsigned char kLongLength = 255;

std::uint32_t ReadU32(const char* p) {
  std::uint32_t v;
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
  const std::array<std::string_view, kFieldCount> fields = {
      o.id,        y.company,     y.domain,       y.email,     y.first_name,
      y.last_name, y.phone,       y.street,       y.city,      y.postal_code,
      y.region,    y.country,     products,       f.company,   f.company_acronym,
      f.company_tokens, f.domain, f.email,        f.phone,     f.given,
      f.surname,   f.person_swapped, f.street,    f.number,    f.postal,
      f.city,      f.country,
      o.registered_at != 0 ? std::string_view(registered, 8) : std::string_view(),
      o.amount ? std::string_view(amount, 8) : std::string_view()};
  std::uint32_t present = 0;
  std::size_t total = 4;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].empty()) continue;
    present |= 1u << i;
    total += (fields[i].size() < kLongLength ? 1 : 3) + fields[i].size();
  }
  if (total > kMaxRecordBytes) return false;
  out->clear();
  out->reserve(total);
  out->append(reinterpret_cast<const char*>(&present), 4);
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
  for (std::string_view field : fields) out->append(field);
  return true;
}

void RecordView::Fields(std::string_view* out) const {
  const std::uint32_t present = ReadU32(p_);
  const unsigned char* len = reinterpret_cast<const unsigned char*>(p_ + 4);
  std::size_t lengths[kFieldCount] = {};
  for (int i = 0; i < kFieldCount; ++i) {
    if (((present >> i) & 1u) == 0) continue;
    if (*len < kLongLength) {
      lengths[i] = *len++;
    } else {
      std::uint16_t n;
      std::memcpy(&n, len + 1, 2);
      lengths[i] = n;
      len += 3;
    }
  }
  const char* data = reinterpret_cast<const char*>(len);
  for (int i = 0; i < kFieldCount; ++i) {
    out[i] = std::string_view(data, lengths[i]);
    data += lengths[i];
  }
}

std::string_view RecordView::Get(Field field) const {
  std::string_view all[kFieldCount];
  Fields(all);
  return all[field];
}

std::size_t RecordView::size() const {
  std::string_view all[kFieldCount];
  Fields(all);
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
          f[kFSwapped], f[kFStreet],  f[kFNumber],  f[kFPostal],
          f[kFCity],    f[kFCountry]};
}

}  // namespace leadroute::index
