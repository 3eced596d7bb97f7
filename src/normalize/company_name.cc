#include "normalize/company_name.h"

#include <algorithm>
#include <array>

#include "normalize/text_fold.h"
#include "normalize/word_list.h"

namespace leadroute::normalize {

namespace {

constexpr int kMaxStripRounds = 3;

// What the tokenizer makes of each byte: a letter or digit lower-cased,
// else one of these.
// kBreak: a separator that may set the name off from what follows
// (NameTokens::breaks).
constexpr char kSeparator = 0, kApostrophe = 1, kAmpersand = 2, kBreak = 3;
constexpr std::array<char, 256> kNameByte = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    t[c] = IsAsciiAlnum(ch) ? AsciiLower(ch)
           : (ch == '\'' || ch == '`') ? kApostrophe
           : (ch == '&' || ch == '+')  ? kAmpersand
           : (ch == ',' || ch == '(' || ch == '-' || ch == '|') ? kBreak
                                       : kSeparator;
  }
  return t;
}();

// Notes a break before the next token where `text`[i] (a kBreak byte)
// sets the name off: a comma or parenthesis, or a dash or bar between
// spaces (out of the tokenizer's loop: it is rare).
[[gnu::noinline]] void NoteBreak(std::string_view text, std::size_t i, NameTokens* tokens) {
  const char c = text[i];
  if ((c == '-' || c == '|') &&
      !(i > 0 && text[i - 1] == ' ' && i + 1 < text.size() && text[i + 1] == ' ')) {
    return;
  }
  if (tokens->break_count < NameTokens::kMaxBreaks && tokens->size > 0 &&
      (tokens->break_count == 0 || tokens->breaks[tokens->break_count - 1] != tokens->size)) {
    tokens->breaks[tokens->break_count++] = static_cast<std::uint8_t>(tokens->size);
  }
}

bool IsConnective(std::string_view t) {
  return t == "&" || t == "and" || t == "und" || t == "et";
}

void JoinTokens(const std::vector<std::string>& tokens, std::size_t begin,
                std::size_t end, std::string* out) {
  out->clear();
  for (std::size_t i = begin; i < end; ++i) {
    if (i != begin) out->push_back(' ');
    out->append(tokens[i]);
  }
}

// `name` without ™, ℠, ® and ©, which NFKC would turn into letters
// ("Acme™" -> "acmetm"); *scratch holds the copy when one is needed.
std::string_view WithoutMarkSigns(std::string_view name, std::string* scratch) {
  static constexpr std::string_view kSigns[] = {"\u2122", "\u2120", "\u00AE",
                                                "\u00A9"};
  bool any = false;
  for (std::string_view sign : kSigns) any |= name.find(sign) != name.npos;
  if (!any) return name;
  scratch->clear();
  for (std::size_t i = 0; i < name.size();) {
    bool matched = false;
    for (std::string_view sign : kSigns) {
      if (name.substr(i, sign.size()) == sign) {
        scratch->push_back(' ');
        i += sign.size();
        matched = true;
        break;
      }
    }
    if (!matched) scratch->push_back(name[i++]);
  }
  return *scratch;
}

// How a country's names spell their letters beyond ASCII in ASCII:
// German "ü" as "ue" ("Müller", "Mueller"); Scandinavian "ø" as "oe" and
// "å" as "aa" ("Ørsted", "Oersted"; "Åkerlund", "Aakerlund"). ISO 3166-1
// alpha-2, upper case.
enum class Spelling { kAsWritten, kGerman, kNordic };
Spelling SpellingOf(std::string_view country) {
  if (country == "DE" || country == "AT" || country == "CH" || country == "LI" ||
      country == "LU") {
    return Spelling::kGerman;
  }
  if (country == "DK" || country == "NO" || country == "SE" || country == "FI" ||
      country == "IS") {
    return Spelling::kNordic;
  }
  return Spelling::kAsWritten;
}

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// Appends `token` with its letters spelled out folded as the letters
// themselves fold ("mueller" -> "muller", as "Müller" -> "muller"): "ae",
// "oe" and "ue", and where Scandinavian is written "aa", after a consonant
// but "q" or at a word's start, and before a consonant ("quelle", "bauer",
// "feuer", "blue" and "boeing" keep theirs: the review of this rule found
// "Blue GmbH" keyed as "Blu GmbH").
void AppendSpelled(std::string_view token, Spelling spelling, std::string* out) {
  auto consonant = [](char c) { return IsAsciiAlpha(c) && !IsVowel(c); };
  for (std::size_t i = 0; i < token.size(); ++i) {
    const char c = token[i];
    out->push_back(c);
    if (i + 2 >= token.size()) continue;
    const char next = token[i + 1];
    const bool spelled = ((c == 'a' || c == 'o' || c == 'u') && next == 'e') ||
                         (spelling == Spelling::kNordic && c == 'a' && next == 'a');
    if (spelled && consonant(token[i + 2]) &&
        (i == 0 || (consonant(token[i - 1]) && token[i - 1] != 'q'))) {
      ++i;  // the "e" (or second "a")
    }
  }
}

// Whether `text` holds a letter spelled out at all (most names do not:
// they are then kept as they are).
bool HasSpelledLetter(std::string_view text, Spelling spelling) {
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i - 1];
    if ((text[i] == 'e' && (c == 'a' || c == 'o' || c == 'u')) ||
        (spelling == Spelling::kNordic && text[i] == 'a' && c == 'a')) {
      return true;
    }
  }
  return false;
}

}  // namespace

void TokenizeName(std::string_view folded, NameTokens* tokens) {
  // One pass over raw words (runs of letters and digits; "&" and "+" are
  // the connective "&"), each written straight into the text, which is
  // never longer than the input: runs of single characters join
  // (initialisms, across an "&" too: "P&G"), connectives are dropped. A
  // single character with a dot at either side ("s.a.") and one with none
  // ("b") are not one run: "Plan B S.A." is "plan b sa" (a review found
  // "plan bsa", whose legal form then stayed), as "I B M" and "I.B.M."
  // are "ibm".
  std::string& text = tokens->text;
  text.resize(folded.size());
  char* const base = text.data();
  char* w = base;
  tokens->size = 0;
  tokens->break_count = 0;
  tokens->and_n = 0;
  char first_raw = 0;  // the byte the open word began with, as written
  std::size_t raw = 0;
  bool in_run = false;      // the last token is a run of single characters
  bool run_dotted = false;  // ... of dotted ones
  bool word_after_dot = false;  // the byte before the open word is a '.'
  char* word = nullptr;     // where the raw word being written begins
  auto end_word = [&](bool before_dot) {
    ++raw;
    const std::size_t at = static_cast<std::size_t>(word - base);
    if (w - word == 1) {
      const bool dotted = word_after_dot || before_dot;
      if (in_run && dotted == run_dotted) {  // onto the run: over the space before it
        word[-1] = word[0];
        --w;
      } else {
        if (first_raw == 'n' && !dotted && tokens->size < 64) {
          tokens->and_n |= std::uint64_t{1} << tokens->size;
        }
        tokens->starts[tokens->size++] = static_cast<std::uint32_t>(at);
        in_run = true;
        run_dotted = dotted;
      }
    } else {
      in_run = false;
      if (IsConnective(std::string_view(word, static_cast<std::size_t>(w - word)))) {
        w = at == 0 ? base : word - 1;  // and its space
      } else {
        tokens->starts[tokens->size++] = static_cast<std::uint32_t>(at);
      }
    }
    word = nullptr;
  };
  const char* const in = folded.data();
  const std::size_t n = folded.size();
  std::size_t i = 0;
  while (i < n) {
    char c = in[i];
    char k = kNameByte[static_cast<unsigned char>(c)];
    if (k > kBreak) {  // a letter or digit, lower-cased: a word begins
      // The space before it: room for it was left by the separator that
      // ended the word before.
      if (tokens->size > 0) *w++ = ' ';
      word = w;
      first_raw = c;
      word_after_dot = i > 0 && in[i - 1] == '.';
      *w++ = k;
      // The rest of the word in a loop of its own; apostrophes do not
      // split it ("McDonald's").
      for (++i; i < n; ++i) {
        k = kNameByte[static_cast<unsigned char>(in[i])];
        if (k > kBreak) {
          *w++ = k;
        } else if (k != kApostrophe) {
          break;
        }
      }
      if (i == n) break;
      c = in[i];  // the separator that ends it, read below
    } else if (k == kApostrophe) {
      ++i;
      continue;
    }
    if (word != nullptr) end_word(c == '.');
    if (k == kBreak) [[unlikely]] {
      NoteBreak(folded, i, tokens);
    }
    if (k == kAmpersand) {  // the connective "&": dropped
      // Between single letters it joins them ("P&G", "H & M": initials,
      // as "S&P" is "sp"); after a word the run has ended already.
      ++raw;
    }
    if (raw > NameTokens::kMaxWords) break;
    ++i;
  }
  if (word != nullptr) end_word(false);  // (a break leaves no word open)
  text.resize(static_cast<std::size_t>(w - base));
  if (tokens->size > 1 && tokens->Token(0) == "the") {
    text.erase(0, 4);
    for (std::size_t i = 1; i < tokens->size; ++i) tokens->starts[i - 1] = tokens->starts[i] - 4;
    --tokens->size;
    for (std::size_t j = 0; j < tokens->break_count; ++j) {
      if (tokens->breaks[j] > 0) --tokens->breaks[j];
    }
    tokens->and_n >>= 1;
  }
}

void TokenizeName(std::string_view folded, std::vector<std::string>* tokens) {
  NameTokens t;
  TokenizeName(folded, &t);
  tokens->clear();
  for (std::size_t i = 0; i < t.size; ++i) tokens->emplace_back(t.Token(i));
}

namespace {

// A word of one to sixteen bytes as two integers (its bytes, zero-padded);
// false for another length.
bool PackWord(std::string_view word, std::uint64_t packed[2]) {
  if (word.empty() || word.size() > 16) return false;
  packed[0] = packed[1] = 0;
  for (std::size_t i = word.size(); i-- > 0;) {
    std::uint64_t& half = packed[i / 8];
    half = half << 8 | static_cast<unsigned char>(word[i]);
  }
  return true;
}

std::size_t AbbreviationSlot(const std::uint64_t packed[2], std::size_t slots) {
  const std::uint64_t h =
      (packed[0] ^ (packed[1] * 0xC2B2AE3D27D4EB4FULL)) * 0x9E3779B97F4A7C15ULL;
  return static_cast<std::size_t>(h >> 32) & (slots - 1);
}

}  // namespace

CompanyName::CompanyName(std::string_view legal_forms, std::string_view stopwords,
                         std::string_view abbreviations) {
  std::string folded;
  std::vector<std::string> tokens;
  std::string joined;
  ForEachDataLine(legal_forms, [&](const std::vector<std::string_view>& cols) {
    if (!FoldToAscii(cols[0], &folded)) return;
    TokenizeName(folded, &tokens);
    if (tokens.empty()) return;
    JoinTokens(tokens, 0, tokens.size(), &joined);
    const std::string_view position = cols.size() > 1 ? cols[1] : "suffix";
    if (position == "suffix" || position == "both") {
      suffix_forms_.insert(joined);
      SuffixEnd& end = suffix_last_words_[tokens.back()];
      end.most = std::max(end.most, tokens.size());
      end.alone |= tokens.size() == 1;
      suffix_last_filter_.Add(tokens.back());
    }
    if (position == "prefix" || position == "both") {
      PrefixForm& form = prefix_forms_[joined];
      form.distinctive = tokens.size() > 1 || tokens.front().size() > 4;
      for (std::string_view code : Split(cols.size() > 2 ? cols[2] : "*", ',')) {
        while (!code.empty() && code.front() == ' ') code.remove_prefix(1);
        while (!code.empty() && code.back() == ' ') code.remove_suffix(1);
        if (code == "*") {
          form.worldwide = true;
        } else if (!code.empty()) {
          std::string upper(code);
          for (char& c : upper) c = AsciiUpper(c);
          auto at = std::lower_bound(form.countries.begin(), form.countries.end(), upper);
          if (at == form.countries.end() || *at != upper) form.countries.insert(at, upper);
        }
      }
      std::size_t& k = prefix_first_words_[tokens.front()];
      k = std::max(k, tokens.size());
      prefix_first_filter_.Add(tokens.front());
    }
    max_form_tokens_ = std::max(max_form_tokens_, tokens.size());
  });
  ForEachDataLine(stopwords, [&](const std::vector<std::string_view>& cols) {
    if (FoldToAscii(cols[0], &folded)) {
      stopwords_.insert(folded);
      stopword_filter_.Add(folded);
    }
  });
  std::size_t listed = 0;
  ForEachDataLine(abbreviations, [&](const std::vector<std::string_view>& cols) {
    std::uint64_t packed[2];
    // (A full table would never end a probe: the list is far shorter.)
    if (cols.size() < 2 || !PackWord(cols[0], packed) || ++listed >= kAbbreviationSlots) return;
    std::size_t i = AbbreviationSlot(packed, kAbbreviationSlots);
    while (abbreviations_[i].packed[0] != 0 && (abbreviations_[i].packed[0] != packed[0] ||
                                                abbreviations_[i].packed[1] != packed[1])) {
      i = (i + 1) & (kAbbreviationSlots - 1);
    }
    abbreviations_[i] = Abbreviation{{packed[0], packed[1]}, std::string(cols[1])};
    max_abbreviation_ = std::max(max_abbreviation_, cols[0].size());
    abbreviation_filter_.Add(cols[0]);
  });
}

std::string_view CompanyName::Expanded(std::string_view token) const {
  std::uint64_t packed[2];
  if (!MayBeAbbreviation(token) || !PackWord(token, packed)) return token;
  for (std::size_t slot = AbbreviationSlot(packed, kAbbreviationSlots);;
       slot = (slot + 1) & (kAbbreviationSlots - 1)) {
    const Abbreviation& a = abbreviations_[slot];
    if (a.packed[0] == 0) return token;
    if (a.packed[0] == packed[0] && a.packed[1] == packed[1]) return a.word;
  }
}

std::size_t CompanyName::MatchSuffix(const NameTokens& tokens, std::size_t begin,
                                     std::size_t end) const {
  // Only forms ending in the last word can match.
  const std::string_view last_word = tokens.Token(end - 1);
  if (!suffix_last_filter_.MayHold(last_word)) return 0;
  auto last = suffix_last_words_.find(last_word);
  if (last == suffix_last_words_.end()) return 0;
  for (std::size_t k = std::min(last->second.most, end - begin - 1); k >= 2;
       --k) {
    if (suffix_forms_.contains(tokens.Span(end - k, end))) return k;
  }
  return last->second.alone && end - begin > 1 ? 1 : 0;  // never all of them
}

bool CompanyName::PrefixFormApplies(const PrefixForm& form, std::string_view country,
                                    std::string_view name, bool ascii) const {
  if (form.worldwide) return true;
  if (!country.empty()) {
    return std::binary_search(form.countries.begin(), form.countries.end(), country);
  }
  // Latin script, not ASCII alone, says whether a short form is the Latin
  // one ("A.O.\u00a0Smith", "A.O. Smith Société"; the review of this rule
  // found a no-break space or an accent undo it). Asked only here: most
  // names meet no form written first.
  return form.distinctive || (!ascii && !WrittenInLatin(name));
}

std::size_t CompanyName::MatchPrefix(const NameTokens& tokens, std::size_t begin,
                                     std::size_t end, std::string_view country,
                                     std::string_view name, bool ascii) const {
  const std::string_view first_word = tokens.Token(begin);
  if (!prefix_first_filter_.MayHold(first_word)) return 0;
  auto first = prefix_first_words_.find(first_word);
  if (first == prefix_first_words_.end()) return 0;
  for (std::size_t k = std::min(first->second, end - begin - 1); k >= 1; --k) {
    auto form = prefix_forms_.find(tokens.Span(begin, begin + k));
    if (form != prefix_forms_.end() &&
        PrefixFormApplies(form->second, country, name, ascii)) {
      return k;
    }
  }
  return 0;
}

bool CompanyName::Strip(std::string_view name, std::string_view country,
                        NameTokens* tokens, std::size_t* begin, std::size_t* end) const {
  const bool ascii = FoldsToItself(name);
  if (ascii) {
    TokenizeName(name, tokens);  // which lower-cases as it reads
  } else {
    thread_local std::string folded;
    thread_local std::string unmarked;
    if (!FoldToAscii(WithoutMarkSigns(name, &unmarked), &folded)) return false;
    TokenizeName(folded, tokens);
  }
  // More tokens than the tokenizer reads words: junk, no key.
  if (tokens->size > NameTokens::kMaxWords || tokens->size == 0) return false;
  // A legal form set off from what follows ends the name: the rest names a
  // site, a division or another name for it ("Acme GmbH (Berlin)", "Acme
  // GmbH - Niederlassung Hamburg", "Acme, LLC, Berlin", "Foo Ltd (in
  // liquidation)"). Without a legal form before it ("Acme (UK) Ltd",
  // "Smith, Jones & Partners"), the whole name is read.
  for (std::size_t i = 0; i < tokens->break_count; ++i) {
    const std::size_t before = tokens->breaks[i];
    if (before > 1 && before < tokens->size && MatchSuffix(*tokens, 0, before) > 0) {
      tokens->text.resize(tokens->starts[before] - 1);
      tokens->size = before;
      break;
    }
  }
  std::size_t b = 0, e = tokens->size;
  *begin = b;
  *end = e;
  // A name that is nothing but a legal form ("AG", "Kabushiki Kaisha") is
  // kept whole rather than cut down to an arbitrary part of the form.
  if (e <= max_form_tokens_) {
    // (A form ends in a word of suffix_last_words_, or begins with one of
    // prefix_first_words_.)
    const std::string_view whole = tokens->Span(b, e);
    if ((suffix_last_filter_.MayHold(tokens->Token(e - 1)) &&
         suffix_forms_.contains(whole)) ||
        (prefix_first_filter_.MayHold(tokens->Token(b)) &&
         prefix_forms_.contains(whole))) {
      return true;
    }
  }
  for (int round = 0; round < kMaxStripRounds && e - b > 1; ++round) {
    const std::size_t k = MatchSuffix(*tokens, b, e);
    if (k == 0) break;
    e -= k;
  }
  if (e - b > 1) b += MatchPrefix(*tokens, b, e, country, name, ascii);
  // "n" between two words of the name left is "and", as "Barnes n Noble"
  // and "Rock 'n' Roll" write it; not a letter that ends it ("Model N,
  // Inc.", "Acme N") or begins it ("The N Group").
  for (std::size_t i = b + 1, raw = i; i + 1 < e; ++i, ++raw) {
    // (raw: the token's index as read, before any "n" went.)
    if (raw >= 64 || ((tokens->and_n >> raw) & 1u) == 0 ||
        tokens->starts[i + 1] - tokens->starts[i] != 2) {
      continue;
    }
    tokens->text.erase(tokens->starts[i], 2);  // "n" and the space after it
    for (std::size_t j = i + 1; j < tokens->size; ++j) tokens->starts[j - 1] = tokens->starts[j] - 2;
    --tokens->size;
    --e;
    --i;  // the next token is now at i
  }
  *begin = b;
  *end = e;
  return true;
}

bool CompanyName::KeyOf(std::string_view name, std::string_view country, std::string* key,
                        std::vector<std::string>* significant) const {
  key->clear();
  if (significant != nullptr) significant->clear();
  thread_local NameTokens t;
  std::size_t b = 0, e = 0;
  if (!Strip(name, country, &t, &b, &e)) return false;
  const Spelling spelling = SpellingOf(country);
  const bool spelled =
      spelling != Spelling::kAsWritten && HasSpelledLetter(t.Span(b, e), spelling);
  // A name of one word is its own ("CIA"); in a longer one, an
  // abbreviation stands for its word.
  const bool one_word = e - b == 1;
  bool abbreviated = false;
  for (std::size_t i = b; i < e && !abbreviated && !one_word; ++i) {
    const std::string_view token = t.Token(i);
    abbreviated = MayBeAbbreviation(token) && Expanded(token).data() != token.data();
  }
  // (Reserved: grown a word at a time, it was allocated two or three
  // times a name.)
  if (significant != nullptr) significant->reserve(e - b);
  if (!spelled && !abbreviated) {
    key->assign(t.Span(b, e));
    if (significant == nullptr) return true;
    for (std::size_t i = b; i < e; ++i) {
      const std::string_view token = t.Token(i);
      if (!IsStopword(token)) significant->emplace_back(token);
    }
    return true;
  }
  for (std::size_t i = b; i < e; ++i) {
    if (i != b) key->push_back(' ');
    const std::size_t at = key->size();
    if (spelled) {
      // Spelled first: "Oesterreich" is "Österreich" before it is Austria.
      AppendSpelled(t.Token(i), spelling, key);
      if (!one_word) {
        const std::string_view as_spelled = std::string_view(*key).substr(at);
        const std::string_view word = Expanded(as_spelled);
        if (word.data() != as_spelled.data()) {
          key->resize(at);
          key->append(word);  // the table's bytes, not the key's
        }
      }
    } else {
      key->append(one_word ? t.Token(i) : Expanded(t.Token(i)));
    }
    if (significant == nullptr) continue;
    // A stopword as written, expanded or spelled.
    const std::string_view token = std::string_view(*key).substr(at);
    if (!IsStopword(t.Token(i)) && !IsStopword(token)) significant->emplace_back(token);
  }
  return true;
}

bool CompanyName::KeyAndSignificant(std::string_view name, std::string_view country,
                                    std::string* key,
                                    std::vector<std::string>* significant) const {
  return KeyOf(name, country, key, significant);
}

std::optional<std::string> CompanyName::Key(std::string_view name,
                                            std::string_view country) const {
  std::string key;
  if (!KeyOf(name, country, &key, nullptr)) return std::nullopt;
  return key;
}

}  // namespace leadroute::normalize
