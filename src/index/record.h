// Record: an opportunity packed into one allocation (the raw fields for
// get_opportunity and the features for scoring), and RecordView to read it.
#ifndef LEADROUTE_INDEX_RECORD_H_
#define LEADROUTE_INDEX_RECORD_H_

#include <cstdint>
#include <memory>
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
  kFSwapped,
  kFStreet,
  kFNumber,
  kFPostal,
  kFCity,
  kFCountry,
  kFieldCount,
};

// Largest packed record; Pack refuses larger ones.
inline constexpr std::size_t kMaxRecordBytes = 60000;

// The packed bytes: a table of kFieldCount + 1 little-endian uint16 offsets,
// then the field bytes. Null when the fields exceed kMaxRecordBytes.
std::unique_ptr<char[]> Pack(const Opportunity& opp, const Features& f);

class RecordView {
 public:
  explicit RecordView(const char* packed) : p_(packed) {}
  std::string_view Get(Field field) const;

  // The features, as Features would hold them (string_views into the record).
  struct FeatureView {
    std::string_view company, acronym, tokens, domain, email, phone, given,
        surname, swapped, street, number, postal, city, country;
    bool has_person() const { return !given.empty() && !surname.empty(); }
  };
  FeatureView features() const;

 private:
  const char* p_;
};

}  // namespace leadroute::index

#endif  // LEADROUTE_INDEX_RECORD_H_
