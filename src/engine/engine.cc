#include "leadroute/engine.h"

#include "engine/deals.h"
#include "engine/router.h"
#include "util/time.h"

namespace leadroute {

std::string_view Version() { return LEADROUTE_VERSION; }

Result<std::unique_ptr<Engine>> Engine::Create(EngineOptions options) {
  auto normalizer = Normalizer::Create();
  if (!normalizer.ok()) return normalizer.status();
  if (!options.now) options.now = NowSeconds;
  return std::unique_ptr<Engine>(
      new Engine(std::move(*normalizer), std::move(options)));
}

Engine::Engine(std::unique_ptr<Normalizer> normalizer, EngineOptions options)
    : normalizer_(std::move(normalizer)) {
  const ConflictPolicy base = options.conflict;
  deals_ = std::make_unique<Deals>(normalizer_.get(), std::move(options));
  router_ = std::make_unique<Router>(normalizer_.get(), deals_.get(), base);
}

Engine::~Engine() = default;

ConflictPolicy Engine::conflict_policy() const {
  return deals_->policy();
}

Status Engine::UpsertOpportunity(const Opportunity& opp, bool* created) {
  return deals_->Upsert(opp, created);
}

std::vector<Status> Engine::UpsertOpportunities(
    const std::vector<Opportunity>& opps, std::size_t* created) {
  return deals_->UpsertMany(opps, created);
}

Status Engine::CloseOpportunity(std::string_view id, OpportunityStatus status) {
  return deals_->Close(id, status);
}

std::optional<Opportunity> Engine::GetOpportunity(std::string_view id) const {
  return deals_->Get(id);
}

CheckResult Engine::Check(const Opportunity& deal) const {
  return deals_->Check(deal);
}

Result<RegisterResult> Engine::Register(Opportunity deal) {
  return deals_->Register(std::move(deal));
}

EngineStats Engine::Stats() const {
  EngineStats s;
  deals_->Count(&s.opportunities, &s.active);
  router_->Totals(&s);
  return s;
}

Result<RulesInfo> Engine::LoadRules(const std::string& dir) { return router_->Load(dir); }

Result<RulesInfo> Engine::ReloadRules() { return router_->Reload(); }

bool Engine::RulesLoaded() const { return router_->Current() != nullptr; }

Result<RouteResult> Engine::Route(const Lead& lead, const RouteOptions& options) {
  return router_->Route(lead, options);
}

std::vector<Result<RouteResult>> Engine::RouteBatch(const std::vector<Lead>& leads,
                                                    const RouteOptions& options) {
  return router_->RouteBatch(leads, options);
}

Status Engine::LeadFeedback(std::string_view lead_id, std::string_view partner_id,
                            LeadOutcome outcome, std::optional<RouteResult>* rerouted) {
  return router_->Feedback(lead_id, partner_id, outcome, rerouted);
}

Result<bool> Engine::UpsertPartner(const Partner& partner) {
  return router_->UpsertPartner(partner);
}

Status Engine::RemovePartner(std::string_view id) { return router_->RemovePartner(id); }

std::optional<Partner> Engine::GetPartner(std::string_view id) const {
  return router_->GetPartner(id);
}

Result<PartnerStats> Engine::GetPartnerStats(std::string_view id) const {
  return router_->Stats(id);
}

}  // namespace leadroute
