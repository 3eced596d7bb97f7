#include "normalize/phone_fast_path.h"

#include "normalize/digit_dfa.h"
#include "normalize/phone_metadata.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <list>
#include <optional>
#include <set>
#include <vector>

namespace leadroute::normalize {
namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneNumberDesc;

// libphonenumber's bounds on a national significant number.
constexpr std::size_t kMinNsn = 2;
constexpr std::size_t kMaxNsn = 17;
constexpr std::size_t kMaxCountryCodeDigits = 3;

enum class Tri { kNo, kYes, kUnsure };

std::unique_ptr<RE2> Compile(const std::string& pattern, bool* ok) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) {
    *ok = false;
    return nullptr;
  }
  return re;
}

bool LookingAt(const RE2& re, std::string_view text, std::size_t* consumed) {
  re2::StringPiece match;
  if (!re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                RE2::ANCHOR_START, &match, 1)) {
    return false;
  }
  if (consumed) *consumed = match.size();
  return true;
}

// A pattern matched at the start of the digits (RE2's Consume/LookingAt).
// A DigitDfa answers whether any prefix matches, and how long the match is
// when only one prefix can match; RE2 the rest.
class PrefixPattern {
 public:
  void Load(const std::string& pattern, bool* ok) {
    dfa_ = DigitDfa::Compile(pattern);
    prefix_free_ = dfa_ && dfa_->PrefixFree();
    if (!prefix_free_) re_ = Compile(pattern, ok);
  }
  explicit operator bool() const { return dfa_ || re_; }
  // `consumed` may be null.
  bool LookingAt(std::string_view text, std::size_t* consumed) const {
    if (dfa_ && (consumed == nullptr || prefix_free_)) {
      std::size_t length = 0;
      if (!dfa_->MatchPrefix(text, &length)) return false;
      if (consumed) *consumed = length;
      return true;
    }
    return re_ && normalize::LookingAt(*re_, text, consumed);
  }

 private:
  std::optional<DigitDfa> dfa_;
  bool prefix_free_ = false;
  std::unique_ptr<RE2> re_;
};

// One PhoneNumberDesc: IsNumberMatchingDesc() and MatchNationalNumber().
// The pattern is matched by a DigitDfa; RE2 keeps the few that do not
// compile to one.
struct Desc {
  std::optional<DigitDfa> dfa;
  std::unique_ptr<RE2> pattern;  // neither: MatchNationalNumber() is false
  bool has_lengths = false;
  std::uint32_t lengths = 0;        // bit n: length n possible
  std::uint32_t local_lengths = 0;  // bit n: length n possible locally only

  void Load(const PhoneNumberDesc& desc, bool* ok) {
    if (desc.has_national_number_pattern() && !desc.national_number_pattern().empty()) {
      dfa = DigitDfa::Compile(desc.national_number_pattern());
      if (!dfa) pattern = Compile(desc.national_number_pattern(), ok);
    }
    has_lengths = desc.possible_length_size() > 0;
    for (int length : desc.possible_length()) {
      if (length > 0 && length < 32) lengths |= 1u << length;
    }
    for (int length : desc.possible_length_local_only()) {
      if (length > 0 && length < 32) local_lengths |= 1u << length;
    }
  }
  // TestNumberLength() says IS_POSSIBLE or TOO_LONG: what the parser asks of
  // a national number before it strips a national prefix from it.
  bool LengthKeepsStripped(std::size_t length) const {
    if (lengths == 0) return false;  // INVALID_LENGTH
    if (length < 32 && ((local_lengths >> length) & 1u)) return false;
    const std::size_t min = static_cast<std::size_t>(std::countr_zero(lengths));
    const std::size_t max = 31 - static_cast<std::size_t>(std::countl_zero(lengths));
    if (length < min) return false;  // TOO_SHORT
    if (length > max) return true;   // TOO_LONG
    return ((lengths >> length) & 1u) != 0;
  }
  bool PatternMatches(std::string_view nsn) const {
    if (dfa) return dfa->FullMatch(nsn);
    return pattern && RE2::FullMatch(re2::StringPiece(nsn.data(), nsn.size()), *pattern);
  }
  bool Matches(std::string_view nsn) const {
    if (has_lengths && (nsn.size() >= 32 || !((lengths >> nsn.size()) & 1u))) {
      return false;
    }
    return PatternMatches(nsn);
  }
};

PhoneFastPath::Answer AnswerOf(Tri t) {
  return t == Tri::kYes  ? PhoneFastPath::Answer::kKey
         : t == Tri::kNo ? PhoneFastPath::Answer::kNoKey
                         : PhoneFastPath::Answer::kUnsure;
}

// One digit repeated, or counting up or down.
bool IsRun(std::string_view digits) {
  if (digits.size() < 2) return false;
  const int step = (digits[1] - digits[0] + 10) % 10;
  if (step != 0 && step != 1 && step != 9) return false;
  for (std::size_t i = 2; i < digits.size(); ++i) {
    if ((digits[i] - digits[i - 1] + 10) % 10 != step) return false;
  }
  return true;
}

// Digits no one is reached at, as forms are filled in: the whole national
// number or its last seven (the subscriber's part in most plans) a run
// ("5555555555", "(312) 123-4567", "(212) 000-0000").
bool IsPlaceholder(std::string_view nsn) {
  constexpr std::size_t kSubscriber = 7;
  return IsRun(nsn) || (nsn.size() > kSubscriber && IsRun(nsn.substr(nsn.size() - kSubscriber)));
}

struct Region {
  std::string id;
  int country_code = 0;
  bool ok = true;  // every pattern compiled
  // national_prefix_transform_rule set (AR, BR, the NANPA islands, ...):
  // national numbers of this region stay with libphonenumber.
  bool transforms = false;
  Desc general;
  // GetNumberTypeHelper()'s order; fixed line and mobile apart.
  std::vector<Desc> other_types;
  Desc fixed_line, mobile;
  bool same_mobile_and_fixed_line = false;
  PrefixPattern national_prefix;  // national_prefix_for_parsing
  PrefixPattern international_prefix;
  PrefixPattern leading_digits;

  // GetNumberTypeHelper(nsn) != UNKNOWN. Any type will do, so the common
  // ones are tried first.
  bool HasType(std::string_view nsn) const {
    if (!general.Matches(nsn)) return false;
    if (fixed_line.Matches(nsn)) return true;
    if (!same_mobile_and_fixed_line && mobile.Matches(nsn)) return true;
    for (const Desc& d : other_types) {
      if (d.Matches(nsn)) return true;
    }
    return false;
  }
};

}  // namespace

struct PhoneFastPath::Tables {
  std::vector<std::unique_ptr<Region>> regions;
  std::array<const Region*, 26 * 26> by_id{};  // geographic regions
  std::array<std::vector<const Region*>, 1000> by_code;  // libphonenumber's order

  const Region* ForId(std::string_view id) const {
    if (id.size() != 2 || id[0] < 'A' || id[0] > 'Z' || id[1] < 'A' || id[1] > 'Z') {
      return nullptr;
    }
    return by_id[(id[0] - 'A') * 26 + (id[1] - 'A')];
  }

  // ExtractCountryCode(): the shortest known code that prefixes `digits`.
  int ExtractCountryCode(std::string_view digits, std::size_t* length) const {
    if (digits.empty() || digits[0] == '0') return 0;
    int code = 0;
    for (std::size_t i = 0; i < kMaxCountryCodeDigits && i < digits.size(); ++i) {
      code = code * 10 + (digits[i] - '0');
      if (!by_code[code].empty()) {
        *length = i + 1;
        return code;
      }
    }
    return 0;
  }

  // IsValidNumber() for country code `code` and national significant
  // number `nsn`.
  Tri Valid(int code, std::string_view nsn) const {
    const auto& list = by_code[code];
    if (list.empty()) return Tri::kNo;
    for (const Region* r : list) {
      if (!r->ok) return Tri::kUnsure;
    }
    const Region* region = nullptr;
    if (list.size() == 1) {
      region = list.front();
    } else {
      // GetRegionCodeForNumberFromRegionList().
      for (const Region* r : list) {
        if (r->leading_digits) {
          if (r->leading_digits.LookingAt(nsn, nullptr)) {
            region = r;
            break;
          }
        } else if (r->HasType(nsn)) {
          region = r;
          break;
        }
      }
      if (region == nullptr) return Tri::kNo;
    }
    return region->HasType(nsn) ? Tri::kYes : Tri::kNo;
  }

  // PhoneFastPath::Shaped(): the shape of the code's main region (listed
  // first), whose plan the others share; another region's shapes would let
  // in its local numbers ("3\d{6}" in one of the North American regions).
  Tri Shaped(int code, std::string_view nsn) const {
    if (code <= 0 || code >= 1000) return Tri::kNo;
    const auto& list = by_code[code];
    if (list.empty()) return Tri::kUnsure;
    if (IsPlaceholder(nsn)) return Tri::kNo;
    const Region* main = list.front();
    if (!main->ok) return Tri::kUnsure;
    // The North American plan's exchange code (NXX-NXX-XXXX) never begins
    // with 0 or 1, which its general pattern does not say.
    if (code == 1 && nsn.size() == 10 && (nsn[3] == '0' || nsn[3] == '1')) return Tri::kNo;
    return main->general.Matches(nsn) ? Tri::kYes : Tri::kNo;
  }
};

PhoneFastPath::PhoneFastPath() : tables_(std::make_unique<Tables>()) {
  i18n::phonenumbers::PhoneMetadataCollection collection;
  if (!collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
                                 i18n::phonenumbers::metadata_size())) {
    return;  // no tables: every answer is kUnsure
  }
  const auto* util = i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  std::array<std::vector<const Region*>, 1000> non_geographic;
  for (const PhoneMetadata& m : collection.metadata()) {
    if (m.country_code() <= 0 || m.country_code() >= 1000) continue;
    auto region = std::make_unique<Region>();
    region->id = m.id();
    region->country_code = m.country_code();
    bool& ok = region->ok;
    // Regions without a general pattern validate by length alone; leave
    // them to libphonenumber.
    if (!m.general_desc().has_national_number_pattern()) ok = false;
    region->general.Load(m.general_desc(), &ok);
    for (const PhoneNumberDesc* d :
         {&m.premium_rate(), &m.toll_free(), &m.shared_cost(), &m.voip(),
          &m.personal_number(), &m.pager(), &m.uan(), &m.voicemail()}) {
      region->other_types.emplace_back().Load(*d, &ok);
    }
    region->fixed_line.Load(m.fixed_line(), &ok);
    region->mobile.Load(m.mobile(), &ok);
    region->same_mobile_and_fixed_line = m.same_mobile_and_fixed_line_pattern();
    region->transforms = !m.national_prefix_transform_rule().empty();
    if (!m.national_prefix_for_parsing().empty()) {
      region->national_prefix.Load(m.national_prefix_for_parsing(), &ok);
    }
    if (!m.international_prefix().empty()) {
      region->international_prefix.Load(m.international_prefix(), &ok);
    }
    if (m.has_leading_digits() && !m.leading_digits().empty()) {
      region->leading_digits.Load(m.leading_digits(), &ok);
    }
    const Region* r = region.get();
    tables_->regions.push_back(std::move(region));
    if (r->id == "001") {
      non_geographic[r->country_code].push_back(r);
    } else if (const Region* existing = tables_->ForId(r->id); existing == nullptr &&
               r->id.size() == 2) {
      tables_->by_id[(r->id[0] - 'A') * 26 + (r->id[1] - 'A')] = r;
    }
  }
  // Each country code's regions in libphonenumber's own order: the main
  // country first, as GetRegionCodeForNumber() walks them.
  std::set<int> codes;
  util->GetSupportedCallingCodes(&codes);
  for (int code : codes) {
    if (code <= 0 || code >= 1000) continue;
    std::list<std::string> ids;
    util->GetRegionCodesForCountryCallingCode(code, &ids);
    auto& list = tables_->by_code[code];
    for (const std::string& id : ids) {
      if (id == "001") {
        for (const Region* r : non_geographic[code]) list.push_back(r);
      } else if (const Region* r = tables_->ForId(id)) {
        list.push_back(r);
      } else {
        list.clear();  // a region we do not know: leave the code alone
        break;
      }
    }
  }
}

PhoneFastPath::~PhoneFastPath() = default;

const PhoneFastPath& PhoneFastPath::Get() {
  static const PhoneFastPath* instance = new PhoneFastPath();
  return *instance;
}

PhoneFastPath::Answer PhoneFastPath::Key(std::string_view number,
                                         std::string_view region_id,
                                         std::string* e164) const {
  const Tables& t = *tables_;
  // The shape: ASCII digits and the punctuation libphonenumber ignores, at
  // most one '+' before the first digit. Anything else (letters, "ext", '#',
  // ',', full-width or other scripts' digits) goes the slow way.
  char buffer[80];
  std::size_t n = 0;
  bool plus = false;
  for (char c : number) {
    if (c >= '0' && c <= '9') {
      if (n == sizeof(buffer)) return Answer::kUnsure;
      buffer[n++] = c;
    } else if (c == '+') {
      if (plus || n > 0) return Answer::kUnsure;
      plus = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
      return Answer::kUnsure;
    }
  }
  if (t.regions.empty() || n < 3) return Answer::kUnsure;
  std::string_view digits(buffer, n);

  // MaybeExtractCountryCode().
  const Region* home = t.ForId(region_id);
  if (home && !home->ok) return Answer::kUnsure;
  int code = 0;
  bool international = plus;
  if (!plus) {
    if (home == nullptr) return Answer::kNoKey;  // no region, no '+'
    std::size_t idd = 0;
    if (home->international_prefix &&
        home->international_prefix.LookingAt(digits, &idd) &&
        (idd == digits.size() || digits[idd] != '0')) {
      digits.remove_prefix(idd);
      international = true;
    }
  }
  if (international) {
    if (digits.size() <= kMinNsn) return Answer::kNoKey;  // TOO_SHORT_AFTER_IDD
    std::size_t length = 0;
    code = t.ExtractCountryCode(digits, &length);
    if (code == 0) return plus ? Answer::kUnsure : Answer::kNoKey;
    digits.remove_prefix(length);
  } else {
    // A national number that starts with its own country code may be the
    // code typed without '+': libphonenumber weighs both readings.
    char own[4];
    auto [end, ec] = std::to_chars(own, own + sizeof(own), home->country_code);
    if (ec != std::errc() || digits.starts_with(std::string_view(own, end - own))) {
      return Answer::kUnsure;
    }
    code = home->country_code;
  }
  // The metadata the national prefix is read with: the home region's for a
  // national number, the code's main region's otherwise.
  const Region* rules = home;
  if (international) {
    const auto& list = t.by_code[code];
    if (list.empty()) return Answer::kUnsure;
    rules = list.front();
  }
  if (!rules->ok || rules->transforms) return Answer::kUnsure;
  if (digits.size() < kMinNsn) return Answer::kNoKey;
  // MaybeStripNationalPrefixAndCarrierCode() without a transform rule: the
  // prefix (and any carrier code it captures) goes, unless that turns a
  // number the region could hold into one it could not.
  // And ParseHelper() keeps the prefix when what would remain is too short
  // or of a length the region's numbers never have.
  std::size_t prefix = 0;
  if (rules->national_prefix.LookingAt(digits, &prefix)) {
    std::string_view stripped = digits.substr(prefix);
    if (!(rules->general.PatternMatches(digits) &&
          !rules->general.PatternMatches(stripped)) &&
        rules->general.LengthKeepsStripped(stripped.size())) {
      digits = stripped;
    }
  }
  if (digits.size() < kMinNsn || digits.size() > kMaxNsn) return Answer::kNoKey;
  // Leading zeros survive as italian_leading_zero / number_of_leading_zeros;
  // more than one is rare enough to leave to libphonenumber.
  if (digits.size() > 1 && digits[0] == '0' && digits[1] == '0') {
    return Answer::kUnsure;
  }
  Tri keyed = t.Valid(code, digits);
  // Not valid to the metadata: a key still if it has a number's shape.
  if (keyed == Tri::kNo) keyed = t.Shaped(code, digits);
  if (keyed != Tri::kYes) return AnswerOf(keyed);
  e164->clear();
  e164->push_back('+');
  e164->append(std::to_string(code));
  e164->append(digits);
  return Answer::kKey;
}

PhoneFastPath::Answer PhoneFastPath::Shaped(int code, std::string_view nsn) const {
  if (tables_->regions.empty()) return Answer::kUnsure;
  return AnswerOf(tables_->Shaped(code, nsn));
}

bool PhoneFastPath::MayChangeOnReread(std::string_view e164) const {
  const Tables& t = *tables_;
  if (t.regions.empty() || e164.size() < 2 || e164[0] != '+') return true;
  std::string_view digits = e164.substr(1);
  std::size_t length = 0;
  const int code = t.ExtractCountryCode(digits, &length);
  if (code == 0) return true;
  digits.remove_prefix(length);
  const Region* rules = t.by_code[code].front();
  if (!rules->ok || rules->transforms) return true;
  return rules->national_prefix.LookingAt(digits, nullptr);
}

}  // namespace leadroute::normalize
