#include "util/time.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace leadroute {

namespace {

// Howard Hinnant's days_from_civil.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2));
}

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<std::int64_t> ParseRfc3339(std::string_view s) {
  int year, month, day;
  if (!Digits(s, 0, 4, &year) || s.size() < 10 || s[4] != '-' ||
      !Digits(s, 5, 2, &month) || s[7] != '-' || !Digits(s, 8, 2, &day)) {
    return std::nullopt;
  }
  if (year < 1970 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  std::int64_t t = DaysFromCivil(year, month, day) * 86400;
  if (s.size() == 10) return t;
  int hour, minute, second;
  if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &hour) || s.size() < 19 || s[13] != ':' ||
      !Digits(s, 14, 2, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &second) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  t += hour * 3600 + minute * 60 + second;
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  if (pos == s.size()) return std::nullopt;  // a time needs its offset
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return t;
  int oh, om;
  if ((s[pos] != '+' && s[pos] != '-') || s.size() != pos + 6 ||
      !Digits(s, pos + 1, 2, &oh) || s[pos + 3] != ':' ||
      !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
    return std::nullopt;
  }
  const std::int64_t offset = oh * 3600 + om * 60;
  t += s[pos] == '+' ? -offset : offset;
  // An offset may carry a time past either edge: before 1970, or past
  // 9999-12-31T23:59:59Z, which FormatRfc3339 would write with a fifth digit
  // of the year that no parse reads back (a journal replaying it stopped).
  if (t < 0 || t > kMaxRfc3339Seconds) return std::nullopt;
  return t;
}

std::size_t FormatRfc3339(std::int64_t seconds, char (&buf)[kRfc3339Max]) {
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999) {
    const int n = std::snprintf(buf, kRfc3339Max, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
                                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                                static_cast<int>(rem % 60));
    return n < 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(n), kRfc3339Max - 1);
  }
  // The common case by hand: every opportunity a journal record or an
  // answer carries has two or three of these (snprintf was ~0.3 µs each).
  auto two = [](char* at, unsigned v) {
    at[0] = static_cast<char>('0' + v / 10);
    at[1] = static_cast<char>('0' + v % 10);
  };
  const auto year = static_cast<unsigned>(y);
  two(buf, year / 100);
  two(buf + 2, year % 100);
  buf[4] = '-';
  two(buf + 5, m);
  buf[7] = '-';
  two(buf + 8, d);
  buf[10] = 'T';
  two(buf + 11, static_cast<unsigned>(rem / 3600));
  buf[13] = ':';
  two(buf + 14, static_cast<unsigned>(rem / 60 % 60));
  buf[16] = ':';
  two(buf + 17, static_cast<unsigned>(rem % 60));
  buf[19] = 'Z';
  return 20;
}

std::string FormatRfc3339(std::int64_t seconds) {
  char buf[kRfc3339Max];
  return std::string(buf, FormatRfc3339(seconds, buf));
}

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace leadroute
