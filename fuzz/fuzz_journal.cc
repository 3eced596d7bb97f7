// The data directory's files as outside input: a journal segment (every
// record decoded and replayed), a snapshot file, the two parts of a
// snapshot past their checksum (the packed opportunities, the routing
// state), and the HISTORY file (first byte 0xff). The first byte picks
// which. Recovery must never crash, hang or grow without bound, whatever
// the disk hands back.
#include <string>
#include <string_view>

#include <simdjson.h>

#include "fuzz_util.h"
#include "leadroute/engine.h"
#include "store/change_codec.h"
#include "store/history.h"
#include "store/journal.h"
#include "store/snapshot.h"

namespace {

using namespace leadroute;

// An engine with the demo rules, renewed now and then so that replayed
// state does not pile up across inputs.
Engine& SharedEngine() {
  static std::unique_ptr<Engine> engine;
  static int uses = 0;
  if (!engine || ++uses % 512 == 0) {
    auto created = Engine::Create();
    if (!created.ok()) std::abort();
    engine = std::move(created).value();
    (void)engine->LoadRules(LEADROUTE_DEMO_RULES);
  }
  return *engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] == 0xff) {  // a HISTORY file
    auto history = store::History::Parse(in);
    if (history.ok()) {
      (void)history->SharedUntil(history->entries().front().id);
      if (history->Format() != in) std::abort();  // what parses is what it writes
    }
    return 0;
  }
  Engine& engine = SharedEngine();
  switch (data[0] % 4) {
    case 0: {
      std::string padded(in);
      padded.append(simdjson::SIMDJSON_PADDING, '\0');
      store::SegmentScan scan;
      store::DecodedChange decoded;
      (void)store::ScanSegment(
          padded, in.size(), 0,
          [&](std::uint64_t, std::string_view payload) {
            if (store::DecodeChange(payload, &decoded).ok()) (void)engine.Apply(decoded.change);
            return Status::Ok();
          },
          &scan);
      if (scan.valid_bytes > in.size()) std::abort();
      break;
    }
    case 1: {
      store::SnapshotImage image;
      (void)store::ParseSnapshot(in, "snapshot", &image);
      break;
    }
    case 2: {
      if (engine.RestoreOpportunities(in).ok()) {
        Opportunity deal;
        deal.party.company = "Acme GmbH";
        deal.party.domain = "acme.de";
        deal.party.country = "DE";
        (void)engine.Check(deal);
        (void)engine.Stats();
        (void)engine.ExpireDue(1000);
      }
      break;
    }
    case 3: {
      RoutingState state;
      if (store::DecodeRoutingState(in, &state).ok()) (void)engine.RestoreRouting(state);
      break;
    }
  }
  return 0;
}
