// Reading a whole file into memory.
#ifndef LEADROUTE_UTIL_READ_FILE_H_
#define LEADROUTE_UTIL_READ_FILE_H_

#include <string>

#include "leadroute/status.h"

namespace leadroute {

// The bytes of the file at `path`; IoError "PATH: cannot read" when it
// cannot be opened.
Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace leadroute

#endif  // LEADROUTE_UTIL_READ_FILE_H_
