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
  auto now = options.now;
  deals_ = std::make_unique<Deals>(normalizer_.get(), std::move(options));
  router_ = std::make_unique<Router>(normalizer_.get(), deals_.get(), base, std::move(now));
}

Engine::~Engine() = default;

MatchKeys Engine::Keys(const Party& party) const { return deals_->Keys(party); }

ConflictPolicy Engine::conflict_policy() const {
  return deals_->policy();
}

namespace {
thread_local Engine::DeferSync* deferring = nullptr;
}  // namespace

Engine::DeferSync::DeferSync() : outer_(deferring) { deferring = this; }

Engine::DeferSync::~DeferSync() {
  deferring = outer_;
  if (outer_ != nullptr && pending_) outer_->pending_ = true;
}

Status Engine::SyncDeferred() const { return log_ ? log_->Sync() : Status::Ok(); }

Status Engine::Durable() const {
  if (log_ != nullptr && deferring != nullptr) {
    deferring->pending_ = true;
    return Status::Ok();
  }
  return SyncDeferred();
}

Status Engine::UpsertOpportunity(const Opportunity& opp, bool* created) {
  Status s = deals_->Upsert(opp, created);
  return s.ok() ? Durable() : s;
}

std::vector<Status> Engine::UpsertOpportunities(
    const std::vector<Opportunity>& opps, std::size_t* created,
    std::vector<bool>* created_each) {
  std::vector<Status> statuses = deals_->UpsertMany(opps, created, created_each);
  if (Status s = Durable(); !s.ok()) {
    // Nothing is acknowledged, so nothing is counted created (groups applied
    // before the log failed are in doubt, as one upsert whose sync failed).
    for (Status& one : statuses) {
      if (one.ok()) one = s;
    }
    *created = 0;
    if (created_each != nullptr) created_each->assign(opps.size(), false);
  }
  return statuses;
}

Status Engine::CloseOpportunity(std::string_view id, OpportunityStatus status,
                               std::string_view actor) {
  Status s = deals_->Close(id, status, actor);
  return s.ok() ? Durable() : s;
}

Status Engine::ReviewRegistration(std::string_view id, bool approve, std::string_view actor,
                                  Opportunity* after) {
  Status s = deals_->Review(id, approve, actor, after);
  return s.ok() ? Durable() : s;
}

std::optional<std::vector<HistoryEntry>> Engine::OpportunityHistory(std::string_view id) const {
  return deals_->History(id);
}

std::vector<Match> Engine::ProtectionAt(const Opportunity& customer, std::int64_t t) const {
  return deals_->HeldAt(customer, t);
}

std::optional<Opportunity> Engine::GetOpportunity(std::string_view id) const {
  return deals_->Get(id);
}

CheckResult Engine::Check(const Opportunity& deal) const {
  return deals_->Check(deal);
}

Result<RegisterResult> Engine::Register(Opportunity deal) {
  auto r = deals_->Register(std::move(deal));
  if (!r.ok()) return r;
  // Conflicts and duplicates changed nothing; the others stored the deal.
  if (r->status == RegisterStatus::kApproved || r->status == RegisterStatus::kReview) {
    if (Status s = Durable(); !s.ok()) return s;
  }
  return r;
}

EngineStats Engine::Stats() const {
  EngineStats s;
  deals_->Count(&s);
  router_->Totals(&s);
  return s;
}

Result<RulesInfo> Engine::LoadRules(const std::string& dir) { return router_->Load(dir); }

Result<RulesInfo> Engine::ReloadRules() { return router_->Reload(); }

bool Engine::RulesLoaded() const { return router_->Current() != nullptr; }

Result<RouteResult> Engine::Route(const Lead& lead, const RouteOptions& options) {
  return Routed(router_->Route(lead, options), options);
}

Result<RouteResult> Engine::Route(Lead&& lead, const RouteOptions& options) {
  return Routed(router_->Route(std::move(lead), options), options);
}

Result<RouteResult> Engine::Routed(Result<RouteResult> r, const RouteOptions& options) {
  if (r.ok() && !options.dry_run) {
    if (Status s = Durable(); !s.ok()) return s;
  }
  return r;
}

std::vector<Result<RouteResult>> Engine::RouteBatch(const std::vector<Lead>& leads,
                                                    const RouteOptions& options) {
  return RoutedBatch(router_->RouteBatch(leads, options), options);
}

std::vector<Result<RouteResult>> Engine::RouteBatch(std::vector<Lead>&& leads,
                                                    const RouteOptions& options) {
  return RoutedBatch(router_->RouteBatch(std::move(leads), options), options);
}

std::vector<Result<RouteResult>> Engine::RoutedBatch(std::vector<Result<RouteResult>> results,
                                                     const RouteOptions& options) {
  if (options.dry_run) return results;
  Status s = Durable();
  if (s.ok()) return results;
  // Not durable: no decision may be claimed.
  std::vector<Result<RouteResult>> refused;
  refused.reserve(results.size());
  for (auto& r : results) refused.push_back(r.ok() ? Result<RouteResult>(s) : std::move(r));
  return refused;
}

Status Engine::LeadFeedback(std::string_view lead_id, std::string_view partner_id,
                            LeadOutcome outcome, std::optional<RouteResult>* rerouted) {
  Status s = router_->Feedback(lead_id, partner_id, outcome, rerouted);
  return s.ok() ? Durable() : s;
}

Result<bool> Engine::UpsertPartner(const Partner& partner) {
  auto r = router_->UpsertPartner(partner);
  if (r.ok()) {
    if (Status s = Durable(); !s.ok()) return s;
  }
  return r;
}

Status Engine::RemovePartner(std::string_view id) {
  Status s = router_->RemovePartner(id);
  return s.ok() ? Durable() : s;
}

std::optional<Partner> Engine::GetPartner(std::string_view id) const {
  return router_->GetPartner(id);
}

Result<PartnerStats> Engine::GetPartnerStats(std::string_view id) const {
  return router_->Stats(id);
}

std::vector<PartnerStats> Engine::GetPartnerStatsPage(std::string_view after, std::size_t limit,
                                                      bool* more) const {
  return router_->StatsPage(after, limit, more);
}

void Engine::SetChangeLog(ChangeLog* log) {
  log_ = log;
  deals_->SetLog(log);
  router_->SetLog(log);
}

Status Engine::Apply(const Change& change) {
  switch (change.kind) {
    case ChangeKind::kUpsertOpportunity:
    case ChangeKind::kCloseOpportunity:
    case ChangeKind::kExpireOpportunity:
    case ChangeKind::kReviewRegistration:
      return deals_->Replay(change);
    case ChangeKind::kRoute:
    case ChangeKind::kFeedback:
    case ChangeKind::kUpsertPartner:
    case ChangeKind::kRemovePartner:
      return router_->Replay(change);
  }
  return Status::Internal("unknown change");
}

std::size_t Engine::ExpireDue(std::size_t max_scan) {
  const std::size_t n = deals_->ExpireDue(max_scan);
  if (n > 0) (void)Durable();  // a failed sync is the log's to report and retry
  return n;
}

void Engine::SaveOpportunities(std::string* out, std::uint64_t* position) const {
  deals_->Save(out, position);
}

Status Engine::RestoreOpportunities(std::string_view bytes) { return deals_->Restore(bytes); }

bool Engine::OpportunitiesRestoredFromEarlierFormat() const {
  return deals_->RestoredFromEarlierFormat();
}

RoutingState Engine::SaveRouting(std::uint64_t* position) const {
  return router_->Save(position);
}

Status Engine::RestoreRouting(const RoutingState& state) { return router_->Restore(state); }

}  // namespace leadroute
