// The request decoder: any bytes as one request line. The answer must be one
// line of valid JSON (checked by parsing it back), and a line the
// dispatcher would run beside others (OnlyReads) must change nothing.
#include <simdjson.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "leadroute/engine.h"
#include "protocol/dispatcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Requests may store opportunities: a fresh engine now and then keeps the
  // process's memory bounded over millions of runs.
  static std::unique_ptr<leadroute::Engine> engine;
  static std::unique_ptr<leadroute::protocol::Dispatcher> dispatcher;
  static std::size_t runs = 0;
  if (runs++ % 20000 == 0) {
    dispatcher.reset();
    auto e = leadroute::Engine::Create();
    if (!e.ok()) std::abort();
    engine = std::move(*e);
    // The demo rule set, so routing and partner methods run too (tools/fuzz
    // runs from the repository root); reload_rules re-reads it.
    if (!engine->LoadRules("rules/demo").ok()) std::abort();
    dispatcher = std::make_unique<leadroute::protocol::Dispatcher>(engine.get());
  }
  std::string line(reinterpret_cast<const char*>(data), size);
  if (line.find('\n') != std::string::npos) return 0;  // framing splits these
  const std::size_t n = line.size();
  line.append(leadroute::protocol::kLinePadding, '\0');
  // A line OnlyReads() lets run beside others must change nothing.
  const bool reads = dispatcher->OnlyReads(std::string_view(line.data(), n));
  leadroute::EngineStats before;
  if (reads) before = engine->Stats();
  std::string out;
  dispatcher->Handle(std::string_view(line.data(), n), &out);
  if (reads) {
    const leadroute::EngineStats after = engine->Stats();
    if (after.opportunities != before.opportunities || after.active != before.active ||
        after.partners != before.partners || after.leads_routed != before.leads_routed ||
        after.leads_unassigned != before.leads_unassigned || after.leads_open != before.leads_open ||
        after.rules_version != before.rules_version) {
      std::abort();
    }
  }
  if (out.empty()) return 0;
  if (out.back() != '\n' || out.find('\n') != out.size() - 1) std::abort();
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(out.data(), out.size() - 1).get(doc) != simdjson::SUCCESS) {
    std::abort();
  }
  return 0;
}
