// Decoding of request params (simdjson on-demand values) into engine
// records. Shared by the protocol (request params) and the rule set loader
// (partners files); the engine and everything below it never see simdjson.
//
// Every decoder reports a wrong type as Status::InvalidArgument naming the
// field by its path in params ("party.email"). Unknown fields are ignored; a
// JSON null counts as absent.
#ifndef LEADROUTE_JSON_DECODE_H_
#define LEADROUTE_JSON_DECODE_H_

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>
#include <optional>
#include <vector>
#include <cstdint>

#include "leadroute/party.h"
#include "leadroute/status.h"
#include "util/field_path.h"

namespace leadroute::json {

namespace od = simdjson::ondemand;

using leadroute::FieldPath;

// Longest text field of a stored record (party fields, ids, products).
inline constexpr std::size_t kMaxStoredField = 1024;
// Most products on one record.
inline constexpr std::size_t kMaxProducts = 64;

// A string (or null, leaving *out empty) at `path`, at most `max_len` bytes
// (0: unlimited).
Status ReadString(od::value& v, std::string_view path, std::string* out,
                  std::size_t max_len = 0);

// `s`, naming the field `prefix.key` when it is an error (ReadString's are
// all InvalidArgument): a hot path reads with an empty path and builds the
// field's path only for an error.
Status AtField(Status s, std::string_view prefix, std::string_view key);

// If `key` is a party field, decodes `v` into it and sets *handled. Party
// fields take bits 0-11 of *seen (Once()): one given twice is an error.
// `ids` is an object of identifier type ("vat") to value (see PartyId).
Status DecodePartyField(std::string_view key, od::value& v,
                        std::string_view prefix, Party* out, bool* handled,
                        std::uint64_t* seen, std::size_t max_len = 0);

// An object of party fields at `path`.
Status DecodeParty(od::value& v, std::string_view path, Party* out,
                   std::size_t max_len = 0);

// The keys of one object seen so far, to refuse a key given twice (which
// of the two a reader takes is a guess; a proxy in front may guess the
// other). The views point into the document's own string buffer.
class SeenKeys {
 public:
  SeenKeys() {}  // keys_ stays uninitialized: only the first count_ are read

  // False when `key` was seen before; else remembers it.
  bool Add(std::string_view key);

 private:
  static constexpr std::size_t kInline = 24;
  std::string_view keys_[kInline];
  std::size_t count_ = 0;
  std::vector<std::string_view> more_;  // past kInline
};

// The error for a key given twice (out of line: keeps the decoders small).
Status GivenTwice(std::string_view path, std::string_view key);

// For decoders on the hot path, which check the keys they read themselves
// (ForEachFieldUnchecked): marks field number `bit` of the object read; a
// second time is an error. A key the decoder ignores may repeat harmlessly.
inline Status Once(std::uint64_t* seen, unsigned bit, std::string_view path,
                   std::string_view key) {
  const std::uint64_t b = std::uint64_t{1} << bit;
  if ((*seen & b) != 0) [[unlikely]] return GivenTwice(path, key);
  *seen |= b;
  return Status::Ok();
}

// ForEachField() for a decoder that refuses the keys it reads given twice
// itself (Once()): cheaper on the hot path than remembering every key.
template <typename Fn>
Status ForEachFieldUnchecked(od::value& v, std::string_view path, Fn&& fn) {
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
    if (Status s = fn(key, field.value()); !s.ok()) return s;
  }
  return Status::Ok();
}

// Calls fn(key, value) for each field of the object `v` at `path`; stops at
// the first error fn returns. A key given twice is an error.
template <typename Fn>
Status ForEachField(od::value& v, std::string_view path, Fn&& fn) {
  SeenKeys seen;
  return ForEachFieldUnchecked(v, path, [&](std::string_view key, od::value& value) {
    if (!seen.Add(key)) return GivenTwice(path, key);
    return fn(key, value);
  });
}

// An array of strings (null: empty), each at most `max_len` bytes (0:
// unlimited), at most `max_entries` of them.
Status ReadStringArray(od::value& v, std::string_view path,
                       std::vector<std::string>* out,
                       std::size_t max_entries = kMaxProducts,
                       std::size_t max_len = kMaxStoredField);

// true or false (null: *out unchanged).
Status ReadBool(od::value& v, std::string_view path, bool* out);

// A number (null: absent).
Status ReadDouble(od::value& v, std::string_view path,
                  std::optional<double>* out);

// An RFC 3339 timestamp string (null or "": 0). Unless `epoch_ok`,
// 1970-01-01T00:00:00Z itself is refused: where 0 means none, it would
// read as no time.
Status ReadTime(od::value& v, std::string_view path, std::int64_t* out,
                bool epoch_ok = true);

}  // namespace leadroute::json

#endif  // LEADROUTE_JSON_DECODE_H_
