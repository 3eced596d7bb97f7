#include "leadroute/party.h"

#include "util/field_path.h"

namespace leadroute {

bool IsPartyIdType(std::string_view type) {
  if (type.empty() || type.size() > kMaxPartyIdType) return false;
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool HasControlCharacter(std::string_view value) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

Status ValidatePartyIds(const std::vector<PartyId>& ids, std::string_view path) {
  const std::string at = FieldPath(path, "ids");
  if (ids.size() > kMaxPartyIds) {
    return Status::InvalidArgument(
        "too many identifiers (at most " + std::to_string(kMaxPartyIds) + ")", at);
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!IsPartyIdType(ids[i].type)) {
      return Status::InvalidArgument(
          "an identifier's type is 1 to 32 lower-case letters, digits or _",
          FieldPath(at, ids[i].type));
    }
    if (HasControlCharacter(ids[i].value)) {
      return Status::InvalidArgument("holds a control character", FieldPath(at, ids[i].type));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (ids[j].type == ids[i].type) {
        return Status::InvalidArgument("given twice", FieldPath(at, ids[i].type));
      }
    }
  }
  return Status::Ok();
}

}  // namespace leadroute
