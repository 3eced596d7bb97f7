#include "json/decode.h"

#include "util/time.h"

#include <algorithm>

namespace leadroute::json {

bool SeenKeys::Add(std::string_view key) {
  for (std::size_t i = 0; i < count_ && i < kInline; ++i) {
    if (keys_[i] == key) return false;
  }
  if (std::find(more_.begin(), more_.end(), key) != more_.end()) return false;
  if (count_ < kInline) {
    keys_[count_] = key;
  } else {
    more_.push_back(key);
  }
  ++count_;
  return true;
}

Status GivenTwice(std::string_view path, std::string_view key) {
  return Status::InvalidArgument("given twice", FieldPath(path, key));
}

Status ReadString(od::value& v, std::string_view path, std::string* out,
                  std::size_t max_len) {
  od::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS) {
    return Status::InvalidArgument("malformed value", path);
  }
  if (type == od::json_type::null) {
    out->clear();
    return Status::Ok();
  }
  std::string_view s;
  if (type != od::json_type::string || v.get_string().get(s) != simdjson::SUCCESS) {
    return Status::InvalidArgument("must be a string", path);
  }
  if (max_len != 0 && s.size() > max_len) {
    return Status::InvalidArgument(
        "too long (at most " + std::to_string(max_len) + " bytes)", path);
  }
  out->assign(s);
  return Status::Ok();
}

Status AtField(Status s, std::string_view prefix, std::string_view key) {
  if (s.code() != Status::Code::kInvalidArgument) return s;
  return Status::InvalidArgument(s.message(), FieldPath(prefix, key));
}

namespace {

// `ids`: an object of identifier type to value. A null value is absent.
Status DecodeIds(od::value& v, std::string_view path, std::vector<PartyId>* out,
                 std::size_t max_len) {
  out->clear();
  od::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS) {
    return Status::InvalidArgument("malformed value", path);
  }
  if (type == od::json_type::null) return Status::Ok();
  std::size_t keys = 0;
  return ForEachField(v, path, [&](std::string_view key, od::value& value) -> Status {
    // Every key counts, null or empty ones too: the cap bounds the work.
    if (++keys > kMaxPartyIds) {
      return Status::InvalidArgument(
          "too many identifiers (at most " + std::to_string(kMaxPartyIds) + ")", path);
    }
    if (!IsPartyIdType(key)) {
      return Status::InvalidArgument(
          "an identifier's type is 1 to 32 lower-case letters, digits or _",
          FieldPath(path, key));
    }
    PartyId id;
    if (Status s = ReadString(value, {}, &id.value, max_len); !s.ok()) {
      return AtField(s, path, key);
    }
    if (HasControlCharacter(id.value)) {
      return Status::InvalidArgument("holds a control character", FieldPath(path, key));
    }
    if (id.value.empty()) return Status::Ok();
    id.type.assign(key);
    out->push_back(std::move(id));
    return Status::Ok();
  });
}

}  // namespace

Status DecodePartyField(std::string_view key, od::value& v,
                        std::string_view prefix, Party* out, bool* handled,
                        std::uint64_t* seen, std::size_t max_len) {
  if (key == "ids") [[unlikely]] {
    *handled = true;
    if (Status s = Once(seen, 11, prefix, key); !s.ok()) return s;
    return DecodeIds(v, FieldPath(prefix, key), &out->ids, max_len);
  }
  if (key == "birth_date") [[unlikely]] {
    *handled = true;
    if (Status s = Once(seen, 12, prefix, key); !s.ok()) return s;
    std::string text;
    if (Status s = ReadString(v, {}, &text, 64); !s.ok()) return AtField(s, prefix, key);
    if (text.empty()) return Status::Ok();
    std::optional<std::string> date = ReadBirthDate(text, CurrentYear());
    if (!date) {
      return Status::InvalidArgument(
          "not a date of birth (1970-03-01, 3/1/1970, 1.3.1970, Mar 1 1970)",
          FieldPath(prefix, key));
    }
    out->birth_date = std::move(*date);
    return Status::Ok();
  }
  std::string* dest = nullptr;
  unsigned bit = 0;
  switch (key.size() ? key[0] : '\0') {
    case 'c':
      if (key == "company") dest = &out->company, bit = 0;
      else if (key == "city") dest = &out->city, bit = 1;
      else if (key == "country") dest = &out->country, bit = 2;
      break;
    case 'd': if (key == "domain") dest = &out->domain, bit = 3; break;
    case 'e': if (key == "email") dest = &out->email, bit = 4; break;
    case 'f': if (key == "first_name") dest = &out->first_name, bit = 5; break;
    case 'l': if (key == "last_name") dest = &out->last_name, bit = 6; break;
    case 'p':
      if (key == "phone") dest = &out->phone, bit = 7;
      else if (key == "postal_code") dest = &out->postal_code, bit = 8;
      break;
    case 'r': if (key == "region") dest = &out->region, bit = 9; break;
    case 's': if (key == "street") dest = &out->street, bit = 10; break;
    default: break;
  }
  *handled = dest != nullptr;
  if (dest == nullptr) return Status::Ok();
  if (Status s = Once(seen, bit, prefix, key); !s.ok()) return s;
  return AtField(ReadString(v, {}, dest, max_len), prefix, key);
}

Status DecodeParty(od::value& v, std::string_view path, Party* out,
                   std::size_t max_len) {
  std::uint64_t seen = 0;
  return ForEachFieldUnchecked(v, path, [&](std::string_view key, od::value& value) {
    bool handled = false;
    return DecodePartyField(key, value, path, out, &handled, &seen, max_len);
  });
}

Status ReadStringArray(od::value& v, std::string_view path,
                       std::vector<std::string>* out, std::size_t max_entries,
                       std::size_t max_len) {
  out->clear();
  od::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS) {
    return Status::InvalidArgument("malformed value", path);
  }
  if (type == od::json_type::null) return Status::Ok();
  od::array array;
  if (type != od::json_type::array || v.get_array().get(array) != simdjson::SUCCESS) {
    return Status::InvalidArgument("must be an array of strings", path);
  }
  for (auto item : array) {
    od::value element;
    std::string_view s;
    if (std::move(item).get(element) != simdjson::SUCCESS ||
        element.get_string().get(s) != simdjson::SUCCESS) {
      return Status::InvalidArgument("must be an array of strings", path);
    }
    if ((max_len > 0 && s.size() > max_len) || out->size() >= max_entries) {
      return Status::InvalidArgument("too many or too long entries", path);
    }
    out->emplace_back(s);
  }
  return Status::Ok();
}

Status ReadBool(od::value& v, std::string_view path, bool* out) {
  od::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS) {
    return Status::InvalidArgument("malformed value", path);
  }
  if (type == od::json_type::null) return Status::Ok();
  bool b;
  if (type != od::json_type::boolean || v.get_bool().get(b) != simdjson::SUCCESS) {
    return Status::InvalidArgument("must be true or false", path);
  }
  *out = b;
  return Status::Ok();
}

Status ReadDouble(od::value& v, std::string_view path,
                  std::optional<double>* out) {
  od::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS) {
    return Status::InvalidArgument("malformed value", path);
  }
  if (type == od::json_type::null) {
    out->reset();
    return Status::Ok();
  }
  double d;
  if (type != od::json_type::number || v.get_double().get(d) != simdjson::SUCCESS) {
    return Status::InvalidArgument("must be a number", path);
  }
  *out = d;
  return Status::Ok();
}

Status ReadTime(od::value& v, std::string_view path, std::int64_t* out, bool epoch_ok) {
  std::string text;
  if (Status s = ReadString(v, path, &text, 64); !s.ok()) return s;
  if (text.empty()) {
    *out = 0;
    return Status::Ok();
  }
  auto t = ParseRfc3339(text);
  if (!t) return Status::InvalidArgument("must be an RFC 3339 timestamp", path);
  if (*t == 0 && !epoch_ok) {
    return Status::InvalidArgument("must be after 1970-01-01T00:00:00Z", path);
  }
  *out = *t;
  return Status::Ok();
}

}  // namespace leadroute::json
