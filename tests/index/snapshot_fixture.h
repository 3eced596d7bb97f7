// A small index with every kind of state a snapshot holds: several owners,
// replaced records, closed and pending ones, expiries, histories with
// actors, posting lists shared by many records. Deterministic, so a
// snapshot written by one version can be compared with a fresh build.
#ifndef LEADROUTE_TESTS_INDEX_SNAPSHOT_FIXTURE_H_
#define LEADROUTE_TESTS_INDEX_SNAPSHOT_FIXTURE_H_

#include <string>

#include "index/opportunity_index.h"

namespace leadroute::index {

inline void FillForSnapshot(OpportunityIndex* index) {
  Features f;
  for (int i = 0; i < 240; ++i) {
    Opportunity o;
    o.id = "opp-" + std::to_string(i % 200);  // the last 40 replace
    o.owner = {i % 5 == 0 ? OwnerKind::kDirect : OwnerKind::kPartner,
               "owner-" + std::to_string(i % 7)};
    o.party.company = "Snapshot Company " + std::to_string(i) + " GmbH";
    o.party.domain = "company" + std::to_string(i % 200) + ".de";
    o.party.country = i % 2 ? "DE" : "AT";
    o.products = {"cloud", i % 3 ? "network" : "security"};
    o.status = i % 4 == 0 ? OpportunityStatus::kPending : OpportunityStatus::kOpen;
    o.expires_at = i % 6 == 0 ? 0 : 1'800'000'000 + i;
    f = Features();
    f.company = "snapshot company " + std::to_string(i % 200);
    f.company_tokens = "snapshot company " + std::to_string(i % 200);
    f.domain = o.party.domain;
    f.country = o.party.country;
    bool created = false;
    (void)index->Upsert(o, f, &created, 1'790'000'000 + i);
  }
  for (int i = 0; i < 200; i += 9) {
    index->SetStatus("opp-" + std::to_string(i), OpportunityStatus::kWon, 1'791'000'000 + i,
                     HistoryEvent::kClosed, "crm-sync");
  }
  for (int i = 3; i < 200; i += 11) {
    index->SetStatus("opp-" + std::to_string(i), OpportunityStatus::kExpired, 1'792'000'000 + i,
                     HistoryEvent::kExpired, "system");
  }
}

// Records that name a company and give a street address (and one person
// who gives an address), for the snapshots of LROI0004 and before, whose
// builds posted addresses only for people.
inline void FillWithAddresses(OpportunityIndex* index) {
  for (int i = 0; i < 12; ++i) {
    Opportunity o;
    o.id = "addr-" + std::to_string(i);
    o.owner = {OwnerKind::kPartner, "owner-a"};
    Features f;
    if (i != 11) {
      f.company = "address company " + std::to_string(i);
      f.company_tokens = f.company;
    } else {
      f.given = "jane";
      f.surname = "doe";
    }
    f.street = "hardenbergstrasse";
    f.number = std::to_string(80 + i % 4);
    f.postal = "66879";
    f.country = "DE";
    bool created = false;
    (void)index->Upsert(o, f, &created, 1'790'500'000 + i);
    // addr-1 again, last: its postings move to the end of their lists.
    if (i == 11) {
      o.id = "addr-1";
      f = Features();
      f.company = "address company 1";
      f.company_tokens = f.company;
      f.street = "hardenbergstrasse";
      f.number = "81";
      f.postal = "66879";
      f.country = "DE";
      (void)index->Upsert(o, f, &created, 1'790'500'100);
    }
  }
}

}  // namespace leadroute::index

#endif  // LEADROUTE_TESTS_INDEX_SNAPSHOT_FIXTURE_H_
