#pragma once
// Telephony persistence over store::Db (portable SQL, SQLite and PostgreSQL):
// extensions (digest HA1s, never the password), trunks, DIDs, dial-plan rules,
// registrations, blocked addresses and CDRs. Schema: migrations 100-199.
//
// Threads: every method is synchronous and thread-safe (store::Db borrows a
// pooled connection). Service plane only (API threads, the StoreWriter
// thread) -- NEVER the control thread.
#include <string>
#include <vector>

#include "call/telephony_types.h"
#include "core/result.h"
#include "sip/auth_blocker.h"
#include "sip/registrar.h"
#include "store/db.h"
#include "store/store.h"

namespace hujiao::call {

using core::Result;

struct ListFilter {
  int64_t limit = 50;
  int64_t offset = 0;
  std::string search;
  std::vector<std::string> departmentIds;
};

/// Everything the control thread keeps in memory, loaded at start / on reload.
struct TelephonySnapshot {
  std::vector<Extension> extensions;
  std::vector<Trunk> trunks;
  std::vector<Did> dids;
  std::vector<DialRule> rules;
  std::vector<sip::Binding> registrations;  // not expired
  std::vector<sip::BlockedAddress> blocks;  // not expired
};

class TelephonyStore {
 public:
  explicit TelephonyStore(store::Db& db) : db_(db) {}

  /// Migrations 100.. for store::openStore().
  static std::vector<store::Migration> migrations();

  /// Computes the HA1s from e.password with `realm`.
  Result<Extension> createExtension(Extension e, const std::string& realm);
  Result<Extension> getExtension(const std::string& id);
  /// A non-empty e.password replaces the HA1s.
  Result<Extension> updateExtension(Extension e, const std::string& realm);
  Result<void> removeExtension(const std::string& id);
  Result<store::Page<Extension>> listExtensions(const ListFilter& f);

  Result<Trunk> createTrunk(Trunk t);
  Result<Trunk> getTrunk(const std::string& id);
  Result<Trunk> updateTrunk(Trunk t);
  Result<void> removeTrunk(const std::string& id);
  Result<store::Page<Trunk>> listTrunks(const ListFilter& f);

  Result<Did> createDid(Did d);
  Result<Did> getDid(const std::string& id);
  Result<Did> updateDid(Did d);
  Result<void> removeDid(const std::string& id);
  Result<store::Page<Did>> listDids(const ListFilter& f);

  Result<DialRule> createDialRule(DialRule r);
  Result<DialRule> getDialRule(const std::string& id);
  Result<DialRule> updateDialRule(DialRule r);
  Result<void> removeDialRule(const std::string& id);
  Result<store::Page<DialRule>> listDialRules(const ListFilter& f);

  Result<void> upsertRegistrations(const std::vector<sip::Binding>& bindings);
  Result<void> deleteRegistrations(const std::vector<sip::Binding>& bindings);
  Result<void> upsertBlock(const sip::BlockedAddress& b);
  Result<void> deleteBlock(const std::string& address);
  Result<void> insertCdrs(const std::vector<Cdr>& cdrs);
  Result<store::Page<Cdr>> listCdrs(const CdrQuery& q);

  Result<std::vector<Extension>> allExtensions();
  Result<std::vector<Trunk>> allTrunks();
  Result<std::vector<Did>> allDids();
  Result<std::vector<DialRule>> allDialRules();
  Result<TelephonySnapshot> loadSnapshot(int64_t nowUs);

 private:
  store::Db& db_;
};

}  // namespace hujiao::call
