#include "store/history.h"

#include <algorithm>
#include <charconv>
#include <random>

namespace leadroute::store {

namespace {

constexpr char kFileName[] = "HISTORY";
constexpr std::size_t kIdDigits = 16;

bool IsId(std::string_view s) {
  return s.size() == kIdDigits && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::string NewHistoryId() {
  std::random_device device;  // getrandom(2)
  const std::uint64_t bits = (static_cast<std::uint64_t>(device()) << 32) | device();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(kIdDigits, '0');
  for (std::size_t i = 0; i < kIdDigits; ++i) id[i] = kHex[(bits >> (60 - 4 * i)) & 15];
  return id;
}

Result<History> History::Parse(std::string_view text) {
  History h;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) {
      return Status::InvalidArgument("line " + std::to_string(line_no) + " is not ended");
    }
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    auto bad = [&](std::string_view why) {
      return Status::InvalidArgument("line " + std::to_string(line_no) + ": " + std::string(why));
    };
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || !IsId(line.substr(0, space))) {
      return bad("expected \"<16 hex digits> <position>\"");
    }
    HistoryEntry entry{std::string(line.substr(0, space)), 0};
    const std::string_view number = line.substr(space + 1);
    const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(),
                                           entry.began);
    if (number.empty() || ec != std::errc() || ptr != number.data() + number.size() ||
        (number.size() > 1 && number[0] == '0')) {
      return bad("the position is not a whole number (as written, no leading zeros)");
    }
    for (const HistoryEntry& e : h.entries_) {
      if (e.id == entry.id) return bad("history " + entry.id + " is listed twice");
    }
    h.entries_.push_back(std::move(entry));
  }
  if (h.entries_.empty()) return Status::InvalidArgument("no history listed");
  return h;
}

Result<History> History::Read(Env* env, const std::string& dir) {
  auto names = env->ListDir(dir);
  if (!names.ok()) return names.status();
  if (std::find(names->begin(), names->end(), kFileName) == names->end()) {
    return Status::NotFound(dir + "/" + kFileName + " does not exist");
  }
  auto text = env->ReadFile(dir + "/" + kFileName);
  if (!text.ok()) return text.status();
  auto parsed = Parse(*text);
  if (!parsed.ok()) {
    return Status::InvalidArgument(dir + "/" + kFileName + ": " +
                                   std::string(parsed.status().message()));
  }
  return parsed;
}

History History::Begin() {
  History h;
  h.entries_.push_back(HistoryEntry{NewHistoryId(), 0});
  return h;
}

void History::Branch(std::uint64_t position) {
  std::string id;
  do {
    id = NewHistoryId();
  } while (SharedUntil(id).has_value());
  entries_.push_back(HistoryEntry{std::move(id), position});
}

std::string History::Format() const {
  std::string out;
  for (const HistoryEntry& e : entries_) {
    out += e.id;
    out += ' ';
    out += std::to_string(e.began);
    out += '\n';
  }
  return out;
}

Status History::Write(Env* env, const std::string& dir) const {
  const std::string path = dir + "/" + kFileName;
  const std::string tmp = path + ".tmp";
  auto file = env->OpenWritable(tmp, /*truncate=*/true);
  if (!file.ok()) return file.status();
  Status s = (*file)->Append(Format());
  if (s.ok()) s = (*file)->Sync();
  file->reset();
  if (s.ok()) s = env->Rename(tmp, path);
  if (s.ok()) s = env->SyncDir(dir);
  if (!s.ok()) (void)env->Remove(tmp);
  return s;
}

std::optional<std::uint64_t> History::SharedUntil(std::string_view id) const {
  std::size_t i = 0;
  while (i < entries_.size() && entries_[i].id != id) ++i;
  if (i == entries_.size()) return std::nullopt;
  // Each later history took the positions from where it began: what `id`
  // held from the earliest of those on is gone.
  std::uint64_t until = ~0ull;
  for (std::size_t k = i + 1; k < entries_.size(); ++k) until = std::min(until, entries_[k].began);
  return until;
}

}  // namespace leadroute::store
