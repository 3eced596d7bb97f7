// MatchScorer: how strongly a stored record and a deal are the same
// customer, as a score in [0, 1] with the evidence that agreed.
//
// Evidence adds up in points (roughly log-odds): a registrable domain or an
// exact mailbox is strong, a phone, an address or a loose name similarity
// alone is weaker, contradicting fields (another country, another domain,
// another company name) subtract. The score is a logistic of the points.
#ifndef LEADROUTE_INDEX_MATCH_SCORER_H_
#define LEADROUTE_INDEX_MATCH_SCORER_H_

#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

#include "index/features.h"
#include "index/record.h"
#include "leadroute/conflict_policy.h"
#include "leadroute/opportunity.h"

namespace leadroute::index {

struct Scored {
  double score = 0;
  std::vector<Evidence> evidence;  // strongest first
};

// The least score a caller keeps: ScoreMatch() need not make a score below
// it exact. `points`: at most the points whose score reaches it (none
// where it is 0 or the weights' slope is not positive).
struct ScoreFloor {
  ScoreFloor() = default;
  ScoreFloor(double score, const MatchWeights& w);
  double score = 0;
  double points = -std::numeric_limits<double>::infinity();
};

// `deal` and `stored` are the two sides' features. A score below `floor`
// may be any score less than it and at least the exact one, without
// evidence: names that would need comparing word by word are not compared
// where the rest of the evidence shows the score below it at any
// similarity of theirs.
Scored ScoreMatch(const Features& deal, const RecordView::FeatureView& stored,
                  const MatchWeights& w, const ScoreFloor& floor = {});

// Fields only one side gives, of the bits FeatureBits() and
// RecordView::FieldBits() give. Among equal scores the record with fewer
// describes the deal more closely ("John Smith" at an address is more
// likely the record of John Smith there than that of John Smith born in
// 1970 there): callers rank by it next.
inline int OneSided(std::uint32_t deal_bits, std::uint32_t stored_bits) {
  return std::popcount((deal_bits ^ stored_bits) & kFeatureBits);
}

}  // namespace leadroute::index

#endif  // LEADROUTE_INDEX_MATCH_SCORER_H_
