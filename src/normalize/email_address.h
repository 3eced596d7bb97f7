// Email addresses to canonical mailboxes and company domains.
#ifndef LEADROUTE_NORMALIZE_EMAIL_ADDRESS_H_
#define LEADROUTE_NORMALIZE_EMAIL_ADDRESS_H_

#include <optional>
#include <string>
#include <string_view>

#include "leadroute/normalizer.h"
#include "normalize/domain_name.h"
#include "normalize/word_list.h"

namespace leadroute::normalize {

inline constexpr std::size_t kMaxEmailInput = 512;
inline constexpr std::size_t kMaxLocalPart = 64;

// Immutable; thread-safe. Borrows `domains`, which must outlive it.
class EmailAddress {
 public:
  // `freemail`: freemail_domains.txt, one domain or host a line.
  EmailAddress(const DomainName* domains, std::string_view freemail);

  // Accepts "j.doe@acme.de", " J.Doe+webinar@ACME.de ", "Jane <j@acme.de>",
  // "mailto:j@acme.de". The mailbox is lower-cased with any "+tag" removed;
  // for Google's consumer domains dots in the local part are dropped and
  // googlemail.com becomes gmail.com.
  std::optional<EmailKey> Key(std::string_view input) const { return Key(input, nullptr); }

  // A host already read by DomainName from `input` (a party's domain field):
  // an address whose host part is those same bytes reuses the answers
  // instead of reading them again ("acme.de" and "j.doe@acme.de").
  struct KnownHost {
    std::string_view input;
    const std::optional<std::string>* host;         // DomainName::Host(input)
    const std::optional<std::string>* registrable;  // Registrable(*host), if host
  };
  std::optional<EmailKey> Key(std::string_view input, const KnownHost* known) const;

  bool IsFreemail(std::string_view host_or_domain) const {
    return freemail_.contains(host_or_domain);
  }

 private:
  const DomainName* domains_;
  StringSet freemail_;
};

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_EMAIL_ADDRESS_H_
