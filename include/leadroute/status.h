// Status and Result<T>: how every leadroute module reports failure.
//
// A Status is cheap when ok (no allocation) and carries a code, a message and,
// for invalid input, the name of the offending field. Exceptions never cross
// a module boundary; a Status does.
#ifndef LEADROUTE_STATUS_H_
#define LEADROUTE_STATUS_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace leadroute {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kInvalidArgument,  // bad params: a field is missing or of the wrong type
    kInvalidRequest,   // not a valid request envelope
    kParseError,       // input is not well-formed (JSON, TOML, CSV)
    kNotFound,
    kTooLarge,         // a size limit was exceeded, or the server is full
    kUnauthorized,
    kInvalidRules,
    kIoError,
    kInternal,
  };

  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string_view msg, std::string_view field = {}) {
    return Status(Code::kInvalidArgument, msg, field);
  }
  static Status InvalidRequest(std::string_view msg) {
    return Status(Code::kInvalidRequest, msg, {});
  }
  static Status ParseError(std::string_view msg) {
    return Status(Code::kParseError, msg, {});
  }
  static Status NotFound(std::string_view msg) {
    return Status(Code::kNotFound, msg, {});
  }
  static Status TooLarge(std::string_view msg) {
    return Status(Code::kTooLarge, msg, {});
  }
  static Status Unauthorized(std::string_view msg) {
    return Status(Code::kUnauthorized, msg, {});
  }
  static Status InvalidRules(std::string_view msg) {
    return Status(Code::kInvalidRules, msg, {});
  }
  static Status IoError(std::string_view msg) {
    return Status(Code::kIoError, msg, {});
  }
  static Status Internal(std::string_view msg) {
    return Status(Code::kInternal, msg, {});
  }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  std::string_view message() const {
    return rep_ ? std::string_view(rep_->message) : std::string_view();
  }
  // The params field the error is about ("party.email"), or empty.
  std::string_view field() const {
    return rep_ ? std::string_view(rep_->field) : std::string_view();
  }
  std::string ToString() const;

 private:
  struct Rep {
    Code code;
    std::string message;
    std::string field;
  };
  Status(Code code, std::string_view msg, std::string_view field)
      : rep_(std::make_shared<const Rep>(
            Rep{code, std::string(msg), std::string(field)})) {}

  std::shared_ptr<const Rep> rep_;  // null when ok
};

// A value or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: REQUIRES !ok()

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace leadroute

#endif  // LEADROUTE_STATUS_H_
