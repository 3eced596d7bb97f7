// libphonenumber's compiled-in metadata: a serialized
// PhoneMetadataCollection. Exported by libphonenumber.so (generated
// metadata.cc) but not declared in an installed header.
#ifndef LEADROUTE_NORMALIZE_PHONE_METADATA_H_
#define LEADROUTE_NORMALIZE_PHONE_METADATA_H_

namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

#endif  // LEADROUTE_NORMALIZE_PHONE_METADATA_H_
