#include "normalize/email_address.h"

#include "normalize/text_fold.h"
#include "normalize/word_list.h"

namespace leadroute::normalize {

namespace {

bool IsLocalPartChar(char c) {
  // RFC 5322 atext plus '.'.
  if (IsAsciiAlnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
    case '+': case '-': case '/': case '=': case '?': case '^': case '_':
    case '`': case '{': case '|': case '}': case '~': case '.':
      return true;
    default:
      return false;
  }
}

}  // namespace

EmailAddress::EmailAddress(const DomainName* domains,
                           std::string_view freemail)
    : domains_(domains) {
  ForEachDataLine(freemail, [&](const std::vector<std::string_view>& cols) {
    std::string d;
    for (char c : cols[0]) d.push_back(AsciiLower(c));
    freemail_.insert(std::move(d));
  });
}

std::optional<EmailKey> EmailAddress::Key(std::string_view input) const {
  if (input.size() > kMaxEmailInput) return std::nullopt;
  std::string_view s = TrimAscii(input);
  // "Jane Doe <j.doe@acme.de>"
  if (auto lt = s.rfind('<'); lt != std::string_view::npos) {
    const auto gt = s.find('>', lt);
    if (gt == std::string_view::npos) return std::nullopt;
    s = TrimAscii(s.substr(lt + 1, gt - lt - 1));
  }
  if (s.size() >= 7 && (s.substr(0, 7) == "mailto:" || s.substr(0, 7) == "MAILTO:")) {
    s.remove_prefix(7);
  }
  const auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::string_view local = s.substr(0, at);
  const std::string_view host_part = s.substr(at + 1);
  if (host_part.empty()) return std::nullopt;
  bool ascii = true;
  for (char c : local) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
    } else if (!IsLocalPartChar(c)) {
      return std::nullopt;
    }
  }
  auto host = domains_->Host(host_part);
  if (!host) return std::nullopt;
  // Internationalized local parts (RFC 6531) fold like names do:
  // "josé" -> "jose"; invalid UTF-8 yields no key. The tag is cut and the
  // checks made after folding, which can produce '+' ("±" -> "+/-") or
  // expose a dot at an edge. An ASCII local part is already checked and is
  // lower-cased below.
  std::string folded_local;
  if (!ascii) {
    if (!FoldToAscii(local, &folded_local)) return std::nullopt;
    local = folded_local;
  }
  if (auto plus = local.find('+'); plus != std::string_view::npos) {
    local = local.substr(0, plus);
  }
  if (!ascii) {
    for (char c : local) {
      if (!IsLocalPartChar(c)) return std::nullopt;
    }
  }
  if (local.empty() || local.size() > kMaxLocalPart) return std::nullopt;
  if (local.front() == '.' || local.back() == '.') return std::nullopt;
  const bool google = *host == "gmail.com" || *host == "googlemail.com";
  if (google) *host = "gmail.com";
  EmailKey key;
  key.mailbox.reserve(local.size() + 1 + host->size());
  for (char c : local) {
    if (google && c == '.') continue;
    key.mailbox.push_back(AsciiLower(c));
  }
  if (key.mailbox.empty()) return std::nullopt;
  key.mailbox.push_back('@');
  key.mailbox.append(*host);
  // A free-mail host names no company: its registrable domain is not asked.
  if (IsFreemail(*host)) {
    key.freemail = true;
    return key;
  }
  auto registrable = domains_->Registrable(*host);
  key.freemail = registrable && IsFreemail(*registrable);
  if (!key.freemail) key.domain = std::move(registrable);
  return key;
}

}  // namespace leadroute::normalize
