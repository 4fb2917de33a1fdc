#pragma once
// Internal: the store's own migrations (versions 1-99) and the migration runner.
//
// Threads: applyMigrations runs once at start-up, before the store is shared.
#include <vector>

#include "store/db.h"

namespace hujiao::store {

/// The store's schema: identity, sessions, audit.
const std::vector<Migration>& storeMigrations();

/// Creates schema_migrations if missing and applies every migration (store's
/// and `extra`) not yet applied, in version order, each in one transaction.
/// Throws std::runtime_error on a duplicate version, a failed migration, or a
/// database that has a version this binary does not know (a downgrade).
void applyMigrations(Db& db, const std::vector<Migration>& extra);

}  // namespace hujiao::store
