#include "index/similarity.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>

namespace leadroute::index {

namespace {

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

constexpr std::size_t kMaxCompare = 64;

constexpr std::size_t kMaxTokens = 16;

// Space-separated tokens of `s`, at most kMaxTokens, without allocating.
struct TokenList {
  // The items are left unset (only the first `size` are read): zeroing
  // 256 bytes a list was most of tokenizing a name for each pair scored.
  // A built-in array, whose elements an assignment to items[i] creates.
  TokenList() {}
  union {
    std::string_view items[kMaxTokens];
  };
  std::size_t size = 0;
};

TokenList Tokens(std::string_view s) {
  TokenList out;
  std::size_t i = 0;
  while (i < s.size() && out.size < kMaxTokens) {
    while (i < s.size() && s[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.items[out.size++] = s.substr(start, i - start);
  }
  return out;
}

// Winkler's boost of a Jaro similarity for the prefix of up to four bytes
// `a` and `b` share; increasing in `jaro`.
double WithPrefix(std::string_view a, std::string_view b, double jaro) {
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

}  // namespace

double JaroWinkler(std::string_view a, std::string_view b) {
  static_assert(kMaxCompare == 64, "the matched characters are marked in one 64-bit word");
  a = a.substr(0, kMaxCompare);
  b = b.substr(0, kMaxCompare);
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  if (a == b) return 1.0;
  const std::size_t window =
      std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  // Bit i of a_match: a[i] is matched (likewise b). Each byte's positions
  // in b are one word (positions[c]), so a[i]'s partner, the first
  // unmatched equal byte of b within the window, is the lowest bit of
  // three words and'ed: no scan of the window (~700 instructions a pair
  // of 14-byte words before, ~250 now). The table is all zero between
  // calls: the bytes of b are cleared again at the end.
  thread_local std::array<std::uint64_t, 256> positions{};
  for (std::size_t j = 0; j < b.size(); ++j) {
    positions[static_cast<unsigned char>(b[j])] |= std::uint64_t{1} << j;
  }
  // Without a branch a character: unlike names mispredict any (perf of
  // checks on a group's shared domain found this loop at 35% of them).
  // Bits of b in a[i]'s window, i - window to i + window: `upto` holds
  // those below i + window + 1, `from` those from i - window up.
  std::uint64_t upto = window + 1 >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << (window + 1)) - 1;
  std::uint64_t from = ~std::uint64_t{0};
  std::uint64_t a_match = 0, b_match = 0;
  std::size_t matches = 0;
  // Past b.size() + window the windows lie beyond b's end.
  const std::size_t end = std::min(a.size(), b.size() + window);
  for (std::size_t i = 0; i < end; ++i) {
    const std::uint64_t free =
        positions[static_cast<unsigned char>(a[i])] & ~b_match & upto & from;
    b_match |= free & (~free + 1);  // the lowest: the first free partner
    a_match |= static_cast<std::uint64_t>(free != 0) << i;
    matches += free != 0;  // (std::popcount is a call without -mpopcnt)
    upto = upto << 1 | 1;
    from <<= static_cast<unsigned>(i >= window);
  }
  for (char c : b) positions[static_cast<unsigned char>(c)] = 0;
  if (matches == 0) return 0.0;
  // The matched characters of each side in order, pairwise: the k-th set
  // bit of a_match against the k-th of b_match.
  std::size_t transpositions = 0;
  for (std::uint64_t am = a_match, bm = b_match; am != 0; am &= am - 1, bm &= bm - 1) {
    transpositions += static_cast<std::size_t>(a[std::countr_zero(am)] != b[std::countr_zero(bm)]);
  }
  const double m = static_cast<double>(matches);
  return WithPrefix(a, b, (m / a.size() + m / b.size() + (m - transpositions / 2.0) / m) / 3.0);
}

namespace {

// The bytes of a word (of its first kMaxCompare, those compared) counted
// by their low six bits: bytes that share them count as one, which only
// loosens the bound below.
struct WordBag {
  std::uint64_t bits;                 // the counts that are not zero
  std::array<std::uint8_t, 64> count;
};

void Bag(std::string_view word, WordBag* bag) {
  word = word.substr(0, kMaxCompare);
  bag->bits = 0;
  std::memset(bag->count.data(), 0, bag->count.size());
  for (char c : word) {
    const unsigned k = static_cast<unsigned char>(c) & 63u;
    ++bag->count[k];
    bag->bits |= std::uint64_t{1} << k;
  }
}

// The bytes two words have in common, as bags: at least the matches
// Jaro-Winkler finds, which pair equal bytes one to one.
std::size_t Common(const WordBag& a, const WordBag& b) {
  std::size_t n = 0;
  for (std::uint64_t both = a.bits & b.bits; both != 0; both &= both - 1) {
    const int k = std::countr_zero(both);
    n += std::min(a.count[k], b.count[k]);
  }
  return n;
}

// At least JaroWinkler(a, b), given at least its matches (Common()), with
// its transpositions at least none.
double JaroWinklerBound(std::string_view a, std::string_view b, std::size_t matches) {
  a = a.substr(0, kMaxCompare);
  b = b.substr(0, kMaxCompare);
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  if (matches == 0) return 0.0;
  const double m = static_cast<double>(matches);
  // JaroWinkler()'s arithmetic, with (m - transpositions / 2) / m at its
  // most, 1; increasing in m as it is.
  return WithPrefix(a, b, (m / a.size() + m / b.size() + 1.0) / 3.0);
}

// TokenSimilarity's average of the best, with its cost of unmatched
// tokens.
double Combined(double total, std::size_t shorter, std::size_t longer) {
  const double coverage = static_cast<double>(shorter) / longer;
  return (total / shorter) * (0.85 + 0.15 * coverage);
}

// The best Jaro-Winkler of word `t` against the words of `other`: 1 for
// a word the other side has as it is, without a Jaro-Winkler against each
// word before it (variants of one name share most). `bounds`: null, or an
// upper bound per word of `other`; a word whose bound is no more than the
// best found is not compared, and the word of the highest bound first.
double BestJaroWinkler(std::string_view t, const TokenList& other, const double* bounds) {
  for (std::size_t j = 0; j < other.size; ++j) {
    if (other.items[j] == t) return 1.0;
  }
  double best = 0;
  std::size_t first = 0;
  if (bounds != nullptr) {
    for (std::size_t j = 1; j < other.size; ++j) first = bounds[j] > bounds[first] ? j : first;
    best = JaroWinkler(t, other.items[first]);
  }
  for (std::size_t j = 0; j < other.size && best < 1.0; ++j) {
    if (bounds != nullptr && (j == first || bounds[j] <= best)) continue;
    best = std::max(best, JaroWinkler(t, other.items[j]));
  }
  return best;
}

}  // namespace

double TokenSimilarity(std::string_view a, std::string_view b) {
  return TokenSimilarity(a, b, 0.0);
}

double TokenSimilarity(std::string_view a, std::string_view b, double floor) {
  TokenList ta = Tokens(a);
  TokenList tb = Tokens(b);
  if (ta.size == 0 || tb.size == 0) return 0.0;
  if (ta.size > tb.size) std::swap(ta, tb);
  if (floor <= 0) {
    double total = 0;
    for (std::size_t i = 0; i < ta.size; ++i) total += BestJaroWinkler(ta.items[i], tb, nullptr);
    return Combined(total, ta.size, tb.size);
  }
  // The bound first: most names compared are other companies', and their
  // bytes alone show it (~150 instructions a word and ~30 a pair of
  // words, a Jaro-Winkler ~250). The bounds of each pair of words
  // (`pair`; infinite where not computed) then spare the Jaro-Winklers
  // that cannot be a word's best.
  std::array<WordBag, kMaxTokens> b_bags;
  for (std::size_t j = 0; j < tb.size; ++j) Bag(tb.items[j], &b_bags[j]);
  std::array<std::array<double, kMaxTokens>, kMaxTokens> pair;
  std::array<double, kMaxTokens> word_bound;  // each word's best pair bound
  double bound = 0;
  WordBag t_bag;
  for (std::size_t i = 0; i < ta.size; ++i) {
    const std::string_view t = ta.items[i];
    Bag(t, &t_bag);
    double best = 0;
    pair[i].fill(std::numeric_limits<double>::infinity());
    for (std::size_t j = 0; j < tb.size && best < 1.0; ++j) {
      pair[i][j] = JaroWinklerBound(t, tb.items[j], Common(t_bag, b_bags[j]));
      best = std::max(best, pair[i][j]);
    }
    word_bound[i] = best;
    bound += best;
  }
  const double at_most = Combined(bound, ta.size, tb.size);
  if (at_most < floor) return at_most;
  double total = 0;
  for (std::size_t i = 0; i < ta.size; ++i) {
    total += BestJaroWinkler(ta.items[i], tb, pair[i].data());
    // What the words scored so far and the bounds of the rest allow (summed
    // in the same order as the total: rounding keeps it at least the
    // similarity): below the floor, that is the answer.
    double upper = total;
    for (std::size_t k = i + 1; k < ta.size; ++k) upper += word_bound[k];
    const double most = Combined(upper, ta.size, tb.size);
    if (most < floor) return most;
  }
  return Combined(total, ta.size, tb.size);
}

namespace {

bool Has(const TokenList& list, std::string_view t) {
  for (std::size_t i = 0; i < list.size; ++i) {
    if (list.items[i] == t) return true;
  }
  return false;
}

// Whether every word of `a` is one of `b`'s.
bool AllIn(const TokenList& a, const TokenList& b) {
  for (std::size_t i = 0; i < a.size; ++i) {
    if (!Has(b, a.items[i])) return false;
  }
  return true;
}

// `all`'s words that `significant` lacks.
TokenList Generic(const TokenList& all, const TokenList& significant) {
  TokenList out;
  for (std::size_t i = 0; i < all.size; ++i) {
    if (!Has(significant, all.items[i])) out.items[out.size++] = all.items[i];
  }
  return out;
}

bool SameWithoutSpaces(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (true) {
    while (i < a.size() && a[i] == ' ') ++i;
    while (j < b.size() && b[j] == ' ') ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (a[i++] != b[j++]) return false;
  }
}

}  // namespace

CompanyWords SameCompanyWords(std::string_view a, std::string_view sig_a, std::string_view b,
                              std::string_view sig_b) {
  // Most pairs scored are other names: each test below gives up at the
  // first difference, before anything is split into words.
  if (a.empty() || b.empty()) return CompanyWords::kOther;
  if (SameWithoutSpaces(a, b)) return CompanyWords::kSameWords;
  if (a.size() == b.size()) {
    // The same words in another order (the same letters, so the same
    // length): as sorted lists ("a a b" against "a b b" is no order).
    TokenList ta = Tokens(a), tb = Tokens(b);
    if (ta.size == tb.size && ta.size < kMaxTokens) {
      std::string_view* const end_a = ta.items + ta.size;
      std::sort(ta.items, end_a);
      std::sort(tb.items, tb.items + tb.size);
      if (std::equal(ta.items, end_a, tb.items)) return CompanyWords::kSameWords;
    }
  }
  // The same significant words (in the same order), one name's generic
  // words all the other's too.
  if (sig_a.empty() || sig_a != sig_b) return CompanyWords::kOther;
  const TokenList ta = Tokens(a), tb = Tokens(b);
  // Word lists cut at kMaxTokens are not compared as sets.
  if (ta.size == kMaxTokens || tb.size == kMaxTokens) return CompanyWords::kOther;
  const TokenList sig = Tokens(sig_a);
  const TokenList ga = Generic(ta, sig), gb = Generic(tb, sig);
  return AllIn(ga, gb) || AllIn(gb, ga) ? CompanyWords::kMoreGenericWords : CompanyWords::kOther;
}

bool SameDomainName(std::string_view a, std::string_view b) {
  a = a.substr(0, a.find('.'));
  b = b.substr(0, b.find('.'));
  std::size_t i = 0, j = 0, letters = 0;
  while (true) {
    while (i < a.size() && a[i] == '-') ++i;
    while (j < b.size() && b[j] == '-') ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size() && letters > 0;
    if (a[i++] != b[j++]) return false;
    ++letters;
  }
}

namespace {

// Whether the first label of registrable domain `domain`, without its
// hyphens, is `name` (letters and digits, spaces skipped) alone or followed
// by one word a firm's domain adds to its name.
bool DomainSpells(std::string_view domain, std::string_view name) {
  // Legal forms and group words, as domains write them after a name.
  static constexpr std::string_view kAdded[] = {
      "ab",      "ag",       "as",      "bv",      "co",       "company", "corp",
      "corporation", "gmbh", "global",  "group",   "groupe",   "gruppe",  "grupo",
      "holding", "holdings", "hq",      "inc",     "intl",     "international",
      "kg",      "llc",      "ltd",     "nv",      "oy",       "plc",     "sa",
      "sarl",    "sas",      "se",      "spa",     "srl",      "worldwide"};
  domain = domain.substr(0, domain.find('.'));
  std::size_t i = 0;
  for (const char c : name) {
    if (c == ' ') continue;
    while (i < domain.size() && domain[i] == '-') ++i;
    if (i == domain.size() || domain[i] != c) return false;
    ++i;
  }
  char rest[16];
  std::size_t n = 0;
  for (; i < domain.size(); ++i) {
    if (domain[i] == '-') continue;
    if (n == sizeof(rest)) return false;
    rest[n++] = domain[i];
  }
  const std::string_view added(rest, n);
  return added.empty() ||
         std::find(std::begin(kAdded), std::end(kAdded), added) != std::end(kAdded);
}

}  // namespace

bool DomainsSpellCompany(std::string_view a, std::string_view b, std::string_view company) {
  return !company.empty() && DomainSpells(a, company) && DomainSpells(b, company);
}

namespace {

// A word of at most five bytes as an integer (its bytes, first lowest).
constexpr std::uint64_t Packed(std::string_view w) {
  std::uint64_t v = 0;
  for (std::size_t i = w.size(); i-- > 0;) v = v << 8 | static_cast<unsigned char>(w[i]);
  return v;
}

// Words that acronyms leave out ("Royal Bank of Canada", RBC; "Caisse des
// Dépôts et Consignations", CDC), in the languages of company names, by
// length (a check costs a few compares: it runs on every name of several
// words a check or an upsert reads).
bool IsConnectiveWord(const char* w, std::size_t size) {
  static constexpr std::uint64_t kTwo[] = {Packed("of"), Packed("de"), Packed("du"),
                                           Packed("la"), Packed("le"), Packed("el"),
                                           Packed("di"), Packed("da"), Packed("do"),
                                           Packed("et")};
  static constexpr std::uint64_t kThree[] = {
      Packed("the"), Packed("and"), Packed("for"), Packed("des"), Packed("les"),
      Packed("los"), Packed("las"), Packed("del"), Packed("dei"), Packed("dos"),
      Packed("das"), Packed("der"), Packed("die"), Packed("den"), Packed("van"),
      Packed("von"), Packed("und")};
  static constexpr std::uint64_t kFive[] = {Packed("della"), Packed("dello"),
                                            Packed("delle"), Packed("degli")};
  const auto in = [&](const auto& list) {
    const std::uint64_t v = Packed(std::string_view(w, size));
    return std::find(std::begin(list), std::end(list), v) != std::end(list);
  };
  switch (size) {
    case 1: return w[0] == 'y';
    case 2: return in(kTwo);
    case 3: return in(kThree);
    case 5: return w[0] == 'd' && in(kFive);
    default: return false;
  }
}

}  // namespace

std::string_view InitialsWithoutConnectives(std::string_view company, std::string* buffer) {
  buffer->clear();
  bool skipped = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= company.size(); ++i) {
    if (i < company.size() && company[i] != ' ') continue;
    if (i > start) {
      // (Never the first word: "Los Angeles Times" is no "ATC", nor "El
      // Paso Natural Gas" a "PNG".)
      if (start > 0 && IsConnectiveWord(company.data() + start, i - start)) {
        skipped = true;
      } else {
        buffer->push_back(company[start]);
      }
    }
    start = i + 1;
  }
  if (!skipped || buffer->size() < 3) buffer->clear();
  return *buffer;
}

bool IsAcronymOf(std::string_view acronym, std::string_view tokens) {
  if (acronym.size() < 2 || acronym.find(' ') != std::string_view::npos) {
    return false;
  }
  const TokenList words = Tokens(tokens);
  if (words.size == acronym.size()) {
    std::size_t i = 0;
    while (i < words.size && words.items[i][0] == acronym[i]) ++i;
    if (i == words.size) return true;
  }
  if (acronym.size() < 3 || words.size <= acronym.size()) return false;
  thread_local std::string initials;
  return InitialsWithoutConnectives(tokens, &initials) == acronym;
}

std::string_view CompanySkeleton(std::string_view key, std::string* buffer) {
  // Per byte: bit 0 whether it is kept after another character, bit 1
  // whether it is kept after itself, bit 2 whether it is a letter or digit
  // at all (others are skipped, and do not count as the character
  // before). A consonant is kept unless it repeats the one before, a digit
  // always ("Studio 54" is not "Studio 5", nor 45), a vowel never.
  enum : std::uint8_t { kAfterOther = 1, kAfterItself = 2, kAlnum = 4 };
  static constexpr auto kClass = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 'a'; c <= 'z'; ++c) t[c] = kAlnum | kAfterOther;
    for (char c : std::string_view("aeiouy")) t[static_cast<unsigned char>(c)] = kAlnum;
    for (int c = '0'; c <= '9'; ++c) t[c] = kAlnum | kAfterOther | kAfterItself;
    return t;
  }();
  if (buffer->size() < key.size()) buffer->resize(key.size());
  const char* in = key.data();
  const char* const end = in + key.size();
  // The first letter or digit stands whatever it is.
  while (in != end && (kClass[static_cast<unsigned char>(*in)] & kAlnum) == 0) ++in;
  if (in == end) return {};
  char* const begin = buffer->data();
  char* o = begin;
  char last = *in++;  // the character before, skipped ones skipped
  *o++ = last;
  // Without a branch: each byte is written, and the output advances past
  // it when it is kept.
  for (; in != end; ++in) {
    const char c = *in;
    const unsigned k = kClass[static_cast<unsigned char>(c)];
    *o = c;
    o += (k >> static_cast<unsigned>(c == last)) & 1u;
    last = (k & kAlnum) != 0 ? c : last;
  }
  return {begin, static_cast<std::size_t>(o - begin)};
}

std::string Soundex(std::string_view word) {
  // a e i o u y h w -> 0 (h, w do not separate equal codes).
  static constexpr char kCodes[] = "01230120022455012623010202";
  std::string out;
  char last = 0;
  for (char c : word) {
    if (c < 'a' || c > 'z') continue;
    const char code = kCodes[c - 'a'];
    if (out.empty()) {
      out.push_back(c);
      last = code;
      continue;
    }
    if (code != '0' && code != last) out.push_back(code);
    if (c != 'h' && c != 'w') last = code;
    if (out.size() == 4) break;
  }
  if (!out.empty()) out.resize(4, '0');
  return out;
}

std::string Metaphone(std::string_view word) {
  std::string w;
  w.reserve(word.size());
  for (char c : word) {
    if (c >= 'a' && c <= 'z') w.push_back(c);
  }
  std::string out;
  if (w.empty()) return out;
  const auto at = [&w](std::size_t i) -> char { return i < w.size() ? w[i] : '\0'; };
  std::size_t i = 0;
  // A vowel sounds where the word begins only.
  std::size_t initial = 0;
  // Initial letters spoken otherwise: ae-, gn-, kn-, pn-, wr- drop their
  // first; x- sounds s; wh- sounds w.
  const char a = w[0], b = at(1);
  if ((a == 'a' && b == 'e') || (a == 'g' && b == 'n') || (a == 'k' && b == 'n') ||
      (a == 'p' && b == 'n') || (a == 'w' && b == 'r')) {
    i = initial = 1;
  } else if (a == 'x') {
    out.push_back('s');
    i = 1;
    initial = std::string::npos;
  } else if (a == 'w' && b == 'h') {
    out.push_back('w');
    i = 2;
    initial = std::string::npos;
  }
  for (; i < w.size(); ++i) {
    const char c = w[i];
    const char prev = i > 0 ? w[i - 1] : '\0';
    const char next = at(i + 1);
    // A doubled letter sounds once, except c ("acc" is "ks").
    if (c == prev && c != 'c') continue;
    switch (c) {
      case 'a': case 'e': case 'i': case 'o': case 'u':
        if (i == initial) out.push_back(c);
        break;
      case 'b':  // silent in a final "mb"
        if (!(prev == 'm' && i + 1 == w.size())) out.push_back('b');
        break;
      case 'c':
        if (next == 'i' && at(i + 2) == 'a') {
          out.push_back('x');
        } else if (next == 'h') {
          out.push_back(prev == 's' ? 'k' : 'x');  // the h is silent after c
        } else if (next == 'i' || next == 'e' || next == 'y') {
          if (prev != 's') out.push_back('s');  // "sci", "sce", "scy": silent
        } else {
          out.push_back('k');
        }
        break;
      case 'd':
        if (next == 'g' && (at(i + 2) == 'e' || at(i + 2) == 'y' || at(i + 2) == 'i')) {
          out.push_back('j');
          ++i;
        } else {
          out.push_back('t');
        }
        break;
      case 'g':
        if (next == 'h' && i + 2 < w.size() && !IsVowel(at(i + 2))) break;  // "night"
        if (next == 'n' && (i + 2 == w.size() ||
                            (at(i + 2) == 'e' && at(i + 3) == 'd' && i + 4 == w.size()))) {
          break;  // "sign", "signed"
        }
        if ((next == 'i' || next == 'e' || next == 'y') && prev != 'g') {
          out.push_back('j');
        } else {
          out.push_back('k');
        }
        break;
      case 'h':
        // Silent after a vowel when no vowel follows, and after c, s, p, t
        // and g, which it changed.
        if (IsVowel(prev) && !IsVowel(next)) break;
        if (prev == 'c' || prev == 's' || prev == 'p' || prev == 't' || prev == 'g') break;
        out.push_back('h');
        break;
      case 'k':
        if (prev != 'c') out.push_back('k');
        break;
      case 'p':
        out.push_back(next == 'h' ? 'f' : 'p');
        break;
      case 'q':
        out.push_back('k');
        break;
      case 's':
        if (next == 'h' || (next == 'i' && (at(i + 2) == 'o' || at(i + 2) == 'a'))) {
          out.push_back('x');
        } else {
          out.push_back('s');
        }
        break;
      case 't':
        if (next == 'i' && (at(i + 2) == 'o' || at(i + 2) == 'a')) {
          out.push_back('x');
        } else if (next == 'h') {
          out.push_back('0');
        } else if (!(next == 'c' && at(i + 2) == 'h')) {
          out.push_back('t');
        }
        break;
      case 'v':
        out.push_back('f');
        break;
      case 'w': case 'y':  // consonants only before a vowel
        if (IsVowel(next)) out.push_back(c);
        break;
      case 'x':
        out += "ks";
        break;
      case 'z':
        out.push_back('s');
        break;
      default:  // f j l m n r
        out.push_back(c);
        break;
    }
  }
  return out;
}

}  // namespace leadroute::index
