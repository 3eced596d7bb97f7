#include "normalize/phone_number.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "normalize/text_fold.h"

namespace leadroute::normalize {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::optional<std::string> PhoneKey(std::string_view number,
                                    std::string_view country) {
  if (number.size() > kMaxPhoneInput) return std::nullopt;
  if (number.find('\0') != std::string_view::npos) return std::nullopt;
  int digits = 0;
  for (char c : number) digits += IsAsciiDigit(c) ? 1 : 0;
  if (digits < 4) return std::nullopt;
  std::string region = "ZZ";
  if (country.size() == 2 && IsAsciiAlpha(country[0]) &&
      IsAsciiAlpha(country[1])) {
    region = {AsciiUpper(country[0]), AsciiUpper(country[1])};
  }
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber parsed;
  if (util->Parse(std::string(number), region, &parsed) !=
      PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::nullopt;
  }
  if (!util->IsValidNumber(parsed)) return std::nullopt;
  std::string e164;
  util->Format(parsed, PhoneNumberUtil::E164, &e164);
  return e164;
}

}  // namespace leadroute::normalize
