#include "normalize/email_address.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "normalize/text_fold.h"
#include "normalize/word_list.h"

namespace leadroute::normalize {

namespace {

// Bytes of an address's local part, looked up once a byte.
enum : std::uint8_t {
  kAtext = 1,  // RFC 5322 atext plus '.'
  kHigh = 2,   // not ASCII
};
constexpr std::array<std::uint8_t, 256> kLocalClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kAtext;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAtext;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAtext;
  for (unsigned char c : std::string_view("!#$%&'*+-/=?^_`{|}~.")) t[c] = kAtext;
  for (int c = 0x80; c < 256; ++c) t[c] = kHigh;
  return t;
}();

bool IsLocalPartChar(char c) { return kLocalClass[static_cast<unsigned char>(c)] & kAtext; }

// The last `c` in `s` (memrchr: a word at a time, where rfind() steps a
// byte at a time).
std::size_t Last(std::string_view s, char c) {
  const void* p = ::memrchr(s.data(), c, s.size());
  return p == nullptr ? std::string_view::npos
                      : static_cast<std::size_t>(static_cast<const char*>(p) - s.data());
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

std::optional<EmailKey> EmailAddress::Key(std::string_view input,
                                          const KnownHost* known) const {
  if (input.size() > kMaxEmailInput) return std::nullopt;
  std::string_view s = TrimAscii(input);
  // A field holding a list ("j.doe@acme.de; a.b@acme.de", or one address
  // with the separator a form left after it) is its first address (it had
  // no key at all). After text without an '@' only a display name's
  // address counts ("Doe, Jane <j.doe@acme.de>"), not a typo's rest
  // ("j,doe@acme.com" has none).
  // (Two memchr: find_first_of asks memchr of its set for every byte, and
  // cost 5.6% of all keys' instructions.)
  auto separator = [](std::string_view text) -> std::size_t {
    return std::min(text.find(';'), text.find(','));
  };
  if (separator(s) != std::string_view::npos) {
    std::string_view rest = s;
    std::string_view first;
    bool text_before = false;
    while (!rest.empty() && first.empty()) {
      const std::size_t cut = separator(rest);
      const std::string_view piece = TrimAscii(rest.substr(0, cut));
      if (piece.find('@') != std::string_view::npos) {
        if (text_before && piece.find('<') == std::string_view::npos) return std::nullopt;
        first = piece;
      }
      text_before |= !piece.empty();
      rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 1);
    }
    if (first.empty()) return std::nullopt;
    s = first;
  }
  // "Jane Doe <j.doe@acme.de>"
  if (auto lt = Last(s, '<'); lt != std::string_view::npos) {
    const auto gt = s.find('>', lt);
    if (gt == std::string_view::npos) return std::nullopt;
    s = TrimAscii(s.substr(lt + 1, gt - lt - 1));
  }
  if (s.size() >= 7 && (s.substr(0, 7) == "mailto:" || s.substr(0, 7) == "MAILTO:")) {
    s.remove_prefix(7);
  }
  const auto at = Last(s, '@');
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::string_view local = s.substr(0, at);
  const std::string_view host_part = s.substr(at + 1);
  if (host_part.empty()) return std::nullopt;
  // Each byte atext or not ASCII; `seen` gathers the classes met.
  std::uint8_t seen = 0;
  bool valid = true;
  for (char c : local) {
    const std::uint8_t k = kLocalClass[static_cast<unsigned char>(c)];
    seen |= k;
    valid &= k != 0;
  }
  if (!valid) return std::nullopt;
  const bool ascii = (seen & kHigh) == 0;
  // Byte for byte the input DomainName read before: the same answers.
  const bool reuse = known != nullptr && host_part == known->input;
  std::optional<std::string> read;
  if (!reuse) read = domains_->Host(host_part);
  const std::optional<std::string>& found = reuse ? *known->host : read;
  if (!found) return std::nullopt;
  std::string_view host = *found;
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
  const bool google = host == "gmail.com" || host == "googlemail.com";
  if (google) host = "gmail.com";
  EmailKey key;
  key.mailbox.resize(local.size() + 1 + host.size());
  char* out = key.mailbox.data();
  std::size_t n = 0;
  for (char c : local) {
    out[n] = AsciiLower(c);
    n += !google || c != '.';
  }
  if (n == 0) return std::nullopt;
  out[n++] = '@';
  std::memcpy(out + n, host.data(), host.size());
  key.mailbox.resize(n + host.size());
  // A free-mail host names no company: its registrable domain is not asked.
  if (IsFreemail(host)) {
    key.freemail = true;
    return key;
  }
  std::optional<std::string> registrable =
      reuse ? *known->registrable : domains_->Registrable(host);
  key.freemail = registrable && IsFreemail(*registrable);
  if (!key.freemail) key.domain = std::move(registrable);
  return key;
}

}  // namespace leadroute::normalize
