// The JSON-RPC methods and the handlers that serve them.
#ifndef LEADROUTE_PROTOCOL_METHOD_TABLE_H_
#define LEADROUTE_PROTOCOL_METHOD_TABLE_H_

#include <simdjson.h>

#include <string_view>

#include "leadroute/engine.h"
#include "leadroute/status.h"
#include "protocol/json_writer.h"

namespace leadroute::protocol {

// A method handler: decodes `params` (nullptr when the request had none) in
// full, then acts on the engine and writes its result as one JSON value.
// It must not change any state before its params decoded cleanly. On error
// it returns the Status and whatever it wrote is discarded.
using MethodHandler = Status (*)(Engine& engine,
                                 simdjson::ondemand::value* params,
                                 JsonWriter& out);

// The handler for `method`, or nullptr. Thread-safe.
MethodHandler FindMethod(std::string_view method);

// Methods by index, for per-method metrics: the index of `method` or -1,
// the number of methods, and each one's name.
int MethodIndex(std::string_view method);
int MethodCount();
std::string_view MethodName(int index);
MethodHandler MethodAt(int index);

// Handlers, grouped by subsystem (one .cc each).
Status HandlePing(Engine& engine, simdjson::ondemand::value* params,
                  JsonWriter& out);
Status HandleNormalize(Engine& engine, simdjson::ondemand::value* params,
                       JsonWriter& out);
Status HandleUpsertOpportunity(Engine& engine, simdjson::ondemand::value* params,
                               JsonWriter& out);
Status HandleUpsertOpportunities(Engine& engine, simdjson::ondemand::value* params,
                                 JsonWriter& out);
Status HandleOpportunityHistory(Engine& engine, simdjson::ondemand::value* params,
                                JsonWriter& out);
Status HandleProtectionAt(Engine& engine, simdjson::ondemand::value* params,
                          JsonWriter& out);
Status HandleReviewRegistration(Engine& engine, simdjson::ondemand::value* params,
                                JsonWriter& out);
Status HandleCloseOpportunity(Engine& engine, simdjson::ondemand::value* params,
                              JsonWriter& out);
Status HandleGetOpportunity(Engine& engine, simdjson::ondemand::value* params,
                            JsonWriter& out);
Status HandleCheck(Engine& engine, simdjson::ondemand::value* params,
                   JsonWriter& out);
Status HandleRegister(Engine& engine, simdjson::ondemand::value* params,
                      JsonWriter& out);
Status HandleStats(Engine& engine, simdjson::ondemand::value* params,
                   JsonWriter& out);
Status HandleRoute(Engine& engine, simdjson::ondemand::value* params,
                   JsonWriter& out);
Status HandleRouteBatch(Engine& engine, simdjson::ondemand::value* params,
                        JsonWriter& out);
Status HandleLeadFeedback(Engine& engine, simdjson::ondemand::value* params,
                          JsonWriter& out);
Status HandleUpsertPartner(Engine& engine, simdjson::ondemand::value* params,
                           JsonWriter& out);
Status HandleRemovePartner(Engine& engine, simdjson::ondemand::value* params,
                           JsonWriter& out);
Status HandleGetPartner(Engine& engine, simdjson::ondemand::value* params,
                        JsonWriter& out);
Status HandlePartnerStats(Engine& engine, simdjson::ondemand::value* params,
                          JsonWriter& out);
Status HandleReloadRules(Engine& engine, simdjson::ondemand::value* params,
                         JsonWriter& out);

}  // namespace leadroute::protocol

#endif  // LEADROUTE_PROTOCOL_METHOD_TABLE_H_
