#include "protocol/decode.h"

namespace leadroute::protocol {

std::string FieldPath(std::string_view prefix, std::string_view name) {
  std::string path;
  path.reserve(prefix.size() + 1 + name.size());
  if (!prefix.empty()) {
    path.append(prefix);
    path.push_back('.');
  }
  path.append(name);
  return path;
}

Status ReadString(od::value& v, std::string_view path, std::string* out) {
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
  out->assign(s);
  return Status::Ok();
}

Status DecodePartyField(std::string_view key, od::value& v,
                        std::string_view prefix, Party* out, bool* handled) {
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
  return ReadString(v, FieldPath(prefix, key), dest);
}

Status DecodeParty(od::value& v, std::string_view path, Party* out) {
  od::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) {
    return Status::InvalidArgument("must be an object", path);
  }
  for (auto item : obj) {
    od::field field;
    std::string_view key;
    if (std::move(item).get(field) != simdjson::SUCCESS ||
        field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return Status::InvalidArgument("malformed object", path);
    }
    bool handled = false;
    Status s = DecodePartyField(key, field.value(), path, out, &handled);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace leadroute::protocol
