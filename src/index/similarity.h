// String similarity for the fuzzy part of matching. All functions take
// folded (lower-case ASCII) text and return a value in [0, 1].
#ifndef LEADROUTE_INDEX_SIMILARITY_H_
#define LEADROUTE_INDEX_SIMILARITY_H_

#include <string>
#include <string_view>

namespace leadroute::index {

// Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4). Inputs longer
// than 64 bytes are compared on their first 64.
double JaroWinkler(std::string_view a, std::string_view b);

// Similarity of two space-separated token lists: the best Jaro-Winkler of
// each token of the shorter list against the other, averaged; order-free.
double TokenSimilarity(std::string_view a, std::string_view b);
// The same where it is at least `floor`; where it is less, a value less
// than `floor` (an upper bound of it, found without comparing the words
// where their bytes alone show it).
double TokenSimilarity(std::string_view a, std::string_view b, double floor);

// Whether two company keys (space-separated words, `sig_a` and `sig_b`
// their significant ones, the others being generic: "group",
// "deutschland") name one company written otherwise: the same words in
// another order ("bau muller", "muller bau"); the same letters once spaces
// are dropped ("blue sky", "bluesky"); or the same significant words, in
// the same order, where one name's generic words are all the other's too
// ("asml holding", "asml"; not "alpha tech" and "alpha trade", whose
// generic words differ).
// kSameWords for the first two, kMoreGenericWords for the last (weaker: a
// holding and its namesake, "Müller Holding" and "Müller", may be two).
enum class CompanyWords { kOther, kMoreGenericWords, kSameWords };
CompanyWords SameCompanyWords(std::string_view a, std::string_view sig_a, std::string_view b,
                              std::string_view sig_b);

// Whether two registrable domains name one company under other suffixes
// or hyphenation: their first labels equal without hyphens ("acme.de",
// "acme.com"; "nordwind-logistik.de", "nordwindlogistik.de").
bool SameDomainName(std::string_view a, std::string_view b);

// Whether both registrable domains spell the company key `company` (its
// words run together), each alone or followed by a legal form or a group
// word: "acme.de" and "acme-gmbh.de", "acme.co.uk" and "acmegroup.com" for
// "acme". One firm's domains as often as two namesakes' (ScoreMatch: not
// counted against the name, and review at most); a namesake's that names
// its trade ("mueller-bau.de", "mueller-elektro.de") is not one of these.
bool DomainsSpellCompany(std::string_view a, std::string_view b, std::string_view company);

// Whether one name is the acronym of the other's tokens:
// "ibm" vs "international business machines"; or, three letters or more,
// of its tokens but the connectives ("of", "de", "der", ...): "rbc" vs
// "royal bank of canada".
bool IsAcronymOf(std::string_view acronym, std::string_view tokens);

// The initials of a company key's words but its connectives ("of", "de",
// "der", ...; never the first word), in *buffer: "rbc" for "royal bank of
// canada"; empty where it has no connective or fewer than three other
// words.
std::string_view InitialsWithoutConnectives(std::string_view company, std::string* buffer);

// A company key's consonant skeleton: its letters and digits without the
// spaces between words, vowels (a, e, i, o, u, y) after the first
// character dropped, and a letter written twice in a row once; digits
// stay as they are ("schneider electric", "schnieder electric" ->
// "schndrlctrc"; "micro soft", "microsoft" -> "mcrsft"). Names that differ
// by a vowel, a swap of a vowel with its neighbour, a doubled letter or a
// space share it. Written into *buffer (grown when shorter than `key`,
// never shrunk), valid until its next change.
std::string_view CompanySkeleton(std::string_view key, std::string* buffer);

// American Soundex code ("robert" -> "r163"); empty for no letters.
std::string Soundex(std::string_view word);

// Lawrence Philips' Metaphone (1990) of a word, in lower case ("keeley"
// and "kaylee" -> "kl", "marsha" -> "mrx"; "0" is "th"). Letters other
// than a to z are skipped; empty for none.
std::string Metaphone(std::string_view word);

}  // namespace leadroute::index

#endif  // LEADROUTE_INDEX_SIMILARITY_H_
