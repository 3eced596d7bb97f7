// History: which sequence of journal positions a data directory holds.
//
// Positions count changes from 0. `leadroute repair` that cuts the journal
// at position P loses the changes from P on, and the changes written after
// it take their positions again. A subscriber that had received some of the
// lost ones would resume past P and miss the new ones silently. So each
// cut begins a new history, named by a random id: the file dir/HISTORY
// lists every history the directory had, oldest first, one per line,
// "<id> <position where it began>". A subscriber resuming with the id of
// its history learns where that history and the current one part (as a
// PostgreSQL timeline's history file, or Kafka's leader epochs).
//
// The file is written whole to a temporary file, synced, renamed and the
// directory synced.
#ifndef LEADROUTE_STORE_HISTORY_H_
#define LEADROUTE_STORE_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/status.h"
#include "store/env.h"

namespace leadroute::store {

struct HistoryEntry {
  std::string id;            // 16 lower-case hex digits
  std::uint64_t began = 0;   // the first position it holds apart from earlier ones
};

class History {
 public:
  // The text of dir/HISTORY. InvalidArgument when malformed: a line not
  // "<16 hex digits> <position>" (no leading zeros), an id twice, none at all.
  static Result<History> Parse(std::string_view text);
  // Reads dir/HISTORY. NotFound when there is none.
  static Result<History> Read(Env* env, const std::string& dir);
  // A new directory's: one history from position 0.
  static History Begin();

  // A new history from `position` on (the journal was cut there).
  void Branch(std::uint64_t position);
  // Writes dir/HISTORY durably.
  Status Write(Env* env, const std::string& dir) const;
  std::string Format() const;

  const std::string& current() const { return entries_.back().id; }
  const std::vector<HistoryEntry>& entries() const { return entries_; }
  // Where history `id` and the current one part: positions before it are
  // the same changes in both. std::nullopt when `id` is unknown here; the
  // largest position when `id` is the current one.
  std::optional<std::uint64_t> SharedUntil(std::string_view id) const;

 private:
  std::vector<HistoryEntry> entries_;
};

// A fresh random id (16 hex digits).
std::string NewHistoryId();

}  // namespace leadroute::store

#endif  // LEADROUTE_STORE_HISTORY_H_
