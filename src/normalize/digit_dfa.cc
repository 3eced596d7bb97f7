#include "normalize/digit_dfa.h"

#include <algorithm>
#include <map>
#include <memory>

namespace leadroute::normalize {
namespace {

constexpr int kMaxDepth = 64;          // nested groups
constexpr int kMaxRepeat = 64;         // n and m of {n,m}
constexpr std::size_t kMaxNfa = 1u << 16;
constexpr std::size_t kMaxWork = 1u << 18;  // Nfa::Compile calls
constexpr std::uint16_t kAllDigits = 0x3ff;

// The parsed pattern.
struct Node {
  enum Kind { kSet, kConcat, kAlternate, kRepeat } kind = kConcat;
  std::uint16_t set = 0;  // kSet: bit d for digit d
  int min = 0, max = 0;   // kRepeat; max < 0: unbounded
  std::vector<Node> children;
};

class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}

  bool Parse(Node* out) { return Alternation(out, 0) && at_ == p_.size(); }

 private:
  bool Eat(char c) {
    if (at_ < p_.size() && p_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool More() const { return at_ < p_.size(); }
  char Peek() const { return p_[at_]; }

  bool Alternation(Node* out, int depth) {
    if (depth > kMaxDepth) return false;
    Node first;
    if (!Concatenation(&first, depth)) return false;
    if (!More() || Peek() != '|') {
      *out = std::move(first);
      return true;
    }
    out->kind = Node::kAlternate;
    out->children.push_back(std::move(first));
    while (Eat('|')) {
      Node next;
      if (!Concatenation(&next, depth)) return false;
      out->children.push_back(std::move(next));
    }
    return true;
  }

  bool Concatenation(Node* out, int depth) {
    out->kind = Node::kConcat;
    while (More() && Peek() != '|' && Peek() != ')') {
      Node atom;
      if (!Atom(&atom, depth)) return false;
      if (!Quantifiers(&atom)) return false;
      out->children.push_back(std::move(atom));
    }
    return true;
  }

  bool Atom(Node* out, int depth) {
    const char c = p_[at_++];
    if (c >= '0' && c <= '9') {
      out->kind = Node::kSet;
      out->set = static_cast<std::uint16_t>(1u << (c - '0'));
      return true;
    }
    if (c == '\\') return Escape(&out->set) && (out->kind = Node::kSet, true);
    if (c == '[') return Class(out);
    if (c == '(') {
      if (Eat('?') && !Eat(':')) return false;  // only non-capturing (?:
      if (!Alternation(out, depth + 1)) return false;
      return Eat(')');
    }
    return false;
  }

  bool Escape(std::uint16_t* set) {
    if (!More()) return false;
    const char c = p_[at_++];
    if (c == 'd') {
      *set = kAllDigits;
      return true;
    }
    if (c >= '0' && c <= '9') return false;  // a back reference
    return false;
  }

  bool Class(Node* out) {
    out->kind = Node::kSet;
    out->set = 0;
    if (More() && Peek() == '^') return false;
    bool any = false;
    while (More() && Peek() != ']') {
      const char c = p_[at_++];
      if (c == '\\') {
        std::uint16_t set = 0;
        if (!Escape(&set)) return false;
        out->set |= set;
      } else if (c >= '0' && c <= '9') {
        char hi = c;
        if (at_ + 1 < p_.size() && Peek() == '-' && p_[at_ + 1] != ']') {
          hi = p_[at_ + 1];
          at_ += 2;
          if (hi < c || hi > '9') return false;
        }
        for (char d = c; d <= hi; ++d) out->set |= 1u << (d - '0');
      } else {
        return false;
      }
      any = true;
    }
    return any && Eat(']');
  }

  bool Number(int* n) {
    if (!More() || Peek() < '0' || Peek() > '9') return false;
    *n = 0;
    while (More() && Peek() >= '0' && Peek() <= '9') {
      *n = *n * 10 + (p_[at_++] - '0');
      if (*n > kMaxRepeat) return false;
    }
    return true;
  }

  // At most one quantifier per atom: RE2 refuses "1**" and "1{2}{3}", and
  // a stack of them would nest without bound.
  bool Quantifiers(Node* atom) {
    if (More()) {
      int min = 0, max = 0;
      const char c = Peek();
      if (c == '?') {
        max = 1;
      } else if (c == '*') {
        max = -1;
      } else if (c == '+') {
        min = 1, max = -1;
      } else if (c == '{') {
        ++at_;
        if (!Number(&min)) return false;
        max = min;
        if (Eat(',')) {
          max = -1;
          if (More() && Peek() != '}' && !Number(&max)) return false;
        }
        if (!More() || Peek() != '}' || (max >= 0 && max < min)) return false;
      } else {
        return true;
      }
      ++at_;
      // Lazy and possessive forms, and a second quantifier.
      if (More() && (Peek() == '?' || Peek() == '+' || Peek() == '*' || Peek() == '{')) {
        return false;
      }
      Node repeat;
      repeat.kind = Node::kRepeat;
      repeat.min = min;
      repeat.max = max;
      repeat.children.push_back(std::move(*atom));
      *atom = std::move(repeat);
    }
    return true;
  }

  std::string_view p_;
  std::size_t at_ = 0;
};

// A Thompson automaton, built back to front: each piece is compiled given
// the state that follows it.
struct Nfa {
  struct State {
    std::uint16_t set = 0;        // digits leading to `out`; 0: epsilon state
    std::vector<int> epsilon;     // epsilon state: where it leads
    int out = -1;
  };
  static constexpr int kMatch = 0;
  std::vector<State> states{State{}};  // state 0: the match
  bool too_big = false;
  std::size_t work = 0;  // Compile() calls

  int Add(State s) {
    if (states.size() >= kMaxNfa) {
      too_big = true;
      return kMatch;
    }
    states.push_back(std::move(s));
    return static_cast<int>(states.size() - 1);
  }

  int Compile(const Node& n, int next) {
    // Nested counts multiply ("(?:(?:){64}){64}..."): empty pieces add no
    // state, so the work is bounded apart from the states.
    if (++work > kMaxWork) too_big = true;
    if (too_big) return kMatch;
    switch (n.kind) {
      case Node::kSet:
        return Add(State{.set = n.set, .epsilon = {}, .out = next});
      case Node::kConcat:
        for (auto it = n.children.rbegin(); it != n.children.rend(); ++it) {
          next = Compile(*it, next);
        }
        return next;
      case Node::kAlternate: {
        State split;
        for (const Node& child : n.children) split.epsilon.push_back(Compile(child, next));
        return Add(std::move(split));
      }
      case Node::kRepeat: {
        const Node& child = n.children.front();
        int s = next;
        if (n.max < 0) {
          const int loop = Add(State{});
          if (too_big) return kMatch;
          const int body = Compile(child, loop);
          if (too_big) return kMatch;
          states[loop].epsilon = {body, next};
          s = loop;
        } else {
          // x{min,max}: min copies, then max-min optional ones, each of
          // which may end the repetition.
          for (int i = n.min; i < n.max; ++i) {
            const int body = Compile(child, s);
            s = Add(State{.epsilon = {body, next}});
          }
        }
        for (int i = 0; i < n.min; ++i) s = Compile(child, s);
        return s;
      }
    }
    return kMatch;
  }

  // The sorted set of non-epsilon states (and the match) reachable from
  // `from` through epsilon moves.
  std::vector<int> Closure(const std::vector<int>& from) const {
    std::vector<int> out, stack(from);
    std::vector<bool> seen(states.size());
    while (!stack.empty()) {
      const int s = stack.back();
      stack.pop_back();
      if (seen[s]) continue;
      seen[s] = true;
      const State& st = states[s];
      if (s != kMatch && st.set == 0) {
        stack.insert(stack.end(), st.epsilon.begin(), st.epsilon.end());
      } else {
        out.push_back(s);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

}  // namespace

std::optional<DigitDfa> DigitDfa::Compile(std::string_view pattern, std::size_t max_states) {
  Node root;
  if (!Parser(pattern).Parse(&root)) return std::nullopt;
  Nfa nfa;
  const int start = nfa.Compile(root, Nfa::kMatch);
  if (nfa.too_big) return std::nullopt;
  max_states = std::min<std::size_t>(max_states, 0xffff);

  DigitDfa dfa;
  std::map<std::vector<int>, std::uint16_t> ids;
  std::vector<std::vector<int>> sets;
  auto id_of = [&](std::vector<int> set) -> int {
    if (set.empty()) return kDead;
    if (auto it = ids.find(set); it != ids.end()) return it->second;
    if (sets.size() >= max_states) return -1;
    const auto id = static_cast<std::uint16_t>(sets.size());
    ids.emplace(set, id);
    sets.push_back(std::move(set));
    return id;
  };
  sets.emplace_back();  // kDead: the empty set, no way to a match
  const int first = id_of(nfa.Closure({start}));
  if (first < 0) return std::nullopt;
  dfa.start_ = static_cast<std::uint16_t>(first);
  for (std::size_t i = 0; i < sets.size(); ++i) {
    dfa.accepting_.push_back(std::binary_search(sets[i].begin(), sets[i].end(), Nfa::kMatch));
    for (int digit = 0; digit < 10; ++digit) {
      std::vector<int> moved;
      for (int s : sets[i]) {
        if (s != Nfa::kMatch && (nfa.states[s].set >> digit & 1u)) {
          moved.push_back(nfa.states[s].out);
        }
      }
      const int to = id_of(nfa.Closure(moved));
      if (to < 0) return std::nullopt;
      dfa.next_.push_back(static_cast<std::uint16_t>(to));
    }
  }
  return dfa;
}

bool DigitDfa::PrefixFree() const {
  // Every state but the dead one leads to a match (each NFA state does), so
  // a step out of a matching state to a live one extends a match.
  for (std::size_t s = 0; s < accepting_.size(); ++s) {
    if (!accepting_[s]) continue;
    for (int digit = 0; digit < 10; ++digit) {
      if (next_[s * 10 + digit] != kDead) return false;
    }
  }
  return true;
}

}  // namespace leadroute::normalize
