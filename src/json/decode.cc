#include "json/decode.h"

#include "util/time.h"

namespace leadroute::json {

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

Status DecodePartyField(std::string_view key, od::value& v,
                        std::string_view prefix, Party* out, bool* handled,
                        std::size_t max_len) {
  std::string* dest = nullptr;
  switch (key.size() ? key[0] : '\0') {
    case 'c':
      if (key == "company") dest = &out->company;
      else if (key == "city") dest = &out->city;
      else if (key == "country") dest = &out->country;
      break;
    case 'd': if (key == "domain") dest = &out->domain; break;
    case 'e': if (key == "email") dest = &out->email; break;
    case 'f': if (key == "first_name") dest = &out->first_name; break;
    case 'l': if (key == "last_name") dest = &out->last_name; break;
    case 'p':
      if (key == "phone") dest = &out->phone;
      else if (key == "postal_code") dest = &out->postal_code;
      break;
    case 'r': if (key == "region") dest = &out->region; break;
    case 's': if (key == "street") dest = &out->street; break;
    default: break;
  }
  *handled = dest != nullptr;
  if (dest == nullptr) return Status::Ok();
  return AtField(ReadString(v, {}, dest, max_len), prefix, key);
}

Status DecodeParty(od::value& v, std::string_view path, Party* out,
                   std::size_t max_len) {
  return ForEachField(v, path, [&](std::string_view key, od::value& value) {
    bool handled = false;
    return DecodePartyField(key, value, path, out, &handled, max_len);
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

Status ReadTime(od::value& v, std::string_view path, std::int64_t* out) {
  std::string text;
  if (Status s = ReadString(v, path, &text, 64); !s.ok()) return s;
  if (text.empty()) {
    *out = 0;
    return Status::Ok();
  }
  auto t = ParseRfc3339(text);
  if (!t) return Status::InvalidArgument("must be an RFC 3339 timestamp", path);
  *out = *t;
  return Status::Ok();
}

}  // namespace leadroute::json
