// Record: an opportunity packed into one contiguous run of bytes (the raw
// fields for get_opportunity and the features for scoring), and RecordView
// to read it.
#ifndef LEADROUTE_INDEX_RECORD_H_
#define LEADROUTE_INDEX_RECORD_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "index/features.h"
#include "leadroute/opportunity.h"

namespace leadroute::index {

// Field order inside a packed record.
enum Field : std::uint8_t {
  // Raw, as received.
  kId,
  kCompany,
  kDomain,
  kEmail,
  kFirstName,
  kLastName,
  kPhone,
  kStreet,
  kCity,
  kPostalCode,
  kRegion,
  kCountry,
  kProducts,  // joined by '\x1f'
  // Features.
  kFCompany,
  kFAcronym,
  kFTokens,
  kFDomain,
  kFEmail,
  kFPhone,
  kFGiven,
  kFSurname,
  kFStreet,
  kFNumber,
  kFPostal,
  kFCity,
  kFCountry,
  // Binary: 8 bytes each, absent when unknown.
  kRegisteredAt,  // int64 seconds since the epoch
  kAmount,        // double
  // Added after the others, so that records packed before keep their
  // meaning: raw "type\x1evalue" joined by '\x1f', in the order given,
  // and the feature (Features::ids).
  kIds,
  kFIds,
  // "YYYY-MM-DD": raw and feature alike (Party::birth_date).
  kBirthDate,
  kFieldCount,
};
static_assert(kFieldCount <= 31, "the presence bitmap is 32 bits, its top one a flag");

// The features scoring reads, as bits (1 << field).
inline constexpr std::uint32_t kFeatureBits =
    (1u << kFCompany) | (1u << kFDomain) | (1u << kFEmail) | (1u << kFPhone) |
    (1u << kFGiven) | (1u << kFSurname) | (1u << kFStreet) | (1u << kFNumber) |
    (1u << kFPostal) | (1u << kFCity) | (1u << kFCountry) | (1u << kFIds) |
    (1u << kBirthDate);

// kFeatureBits of the features `f` gives (RecordView::FieldBits numbers a
// stored record's alike).
std::uint32_t FeatureBits(const Features& f);

// Largest packed record; Pack refuses larger ones.
inline constexpr std::size_t kMaxRecordBytes = 60000;

// The packed bytes, into *out: a 32-bit bitmap of the fields stored (its top
// bit set: the record may hold references, below), a 32-bit bitmap of the
// features equal to their raw field (stored once, as the raw field: a
// canonical email or a registrable domain often is) and of the raw fields
// spelled from their feature (company, first and last name: "Acme Systems
// GmbH" is "acme systems" capitalized, then " GmbH", which alone is
// stored), the 16-bit offset of the data, one length per stored field in
// field order (one byte up to 253; 255 and two more bytes above; 254, an
// offset byte and a length byte for a feature found among the data's first
// 256 bytes, such as a company's significant words within its key or a
// given name within the email), then the fields' bytes. Records without
// the top bit (earlier builds') read 254 as a length. A typical record's
// header is ~25 bytes. False when the fields exceed kMaxRecordBytes.
bool Pack(const Opportunity& opp, const Features& f, std::string* out);

class RecordView {
 public:
  explicit RecordView(const char* packed) : p_(packed) {}
  // A field's bytes as stored: for kCompany, kFirstName and kLastName,
  // which may be spelled from their features, use Raw().
  std::string_view Get(Field field) const;
  // A raw field as received.
  std::string Raw(Field field) const;
  // Whether `bytes` are exactly one well-formed packed record (a check of
  // bytes read back from a file before they are viewed).
  static bool Valid(std::string_view bytes);
  // Bytes the record occupies.
  std::size_t size() const;
  std::int64_t registered_at() const;
  // A bit (1 << field) for each field the record holds, feature or raw,
  // stored or spelled from another: FeatureBits(f) numbers a deal's
  // features alike. kFeatureBits masks the features.
  std::uint32_t FieldBits() const;
  std::optional<double> amount() const;

  // The features, as Features would hold them (string_views into the record).
  struct FeatureView {
    std::string_view company, acronym, tokens, domain, email, phone, given,
        surname, street, number, postal, city, country, ids, birth_date;
    // The raw names' stored bytes (all of a raw name, or what follows the
    // part its feature spells): where a generational suffix is read.
    std::string_view first_name, last_name;
    bool has_person() const { return !given.empty() && !surname.empty(); }
  };
  FeatureView features() const;

 private:
  // All fields at once.
  void Fields(std::string_view* out) const;
  const char* p_;
};

}  // namespace leadroute::index

#endif  // LEADROUTE_INDEX_RECORD_H_
