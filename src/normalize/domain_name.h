// Hosts and registrable domains from URLs, bare hosts and email addresses,
// through the public suffix list (libpsl) and IDNA (libidn2).
#ifndef LEADROUTE_NORMALIZE_DOMAIN_NAME_H_
#define LEADROUTE_NORMALIZE_DOMAIN_NAME_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/status.h"

struct psl_ctx_st;

namespace leadroute::normalize {

inline constexpr std::size_t kMaxUrlInput = 2048;

// Immutable after Create(); thread-safe (libpsl lookups are read-only).
class DomainName {
 public:
  // Loads the system public suffix list (Debian's `publicsuffix` package),
  // falling back to the list built into libpsl. `more_suffixes`: names to
  // read as suffixes too, one a line ("sharepoint.com"; kept only with the
  // system list, which is read as text).
  static Result<std::unique_ptr<DomainName>> Create(std::string_view more_suffixes = {});
  // From the text of a list in the public suffix list's format, as libpsl's
  // psl_load_fp() reads it (tests; a deployment with a list of its own).
  static Result<std::unique_ptr<DomainName>> FromList(std::string_view text);
  // Whether names are answered through the negative filter in front of
  // libpsl (false: every name is asked of libpsl).
  bool filtered() const { return filter_ != nullptr; }
  ~DomainName();
  DomainName(const DomainName&) = delete;
  DomainName& operator=(const DomainName&) = delete;

  // The host of a URL, host or email address, in lower-case ASCII (IDN to
  // punycode), without port, userinfo or trailing dot. Nullopt for
  // placeholders ("n/a", "-", "localhost"), IP literals, names whose top
  // level domain is unknown (.test, .example, .invalid), the example
  // domains RFC 2606 reserves (example.com, .net, .org), and malformed
  // names.
  std::optional<std::string> Host(std::string_view input) const;

  // The registrable domain ("eTLD+1") of a host from Host(): nullopt when the
  // host is itself a public suffix ("co.uk", "github.io").
  std::optional<std::string> Registrable(std::string_view host) const;

  std::optional<std::string> Key(std::string_view input) const {
    auto host = Host(input);
    if (!host) return std::nullopt;
    return Registrable(*host);
  }

 private:
  class SuffixFilter;

  DomainName(const psl_ctx_st* psl, bool owned, std::unique_ptr<SuffixFilter> filter);
  // Whether the public suffix list explicitly lists the end of `host`, whose
  // last '.' is at `last_dot`.
  bool HasListedSuffix(const std::string& host, std::size_t last_dot) const;
  // Whether libpsl could call `host` (lower-case ASCII, two labels or
  // more) a public suffix: false answers without asking it.
  bool MayBePublic(std::string_view host) const;
  // psl_is_public_suffix2(psl_, name, type) for a name MayBePublic() let
  // through, remembered per thread: those are mostly the list's own rules
  // ("co.uk", "com.au"), which many hosts end in.
  bool IsPublicSuffix(const char* name, int type) const;
  // Registrable()'s answer *out for `host`, made a tenant's own name where
  // `host` is one (see tenants_).
  void AsTenant(std::string_view host, std::optional<std::string>* out) const;

  const psl_ctx_st* psl_;
  bool owned_;
  // Create()'s `more_suffixes`: each still its own registrable domain (a
  // few: compared in turn, without a key made per lookup).
  std::vector<std::string> tenants_;
  std::unique_ptr<SuffixFilter> filter_;  // null: every question goes to libpsl
  std::uint64_t instance_;  // distinct per DomainName: keys per-thread memos
};

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_DOMAIN_NAME_H_
