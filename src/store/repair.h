// Repair of a data directory that startup refuses: `leadroute repair`.
#ifndef LEADROUTE_STORE_REPAIR_H_
#define LEADROUTE_STORE_REPAIR_H_

#include <string>
#include <vector>

#include "leadroute/status.h"
#include "store/env.h"

namespace leadroute::store {

// Makes `dir` startable again, losing as little as it can: an unreadable
// snapshot is moved to dir/lost (an older one, or the journal alone, takes
// its place); the journal is cut at its first bad record (a corrupt one, a
// gap, a change that does not decode), the cut bytes and every later
// segment moved to dir/lost; a cut begins a new history (store/history.h)
// from the position where the journal goes on. *actions receives one line
// per thing done.
// Errors: the directory is locked or unreadable.
Status RepairDataDir(Env* env, const std::string& dir, std::vector<std::string>* actions);

}  // namespace leadroute::store

#endif  // LEADROUTE_STORE_REPAIR_H_
