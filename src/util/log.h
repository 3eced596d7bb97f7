// Structured logs: one JSON object per line on stdout, for the server.
// One line per event worth a look (start, reload, errors), never one per
// request. Thread-safe: each line is written with one call.
#ifndef LEADROUTE_UTIL_LOG_H_
#define LEADROUTE_UTIL_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace leadroute {

// {"ts":"<RFC 3339>","level":<level>,"msg":<msg>,<field>:<value>,...}
// Values are written as JSON strings.
void Log(std::string_view level, std::string_view msg,
         std::initializer_list<std::pair<std::string_view, std::string_view>> fields = {});

// The line Log() writes, without the time stamp (for tests).
std::string LogLine(std::string_view level, std::string_view msg,
                    std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

}  // namespace leadroute

#endif  // LEADROUTE_UTIL_LOG_H_
