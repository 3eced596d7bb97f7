#include "index/record.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace leadroute::index {

namespace {

constexpr unsigned char kLongLength = 255;
// In a record flagged kRefs: a field whose bytes are some of the data's
// bytes before it, as [kRefLength][offset][length].
constexpr unsigned char kRefLength = 254;
constexpr std::uint32_t kRefs = 1u << 31;  // in the present bitmap
constexpr std::size_t kHeader = 10;  // present, same, data offset
// A feature is looked for among the bytes before it from this length on
// (a reference takes three bytes).
constexpr std::size_t kMinRef = 4;

// Features may be references; raw fields and binary ones may not.
constexpr bool IsFeature(int field) {
  return (field >= kFCompany && field < kRegisteredAt) || field == kFIds;
}

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

constexpr std::uint32_t kAllFields = (1u << kFieldCount) - 1;
// The features that may equal a raw field, as bits.
constexpr std::uint32_t kHasRaw = [] {
  std::uint32_t bits = 0;
  for (int i = 0; i < kFieldCount; ++i) bits |= kRawOf[i] != kFieldCount ? 1u << i : 0u;
  return bits;
}();

// The feature a raw field may be spelled from, its words capitalized
// ("Acme Systems" + " GmbH" from "acme systems"), or kFieldCount.
constexpr std::array<Field, kFieldCount> kFeatureOf = [] {
  std::array<Field, kFieldCount> feature{};
  feature.fill(kFieldCount);
  feature[kCompany] = kFCompany;
  feature[kFirstName] = kFGiven;
  feature[kLastName] = kFSurname;
  return feature;
}();

// Byte `c` of a capitalized text: an ASCII letter in upper case where it
// begins the text or follows a space (`start`).
char Capital(char c, bool start) {
  return start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// `text` capitalized (Capital()), into *out.
void Capitalize(std::string_view text, std::string* out) {
  out->assign(text);
  bool start = true;
  for (char& c : *out) {
    c = Capital(c, start);
    start = c == ' ';
  }
}

std::uint32_t ReadU32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

std::uint16_t ReadU16(const char* p) {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// One stored field's place: its bytes at `offset` in the data (a
// reference) or next in it; advances *len past its length bytes.
struct Stored {
  std::size_t length;
  bool ref;
  std::size_t offset;
};
Stored ReadStored(const unsigned char** len, bool refs) {
  const unsigned char b = **len;
  if (refs && b == kRefLength) {
    Stored s{(*len)[2], true, (*len)[1]};
    *len += 3;
    return s;
  }
  if (b < kLongLength) {
    ++*len;
    return {b, false, 0};
  }
  const std::uint16_t v = ReadU16(reinterpret_cast<const char*>(*len) + 1);
  *len += 3;
  return {v, false, 0};
}

// The raw fields that may be spelled from their feature (kFeatureOf).
constexpr Field kSpelledFields[] = {kCompany, kFirstName, kLastName};

// Whether `raw` begins with `feature` capitalized (Capitalize(), compared
// in place: Pack() asks it of most records).
bool BeginsCapitalized(std::string_view raw, std::string_view feature) {
  if (raw.size() < feature.size()) return false;
  bool start = true;
  for (std::size_t j = 0; j < feature.size(); ++j) {
    const char c = Capital(feature[j], start);
    if (raw[j] != c) return false;
    start = c == ' ';
  }
  return true;
}

// Bytes FindEarly() may read past the data's end.
constexpr std::size_t kSearchPadding = 16;

// Where `needle` (kMinRef bytes or more) first occurs in data[0, size),
// if it begins among the first 256 bytes (a reference's offset is one
// byte); else npos. `data` must be readable kSearchPadding bytes past
// `size`. What std::string::find() answered, at a fraction of its cost on
// a record's ~150 bytes: sixteen places at a time are tried by their first
// and last byte (SSE2), and only those that pass are compared whole.
std::size_t FindEarly(const char* data, std::size_t size, std::string_view needle) {
  const std::size_t k = needle.size();
  if (size < k) return std::string_view::npos;
  const std::size_t last = std::min<std::size_t>(size - k, 255);  // the last place tried
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(needle[0]);
  const __m128i final = _mm_set1_epi8(needle[k - 1]);
  for (std::size_t i = 0; i <= last; i += 16) {
    // (Reads up to data[last + k + 14], within the padding.)
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + k - 1));
    auto mask = static_cast<std::uint32_t>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, final))));
    if (last - i < 15) mask &= (2u << (last - i)) - 1;  // places past `last`: none
    for (; mask != 0; mask &= mask - 1) {
      const std::size_t at = i + static_cast<std::size_t>(std::countr_zero(mask));
      if (std::memcmp(data + at + 1, needle.data() + 1, k - 2) == 0) return at;
    }
  }
  return std::string_view::npos;
#else
  return std::string_view(data, last + k).find(needle);
#endif
}

}  // namespace

bool Pack(const Opportunity& o, const Features& f, std::string* out) {
  thread_local std::string products, ids;
  products.clear();
  for (const auto& p : o.products) {
    if (!products.empty()) products.push_back('\x1f');
    products += p;
  }
  ids.clear();
  for (const PartyId& id : o.party.ids) AppendId(&ids, id.type, id.value);
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
      o.amount ? std::string_view(amount, 8) : std::string_view(),
      ids,         f.ids,         f.birth_date};
  std::uint32_t present = kRefs, same = 0;
  // A raw field spelled from its feature keeps only what follows.
  for (const Field i : kSpelledFields) {
    const std::string_view feature = fields[kFeatureOf[i]];
    if (feature.empty() || feature == fields[i]) {
      continue;  // (a feature equal to its raw field is stored as that field)
    }
    if (BeginsCapitalized(fields[i], feature)) {
      same |= 1u << i;
      fields[i].remove_prefix(feature.size());
    }
  }
  // The data, in field order, written into `data` (room for all of it and
  // kSearchPadding more, which FindEarly() may read); the lengths, as they
  // will be written, into `lengths` (at most three bytes a field).
  std::size_t all = 0;
  for (const std::string_view field : fields) all += field.size();
  thread_local std::string buffer;
  if (buffer.size() < all + kSearchPadding) buffer.resize(all + kSearchPadding);
  char* const data = buffer.data();
  std::size_t data_size = 0;
  char lengths[kFieldCount * 3];
  std::size_t lengths_size = 0;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string_view field = fields[i];
    if (field.empty()) continue;
    if (kRawOf[i] != kFieldCount && field == fields[kRawOf[i]] &&
        ((same >> kRawOf[i]) & 1u) == 0) {
      same |= 1u << i;
      continue;
    }
    present |= 1u << i;
    if (IsFeature(static_cast<int>(i)) && field.size() >= kMinRef && field.size() < 256) {
      const std::size_t at = FindEarly(data, data_size, field);
      if (at != std::string_view::npos) {
        lengths[lengths_size++] = static_cast<char>(kRefLength);
        lengths[lengths_size++] = static_cast<char>(at);
        lengths[lengths_size++] = static_cast<char>(field.size());
        continue;
      }
    }
    if (kHeader + lengths_size + 3 + data_size + field.size() > kMaxRecordBytes) return false;
    if (field.size() < kRefLength) {
      lengths[lengths_size++] = static_cast<char>(field.size());
    } else {
      const auto n = static_cast<std::uint16_t>(field.size());
      lengths[lengths_size++] = static_cast<char>(kLongLength);
      std::memcpy(lengths + lengths_size, &n, 2);
      lengths_size += 2;
    }
    std::memcpy(data + data_size, field.data(), field.size());
    data_size += field.size();
  }
  // References count too (they may follow the last field checked above).
  if (kHeader + lengths_size + data_size > kMaxRecordBytes) return false;
  char header[kHeader];
  std::memcpy(header, &present, 4);
  std::memcpy(header + 4, &same, 4);
  const auto offset = static_cast<std::uint16_t>(kHeader + lengths_size);
  std::memcpy(header + 8, &offset, 2);
  out->clear();
  out->reserve(kHeader + lengths_size + data_size);
  out->append(header, kHeader);
  out->append(lengths, lengths_size);
  out->append(data, data_size);
  return true;
}

void RecordView::Fields(std::string_view* out) const {
  const std::uint32_t present = ReadU32(p_);
  const std::uint32_t same = ReadU32(p_ + 4);
  const bool refs = (present & kRefs) != 0;
  const unsigned char* len = reinterpret_cast<const unsigned char*>(p_ + kHeader);
  const char* const begin = p_ + ReadU16(p_ + 8);
  const char* data = begin;
  std::fill(out, out + kFieldCount, std::string_view());
  // The present fields only, in order (a record holds a third of them).
  for (std::uint32_t bits = present & kAllFields; bits != 0; bits &= bits - 1) {
    const int i = std::countr_zero(bits);
    const Stored s = ReadStored(&len, refs);
    if (s.ref) {
      out[i] = std::string_view(begin + s.offset, s.length);
    } else {
      out[i] = std::string_view(data, s.length);
      data += s.length;
    }
  }
  for (std::uint32_t bits = same & kHasRaw; bits != 0; bits &= bits - 1) {
    const int i = std::countr_zero(bits);
    out[i] = out[kRawOf[i]];
  }
}

std::string_view RecordView::Get(Field field) const {
  const std::uint32_t present = ReadU32(p_);
  if ((ReadU32(p_ + 4) >> field) & 1u && kRawOf[field] != kFieldCount) field = kRawOf[field];
  if (((present >> field) & 1u) == 0) return {};
  const bool refs = (present & kRefs) != 0;
  // Only the lengths of the present fields before it.
  const unsigned char* len = reinterpret_cast<const unsigned char*>(p_ + kHeader);
  const std::size_t begin = ReadU16(p_ + 8);
  std::size_t offset = begin;
  for (std::uint32_t bits = present & ((1u << field) - 1); bits != 0; bits &= bits - 1) {
    const Stored s = ReadStored(&len, refs);
    if (!s.ref) offset += s.length;
  }
  const Stored s = ReadStored(&len, refs);
  return {p_ + (s.ref ? begin + s.offset : offset), s.length};
}

std::string RecordView::Raw(Field field) const {
  const std::string_view stored = Get(field);
  if (kFeatureOf[field] == kFieldCount || ((ReadU32(p_ + 4) >> field) & 1u) == 0) {
    return std::string(stored);
  }
  std::string raw;
  Capitalize(Get(kFeatureOf[field]), &raw);
  raw.append(stored);
  return raw;
}

bool RecordView::Valid(std::string_view b) {
  if (b.size() < kHeader || b.size() > kMaxRecordBytes) return false;
  const std::uint32_t present = ReadU32(b.data());
  const std::uint32_t same = ReadU32(b.data() + 4);
  const bool refs = (present & kRefs) != 0;
  constexpr std::uint32_t kAll = (1u << kFieldCount) - 1;
  if ((present & ~(kAll | kRefs)) != 0 || (same & ~kAll) != 0) return false;
  std::size_t at = kHeader, total = 0;
  struct Ref {
    std::size_t offset, length;
  };
  std::array<Ref, kFieldCount> ref_of{};
  std::size_t ref_count = 0;
  for (int i = 0; i < kFieldCount; ++i) {
    const bool is_present = (present >> i) & 1u;
    if ((same >> i) & 1u) {
      if (kRawOf[i] != kFieldCount) {
        // Stored once, as its raw field, which must be stored as itself.
        if (is_present || ((same >> kRawOf[i]) & 1u)) return false;
      } else if (kFeatureOf[i] != kFieldCount) {
        // Spelled from its feature, which must be stored (not as this field).
        if (((present >> kFeatureOf[i]) & 1u) == 0) return false;
      } else {
        return false;
      }
    }
    if (!is_present) continue;
    if (at >= b.size()) return false;
    std::size_t n = static_cast<unsigned char>(b[at++]);
    if (refs && n == kRefLength) {
      if (!IsFeature(i) || at + 2 > b.size()) return false;
      ref_of[ref_count++] = {static_cast<unsigned char>(b[at]),
                             static_cast<unsigned char>(b[at + 1])};
      at += 2;
      continue;
    }
    if (n == kLongLength) {
      if (at + 2 > b.size()) return false;
      n = ReadU16(b.data() + at);
      at += 2;
    }
    total += n;
  }
  if (ReadU16(b.data() + 8) != at || at + total != b.size()) return false;
  for (std::size_t r = 0; r < ref_count; ++r) {
    if (ref_of[r].offset + ref_of[r].length > total) return false;
  }
  return true;
}

std::size_t RecordView::size() const {
  std::string_view all[kFieldCount];
  Fields(all);
  // Every field's view lies in the data (a reference or a shared field
  // inside it, an absent one empty at its place), so the furthest end
  // ends the record.
  const char* end = p_ + ReadU16(p_ + 8);
  for (const std::string_view& f : all) end = std::max(end, f.data() + f.size());
  return static_cast<std::size_t>(end - p_);
}

std::uint32_t RecordView::FieldBits() const {
  // A field is stored (present), or it equals or spells another (same).
  return (ReadU32(p_) | ReadU32(p_ + 4)) & ~kRefs;
}

std::uint32_t FeatureBits(const Features& f) {
  const auto bit = [](const std::string& value, Field field) {
    return value.empty() ? 0u : 1u << field;
  };
  return bit(f.company, kFCompany) | bit(f.domain, kFDomain) | bit(f.email, kFEmail) |
         bit(f.phone, kFPhone) | bit(f.given, kFGiven) | bit(f.surname, kFSurname) |
         bit(f.street, kFStreet) | bit(f.number, kFNumber) | bit(f.postal, kFPostal) |
         bit(f.city, kFCity) | bit(f.country, kFCountry) | bit(f.ids, kFIds) |
         bit(f.birth_date, kBirthDate);
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
          f[kFCountry], f[kFIds],     f[kBirthDate], f[kFirstName], f[kLastName]};
}

}  // namespace leadroute::index
