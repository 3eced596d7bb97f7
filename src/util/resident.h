// The resident memory of this process, from /proc/self/statm.
#ifndef LEADROUTE_UTIL_RESIDENT_H_
#define LEADROUTE_UTIL_RESIDENT_H_

#include <unistd.h>

#include <cstddef>
#include <fstream>

namespace leadroute {

// Bytes of this process's memory resident now; 0 where /proc is not there.
inline std::size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  const long page = ::sysconf(_SC_PAGESIZE);
  return resident * static_cast<std::size_t>(page > 0 ? page : 4096);
}

}  // namespace leadroute

#endif  // LEADROUTE_UTIL_RESIDENT_H_
