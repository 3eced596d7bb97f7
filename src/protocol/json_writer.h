// JsonWriter: appends compact JSON to a caller-owned std::string.
//
// Built for the response path: no allocation beyond the string's growth (the
// caller reuses the string across requests), commas placed automatically.
// Strings must be valid UTF-8 (everything the protocol layer decodes is;
// simdjson validates it); control characters, quotes and backslashes are
// escaped.
#ifndef LEADROUTE_PROTOCOL_JSON_WRITER_H_
#define LEADROUTE_PROTOCOL_JSON_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leadroute::protocol {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject() { Separate(); out_->push_back('{'); Push(); }
  void EndObject() { out_->push_back('}'); Pop(); }
  void BeginArray() { Separate(); out_->push_back('['); Push(); }
  void EndArray() { out_->push_back(']'); Pop(); }

  // Inside an object: the next value's key.
  void Key(std::string_view key);

  void String(std::string_view s) { Separate(); AppendQuoted(s); }
  void Int(std::int64_t v);
  void Uint(std::uint64_t v);
  // As std::to_chars writes it (the shortest form that reads back the
  // same); non-finite values are written as null.
  void Double(double v);
  void Bool(bool v) {
    Separate();
    out_->append(v ? std::string_view("true") : std::string_view("false"));
  }
  void Null() {
    Separate();
    out_->append(std::string_view("null"));
  }
  // Already-encoded JSON, written as one value.
  void Raw(std::string_view json) { Separate(); out_->append(json); }

  // Key + value shorthands.
  void Field(std::string_view key, std::string_view s);
  void Field(std::string_view key, const char* s) { Field(key, std::string_view(s)); }
  void Field(std::string_view key, const std::string& s) { Field(key, std::string_view(s)); }
  void Field(std::string_view key, bool v) { Key(key); Bool(v); }
  void Field(std::string_view key, std::int64_t v) { Key(key); Int(v); }
  void Field(std::string_view key, std::uint64_t v) { Key(key); Uint(v); }
  void Field(std::string_view key, double v) { Key(key); Double(v); }
  // A string, or null when absent.
  void Field(std::string_view key, const std::optional<std::string>& s) {
    Key(key);
    if (s) String(*s); else Null();
  }

  std::string* out() const { return out_; }

  // For a writer that lays out a value's bytes in a buffer of its own and
  // writes them with Raw(): whether `s` is written quoted as it stands (no
  // byte of it needs escaping), and the number Double() writes, put at
  // `buf` (kMaxNumber bytes or more), returning its end.
  static bool Plain(std::string_view s);
  static constexpr std::size_t kMaxNumber = 32;
  static char* FormatDouble(double v, char* buf);

 private:
  static constexpr int kMaxDepth = 64;
  void Separate() {
    if (after_key_) {
      after_key_ = false;
    } else if (depth_ > 0 && depth_ <= kMaxDepth && !first_[depth_]) {
      out_->push_back(',');
    }
    if (depth_ > 0 && depth_ <= kMaxDepth) first_[depth_] = false;
  }
  void Push() {
    ++depth_;
    if (depth_ <= kMaxDepth) first_[depth_] = true;
  }
  void Pop() { --depth_; }
  void AppendQuoted(std::string_view s);
  void AppendQuotedSlow(std::string_view s);  // where something needs escaping

  std::string* out_;
  int depth_ = 0;
  bool after_key_ = false;
  bool first_[kMaxDepth + 1] = {};
};

}  // namespace leadroute::protocol

#endif  // LEADROUTE_PROTOCOL_JSON_WRITER_H_
