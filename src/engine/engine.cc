#include "leadroute/engine.h"

#include "engine/deals.h"
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
    : normalizer_(std::move(normalizer)),
      deals_(std::make_unique<Deals>(normalizer_.get(), std::move(options))) {}

Engine::~Engine() = default;

const ConflictPolicy& Engine::conflict_policy() const {
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
  return s;
}

}  // namespace leadroute
