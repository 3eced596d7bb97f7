#include "leadroute/status.h"

namespace leadroute {

namespace {
std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidArgument: return "Invalid argument";
    case Status::Code::kInvalidRequest: return "Invalid request";
    case Status::Code::kParseError: return "Parse error";
    case Status::Code::kNotFound: return "Not found";
    case Status::Code::kTooLarge: return "Too large";
    case Status::Code::kUnauthorized: return "Unauthorized";
    case Status::Code::kInvalidRules: return "Invalid rule set";
    case Status::Code::kIoError: return "I/O error";
    case Status::Code::kInternal: return "Internal error";
  }
  return "Unknown";
}
}  // namespace

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code()));
  out += ": ";
  out += message();
  if (!field().empty()) {
    out += " (";
    out += field();
    out += ")";
  }
  return out;
}

}  // namespace leadroute
