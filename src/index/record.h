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
  kFieldCount,
};
static_assert(kFieldCount <= 32, "the presence bitmap is 32 bits");

// Largest packed record; Pack refuses larger ones.
inline constexpr std::size_t kMaxRecordBytes = 60000;

// The packed bytes, into *out: a 32-bit bitmap of the fields stored, a 32-bit
// bitmap of the features equal to their raw field (stored once, as the raw
// field: a canonical email or a registrable domain often is), the 16-bit
// offset of the data, one length per stored field in field order (one byte
// up to 254; 255 and two more bytes above), then the fields' bytes. A
// typical record's header is ~25 bytes. False when the fields exceed
// kMaxRecordBytes.
bool Pack(const Opportunity& opp, const Features& f, std::string* out);

class RecordView {
 public:
  explicit RecordView(const char* packed) : p_(packed) {}
  std::string_view Get(Field field) const;
  // Whether `bytes` are exactly one well-formed packed record (a check of
  // bytes read back from a file before they are viewed).
  static bool Valid(std::string_view bytes);
  // Bytes the record occupies.
  std::size_t size() const;
  std::int64_t registered_at() const;
  std::optional<double> amount() const;

  // The features, as Features would hold them (string_views into the record).
  struct FeatureView {
    std::string_view company, acronym, tokens, domain, email, phone, given,
        surname, street, number, postal, city, country;
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
