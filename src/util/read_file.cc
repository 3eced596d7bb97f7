#include "util/read_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace leadroute {

Result<std::string> ReadWholeFile(const std::string& path) {
  // A directory opens like a file and reads as nothing.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::IoError(path + ": cannot read: a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IoError(path + ": cannot read");
  return text.str();
}

}  // namespace leadroute
