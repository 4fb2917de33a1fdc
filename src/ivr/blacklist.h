#pragma once
// Blacklist: caller numbers and prefixes with a reason and an optional expiry,
// checked before any other processing of an inbound call.
//
// Lookups happen at call setup on the control thread and must not slow it:
// the entries live in an immutable digit trie (one walk over the number, no
// allocation); a change builds a new trie off the control thread and swaps
// it in atomically (shared_ptr), so a lookup never waits for an import.
//
// Threads: replace()/setPolicy() on the service plane; lookup() from any thread.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hujiao::ivr {

struct BlacklistEntry {
  std::string number;  // normalised: digits with an optional leading '+'
  bool prefix = false;
  std::string reason;
  std::optional<int64_t> expiresAtUs;  // UTC; nullopt = never
};

/// Drops spaces, '-', '.', '(', ')'; keeps a leading '+'. nullopt when
/// anything else remains or there is no digit (at most 32 digits).
std::optional<std::string> normalizeNumber(std::string_view raw);

/// What to do with a blacklisted caller (config ivr.blacklist_*).
struct BlacklistPolicy {
  enum class Action { Reject, Flow };
  Action action = Action::Reject;
  int sipCode = 603;   // Reject: final response code (4xx-6xx)
  std::string flowId;  // Flow: the flow the call is sent to
};

struct BlacklistHit {
  BlacklistEntry entry;
  BlacklistPolicy policy;
};

/// Immutable trie over the entries. An exact entry wins over prefixes; among
/// prefixes the longest unexpired one wins.
class BlacklistIndex {
 public:
  explicit BlacklistIndex(std::vector<BlacklistEntry> entries);
  const BlacklistEntry* match(std::string_view normalizedNumber, int64_t nowUs) const;
  std::size_t size() const { return entries_.size(); }
  const std::vector<BlacklistEntry>& entries() const { return entries_; }

 private:
  static constexpr int kSymbols = 11;  // 0-9 and '+'
  struct TrieNode {
    int32_t child[kSymbols];
    int32_t exact = -1;   // index into entries_
    int32_t prefix = -1;
    TrieNode() {
      for (auto& c : child) c = -1;
    }
  };
  std::vector<BlacklistEntry> entries_;
  std::vector<TrieNode> nodes_;
};

class Blacklist {
 public:
  Blacklist();
  /// Installs a new set of entries (entries must be normalised).
  void replace(std::vector<BlacklistEntry> entries);
  void setPolicy(BlacklistPolicy policy);
  /// The caller number as received (it is normalised here); nullopt = not listed.
  std::optional<BlacklistHit> lookup(std::string_view callerNumber, int64_t nowUs) const;
  std::size_t size() const;
  /// The current entries (API listing).
  std::vector<BlacklistEntry> entries() const;

 private:
  struct State {
    std::shared_ptr<const BlacklistIndex> index;
    BlacklistPolicy policy;
  };
  std::atomic<std::shared_ptr<const State>> state_;
};

/// CSV import: "number,reason,expires_at" per line (header line optional;
/// '#' comment and blank lines skipped). A number ending in '*' is a prefix.
/// expires_at is ISO 8601 ("2026-01-31" or "2026-01-31T18:00:00+08:00") or
/// empty. Every bad line is reported with its line number; good lines are kept.
struct CsvLineError {
  int line = 0;
  std::string message;
};
struct BlacklistCsv {
  std::vector<BlacklistEntry> entries;
  std::vector<CsvLineError> errors;
};
BlacklistCsv parseBlacklistCsv(std::string_view text);

}  // namespace hujiao::ivr
