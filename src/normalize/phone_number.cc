#include "normalize/phone_number.h"

#include <phonenumbers/phonenumber.pb.h>
#include <algorithm>
#include <functional>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/uchar.h>

#include "normalize/phone_fast_path.h"
#include "normalize/text_fold.h"

namespace leadroute::normalize {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// The checks both paths share; fills `region` ("ZZ" without a usable hint).
bool Admissible(std::string_view number, std::string_view country,
                std::string* region) {
  if (number.size() > kMaxPhoneInput) return false;
  if (number.find('\0') != std::string_view::npos) return false;
  int digits = 0;
  for (char c : number) digits += IsAsciiDigit(c) ? 1 : 0;
  if (digits < 4) return false;
  *region = "ZZ";
  if (country.size() == 2 && IsAsciiAlpha(country[0]) &&
      IsAsciiAlpha(country[1])) {
    *region = {AsciiUpper(country[0]), AsciiUpper(country[1])};
  }
  return true;
}

std::optional<std::string> ParseAndValidate(std::string_view number,
                                            const std::string& region) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber parsed;
  if (util->Parse(std::string(number), region, &parsed) !=
      PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::nullopt;
  }
  // A number the metadata does not know is kept when it has the shape of
  // its country's numbers (PhoneFastPath::Shaped); unsure is no.
  if (!util->IsValidNumber(parsed)) {
    std::string nsn;
    util->GetNationalSignificantNumber(parsed, &nsn);
    if (PhoneFastPath::Get().Shaped(parsed.country_code(), nsn) !=
        PhoneFastPath::Answer::kKey) {
      return std::nullopt;
    }
  }
  std::string e164;
  util->Format(parsed, PhoneNumberUtil::E164, &e164);
  return e164;
}

// One reading: the fast path, or libphonenumber when it is unsure. With
// `unsure`, the fast path alone: *unsure is set instead of asking
// libphonenumber.
std::optional<std::string> ReadOnce(std::string_view number,
                                    const std::string& region, bool fast,
                                    bool* unsure = nullptr) {
  if (fast) {
    std::string e164;
    switch (PhoneFastPath::Get().Key(number, region, &e164)) {
      case PhoneFastPath::Answer::kKey:
        return e164;
      case PhoneFastPath::Answer::kNoKey:
        return std::nullopt;
      case PhoneFastPath::Answer::kUnsure:
        if (unsure != nullptr) {
          *unsure = true;
          return std::nullopt;
        }
        break;
    }
  }
  return ParseAndValidate(number, region);
}

// `number` with its digits in ASCII, in *out: a decimal digit of any
// script ("٠٥٠", Devanagari's) as its value, a full-width form ("＋４９ ８９")
// as its ASCII, a space or a dash of another kind as a space; anything else
// as it is (an extension's label, "доб." or "extensión", libphonenumber
// reads: the review of this change found them turned into spaces, and such
// numbers without a key). False for invalid UTF-8. libphonenumber reads
// such digits itself, but the checks before it and the fast path count
// ASCII ones, and gave such numbers no key.
bool WithAsciiDigits(std::string_view number, std::string* out) {
  out->clear();
  std::int32_t cp = 0;
  std::string_view bytes;
  while (!number.empty()) {
    if (!NextCodePoint(&number, &cp, &bytes)) return false;
    const std::int8_t type = u_charType(cp);
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (type == U_DECIMAL_DIGIT_NUMBER) {
      out->push_back(static_cast<char>('0' + u_charDigitValue(cp)));
    } else if (cp >= 0xFF01 && cp <= 0xFF5E) {  // full-width ASCII
      out->push_back(static_cast<char>(cp - 0xFEE0));
    } else if (type == U_SPACE_SEPARATOR || type == U_DASH_PUNCTUATION) {
      out->push_back(' ');
    } else {
      out->append(bytes);
    }
  }
  return true;
}

// The key must read back as itself, or a deal stored under it would not be
// found by its own key. libphonenumber's E.164 is not always a fixed point:
// "+52 1 55 ..." (Mexico's old mobile prefix) reads again as "+52 55 ...".
// So a key that could change is read again, a few times at most.
std::optional<std::string> Key(std::string_view number, std::string_view country,
                               bool fast, bool* unsure = nullptr) {
  std::string ascii;
  if (!IsAscii(number)) {
    // The limit is the digits' (a full-width digit is three bytes): on the
    // number rewritten, the input's bytes bounded more loosely.
    if (number.size() > 4 * kMaxPhoneInput || !WithAsciiDigits(number, &ascii)) {
      return std::nullopt;
    }
    number = ascii;
  }
  std::string region;
  if (!Admissible(number, country, &region)) return std::nullopt;
  std::optional<std::string> key = ReadOnce(number, region, fast, unsure);
  const std::string zz = "ZZ";
  for (int i = 0; i < 3 && key && PhoneFastPath::Get().MayChangeOnReread(*key); ++i) {
    std::optional<std::string> again = ReadOnce(*key, zz, fast, unsure);
    if (!again || *again == *key) break;
    key = std::move(again);
  }
  return key;
}

}  // namespace

std::optional<std::string> PhoneKey(std::string_view number,
                                    std::string_view country) {
  return Key(number, country, /*fast=*/true);
}

std::optional<std::string> PhoneKeyLibphonenumber(std::string_view number,
                                                  std::string_view country) {
  return Key(number, country, /*fast=*/false);
}

}  // namespace leadroute::normalize

namespace leadroute::normalize {

PhoneKeyCache::PhoneKeyCache(std::size_t capacity)
    : per_shard_(std::max<std::size_t>(1, capacity / kShards)) {}

std::optional<std::string> PhoneKeyCache::Get(std::string_view number,
                                              std::string_view country) {
  if (number.size() > kMaxPhoneInput || country.size() > 2) {
    return PhoneKey(number, country);  // rejected at once; not worth a slot
  }
  // What the fast path decides alone costs about what a lookup here does
  // (~0.2 µs), and less than a miss, which copies the number twice and
  // evicts another; only libphonenumber's answers (~15 µs) are kept.
  bool unsure = false;
  std::optional<std::string> fast = Key(number, country, /*fast=*/true, &unsure);
  if (!unsure) return fast;
  std::string key;
  key.reserve(country.size() + 1 + number.size());
  key.append(country).push_back('\t');
  key.append(number);
  const std::size_t h = std::hash<std::string>{}(key);
  Shard& shard = shards_[h % kShards];
  {
    std::lock_guard lock(shard.mu);
    if (auto it = shard.map.find(key); it != shard.map.end()) return it->second;
  }
  // Computed outside the lock: two threads may both compute a miss; the
  // second insert is a no-op.
  std::optional<std::string> value = PhoneKey(number, country);
  std::lock_guard lock(shard.mu);
  if (shard.map.emplace(key, value).second) {
    shard.order.push_back(std::move(key));
    if (shard.order.size() > per_shard_) {
      shard.map.erase(shard.order.front());
      shard.order.pop_front();
    }
  }
  return value;
}

}  // namespace leadroute::normalize
