// The request decoder: any bytes as one request line. The answer must be one
// line of valid JSON (checked by parsing it back).
#include <simdjson.h>

#include <cstdlib>
#include <string>

#include "leadroute/engine.h"
#include "protocol/dispatcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static leadroute::Engine* engine = [] {
    auto e = leadroute::Engine::Create();
    if (!e.ok()) std::abort();
    return e->release();
  }();
  static leadroute::protocol::Dispatcher dispatcher(engine);
  std::string line(reinterpret_cast<const char*>(data), size);
  if (line.find('\n') != std::string::npos) return 0;  // framing splits these
  const std::size_t n = line.size();
  line.append(leadroute::protocol::kLinePadding, '\0');
  std::string out;
  dispatcher.Handle(std::string_view(line.data(), n), &out);
  if (out.empty()) return 0;
  if (out.back() != '\n' || out.find('\n') != out.size() - 1) std::abort();
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(out.data(), out.size() - 1).get(doc) != simdjson::SUCCESS) {
    std::abort();
  }
  return 0;
}
