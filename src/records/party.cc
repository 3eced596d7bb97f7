#include "leadroute/party.h"

#include <array>
#include <chrono>

#include "util/field_path.h"

namespace leadroute {

bool IsPartyIdType(std::string_view type) {
  if (type.empty() || type.size() > kMaxPartyIdType) return false;
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool HasControlCharacter(std::string_view value) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

Status ValidatePartyIds(const std::vector<PartyId>& ids, std::string_view path) {
  const std::string at = FieldPath(path, "ids");
  if (ids.size() > kMaxPartyIds) {
    return Status::InvalidArgument(
        "too many identifiers (at most " + std::to_string(kMaxPartyIds) + ")", at);
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!IsPartyIdType(ids[i].type)) {
      return Status::InvalidArgument(
          "an identifier's type is 1 to 32 lower-case letters, digits or _",
          FieldPath(at, ids[i].type));
    }
    if (HasControlCharacter(ids[i].value)) {
      return Status::InvalidArgument("holds a control character", FieldPath(at, ids[i].type));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (ids[j].type == ids[i].type) {
        return Status::InvalidArgument("given twice", FieldPath(at, ids[i].type));
      }
    }
  }
  return Status::Ok();
}

namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

std::string Iso(int y, int m, int d) {
  // (Each in its range: four digits, then two and two.)
  std::string out = "0000-00-00";
  for (int i = 3; i >= 0; --i, y /= 10) out[i] = static_cast<char>('0' + y % 10);
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return out;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// 1 to 12 for an English month's name or its abbreviation of at least
// three letters ("mar", "march", "sept"); 0 otherwise.
int MonthNamed(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  if (word.size() < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    const std::string_view name = kNames[m];
    if (word.size() > name.size()) continue;
    bool prefix = true;
    for (std::size_t i = 0; i < word.size() && prefix; ++i) prefix = Lower(word[i]) == name[i];
    if (prefix) return m + 1;
  }
  return 0;
}

struct Token {
  std::string_view text;
  bool digits;
};

}  // namespace

int CurrentYear() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<int>(std::chrono::year_month_day(today).year());
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int v[3] = {0, 0, 0};
  const int from[3] = {0, 5, 8}, len[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < len[k]; ++i) {
      const char c = s[from[k] + i];
      if (c < '0' || c > '9') return false;
      v[k] = v[k] * 10 + (c - '0');
    }
  }
  return v[0] >= 1000 && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 && v[2] <= DaysIn(v[0], v[1]);
}

std::optional<std::string> ReadBirthDate(std::string_view text, int this_year) {
  // An ISO date with a time after it: the date.
  if (text.size() > 11 && (text[10] == 'T' || text[10] == ' ') && text[11] >= '0' &&
      text[11] <= '9' && IsIsoDate(text.substr(0, 10))) {
    text = text.substr(0, 10);
  }
  std::array<Token, 3> tokens;
  std::size_t n = 0;
  bool dots = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const bool digit = c >= '0' && c <= '9';
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!digit && !letter) {
      if (c == '.') dots = true;
      else if (c != '/' && c != '-' && c != ',' && c != ' ') return std::nullopt;
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() &&
           (digit ? (text[j] >= '0' && text[j] <= '9')
                  : ((text[j] >= 'a' && text[j] <= 'z') || (text[j] >= 'A' && text[j] <= 'Z')))) {
      ++j;
    }
    if (n == tokens.size()) return std::nullopt;
    tokens[n++] = {text.substr(i, j - i), digit};
    i = j;
  }
  auto number = [](std::string_view t) {
    int v = 0;
    for (char c : t) v = v * 10 + (c - '0');
    return v;
  };
  int y = -1, m = 0, d = 0;
  std::size_t year_digits = 0;
  if (n == 1 && tokens[0].digits && tokens[0].text.size() == 8) {  // 19700301
    y = number(tokens[0].text.substr(0, 4));
    m = number(tokens[0].text.substr(4, 2));
    d = number(tokens[0].text.substr(6, 2));
    year_digits = 4;
  } else if (n == 3) {
    int named = -1;
    for (std::size_t k = 0; k < 3; ++k) {
      if (tokens[k].digits) {
        if (tokens[k].text.size() > 4) return std::nullopt;
        continue;
      }
      if (named >= 0) return std::nullopt;
      named = static_cast<int>(k);
    }
    if (named >= 0) {
      m = MonthNamed(tokens[named].text);
      if (m == 0) return std::nullopt;
      // The other two in order: a four-digit one first is the year ("1970
      // Mar 1"); else the day, then the year.
      std::string_view first, second;
      for (std::size_t k = 0; k < 3; ++k) {
        if (static_cast<int>(k) == named) continue;
        (first.empty() ? first : second) = tokens[k].text;
      }
      const bool year_first = first.size() == 4;
      const std::string_view year = year_first ? first : second;
      const std::string_view day = year_first ? second : first;
      if (day.size() > 2) return std::nullopt;
      y = number(year);
      year_digits = year.size();
      d = number(day);
    } else if (tokens[0].text.size() == 4) {  // year, month, day
      if (tokens[1].text.size() > 2 || tokens[2].text.size() > 2) return std::nullopt;
      y = number(tokens[0].text);
      year_digits = 4;
      m = number(tokens[1].text);
      d = number(tokens[2].text);
    } else {
      if (tokens[0].text.size() > 2 || tokens[1].text.size() > 2) return std::nullopt;
      const int a = number(tokens[0].text), b = number(tokens[1].text);
      const bool day_first = dots || a > 12;
      m = day_first ? b : a;
      d = day_first ? a : b;
      y = number(tokens[2].text);
      year_digits = tokens[2].text.size();
    }
  } else {
    return std::nullopt;
  }
  if (year_digits == 2) {
    y += 2000;
    if (y > this_year) y -= 100;
  } else if (year_digits != 4) {
    return std::nullopt;
  }
  // The dates IsIsoDate() takes, and no others: what the decoder read is
  // journaled and read by it again, on any later day.
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > DaysIn(y, m)) return std::nullopt;
  return Iso(y, m, d);
}

}  // namespace leadroute
