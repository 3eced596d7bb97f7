#include "index/record.h"

#include <array>
#include <cstring>

namespace leadroute::index {

namespace {
constexpr std::size_t kHeader = (kFieldCount + 1) * sizeof(std::uint16_t);

std::uint16_t ReadU16(const char* p) {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
}  // namespace

std::unique_ptr<char[]> Pack(const Opportunity& o, const Features& f) {
  std::string products;
  for (const auto& p : o.products) {
    if (!products.empty()) products.push_back('\x1f');
    products += p;
  }
  const Party& y = o.party;
  const std::array<std::string_view, kFieldCount> fields = {
      o.id,        y.company,     y.domain,       y.email,     y.first_name,
      y.last_name, y.phone,       y.street,       y.city,      y.postal_code,
      y.region,    y.country,     products,       f.company,   f.company_acronym,
      f.company_tokens, f.domain, f.email,        f.phone,     f.given,
      f.surname,   f.person_swapped, f.street,    f.number,    f.postal,
      f.city,      f.country};
  std::size_t total = kHeader;
  for (auto s : fields) total += s.size();
  if (total > kMaxRecordBytes) return nullptr;
  auto packed = std::make_unique<char[]>(total);
  std::uint16_t offset = kHeader;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::memcpy(packed.get() + i * 2, &offset, 2);
    std::memcpy(packed.get() + offset, fields[i].data(), fields[i].size());
    offset = static_cast<std::uint16_t>(offset + fields[i].size());
  }
  std::memcpy(packed.get() + kFieldCount * 2, &offset, 2);
  return packed;
}

std::string_view RecordView::Get(Field field) const {
  const std::uint16_t begin = ReadU16(p_ + field * 2);
  const std::uint16_t end = ReadU16(p_ + (field + 1) * 2);
  return {p_ + begin, static_cast<std::size_t>(end - begin)};
}

RecordView::FeatureView RecordView::features() const {
  return {Get(kFCompany), Get(kFAcronym), Get(kFTokens),  Get(kFDomain),
          Get(kFEmail),   Get(kFPhone),   Get(kFGiven),   Get(kFSurname),
          Get(kFSwapped), Get(kFStreet),  Get(kFNumber),  Get(kFPostal),
          Get(kFCity),    Get(kFCountry)};
}

}  // namespace leadroute::index
