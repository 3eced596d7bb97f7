#include "normalize/domain_name.h"

#include <idn2.h>
#include <libpsl.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "normalize/text_fold.h"
#include "util/read_file.h"
#include "normalize/word_list.h"

namespace leadroute::normalize {

namespace {

constexpr std::size_t kMaxHost = 253;
// psl_registrable_domain() starts at the ninth label from the right.
constexpr std::size_t kLibpslCut = 9;
constexpr std::size_t kMaxLabel = 63;

// Byte classes of a host and what delimits one, looked up once a byte.
enum : std::uint8_t {
  kHostByte = 1,   // a letter, digit, '-' or '_'
  kUpperByte = 2,  // 'A'-'Z'
  kDotByte = 4,
  kEndByte = 8,    // ends the authority: / ? # \ space tab
  kAtByte = 16,
  kColonByte = 32,
  kHighByte = 64,  // not ASCII
  kOtherByte = 128,  // ASCII, and neither a host byte nor a dot
};
static_assert(kUpperByte << 4 == 0x20, "Host() lower-cases by the class bit");
constexpr std::array<std::uint8_t, 256> kByteClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t k = 0;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') k = kHostByte;
    if (c >= 'A' && c <= 'Z') k = kHostByte | kUpperByte;
    if (c == '.') k = kDotByte;
    if (c == '/' || c == '?' || c == '#' || c == '\\' || c == ' ' || c == '\t') k = kEndByte;
    if (c == '@') k = kAtByte;
    if (c == ':') k = kColonByte;
    if (c >= 0x80) k = kHighByte;
    if ((k & (kHostByte | kDotByte | kHighByte)) == 0) k |= kOtherByte;
    t[c] = k;
  }
  return t;
}();

std::uint8_t ClassOf(char c) { return kByteClass[static_cast<unsigned char>(c)]; }

// Cuts a URL, host or email down to its host part; the result may still be
// malformed.
std::string_view HostPart(std::string_view s) {
  s = TrimAscii(s);
  if (s.size() >= 7 && (s.substr(0, 7) == "mailto:" || s.substr(0, 7) == "MAILTO:")) {
    s.remove_prefix(7);
  }
  if (auto scheme = s.find("://"); scheme != std::string_view::npos) {
    s.remove_prefix(scheme + 3);
  } else if (s.size() >= 2 && s[0] == '/' && s[1] == '/') {
    s.remove_prefix(2);
  }
  // The authority ends at the path, query, fragment or white space; the
  // last '@' and ':' before that end, found in the same pass.
  std::size_t at = std::string_view::npos, colon = std::string_view::npos;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const std::uint8_t k = ClassOf(s[i]);
    if ((k & (kEndByte | kAtByte | kColonByte)) == 0) continue;
    if (k & kEndByte) {
      s = s.substr(0, i);
      break;
    }
    if (k & kAtByte) {
      at = i;
    } else {
      colon = i;
    }
  }
  // Userinfo, or the local part of an email address.
  if (at != std::string_view::npos) {
    s.remove_prefix(at + 1);
    colon = colon != std::string_view::npos && colon > at ? colon - at - 1
                                                          : std::string_view::npos;
  }
  if (!s.empty() && s.front() == '[') return {};  // IPv6 literal
  if (colon != std::string_view::npos) {
    for (char c : s.substr(colon + 1)) {
      if (!IsAsciiDigit(c)) return {};
    }
    s = s.substr(0, colon);
  }
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  while (!s.empty() && s.front() == '.') s.remove_prefix(1);
  return s;
}

bool IsAsciiHost(std::string_view host) {
  std::size_t label = 0;
  for (char c : host) {
    const std::uint8_t k = ClassOf(c);
    if (k & kDotByte) {
      if (label == 0) return false;
      label = 0;
    } else if (k & kHostByte) {
      if (++label > kMaxLabel) return false;
    } else {
      return false;
    }
  }
  return label != 0;
}

// The last few answers of one kind, per thread, for one DomainName each:
// one party names its host twice ("acme.de" and "j.doe@acme.de"), and
// libpsl costs ~0.2 µs a lookup. Exact: keyed by the whole host.
template <typename V>
class RecentHosts {
 public:
  const V* Find(std::uint64_t owner, std::string_view host) const {
    for (const Entry& e : entries_) {
      if (e.owner == owner && e.host == host) return &e.value;
    }
    return nullptr;
  }
  void Put(std::uint64_t owner, std::string_view host, const V& value) {
    Entry& e = entries_[next_];
    next_ = (next_ + 1) % entries_.size();
    e.owner = owner;
    e.host.assign(host);
    e.value = value;
  }

 private:
  struct Entry {
    std::uint64_t owner = 0;  // 0: empty
    std::string host;
    V value{};
  };
  std::array<Entry, 4> entries_;
  std::size_t next_ = 0;
};

std::atomic<std::uint64_t> next_instance{1};


}  // namespace

// A negative filter in front of libpsl, read from the same list file.
//
// libpsl (psl.c, _psl_is_public_suffix) calls a name of two labels or more
// a public suffix only when the name is one of its rules' names, or its
// parent is a wildcard rule's base ("ck" of "*.ck", "kawasaki.jp" of
// "*.kawasaki.jp"); it keeps internationalized rules in Unicode and as
// punycode. Any other name is no public suffix, and libpsl need not be
// asked: two Bloom filter probes instead of two binary searches over
// ~9,000 rules with strcmp (~1,400 instructions a name, measured). The
// names that pass (and the ~0.6% the filter lets through in error) are
// still answered by libpsl, so every answer is libpsl's
// (DomainNameTest.AgreesWithLibpslOnEveryRule). A Bloom filter, not a hash
// set of the names: a set's ~1 MB of buckets missed the cache on most
// probes (perf, depth 64: 78% of Registrable's cycles on one load); the
// filter's 32 KB stay in it.
class DomainName::SuffixFilter {
 public:
  // The filter of a list's text, as psl_load_fp() reads it (libpsl 0.21:
  // white space is ' ', '\t', '\r', '\n'; a rule ends at white space; "//"
  // starts a comment; "*." a wildcard, "!" an exception; other "*" rules
  // are ignored). Null when it could not be sure of that reading: a line of
  // 254 bytes or more (libpsl reads lines into 256-byte pieces, and a long
  // comment's second piece would become a rule there), or an
  // internationalized rule that libidn2 does not convert to punycode
  // (libpsl might).
  static std::unique_ptr<SuffixFilter> Parse(std::string_view text) {
    auto filter = std::make_unique<SuffixFilter>();
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty()) {
      const std::size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
      if (line.size() >= kMaxLine) return nullptr;
      while (!line.empty() && space(line.front())) line.remove_prefix(1);
      if (line.empty() || line.starts_with("//")) continue;
      std::size_t end = 0;
      while (end < line.size() && !space(line[end])) ++end;
      std::string_view rule = line.substr(0, end);
      bool wildcard = false;
      if (rule.front() == '!') {
        rule.remove_prefix(1);
      } else if (rule.front() == '*') {
        if (!rule.starts_with("*.")) continue;  // libpsl ignores these too
        rule.remove_prefix(2);
        wildcard = true;
      }
      if (rule.empty()) continue;
      if (!filter->Add(rule, wildcard)) return nullptr;
    }
    if (filter->names_ == 0) return nullptr;
    return filter;
  }

  // `name`: lower-case ASCII, two labels or more.
  bool MayBePublic(std::string_view name) const {
    return MayHold(HashString(name)) ||
           MayHold(HashString(name.substr(name.find('.') + 1)) ^ kWildcardSalt);
  }

 private:
  bool Add(std::string_view rule, bool wildcard) {
    std::string name(rule);
    for (char& c : name) c = AsciiLower(c);
    if (std::any_of(name.begin(), name.end(), [](char c) { return (c & 0x80) != 0; })) {
      // Kept in Unicode and as punycode, as libpsl keeps it.
      AddName(name, wildcard);
      char* out = nullptr;
      const int rc = idn2_to_ascii_8z(name.c_str(), &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
      if (rc != IDN2_OK || out == nullptr) {
        idn2_free(out);
        return false;
      }
      name = out;
      idn2_free(out);
      for (char& c : name) c = AsciiLower(c);
    }
    AddName(name, wildcard);
    return true;
  }

  void AddName(const std::string& name, bool wildcard) {
    if (wildcard) Add(HashString(name) ^ kWildcardSalt);
    // A plain one-label rule ("de") is not kept by libpsl either: its
    // implicit "*" rule makes every TLD public.
    if (name.find('.') != std::string::npos) {
      Add(HashString(name));
      ++names_;
    }
  }

  // Two bits a key, from the hash's two halves: for ~11,000 keys in 2^18
  // bits, ~0.6% of other names pass.
  static constexpr std::size_t kBits = std::size_t{1} << 18;
  // Wildcard bases are kept as their hash with this flipped in: "ck" of
  // "*.ck" is not the name "ck".
  static constexpr std::uint64_t kWildcardSalt = 0x5bd1e9955bd1e995ULL;

  void Add(std::uint64_t h) {
    Set(h % kBits);
    Set((h >> 32) % kBits);
  }
  void Set(std::size_t bit) { bits_[bit / 64] |= std::uint64_t{1} << (bit % 64); }
  bool Test(std::size_t bit) const { return (bits_[bit / 64] >> (bit % 64)) & 1; }
  bool MayHold(std::uint64_t h) const { return Test(h % kBits) && Test((h >> 32) % kBits); }

  static constexpr std::size_t kMaxLine = 254;

  std::array<std::uint64_t, kBits / 64> bits_{};
  std::size_t names_ = 0;  // rule names added
};

Result<std::unique_ptr<DomainName>> DomainName::Create(std::string_view more_suffixes) {
  // The system list as text beside its DAFSA form (Debian's publicsuffix
  // ships both): libpsl looks a name up in it about twice as fast (a
  // binary search over the rules, not a walk of the automaton), ~15 ms to
  // load. Used when it is no older than the list built into libpsl.
  if (const char* dafsa = psl_dist_filename(); dafsa != nullptr && *dafsa != '\0') {
    std::string text(dafsa);
    if (text.ends_with(".dafsa")) {
      text.replace(text.size() - 6, 6, ".dat");
      struct stat st;
      if (::stat(text.c_str(), &st) == 0 && st.st_mtime >= psl_builtin_file_time()) {
        // Read once: libpsl and the filter see the same list, even if the
        // package is upgraded meanwhile.
        if (auto list = ReadWholeFile(text); list.ok()) {
          if (!more_suffixes.empty()) {
            // As private rules, the section the list's own hosting
            // services are in.
            *list += "\n// ===BEGIN PRIVATE DOMAINS===\n";
            list->append(more_suffixes);
            *list += "\n// ===END PRIVATE DOMAINS===\n";
          }
          if (auto domains = FromList(*list); domains.ok()) {
            for (std::string_view rest = more_suffixes; !rest.empty();) {
              const std::size_t nl = rest.find('\n');
              const std::string_view name = rest.substr(0, nl);
              if (!name.empty()) (*domains)->tenants_.emplace_back(name);
              rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
            }
            return domains;
          }
        }
      }
    }
  }
  // psl_latest() picks the newer of the system list and libpsl's own.
  if (const psl_ctx_t* psl = psl_latest(nullptr); psl != nullptr) {
    return std::unique_ptr<DomainName>(new DomainName(psl, true, nullptr));
  }
  if (const psl_ctx_t* psl = psl_builtin(); psl != nullptr) {
    return std::unique_ptr<DomainName>(new DomainName(psl, false, nullptr));
  }
  return Status::Internal("no public suffix list could be loaded");
}

Result<std::unique_ptr<DomainName>> DomainName::FromList(std::string_view text) {
  std::string copy(text);  // fmemopen wants a writable buffer
  std::FILE* f = ::fmemopen(copy.data(), copy.size(), "r");
  psl_ctx_t* psl = f != nullptr ? psl_load_fp(f) : nullptr;
  if (f != nullptr) std::fclose(f);
  if (psl == nullptr) return Status::Internal("the public suffix list could not be read");
  return std::unique_ptr<DomainName>(new DomainName(psl, true, SuffixFilter::Parse(text)));
}

DomainName::DomainName(const psl_ctx_st* psl, bool owned, std::unique_ptr<SuffixFilter> filter)
    : psl_(psl),
      owned_(owned),
      filter_(std::move(filter)),
      instance_(next_instance.fetch_add(1)) {}

bool DomainName::MayBePublic(std::string_view host) const {
  return filter_ == nullptr || filter_->MayBePublic(host);
}

bool DomainName::IsPublicSuffix(const char* name, int type) const {
  // libpsl's answer is a binary search over the rules with strcmp (~460
  // instructions a name); the same few hundred names ("co.uk", "com.au")
  // ask it again and again. Up to kMaxNames a thread, then it starts over.
  constexpr int kExplicit = PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE;
  if (type != PSL_TYPE_ANY && type != kExplicit) {
    return psl_is_public_suffix2(psl_, name, type) != 0;
  }
  struct Known {
    std::uint64_t owner = 0;
    StringMap<bool> answers[2];  // PSL_TYPE_ANY, kExplicit
  };
  constexpr std::size_t kMaxNames = 4096;
  thread_local Known known;
  if (known.owner != instance_ ||
      known.answers[0].size() + known.answers[1].size() >= kMaxNames) {
    known.owner = instance_;
    known.answers[0].clear();
    known.answers[1].clear();
  }
  StringMap<bool>& answers = known.answers[type == PSL_TYPE_ANY ? 0 : 1];
  const std::string_view key(name);
  auto it = answers.find(key);
  if (it == answers.end()) {
    it = answers.emplace(std::string(key), psl_is_public_suffix2(psl_, name, type) != 0).first;
  }
  return it->second;
}

DomainName::~DomainName() {
  if (owned_) psl_free(const_cast<psl_ctx_t*>(psl_));
}

std::optional<std::string> DomainName::Host(std::string_view input) const {
  if (input.size() > kMaxUrlInput) return std::nullopt;
  if (input.find('\0') != std::string_view::npos) return std::nullopt;
  const std::string_view part = HostPart(input);
  if (part.empty() || part.size() > kMaxUrlInput) return std::nullopt;

  // Lower-cased as it is checked, in one pass: an ASCII host is valid when
  // its labels are (letters, digits, '-', '_'; 1 to 63 bytes), IsAsciiHost()'s
  // rule written out here. (Through a shared checker object it cost ~130
  // instructions more a party: the byte stores into `host` may alias it.)
  // Bytes are classed and lower-cased without a branch; a label's length
  // is checked at the dot that ends it.
  std::string host(part.size(), '\0');
  std::uint8_t seen = 0;  // the classes met
  std::size_t label = 0;  // where the open label begins
  bool labels_ok = true;
  for (std::size_t i = 0; i < part.size(); ++i) {
    const std::uint8_t k = ClassOf(part[i]);
    seen |= k;
    host[i] = static_cast<char>(part[i] | ((k & kUpperByte) << 4));  // 'A' | 0x20
    if (k & kDotByte) [[unlikely]] {
      labels_ok &= i - label - 1 < kMaxLabel;  // 1 to 63 bytes
      label = i + 1;
    }
  }
  labels_ok &= part.size() - label - 1 < kMaxLabel && (seen & kOtherByte) == 0;
  const bool ascii = (seen & kHighByte) == 0;
  if (!ascii) {
    // IDNA 2008 with UTS #46 mapping (lower-casing, NFC), to punycode.
    const std::string in(part);
    char* out = nullptr;
    const int rc = idn2_to_ascii_8z(
        in.c_str(), &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK || out == nullptr) {
      idn2_free(out);
      return std::nullopt;
    }
    host = out;
    idn2_free(out);
    for (char& c : host) c = AsciiLower(c);
  }
  if (host.size() > kMaxHost || !(ascii ? labels_ok : IsAsciiHost(host))) return std::nullopt;

  const std::size_t dot = host.rfind('.');
  if (dot == std::string::npos) return std::nullopt;  // "localhost", "n"
  bool numeric = true;
  for (char c : std::string_view(host).substr(dot + 1)) numeric &= IsAsciiDigit(c);
  if (numeric) return std::nullopt;  // an IPv4 address
  // The second-level names RFC 2606 reserves for examples ("the .test,
  // .example, .invalid and .localhost" top level domains are no listed
  // suffix already): a CRM's placeholder ("noemail@example.com"), no
  // company's (a review found two companies in conflict through one).
  // (Most hosts are told apart by the byte where "example" would begin,
  // before any comparison.)
  constexpr std::string_view kReserved = "example.com";  // or .net, .org
  if (host.size() >= kReserved.size() &&
      host[host.size() - kReserved.size()] == 'e') {
    const std::string_view tail(host.data() + host.size() - kReserved.size(),
                                kReserved.size());
    const std::string_view tld = tail.substr(8);
    if (tail.starts_with("example.") && (tld == "com" || tld == "net" || tld == "org") &&
        (host.size() == kReserved.size() || host[host.size() - kReserved.size() - 1] == '.')) {
      return std::nullopt;
    }
  }
  thread_local RecentHosts<bool> listed;
  if (const bool* known = listed.Find(instance_, host)) {
    if (!*known) return std::nullopt;
    return host;
  }
  const bool ok = HasListedSuffix(host, dot);
  listed.Put(instance_, host, ok);
  if (!ok) return std::nullopt;
  return host;
}

bool DomainName::HasListedSuffix(const std::string& host,
                                 std::size_t last_dot) const {
  // The top level domain itself is listed ("de", "com") or, for registries
  // that list only second levels ("co.za", "ac.za"), the last two labels are.
  // Without this check libpsl's implicit "*" rule would accept any TLD.
  constexpr int kExplicit = PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE;
  // The first answer depends on the TLD alone, and a few hundred are in
  // use: each thread remembers them (up to kMaxTlds, then starts over).
  struct Tlds {
    std::uint64_t owner = 0;
    StringMap<bool> listed;
  };
  constexpr std::size_t kMaxTlds = 4096;
  thread_local Tlds tlds;
  if (tlds.owner != instance_ || tlds.listed.size() >= kMaxTlds) {
    tlds.owner = instance_;
    tlds.listed.clear();
  }
  const char* tld = host.c_str() + last_dot + 1;
  auto it = tlds.listed.find(std::string_view(tld));
  if (it == tlds.listed.end()) {
    it = tlds.listed.emplace(tld, psl_is_public_suffix2(psl_, tld, kExplicit) != 0).first;
  }
  if (it->second) return true;
  const std::size_t second = host.rfind('.', last_dot - 1);
  const char* two = host.c_str() + (second == std::string::npos ? 0 : second + 1);
  return last_dot > 0 && MayBePublic(two) && IsPublicSuffix(two, kExplicit);
}

std::optional<std::string> DomainName::Registrable(std::string_view host) const {
  thread_local RecentHosts<std::optional<std::string>> registrable;
  if (const auto* known = registrable.Find(instance_, host)) return *known;
  // NUL-terminated for libpsl and strchr, in a buffer each thread reuses
  // (a host longer than std::string keeps inline was allocated each time).
  thread_local std::string h;
  h.assign(host);
  std::optional<std::string> out;
  // psl_registrable_domain()'s loop: from the left, the longest name that
  // is no public suffix while each shorter one down to the first public
  // suffix is none either ("forgot.his.name"). A name of one label always
  // is one (libpsl's implicit "*" rule), and the filter answers most of
  // the others.
  if (filter_ == nullptr ||
      static_cast<std::size_t>(std::count(h.begin(), h.end(), '.')) + 1 >= kLibpslCut) {
    // libpsl starts at the kLibpslCut-th label from the right (since
    // 0.20): a name that long is left to it, and the loop below is its
    // loop for every shorter one.
    const char* reg = psl_registrable_domain(psl_, h.c_str());
    if (reg != nullptr) out.emplace(reg);
    AsTenant(host, &out);
    registrable.Put(instance_, host, out);
    return out;
  }
  const char* name = h.c_str();
  const char* regdom = nullptr;
  for (;;) {
    const char* dot = std::strchr(name, '.');
    if (dot == nullptr) break;
    if (MayBePublic(name) && IsPublicSuffix(name, PSL_TYPE_ANY)) break;
    regdom = name;
    name = dot + 1;
  }
  if (regdom != nullptr) out.emplace(regdom);
  AsTenant(host, &out);
  registrable.Put(instance_, host, out);
  return out;
}

void DomainName::AsTenant(std::string_view host, std::optional<std::string>* out) const {
  // A tenant name read as a suffix is still its platform's own domain, with
  // "www." or "m." before it too (the review of the tenant rules found
  // squarespace.com itself, and mail on it, without a key): the list reads
  // the first as no registrable domain, the others as "www.T". Decided on
  // the answer, so that it is its own answer ("t.m.webnode.page" is
  // webnode.page's, as "m.webnode.page" is: fuzz_domain).
  if (tenants_.empty()) return;
  auto tenant = [&](std::string_view name) {
    return std::find(tenants_.begin(), tenants_.end(), name) != tenants_.end();
  };
  if (!*out) {
    if (tenant(host)) out->emplace(host);
    return;
  }
  std::string_view bare = **out;
  if (bare.starts_with("www.")) {
    bare.remove_prefix(4);
  } else if (bare.starts_with("m.")) {
    bare.remove_prefix(2);
  } else {
    return;
  }
  if (tenant(bare)) *out = std::string(bare);
}

}  // namespace leadroute::normalize
