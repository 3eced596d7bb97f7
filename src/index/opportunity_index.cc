#include "index/opportunity_index.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <span>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "util/fixed.h"

namespace leadroute::index {

namespace {

// Rebuilds the features a packed record was stored with, to find its keys.
Features FeaturesOf(const RecordView& r) {
  Features f;
  const auto v = r.features();
  f.company = v.company;
  f.company_acronym = v.acronym;
  f.company_tokens = v.tokens;
  f.domain = v.domain;
  f.email = v.email;
  f.phone = v.phone;
  f.given = v.given;
  f.surname = v.surname;
  f.street = v.street;
  f.number = v.number;
  f.postal = v.postal;
  f.city = v.city;
  f.country = v.country;
  f.ids = v.ids;
  f.birth_date = v.birth_date;
  return f;
}

std::vector<std::string> SplitProducts(std::string_view joined) {
  std::vector<std::string> out;
  while (!joined.empty()) {
    const auto sep = joined.find('\x1f');
    out.emplace_back(joined.substr(0, sep));
    if (sep == std::string_view::npos) break;
    joined.remove_prefix(sep + 1);
  }
  return out;
}

}  // namespace

OpportunityIndex::OpportunityIndex(IndexLimits limits) : limits_(limits) {}

std::uint32_t OpportunityIndex::InternOwner(const Owner& owner) {
  owner_key_.assign(OwnerKindName(owner.kind));
  owner_key_.push_back(':');
  owner_key_ += owner.id;
  if (auto it = owner_ids_.find(std::string_view(owner_key_)); it != owner_ids_.end()) {
    return it->second;
  }
  const auto id = static_cast<std::uint32_t>(owners_.size());
  // The map last: if a push throws, no id points past the vectors.
  owners_.push_back(owner);
  owner_actors_.push_back(kNoActor);
  owner_ids_.emplace(owner_key_, id);
  return id;
}

std::int64_t OpportunityIndex::Find(std::string_view id, std::uint64_t id_key) const {
  for (std::uint32_t slot : postings_.Find(id_key)) {
    if (IdOf(slot) == id) return slot;
  }
  return -1;
}

namespace {

// The events that stored a record, naming its owner as their actor (a
// close, an expiry or a review's decision changes only its status).
bool StoresRecord(HistoryEvent event) {
  return event == HistoryEvent::kCreated || event == HistoryEvent::kUpdated ||
         event == HistoryEvent::kApproved || event == HistoryEvent::kReview;
}

std::uint32_t ToU32Seconds(std::int64_t t) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(t, 0, 0xFFFFFFFFll));
}

std::string OwnerActor(const Owner& owner) {
  std::string actor(OwnerKindName(owner.kind));
  actor.push_back(':');
  actor += owner.id;
  return actor;
}

}  // namespace

bool OpportunityIndex::Prepare(const Opportunity& opp, const Features& f, Prepared* out) {
  if (!Pack(opp, f, &out->packed)) return false;
  out->id_key = IdKey(opp.id);
  StoredKeys(f, &out->keys);
  return true;
}

bool OpportunityIndex::Prepare(const Opportunity& opp, const Features& f,
                               const std::vector<LookupKey>& query, Prepared* out) {
  if (!Pack(opp, f, &out->packed)) return false;
  out->id_key = IdKey(opp.id);
  StoredKeys(f, query, &out->keys);
  return true;
}

void OpportunityIndex::Prefetch(const Prepared& r) const {
  postings_.Prefetch(r.id_key);
  for (const LookupKey& k : r.keys) postings_.Prefetch(k.hash);
}

std::uint32_t OpportunityIndex::InternActor(std::string_view actor) {
  auto it = actor_ids_.find(actor);
  if (it != actor_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(actors_.size());
  actors_.emplace_back(actor);
  actor_ids_.emplace(std::string(actor), id);
  return id;
}

std::uint32_t OpportunityIndex::OwnerActorOf(std::uint32_t owner) {
  // Interned when first needed, not with the owner: a restore interns the
  // owners before the saved actors, whose ids must stay as saved.
  if (owner_actors_[owner] == kNoActor) {
    owner_actors_[owner] = InternActor(OwnerActor(owners_[owner]));
  }
  return owner_actors_[owner];
}

void OpportunityIndex::Note(std::uint32_t slot, std::int64_t at, HistoryEvent event,
                            std::uint32_t actor) {
  if (last_event_.size() <= slot) last_event_.resize(slot + 1, kNoEvent);
  const Slot& s = slots_[slot];
  const auto expires =
      static_cast<std::uint64_t>(std::clamp<std::int64_t>(s.expires_at, 0, (1ll << 40) - 1));
  events_.push_back(Event{ToU32Seconds(at), static_cast<std::uint32_t>(expires),
                          last_event_[slot], actor, event, s.status,
                          static_cast<std::uint16_t>(expires >> 32)});
  last_event_[slot] = static_cast<std::uint32_t>(events_.size() - 1);
}

void OpportunityIndex::SetStatusOf(std::uint32_t slot, OpportunityStatus status,
                                   std::int64_t at, HistoryEvent event,
                                   std::string_view actor) {
  slots_[slot].status = status;
  Note(slot, at, event, actor);
}

std::optional<std::vector<HistoryEntry>> OpportunityIndex::History(std::string_view id) const {
  const std::int64_t slot = Find(id);
  if (slot < 0) return std::nullopt;
  std::vector<HistoryEntry> out;
  const auto s = static_cast<std::size_t>(slot);
  for (std::uint32_t e = s < last_event_.size() ? last_event_[s] : kNoEvent; e != kNoEvent;
       e = events_[e].prev) {
    const Event& ev = events_[e];
    out.push_back(HistoryEntry{ev.at, ev.event, ev.status, ev.Expires(), actors_[ev.actor]});
  }
  std::reverse(out.begin(), out.end());
  return out;
}

bool OpportunityIndex::HeldAt(std::uint32_t slot, std::int64_t t) const {
  // The newest event at or before t says what held then.
  for (std::uint32_t e = slot < last_event_.size() ? last_event_[slot] : kNoEvent;
       e != kNoEvent; e = events_[e].prev) {
    const Event& ev = events_[e];
    if (ev.at > t) continue;
    const bool active =
        ev.status == OpportunityStatus::kOpen || ev.status == OpportunityStatus::kPending;
    return active && (ev.Expires() == 0 || ev.Expires() > t);
  }
  return false;
}

Owner OpportunityIndex::OwnerAt(std::uint32_t slot, std::int64_t t) const {
  for (std::uint32_t e = slot < last_event_.size() ? last_event_[slot] : kNoEvent;
       e != kNoEvent; e = events_[e].prev) {
    const Event& ev = events_[e];
    if (ev.at > t || !StoresRecord(ev.event)) continue;
    if (ev.actor >= actors_.size()) break;
    const std::string_view actor = actors_[ev.actor];
    const auto colon = actor.find(':');
    if (colon == std::string_view::npos) break;
    const auto kind = ParseOwnerKind(actor.substr(0, colon));
    if (!kind) break;
    return Owner{*kind, std::string(actor.substr(colon + 1))};
  }
  return OwnerOf(slot);
}

Status OpportunityIndex::Upsert(const Opportunity& opp, const Features& f,
                                bool* created, std::int64_t at, bool registered) {
  if (!Prepare(opp, f, &prepared_)) return Status::TooLarge("opportunity too large to store");
  Upsert(opp, prepared_, created, at, registered);
  return Status::Ok();
}

bool OpportunityIndex::StoredOtherwise(const Opportunity& opp, const Prepared& r,
                                       Opportunity* stored) const {
  const std::int64_t found = Find(opp.id, r.id_key);
  if (found < 0) return false;
  const auto slot = static_cast<std::uint32_t>(found);
  const std::int64_t was = View(slot).registered_at();
  if (was == 0) return false;  // as Upsert() below decides
  const bool keep_expiry = opp.expires_at == 0 && slots_[slot].expires_at != 0;
  const bool keep_status =
      opp.status == OpportunityStatus::kOpen && slots_[slot].status != OpportunityStatus::kOpen;
  const bool keep_registered = opp.registered_at == 0;
  if (!keep_expiry && !keep_status && !keep_registered) return false;
  *stored = opp;
  if (keep_expiry) stored->expires_at = slots_[slot].expires_at;
  if (keep_status) stored->status = slots_[slot].status;
  if (keep_registered) stored->registered_at = was;
  return true;
}

void OpportunityIndex::Upsert(const Opportunity& opp, const Prepared& r, bool* created,
                              std::int64_t at, bool registered) {
  const std::int64_t found = Find(opp.id, r.id_key);
  *created = found < 0;
  std::uint32_t slot;
  std::int64_t expires_at = opp.expires_at;
  OpportunityStatus status = opp.status;
  std::string_view packed = r.packed;
  if (*created) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = static_cast<std::uint32_t>(found);
    // An update of a registration (registered_at stored) that leaves out
    // registered_at or expires_at keeps them: a CRM's sync of a registered
    // deal (its amount, say) must not turn its protection period into one
    // without end. Nor does an update open a registration: one pending
    // waits for review_registration, one withdrawn, expired or closed stays
    // so (a closing status given is applied). Other opportunities' times
    // and status are the CRM's, as given.
    if (const std::int64_t was = View(slot).registered_at(); was != 0) {
      if (expires_at == 0) expires_at = slots_[slot].expires_at;
      if (status == OpportunityStatus::kOpen) status = slots_[slot].status;
      if (opp.registered_at == 0) {
        Opportunity kept = opp;
        kept.registered_at = was;
        if (Pack(kept, FeaturesOf(RecordView(r.packed.data())), &repacked_)) packed = repacked_;
      }
    }
    RemovePostings(slot);
    arena_.Release(View(slot).size());
  }
  Slot& s = slots_[slot];
  s.packed = arena_.Store(packed);
  s.expires_at = expires_at;
  s.owner = InternOwner(opp.owner);
  s.status = status;
  if (*created) postings_.Add(r.id_key, slot);
  AddPostings(slot, r.keys);
  const HistoryEvent event = registered ? (opp.status == OpportunityStatus::kPending
                                               ? HistoryEvent::kReview
                                               : HistoryEvent::kApproved)
                             : *created ? HistoryEvent::kCreated
                                        : HistoryEvent::kUpdated;
  Note(slot, at, event, OwnerActorOf(s.owner));
  MaybeCompact();
}

bool OpportunityIndex::NeedsCompaction() const {
  return arena_.dead() >= limits_.compact_after_bytes && arena_.dead() >= arena_.live();
}

OpportunityIndex::Compaction OpportunityIndex::PrepareCompaction() const {
  Compaction c;
  c.packed.reserve(slots_.size());
  for (const Slot& s : slots_) {
    c.packed.push_back(s.packed == nullptr
                           ? nullptr
                           : c.arena.Store({s.packed, RecordView(s.packed).size()}));
  }
  return c;
}

void OpportunityIndex::InstallCompaction(Compaction* c) {
  for (std::size_t i = 0; i < slots_.size() && i < c->packed.size(); ++i) {
    slots_[i].packed = c->packed[i];
  }
  std::swap(arena_, c->arena);
}

void OpportunityIndex::MaybeCompact() {
  if (!limits_.compact_in_upsert || !NeedsCompaction()) return;
  Compaction c = PrepareCompaction();
  InstallCompaction(&c);
}

bool OpportunityIndex::SetStatus(std::string_view id, OpportunityStatus status,
                                 std::int64_t at, HistoryEvent event, std::string_view actor) {
  const std::int64_t slot = Find(id);
  if (slot < 0) return false;
  SetStatusOf(static_cast<std::uint32_t>(slot), status, at, event, actor);
  return true;
}

std::optional<Opportunity> OpportunityIndex::Get(std::string_view id) const {
  const std::int64_t slot = Find(id);
  if (slot < 0) return std::nullopt;
  return OpportunityOf(static_cast<std::uint32_t>(slot));
}

Opportunity OpportunityIndex::OpportunityOf(std::uint32_t slot) const {
  const Slot& s = slots_[slot];
  const RecordView r(s.packed);
  Opportunity o;
  o.id = r.Get(kId);
  o.owner = owners_[s.owner];
  o.party.company = r.Raw(kCompany);
  o.party.domain = r.Get(kDomain);
  o.party.email = r.Get(kEmail);
  o.party.first_name = r.Raw(kFirstName);
  o.party.last_name = r.Raw(kLastName);
  o.party.phone = r.Get(kPhone);
  o.party.street = r.Get(kStreet);
  o.party.city = r.Get(kCity);
  o.party.postal_code = r.Get(kPostalCode);
  o.party.region = r.Get(kRegion);
  o.party.country = r.Get(kCountry);
  ForEachId(r.Get(kIds), [&](std::string_view type, std::string_view value) {
    o.party.ids.push_back({std::string(type), std::string(value)});
  });
  o.party.birth_date = r.Get(kBirthDate);
  o.products = SplitProducts(r.Get(kProducts));
  o.amount = r.amount();
  o.status = s.status;
  o.registered_at = r.registered_at();
  o.expires_at = s.expires_at;
  return o;
}

bool OpportunityIndex::ActiveAt(std::uint32_t slot, std::int64_t now) const {
  const Slot& s = slots_[slot];
  return (s.status == OpportunityStatus::kOpen ||
          s.status == OpportunityStatus::kPending) &&
         (s.expires_at == 0 || s.expires_at > now);
}

bool OpportunityIndex::DueAt(std::uint32_t slot, std::int64_t now) const {
  const Slot& s = slots_[slot];
  return (s.status == OpportunityStatus::kOpen || s.status == OpportunityStatus::kPending) &&
         s.expires_at != 0 && s.expires_at <= now;
}

std::uint32_t OpportunityIndex::DueFrom(std::uint32_t from, std::size_t max_scan,
                                        std::int64_t now,
                                        std::vector<std::uint32_t>* out) const {
  const std::size_t n = slots_.size();
  if (n == 0) return 0;
  std::size_t i = from < n ? from : 0;
  for (std::size_t scanned = 0; scanned < std::min(max_scan, n); ++scanned) {
    if (DueAt(static_cast<std::uint32_t>(i), now)) out->push_back(static_cast<std::uint32_t>(i));
    if (++i == n) i = 0;
  }
  return static_cast<std::uint32_t>(i);
}

// Save() format, little-endian: "LROI0028"; u32 owner count, each owner
// as u8 kind, u32 length, id bytes; u64 record count, each record as i64
// expires_at, u32 owner, u8 status; the posting table (PostingTable::Save),
// so a restore hashes nothing; the histories: u32 actor count, each as u32
// length and bytes; u64 event count, each as u32 at, expires_at (the
// expiry's lower 32 bits), prev, actor, u8 event, status (each with four
// more of the expiry's bits above its value; before LROI0014 none);
// u32 per record, its newest event; last, each
// record's packed bytes as u32 length and bytes (last, so that a snapshot
// copies them after letting writers in again: see SaveTables()).
// Read too, each the same layout with its records' features derived by an
// earlier normalizer (Restore() with a featurer derives them again) and,
// before LROI0015, its postings under other keys (rebuilt from the
// records with or without a featurer):
// "LROI0027" (the posting table's runs in the order their keys came, not
// by home: PostingTable::Probe() reads them by home);
// "LROI0026" (a street named by its type and a number, "Street 128",
// keyed without its number; "Mhd" not read as Mohamed; "n" between
// words, "Barnes n Noble", kept; no initials without connectives posted,
// "RBC"; a site or division after a legal form kept, "Acme GmbH
// (Berlin)"; a street line of a house number alone, "6", read as
// nothing);
// "LROI0025" (British spellings of words of business, "Harbour", kept);
// "LROI0024" ("Sainte" kept; "AB" and "Oy" before a Nordic or Baltic
// name kept); "LROI0023" ("Saint" kept, "St." spelled out; a Japanese "2 Chome-3-1"
// read as "2"; postal code and number keyed by the whole number);
// "LROI0022" (initials joined by "&", "P&G", read apart); "LROI0021" (a
// Japanese block number, "1-9-2", read as its first number); "LROI0020"
// ("St." kept after a name's first word; a city's other names read in any
// country; "12 bis" after a comma no number); "LROI0019" (a company name
// of one word expanded, "CIA" as "compania"; "Eng", "Ste", "Francia" read
// as words; a city named in another language, "Cologne", apart from its
// own name); "LROI0018" (street words of some countries read as
// elsewhere: "V. Roma", "ul.", "Keizersgr.", "12 bis"); "LROI0017" (a
// government agency's domain under bund.de, admin.ch or state.tx.us read
// as the umbrella's); "LROI0016" (a country named in another language in
// a company name, "Deutschland", kept as written); "LROI0015"
// (abbreviations in company names, "Intl", kept as written); "LROI0014"
// (the same, and a company name of several words posted under its key, its
// words as they are, not by their skeletons); "LROI0013" (a legal form
// written first, "AO" or "PT", removed
// from a company name in every country; "Calle Mayor, 5" read without its
// number; "Mueller GmbH" in Germany apart from "Müller GmbH"; "Plan B
// S.A." read as "plan bsa"; "ACME株式会社" as "acmezhu ..."; phones in
// full-width digits without a key; "facebook.com/contoso" as
// "facebook.com"): Restore() with a featurer derives
// them again; "LROI0012", the same layout, its records' features derived by
// an earlier normalizer (the example domains RFC 2606 reserves read as a
// company's domain; titles such as "Ing." kept in a person's name;
// "D-80331" read as no postal code): Restore() with a featurer derives
// them again;
// "LROI0011", the same layout, its records' features derived by
// an earlier normalizer (no country taken from the region or from a
// one-line address's end; a street without its house number read as none)
// and its postings without a company's postal code and house number:
// Restore() with a featurer derives them again;
// "LROI0010", the same layout, its records' features derived by
// an earlier normalizer (a country field's name, "Germany", or "UK" read
// as no country or as "UK"): Restore() with a featurer derives them again;
// "LROI0009", the same layout, its records' features derived by
// an earlier normalizer (phones its metadata does not hold valid dropped;
// a line's leading floor and unit, "#01-11", read as its house number):
// Restore() with a featurer derives them again; "LROI0008", the same, its
// posting keys hashed by an earlier function as well (FNV-1a; the postings
// are rebuilt from the records);
// "LROI0007" and "LROI0006", likewise, their records' features derived by an
// earlier normalizer as well (Restore() with a featurer derives them again);
// and, their postings rebuilt from the records (RebuildPostings),
// "LROI0005", the same layout with the posting table's former buckets
// (PostingTable::SkipFormer); "LROI0004", written when a record that names a
// company got no address posting; "LROI0003", which had each record's
// length and bytes after its status.
namespace {

constexpr char kSaveMagic[8] = {'L', 'R', 'O', 'I', '0', '0', '2', '8'};

// The version a snapshot's magic names ("LROI0028": 28), or -1.
constexpr int SnapshotVersion(std::string_view in) {
  if (in.size() < 8 || in.substr(0, 4) != "LROI") return -1;
  int version = 0;
  for (const char c : in.substr(4, 4)) {
    if (c < '0' || c > '9') return -1;
    version = version * 10 + (c - '0');
  }
  return version;
}
constexpr int kSaveVersion = SnapshotVersion(std::string_view(kSaveMagic, sizeof(kSaveMagic)));

bool TakeBytes(std::string_view* in, std::uint32_t n, std::string_view* v) {
  if (in->size() < n) return false;
  *v = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

}  // namespace

void OpportunityIndex::Save(std::string* out) const {
  std::vector<const char*> records;
  SaveTables(out, &records);
  SaveRecords(records, out);
}

void OpportunityIndex::SaveTables(std::string* out, std::vector<const char*>* records) const {
  out->append(kSaveMagic, sizeof(kSaveMagic));
  PutFixed<std::uint32_t>(out, static_cast<std::uint32_t>(owners_.size()));
  for (const Owner& o : owners_) {
    PutFixed<std::uint8_t>(out, static_cast<std::uint8_t>(o.kind));
    PutFixed<std::uint32_t>(out, static_cast<std::uint32_t>(o.id.size()));
    out->append(o.id);
  }
  PutFixed<std::uint64_t>(out, slots_.size());
  records->clear();
  records->reserve(slots_.size());
  for (const Slot& s : slots_) {
    PutFixed<std::int64_t>(out, s.expires_at);
    PutFixed<std::uint32_t>(out, s.owner);
    PutFixed<std::uint8_t>(out, static_cast<std::uint8_t>(s.status));
    records->push_back(s.packed);
  }
  postings_.Save(out);
  PutFixed<std::uint32_t>(out, static_cast<std::uint32_t>(actors_.size()));
  for (const std::string& a : actors_) {
    PutFixed<std::uint32_t>(out, static_cast<std::uint32_t>(a.size()));
    out->append(a);
  }
  PutFixed<std::uint64_t>(out, events_.size());
  for (const Event& e : events_) {
    PutFixed<std::uint32_t>(out, e.at);
    PutFixed<std::uint32_t>(out, e.expires_at);
    PutFixed<std::uint32_t>(out, e.prev);
    PutFixed<std::uint32_t>(out, e.actor);
    // The expiry's bits 32 to 39 in the upper halves of the event and
    // status bytes (zero before LROI0014, whose values fit four bits).
    PutFixed<std::uint8_t>(out, static_cast<std::uint8_t>(
                                    static_cast<std::uint8_t>(e.event) | (e.expires_hi & 0xF) << 4));
    PutFixed<std::uint8_t>(out, static_cast<std::uint8_t>(
                                    static_cast<std::uint8_t>(e.status) | (e.expires_hi >> 4) << 4));
  }
  // The newest events: as stored, then kNoEvent for slots past them.
  const std::size_t have = std::min(last_event_.size(), slots_.size());
  out->append(reinterpret_cast<const char*>(last_event_.data()), have * sizeof(std::uint32_t));
  for (std::size_t i = have; i < slots_.size(); ++i) PutFixed<std::uint32_t>(out, kNoEvent);
}

void OpportunityIndex::SaveRecords(const std::vector<const char*>& records, std::string* out) {
  for (const char* packed : records) {
    const std::size_t size = RecordView(packed).size();
    PutFixed<std::uint32_t>(out, static_cast<std::uint32_t>(size));
    out->append(packed, size);
  }
}

std::size_t OpportunityIndex::SaveSizeBound() const {
  std::size_t total = sizeof(kSaveMagic) + 4 + 8 + 4 + 8;
  for (const Owner& o : owners_) total += 1 + 4 + o.id.size();
  // Each record's fixed fields and its packed bytes (the arena's live ones).
  total += slots_.size() * (8 + 4 + 1 + 4 + 4) + arena_.live();
  total += postings_.SaveSize();
  for (const std::string& a : actors_) total += 4 + a.size();
  return total + events_.size() * (4 * 4 + 2);
}

Status OpportunityIndex::Restore(std::string_view in, const Featurer& featurer) {
  *this = OpportunityIndex(limits_);
  auto malformed = [this](std::string_view what) {
    *this = OpportunityIndex(limits_);
    return Status::InvalidArgument("malformed opportunity snapshot: " + std::string(what));
  };
  if (in.size() < sizeof(kSaveMagic)) return malformed("not a snapshot of this version");
  // Every earlier version from LROI0003 on is read (see Save()'s format):
  // LROI0003 to LROI0005 had another posting table; LROI0006 to LROI0008
  // hashed posting keys by an earlier function; from LROI0006 on, each
  // earlier one holds the features of an earlier normalizer (and up to
  // LROI0027, a posting table in another order). Their postings are
  // rebuilt.
  const int version = SnapshotVersion(in);
  const bool v3 = version == 3;  // records' bytes among their fixed fields
  const bool former = version >= 3 && version <= 5;
  const bool earlier_hashes = version >= 6 && version <= 8;
  const bool earlier_features = version >= 6 && version < kSaveVersion;
  if (!former && !earlier_features && version != kSaveVersion) {
    return malformed("not a snapshot of this version");
  }
  in.remove_prefix(sizeof(kSaveMagic));
  // A record's packed bytes: checked, then stored.
  auto take_record = [&](const char** packed) {
    std::uint32_t len = 0;
    std::string_view bytes;
    if (!TakeFixed(&in, &len) || !TakeBytes(&in, len, &bytes) || !RecordView::Valid(bytes)) {
      return false;
    }
    *packed = arena_.Store(bytes);
    return true;
  };
  std::uint32_t owners = 0;
  if (!TakeFixed(&in, &owners) || owners > in.size()) return malformed("owners");
  for (std::uint32_t i = 0; i < owners; ++i) {
    std::uint8_t kind = 0;
    std::uint32_t len = 0;
    std::string_view id;
    if (!TakeFixed(&in, &kind) || kind > static_cast<std::uint8_t>(OwnerKind::kDirect) ||
        !TakeFixed(&in, &len) || !TakeBytes(&in, len, &id)) {
      return malformed("owner");
    }
    InternOwner(Owner{static_cast<OwnerKind>(kind), std::string(id)});
  }
  if (owners_.size() != owners) return malformed("an owner twice");
  std::uint64_t records = 0;
  if (!TakeFixed(&in, &records) || records > in.size() / 17) return malformed("record count");
  slots_.reserve(records);
  for (std::uint64_t i = 0; i < records; ++i) {
    Slot s;
    std::uint8_t status = 0;
    if (!TakeFixed(&in, &s.expires_at) || !TakeFixed(&in, &s.owner) || s.owner >= owners ||
        !TakeFixed(&in, &status) || status > static_cast<std::uint8_t>(OpportunityStatus::kPending) ||
        (v3 && !take_record(&s.packed))) {
      return malformed("record " + std::to_string(i));
    }
    s.status = static_cast<OpportunityStatus>(status);
    slots_.push_back(s);
  }
  if (former ? !PostingTable::SkipFormer(&in)
             : !postings_.Restore(&in, static_cast<std::uint32_t>(slots_.size()),
                                  /*by_home=*/version == kSaveVersion)) {
    return malformed("postings");
  }
  std::uint32_t actors = 0;
  if (!TakeFixed(&in, &actors) || actors > in.size() / 4) return malformed("actors");
  for (std::uint32_t i = 0; i < actors; ++i) {
    std::uint32_t len = 0;
    std::string_view actor;
    if (!TakeFixed(&in, &len) || !TakeBytes(&in, len, &actor)) return malformed("actor");
    InternActor(actor);
  }
  if (actors_.size() != actors) return malformed("an actor twice");
  std::uint64_t events = 0;
  if (!TakeFixed(&in, &events) || events > in.size() / 18) return malformed("event count");
  events_.reserve(events);
  for (std::uint64_t i = 0; i < events; ++i) {
    Event e;
    std::uint8_t event = 0, status = 0;
    if (!TakeFixed(&in, &e.at) || !TakeFixed(&in, &e.expires_at) || !TakeFixed(&in, &e.prev) ||
        !TakeFixed(&in, &e.actor) || !TakeFixed(&in, &event) || !TakeFixed(&in, &status)) {
      return malformed("event " + std::to_string(i));
    }
    e.expires_hi = static_cast<std::uint16_t>((event >> 4) | (status >> 4) << 4);
    event &= 0xF;
    status &= 0xF;
    if ((e.prev != kNoEvent && e.prev >= i) || e.actor >= actors ||
        event > static_cast<std::uint8_t>(HistoryEvent::kReviewed) ||
        status > static_cast<std::uint8_t>(OpportunityStatus::kPending)) {
      return malformed("event " + std::to_string(i));
    }
    e.event = static_cast<HistoryEvent>(event);
    e.status = static_cast<OpportunityStatus>(status);
    events_.push_back(e);
  }
  last_event_.resize(slots_.size());
  for (std::uint32_t& last : last_event_) {
    if (!TakeFixed(&in, &last) || (last != kNoEvent && last >= events)) return malformed("histories");
  }
  if (!v3) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!take_record(&slots_[i].packed)) return malformed("record " + std::to_string(i));
    }
  }
  if (!in.empty()) return malformed("trailing bytes");
  // Features an earlier normalizer derived: derived again where a featurer
  // is given; a former posting table's records are packed again in any
  // case. Postings under keys this build does not hash so are rebuilt.
  const bool refeature = (former || earlier_features) && featurer != nullptr;
  // Postings of a build before LROI0015 are under other keys (company
  // names by their words as written): rebuilt with or without a featurer.
  if (former || earlier_features) {
    try {
      if (former || refeature) RepackRecords(refeature ? featurer : nullptr);
      RebuildPostings();
    } catch (const std::bad_alloc&) {
      *this = OpportunityIndex(limits_);
      return Status::Internal("out of memory upgrading the opportunity snapshot");
    }
  }
  // Restored without a featurer, features of an earlier normalizer stay,
  // and a later Save() writes them in this format, not to be derived again
  // (the Engine always gives one; tools and tests may not).
  restored_from_earlier_format_ = former || earlier_hashes || refeature;
  return Status::Ok();
}

void OpportunityIndex::RepackRecords(const Featurer& featurer) {
  RecordArena fresh;
  // In chunks packed on all cores (deriving features again normalizes
  // every record, ~2 µs each), then stored in slot order. The slots move to
  // the new bytes only once all are packed: a throw (bad_alloc) leaves
  // them on the old ones.
  constexpr std::uint32_t kChunk = 16384;
  const auto slots = static_cast<std::uint32_t>(slots_.size());
  std::vector<std::string> packed(std::min(kChunk, slots));
  std::vector<const char*> stored(slots);
  for (std::uint32_t from = 0; from < slots; from += kChunk) {
    const std::uint32_t to = std::min(slots, from + kChunk);
    auto pack = [&](const tbb::blocked_range<std::uint32_t>& range) {
      for (std::uint32_t slot = range.begin(); slot != range.end(); ++slot) {
        const RecordView r(slots_[slot].packed);
        const Opportunity opp = OpportunityOf(slot);
        std::string& out = packed[slot - from];
        // A record at the size limit may not fit the current layout
        // (254-byte fields take two length bytes more), nor with more
        // features: it stays as it was, its postings from its old features.
        if (!Pack(opp, featurer ? featurer(opp.party) : FeaturesOf(r), &out)) {
          out.assign(slots_[slot].packed, r.size());
        }
      }
    };
    // Isolated: the waiting caller (holding the index's locks) must not
    // pick up unrelated work, such as a route_batch task that checks.
    tbb::this_task_arena::isolate([&] {
      tbb::parallel_for(tbb::blocked_range<std::uint32_t>(from, to, 256), pack);
    });
    for (std::uint32_t slot = from; slot < to; ++slot) {
      stored[slot] = fresh.Store(packed[slot - from]);
    }
  }
  for (std::uint32_t slot = 0; slot < slots; ++slot) slots_[slot].packed = stored[slot];
  arena_ = std::move(fresh);
}

void OpportunityIndex::RebuildPostings() {
  postings_ = PostingTable();
  // Each list as a build that posted them all along would hold it: ids in
  // the order their records were created (slot order), match keys in the
  // order of their records' latest upserts (Candidates() takes the newest).
  std::vector<std::uint32_t> order(slots_.size());
  for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
    postings_.Add(IdKey(IdOf(slot)), slot);
    order[slot] = slot;
  }
  auto upserted = [&](std::uint32_t slot) {
    for (std::uint32_t e = slot < last_event_.size() ? last_event_[slot] : kNoEvent;
         e != kNoEvent; e = events_[e].prev) {
      if (StoresRecord(events_[e].event)) return e;
    }
    return std::uint32_t{0};
  };
  std::vector<std::uint32_t> latest(slots_.size());
  for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) latest[slot] = upserted(slot);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return latest[a] < latest[b]; });
  std::vector<LookupKey> keys;
  for (std::uint32_t slot : order) {
    StoredKeys(FeaturesOf(View(slot)), &keys);
    AddPostings(slot, keys);
  }
}

namespace {

// Most keys one record adds (StoredKeys), for growing ahead; more only
// means a growth inside Upsert after all.
constexpr std::size_t kKeysPerRecord = 16;

// A copy of `v` with room for `more` elements if it has not, else empty.
template <typename Vec>
Vec Roomier(const Vec& v, std::size_t more) {
  if (v.size() + more <= v.capacity()) return {};
  Vec bigger;
  bigger.reserve(std::max(v.capacity() * 2, v.size() + more));
  bigger.assign(v.begin(), v.end());
  return bigger;
}

}  // namespace

OpportunityIndex::Growth OpportunityIndex::PrepareGrowth(std::size_t records,
                                                         std::size_t bytes,
                                                         std::size_t events) const {
  Growth g;
  if (bytes > 0 && arena_.NeedsChunk(bytes)) g.chunk = RecordArena::NewChunk(bytes);
  // +1: each record's id is a key too.
  g.buckets = postings_.GrownFor(records * (kKeysPerRecord + 1));
  g.slots = Roomier(slots_, records);
  g.last_event = Roomier(last_event_, records);
  g.events = Roomier(events_, events);
  return g;
}

void OpportunityIndex::InstallGrowth(Growth* g) {
  if (g->buckets.capacity() > 0) postings_.Install(&g->buckets);
  if (g->slots.capacity() > 0) slots_.swap(g->slots);
  if (g->last_event.capacity() > 0) last_event_.swap(g->last_event);
  if (g->events.capacity() > 0) events_.swap(g->events);
  if (g->chunk.size > 0) arena_.AddSpare(std::move(g->chunk));
}

std::size_t OpportunityIndex::CountActive(std::int64_t now, std::size_t from,
                                         std::size_t to) const {
  std::size_t n = 0;
  for (std::size_t i = from; i < to; ++i) {
    if (slots_[i].packed && ActiveAt(static_cast<std::uint32_t>(i), now)) ++n;
  }
  return n;
}

std::size_t OpportunityIndex::bytes() const {
  return arena_.reserved() + slots_.capacity() * sizeof(Slot) + postings_.bytes();
}

OpportunityIndex::Footprint OpportunityIndex::footprint() const {
  Footprint f;
  f.records = arena_.reserved();
  f.records_live = arena_.live();
  f.slots = slots_.capacity() * sizeof(Slot);
  f.histories = events_.capacity() * sizeof(Event) +
                last_event_.capacity() * sizeof(std::uint32_t);
  f.posting_buckets = postings_.bucket_bytes();
  f.posting_lists = postings_.list_bytes();
  f.keys = postings_.keys();
  return f;
}

void OpportunityIndex::AddPostings(std::uint32_t slot,
                                   const std::vector<LookupKey>& keys) {
  for (const LookupKey& k : keys) postings_.Add(k.hash, slot);
}

void OpportunityIndex::RemovePostings(std::uint32_t slot) {
  std::vector<LookupKey> keys;
  StoredKeys(FeaturesOf(View(slot)), &keys);
  for (const LookupKey& k : keys) postings_.Remove(k.hash, slot);
}

void OpportunityIndex::Prefetch(const std::vector<std::uint32_t>& slots) const {
  // (The slots themselves started loading as Candidates() found them.)
  for (std::uint32_t s : slots) {
    // A record's header, and the lines after it where its fields lie: a
    // record is ~145 bytes, three lines as a rule (addresses only: they
    // may lie past the record's chunk).
    const auto at = reinterpret_cast<std::uintptr_t>(slots_[s].packed);
    __builtin_prefetch(reinterpret_cast<const void*>(at));
    __builtin_prefetch(reinterpret_cast<const void*>(at + 64));
    __builtin_prefetch(reinterpret_cast<const void*>(at + 128));
  }
}

void OpportunityIndex::Candidates(const std::vector<LookupKey>& keys,
                                  std::vector<std::uint32_t>* out,
                                  const Counted* counted) const {
  auto add = [&](std::uint32_t slot) {
    if (out->size() >= limits_.max_candidates) return;
    if (std::find(out->begin(), out->end(), slot) == out->end()) {
      out->push_back(slot);
      // Its slot (where its record lies) starts loading now, not once
      // every key is looked up (Prefetch()).
      __builtin_prefetch(&slots_[slot]);
    }
  };
  auto counts = [&](std::uint32_t slot) {
    return counted->held ? HeldAt(slot, counted->at) : ActiveAt(slot, counted->at);
  };
  // Adds the newest `cap` slots that count (all do without `counted`)
  // among a list's newest `scan` entries.
  auto add_newest = [&](std::span<const std::uint32_t> list, std::size_t cap,
                        std::size_t scan) {
    std::size_t taken = 0;
    for (std::size_t i = 0; i < scan && taken < cap; ++i) {
      const std::uint32_t s = list[list.size() - 1 - i];
      if (counted != nullptr && !counts(s)) continue;
      add(s);
      ++taken;
    }
  };
  // A long weak list's counted slots, kept until it proves selective.
  thread_local std::vector<std::uint32_t> few;
  for (const LookupKey& k : keys) postings_.Prefetch(k.hash);
  for (const LookupKey& k : keys) {
    const std::span<const std::uint32_t> list = postings_.Find(k.hash);
    if (list.empty()) continue;
    if (!IsStrongKind(k.kind)) {
      if (list.size() <= limits_.max_weak_postings) {
        if (k.kind == KeyKind::kPhone && list.size() > limits_.max_phone_postings) {
          // The newest that count: closed deals must not hide an older one
          // still open (a review found the newest 8 taken, all lost).
          add_newest(list, limits_.max_phone_postings, list.size());
          continue;
        }
        for (std::uint32_t s : list) add(s);
        continue;
      }
      // Long: not selective, unless few of its slots still count.
      if (counted == nullptr || list.size() > limits_.max_scanned_weak_postings) continue;
      few.clear();
      for (std::uint32_t s : list) {
        if (!counts(s)) continue;
        few.push_back(s);
        if (few.size() > limits_.max_weak_postings) break;
      }
      if (few.size() > limits_.max_weak_postings) continue;
      for (std::uint32_t s : few) add(s);
      continue;
    }
    // Strong keys: the newest entries; of a long list, the newest that count.
    if (counted == nullptr || list.size() <= limits_.max_strong_postings) {
      const std::size_t take = std::min(list.size(), limits_.max_strong_postings);
      for (std::size_t i = 0; i < take; ++i) add(list[list.size() - 1 - i]);
      continue;
    }
    const std::size_t scan = std::min(list.size(), limits_.max_scanned_postings);
    if (k.kind == KeyKind::kCompanySkeleton && !counted->company.empty()) {
      // A skeleton's list holds other names too ("moller bau" under
      // "muller bau"'s): those of this very name come first, from the
      // newest max_scanned_weak_postings that count (each a record read),
      // the newest others after them.
      std::size_t read = 0, taken = 0;
      for (std::size_t i = 0; i < scan && taken < limits_.max_strong_postings &&
                              read < limits_.max_scanned_weak_postings;
           ++i) {
        const std::uint32_t s = list[list.size() - 1 - i];
        if (!counts(s)) continue;
        ++read;
        if (View(s).Get(kFCompany) != counted->company) continue;
        add(s);
        ++taken;
      }
    }
    add_newest(list, limits_.max_strong_postings, scan);
  }
}

}  // namespace leadroute::index
