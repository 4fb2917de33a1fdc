#include "ivr/blacklist.h"

namespace hujiao::ivr {

namespace {
int symbol(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c == '+') return 10;
  return -1;
}
}  // namespace

std::optional<std::string> normalizeNumber(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t') continue;
    if (c == '+' && out.empty()) {
      out += c;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    out += c;
  }
  std::size_t digits = out.size() - (!out.empty() && out[0] == '+' ? 1 : 0);
  if (digits == 0 || digits > 32) return std::nullopt;
  return out;
}

BlacklistIndex::BlacklistIndex(std::vector<BlacklistEntry> entries) : entries_(std::move(entries)) {
  nodes_.emplace_back();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    int32_t at = 0;
    bool ok = !entries_[i].number.empty();
    for (char c : entries_[i].number) {
      int s = symbol(c);
      if (s < 0) {
        ok = false;  // not normalised: never matches rather than matching wrongly
        break;
      }
      int32_t next = nodes_[static_cast<std::size_t>(at)].child[s];
      if (next < 0) {
        next = static_cast<int32_t>(nodes_.size());
        nodes_[static_cast<std::size_t>(at)].child[s] = next;
        nodes_.emplace_back();
      }
      at = next;
    }
    if (!ok) continue;
    auto& n = nodes_[static_cast<std::size_t>(at)];
    (entries_[i].prefix ? n.prefix : n.exact) = static_cast<int32_t>(i);  // a later duplicate wins
  }
}

const BlacklistEntry* BlacklistIndex::match(std::string_view number, int64_t nowUs) const {
  auto live = [&](int32_t idx) -> const BlacklistEntry* {
    if (idx < 0) return nullptr;
    const auto& e = entries_[static_cast<std::size_t>(idx)];
    return (e.expiresAtUs && *e.expiresAtUs <= nowUs) ? nullptr : &e;
  };
  const BlacklistEntry* best = nullptr;
  int32_t at = 0;
  for (char c : number) {
    int s = symbol(c);
    if (s < 0) return best;
    at = nodes_[static_cast<std::size_t>(at)].child[s];
    if (at < 0) return best;
    if (const auto* p = live(nodes_[static_cast<std::size_t>(at)].prefix)) best = p;
  }
  if (const auto* e = live(nodes_[static_cast<std::size_t>(at)].exact)) return e;
  return best;
}

Blacklist::Blacklist() {
  auto s = std::make_shared<State>();
  s->index = std::make_shared<const BlacklistIndex>(std::vector<BlacklistEntry>{});
  state_.store(std::move(s));
}

void Blacklist::replace(std::vector<BlacklistEntry> entries) {
  auto index = std::make_shared<const BlacklistIndex>(std::move(entries));  // built before the swap
  auto current = state_.load();
  auto next = std::make_shared<State>(*current);
  next->index = std::move(index);
  // Writers are rare (API, import) and serialised by the caller's store
  // transaction; compare_exchange keeps a concurrent setPolicy from being lost.
  while (!state_.compare_exchange_weak(current, next)) next->policy = current->policy;
}

void Blacklist::setPolicy(BlacklistPolicy policy) {
  auto current = state_.load();
  auto next = std::make_shared<State>(*current);
  next->policy = policy;
  while (!state_.compare_exchange_weak(current, next)) {
    next->index = current->index;
    next->policy = policy;
  }
}

std::optional<BlacklistHit> Blacklist::lookup(std::string_view callerNumber, int64_t nowUs) const {
  auto n = normalizeNumber(callerNumber);
  if (!n) return std::nullopt;
  auto s = state_.load();
  const BlacklistEntry* e = s->index->match(*n, nowUs);
  if (!e) return std::nullopt;
  return BlacklistHit{*e, s->policy};
}

std::size_t Blacklist::size() const { return state_.load()->index->size(); }

std::vector<BlacklistEntry> Blacklist::entries() const { return state_.load()->index->entries(); }

}  // namespace hujiao::ivr
