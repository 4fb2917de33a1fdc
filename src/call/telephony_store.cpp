#include "call/telephony_store.h"

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/ids.h"
#include "sip/digest.h"

namespace hujiao::call {
namespace {

using store::Params;
using store::Row;
using store::Value;

int64_t now() { return core::SystemClock::instance().nowUs(); }

std::string toJson(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }
std::vector<std::string> fromJson(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& x : j) {
    if (x.is_string()) out.push_back(x.get<std::string>());
  }
  return out;
}

core::Error notFound(const std::string& what) { return core::makeError("not_found", what + " not found"); }

/// WHERE builder with $N placeholders (same SQL on both backends).
class Where {
 public:
  explicit Where(bool pg) : pg_(pg) {}
  std::string param(Value v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  }
  void add(std::string c) { conds_.push_back(std::move(c)); }
  void search(const std::string& s, const std::vector<std::string>& cols) {
    if (s.empty()) return;
    std::string pattern = "%";
    for (char c : s) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += c;
    }
    pattern += "%";
    const std::string p = param(pattern);
    std::string c = "(";
    for (size_t i = 0; i < cols.size(); ++i) c += (i ? " OR " : "") + ("lower(" + cols[i] + ") LIKE lower(" + p + ") ESCAPE '\\'");
    add(c + ")");
  }
  void in(const std::string& col, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    const std::string p = param(toJson(ids));
    add(pg_ ? col + " IN (SELECT json_array_elements_text(CAST(" + p + " AS json)))"
            : col + " IN (SELECT value FROM json_each(" + p + "))");
  }
  std::string sql() const {
    std::string out;
    for (size_t i = 0; i < conds_.size(); ++i) out += (i == 0 ? " WHERE " : " AND ") + conds_[i];
    return out;
  }
  Params params;

 private:
  bool pg_;
  std::vector<std::string> conds_;
};

template <class T, class F>
Result<store::Page<T>> listPage(store::Db& db, const std::string& cols, const std::string& table, Where& w,
                                const std::string& order, int64_t limit, int64_t offset, F fromRow) {
  if (limit < 1 || limit > 1000 || offset < 0) return core::makeError("invalid", "limit must be 1..1000 and offset >= 0");
  auto total = db.query("SELECT count(*) FROM " + table + w.sql(), w.params);
  if (!total) return total.error();
  Params p = w.params;
  const std::string lim = "$" + std::to_string(p.size() + 1);
  const std::string off = "$" + std::to_string(p.size() + 2);
  p.emplace_back(limit);
  p.emplace_back(offset);
  auto rows = db.query("SELECT " + cols + " FROM " + table + w.sql() + " ORDER BY " + order + " LIMIT " + lim +
                           " OFFSET " + off,
                       p);
  if (!rows) return rows.error();
  store::Page<T> page;
  page.total = total->rows.empty() ? 0 : total->rows[0].i64(0);
  for (const auto& r : rows->rows) page.items.push_back(fromRow(r));
  return page;
}

// ---- extensions ----
const char* kExtCols =
    "id, number, display_name, department_id, realm, ha1_md5, ha1_sha256, max_contacts, call_limit, allowed_codecs, dnd, "
    "enabled, created_us, updated_us";
Extension extFrom(const Row& r) {
  Extension e;
  e.id = r.str(0);
  e.number = r.str(1);
  e.displayName = r.str(2);
  e.departmentId = r.str(3);
  e.realm = r.str(4);
  e.ha1Md5 = r.str(5);
  e.ha1Sha256 = r.str(6);
  e.maxContacts = r.i64(7);
  e.callLimit = r.i64(8);
  e.allowedCodecs = fromJson(r.str(9));
  e.dnd = r.i64(10) != 0;
  e.enabled = r.i64(11) != 0;
  e.createdUs = r.i64(12);
  e.updatedUs = r.i64(13);
  return e;
}

const char* kTrunkCols =
    "id, name, host, port, transport, username, password, register_enabled, register_expires, inbound_addresses, "
    "max_channels, caller_id, enabled, created_us, updated_us";
Trunk trunkFrom(const Row& r) {
  Trunk t;
  t.id = r.str(0);
  t.name = r.str(1);
  t.host = r.str(2);
  t.port = r.i64(3);
  t.transport = r.str(4);
  t.username = r.str(5);
  t.password = r.str(6);
  t.registerEnabled = r.i64(7) != 0;
  t.registerExpiresS = r.i64(8);
  t.inboundAddresses = fromJson(r.str(9));
  t.maxChannels = r.i64(10);
  t.callerId = r.str(11);
  t.enabled = r.i64(12) != 0;
  t.createdUs = r.i64(13);
  t.updatedUs = r.i64(14);
  return t;
}
Params trunkParams(const Trunk& t) {
  return {t.id, t.name, t.host, t.port, t.transport, t.username, t.password, int64_t{t.registerEnabled},
          t.registerExpiresS, toJson(t.inboundAddresses), t.maxChannels, t.callerId, int64_t{t.enabled}, t.createdUs,
          t.updatedUs};
}

const char* kDidCols = "id, number, target_type, target, trunk_id, description, created_us, updated_us";
Did didFrom(const Row& r) {
  return Did{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.i64(6), r.i64(7)};
}
Params didParams(const Did& d) {
  return {d.id, d.number, d.targetType, d.target, d.trunkId, d.description, d.createdUs, d.updatedUs};
}

const char* kRuleCols =
    "id, name, priority, prefix, min_length, max_length, strip_digits, prepend, trunk_ids, caller_id_policy, caller_id, "
    "created_us, updated_us";
DialRule ruleFrom(const Row& r) {
  DialRule d;
  d.id = r.str(0);
  d.name = r.str(1);
  d.priority = r.i64(2);
  d.prefix = r.str(3);
  d.minLength = r.i64(4);
  d.maxLength = r.i64(5);
  d.stripDigits = r.i64(6);
  d.prepend = r.str(7);
  d.trunkIds = fromJson(r.str(8));
  d.callerIdPolicy = r.str(9);
  d.callerId = r.str(10);
  d.createdUs = r.i64(11);
  d.updatedUs = r.i64(12);
  return d;
}
Params ruleParams(const DialRule& d) {
  return {d.id, d.name, d.priority, d.prefix, d.minLength, d.maxLength, d.stripDigits, d.prepend, toJson(d.trunkIds),
          d.callerIdPolicy, d.callerId, d.createdUs, d.updatedUs};
}

const char* kCdrCols =
    "id, direction, caller_number, caller_name, callee_number, destination, trunk_id, did, department_id, start_us, "
    "answer_us, end_us, hangup_cause, hangup_side, sip_code, legs";

std::string legsJson(const std::vector<CdrLeg>& legs) {
  auto a = nlohmann::json::array();
  for (const auto& l : legs) {
    a.push_back({{"target", l.target}, {"trunk_id", l.trunkId}, {"sip_code", l.sipCode}, {"start_us", l.startUs},
                 {"answer_us", l.answerUs}, {"end_us", l.endUs}});
  }
  return a.dump();
}
std::vector<CdrLeg> legsFrom(const std::string& s) {
  std::vector<CdrLeg> out;
  auto j = nlohmann::json::parse(s, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& x : j) {
    CdrLeg l;
    l.target = x.value("target", "");
    l.trunkId = x.value("trunk_id", "");
    l.sipCode = x.value("sip_code", 0);
    l.startUs = x.value("start_us", int64_t{0});
    l.answerUs = x.value("answer_us", int64_t{0});
    l.endUs = x.value("end_us", int64_t{0});
    out.push_back(l);
  }
  return out;
}
Cdr cdrFrom(const Row& r) {
  Cdr c;
  c.id = r.str(0);
  c.direction = r.str(1);
  c.callerNumber = r.str(2);
  c.callerName = r.str(3);
  c.calleeNumber = r.str(4);
  c.destination = r.str(5);
  c.trunkId = r.str(6);
  c.did = r.str(7);
  c.departmentId = r.str(8);
  c.startUs = r.i64(9);
  c.answerUs = r.i64(10);
  c.endUs = r.i64(11);
  c.hangupCause = r.str(12);
  c.hangupSide = r.str(13);
  c.sipCode = static_cast<int>(r.i64(14));
  c.legs = legsFrom(r.str(15));
  return c;
}

std::string placeholders(size_t n) {
  std::string s;
  for (size_t i = 1; i <= n; ++i) s += (i > 1 ? ", $" : "$") + std::to_string(i);
  return s;
}

/// UPDATE table SET col2=$2,... WHERE id=$1 (cols[0] is id, created_us is kept).
// created_us is never updated; its parameter is dropped (updateRow) so that the
// placeholders stay dense ($1..$N): both backends refuse unused parameters.
std::string updateSql(const std::string& table, const std::vector<std::string>& cols) {
  std::string s = "UPDATE " + table + " SET ";
  bool first = true;
  size_t n = 1;
  for (size_t i = 1; i < cols.size(); ++i) {
    if (cols[i] == "created_us") continue;
    s += (first ? "" : ", ") + cols[i] + " = $" + std::to_string(++n);
    first = false;
  }
  return s + " WHERE id = $1";
}

std::vector<std::string> split(const char* cols) {
  std::vector<std::string> out;
  std::string s = cols, cur;
  for (char c : s) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

template <class T, class P, class F>
Result<T> insertRow(store::Db& db, const char* table, const char* cols, T item, P params, F reword) {
  auto r = db.exec(std::string("INSERT INTO ") + table + " (" + cols + ") VALUES (" + placeholders(split(cols).size()) + ")",
                   params(item));
  if (!r) return reword(r.error());
  return item;
}

template <class T, class P, class F>
Result<T> updateRow(store::Db& db, const char* table, const char* cols, T item, P params, F reword) {
  Params p = params(item);
  const auto names = split(cols);
  for (size_t i = names.size(); i-- > 0;)
    if (names[i] == "created_us" && i < p.size()) p.erase(p.begin() + static_cast<std::ptrdiff_t>(i));
  auto r = db.exec(updateSql(table, names), p);
  if (!r) return reword(r.error());
  if (*r == 0) return notFound(table);
  return item;
}

Result<void> removeRow(store::Db& db, const char* table, const std::string& id) {
  auto r = db.exec(std::string("DELETE FROM ") + table + " WHERE id = $1", {id});
  if (!r) return r.error();
  if (*r == 0) return notFound(table);
  return {};
}

template <class T, class F>
Result<T> getRow(store::Db& db, const char* table, const char* cols, const std::string& id, F fromRow,
                 const std::string& what) {
  auto r = db.query(std::string("SELECT ") + cols + " FROM " + table + " WHERE id = $1", {id});
  if (!r) return r.error();
  if (r->rows.empty()) return notFound(what);
  return fromRow(r->rows[0]);
}

auto rewordNumber(const std::string& what) {
  return [what](const core::Error& e) -> core::Error {
    if (e.code == "conflict") return core::makeError("conflict", what);
    return e;
  };
}

}  // namespace

std::vector<store::Migration> TelephonyStore::migrations() {
  store::Migration m;
  m.version = 100;
  m.name = "sip telephony: extensions, registrations, trunks, dids, dial rules, blocked addresses, cdrs";
  m.sqlite = R"(CREATE TABLE sip_extensions (id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL DEFAULT '', department_id TEXT NOT NULL DEFAULT '', realm TEXT NOT NULL, ha1_md5 TEXT NOT NULL, ha1_sha256 TEXT NOT NULL, max_contacts BIGINT NOT NULL DEFAULT 0, call_limit BIGINT NOT NULL DEFAULT 0, allowed_codecs TEXT NOT NULL DEFAULT '[]', dnd INTEGER NOT NULL DEFAULT 0, enabled INTEGER NOT NULL DEFAULT 1, created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL);
CREATE TABLE sip_registrations (aor TEXT NOT NULL, registered_contact TEXT NOT NULL, contact TEXT NOT NULL, call_id TEXT NOT NULL, cseq BIGINT NOT NULL, registered_us BIGINT NOT NULL, expires_us BIGINT NOT NULL, source_ip TEXT NOT NULL, source_port BIGINT NOT NULL, transport TEXT NOT NULL, user_agent TEXT NOT NULL, reachable INTEGER NOT NULL, PRIMARY KEY (aor, registered_contact));
CREATE INDEX sip_registrations_expires ON sip_registrations (expires_us);
CREATE TABLE sip_trunks (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, host TEXT NOT NULL, port BIGINT NOT NULL, transport TEXT NOT NULL, username TEXT NOT NULL DEFAULT '', password TEXT NOT NULL DEFAULT '', register_enabled INTEGER NOT NULL DEFAULT 0, register_expires BIGINT NOT NULL DEFAULT 600, inbound_addresses TEXT NOT NULL DEFAULT '[]', max_channels BIGINT NOT NULL DEFAULT 0, caller_id TEXT NOT NULL DEFAULT '', enabled INTEGER NOT NULL DEFAULT 1, created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL);
CREATE TABLE sip_dids (id TEXT PRIMARY KEY, number TEXT NOT NULL, target_type TEXT NOT NULL, target TEXT NOT NULL, trunk_id TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '', created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL, UNIQUE (number, trunk_id));
CREATE TABLE sip_dial_rules (id TEXT PRIMARY KEY, name TEXT NOT NULL, priority BIGINT NOT NULL, prefix TEXT NOT NULL DEFAULT '', min_length BIGINT NOT NULL DEFAULT 0, max_length BIGINT NOT NULL DEFAULT 0, strip_digits BIGINT NOT NULL DEFAULT 0, prepend TEXT NOT NULL DEFAULT '', trunk_ids TEXT NOT NULL DEFAULT '[]', caller_id_policy TEXT NOT NULL DEFAULT 'keep', caller_id TEXT NOT NULL DEFAULT '', created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL);
CREATE TABLE sip_blocked_addresses (address TEXT PRIMARY KEY, blocked_us BIGINT NOT NULL, until_us BIGINT NOT NULL, failures BIGINT NOT NULL);
CREATE TABLE cdrs (id TEXT PRIMARY KEY, direction TEXT NOT NULL, caller_number TEXT NOT NULL, caller_name TEXT NOT NULL, callee_number TEXT NOT NULL, destination TEXT NOT NULL, trunk_id TEXT NOT NULL, did TEXT NOT NULL, department_id TEXT NOT NULL, start_us BIGINT NOT NULL, answer_us BIGINT NOT NULL, end_us BIGINT NOT NULL, hangup_cause TEXT NOT NULL, hangup_side TEXT NOT NULL, sip_code BIGINT NOT NULL, legs TEXT NOT NULL);
CREATE INDEX cdrs_start ON cdrs (start_us);
CREATE INDEX cdrs_caller ON cdrs (caller_number);
CREATE INDEX cdrs_callee ON cdrs (callee_number))";
  m.postgres = "";  // the SQL above is portable
  return {m};
}

Result<Extension> TelephonyStore::createExtension(Extension e, const std::string& realm) {
  if (e.id.empty()) e.id = core::newId();
  e.createdUs = e.updatedUs = now();
  e.realm = realm;
  e.ha1Md5 = sip::digestHa1(sip::DigestAlgorithm::Md5, e.number, realm, e.password);
  e.ha1Sha256 = sip::digestHa1(sip::DigestAlgorithm::Sha256, e.number, realm, e.password);
  e.password.clear();
  auto r = db_.exec(std::string("INSERT INTO sip_extensions (") + kExtCols + ") VALUES (" + placeholders(14) + ")",
                    {e.id, e.number, e.displayName, e.departmentId, e.realm, e.ha1Md5, e.ha1Sha256, e.maxContacts,
                     e.callLimit, toJson(e.allowedCodecs), int64_t{e.dnd}, int64_t{e.enabled}, e.createdUs, e.updatedUs});
  if (!r) return rewordNumber("an extension with this number exists")(r.error());
  return e;
}

Result<Extension> TelephonyStore::getExtension(const std::string& id) {
  return getRow<Extension>(db_, "sip_extensions", kExtCols, id, extFrom, "extension");
}

Result<Extension> TelephonyStore::updateExtension(Extension e, const std::string& realm) {
  auto old = getExtension(e.id);
  if (!old) return old.error();
  e.createdUs = old->createdUs;
  e.updatedUs = now();
  if (!e.password.empty() || e.number != old->number) {
    if (e.password.empty()) return core::makeError("invalid", "changing the number needs a new password (the digest HA1 includes it)");
    e.realm = realm;
    e.ha1Md5 = sip::digestHa1(sip::DigestAlgorithm::Md5, e.number, realm, e.password);
    e.ha1Sha256 = sip::digestHa1(sip::DigestAlgorithm::Sha256, e.number, realm, e.password);
  } else {
    e.realm = old->realm;
    e.ha1Md5 = old->ha1Md5;
    e.ha1Sha256 = old->ha1Sha256;
  }
  e.password.clear();
  auto r = db_.exec(
      "UPDATE sip_extensions SET number = $2, display_name = $3, department_id = $4, realm = $5, ha1_md5 = $6, "
      "ha1_sha256 = $7, max_contacts = $8, call_limit = $9, allowed_codecs = $10, dnd = $11, enabled = $12, "
      "updated_us = $13 WHERE id = $1",
      {e.id, e.number, e.displayName, e.departmentId, e.realm, e.ha1Md5, e.ha1Sha256, e.maxContacts, e.callLimit,
       toJson(e.allowedCodecs), int64_t{e.dnd}, int64_t{e.enabled}, e.updatedUs});
  if (!r) return rewordNumber("an extension with this number exists")(r.error());
  if (*r == 0) return notFound("extension");
  return e;
}

Result<void> TelephonyStore::removeExtension(const std::string& id) { return removeRow(db_, "sip_extensions", id); }

Result<store::Page<Extension>> TelephonyStore::listExtensions(const ListFilter& f) {
  Where w(db_.dialect() == "postgresql");
  w.search(f.search, {"number", "display_name"});
  w.in("department_id", f.departmentIds);
  return listPage<Extension>(db_, kExtCols, "sip_extensions", w, "number", f.limit, f.offset, extFrom);
}

Result<Trunk> TelephonyStore::createTrunk(Trunk t) {
  if (t.id.empty()) t.id = core::newId();
  t.createdUs = t.updatedUs = now();
  return insertRow(db_, "sip_trunks", kTrunkCols, t, trunkParams, rewordNumber("a trunk with this name exists"));
}
Result<Trunk> TelephonyStore::getTrunk(const std::string& id) {
  return getRow<Trunk>(db_, "sip_trunks", kTrunkCols, id, trunkFrom, "trunk");
}
Result<Trunk> TelephonyStore::updateTrunk(Trunk t) {
  auto old = getTrunk(t.id);
  if (!old) return old.error();
  t.createdUs = old->createdUs;
  t.updatedUs = now();
  return updateRow(db_, "sip_trunks", kTrunkCols, t, trunkParams, rewordNumber("a trunk with this name exists"));
}
Result<void> TelephonyStore::removeTrunk(const std::string& id) { return removeRow(db_, "sip_trunks", id); }
Result<store::Page<Trunk>> TelephonyStore::listTrunks(const ListFilter& f) {
  Where w(db_.dialect() == "postgresql");
  w.search(f.search, {"name", "host"});
  return listPage<Trunk>(db_, kTrunkCols, "sip_trunks", w, "name", f.limit, f.offset, trunkFrom);
}

Result<Did> TelephonyStore::createDid(Did d) {
  if (d.id.empty()) d.id = core::newId();
  d.createdUs = d.updatedUs = now();
  return insertRow(db_, "sip_dids", kDidCols, d, didParams, rewordNumber("this DID exists for this trunk"));
}
Result<Did> TelephonyStore::getDid(const std::string& id) {
  return getRow<Did>(db_, "sip_dids", kDidCols, id, didFrom, "did");
}
Result<Did> TelephonyStore::updateDid(Did d) {
  auto old = getDid(d.id);
  if (!old) return old.error();
  d.createdUs = old->createdUs;
  d.updatedUs = now();
  return updateRow(db_, "sip_dids", kDidCols, d, didParams, rewordNumber("this DID exists for this trunk"));
}
Result<void> TelephonyStore::removeDid(const std::string& id) { return removeRow(db_, "sip_dids", id); }
Result<store::Page<Did>> TelephonyStore::listDids(const ListFilter& f) {
  Where w(db_.dialect() == "postgresql");
  w.search(f.search, {"number", "target", "description"});
  return listPage<Did>(db_, kDidCols, "sip_dids", w, "number", f.limit, f.offset, didFrom);
}

Result<DialRule> TelephonyStore::createDialRule(DialRule r) {
  if (r.id.empty()) r.id = core::newId();
  r.createdUs = r.updatedUs = now();
  return insertRow(db_, "sip_dial_rules", kRuleCols, r, ruleParams, rewordNumber("dial rule exists"));
}
Result<DialRule> TelephonyStore::getDialRule(const std::string& id) {
  return getRow<DialRule>(db_, "sip_dial_rules", kRuleCols, id, ruleFrom, "dial rule");
}
Result<DialRule> TelephonyStore::updateDialRule(DialRule r) {
  auto old = getDialRule(r.id);
  if (!old) return old.error();
  r.createdUs = old->createdUs;
  r.updatedUs = now();
  return updateRow(db_, "sip_dial_rules", kRuleCols, r, ruleParams, rewordNumber("dial rule exists"));
}
Result<void> TelephonyStore::removeDialRule(const std::string& id) { return removeRow(db_, "sip_dial_rules", id); }
Result<store::Page<DialRule>> TelephonyStore::listDialRules(const ListFilter& f) {
  Where w(db_.dialect() == "postgresql");
  w.search(f.search, {"name", "prefix"});
  return listPage<DialRule>(db_, kRuleCols, "sip_dial_rules", w, "priority, id", f.limit, f.offset, ruleFrom);
}

Result<void> TelephonyStore::upsertRegistrations(const std::vector<sip::Binding>& bs) {
  if (bs.empty()) return {};
  std::vector<Params> rows;
  for (const auto& b : bs) {
    rows.push_back({b.aor, b.registeredContact, b.contact, b.callId, int64_t{b.cseq}, b.registeredAtUs, b.expiresAtUs,
                    b.sourceIp, int64_t{b.sourcePort}, b.transport, b.userAgent, int64_t{b.reachable}});
  }
  auto r = db_.execBatch(
      "INSERT INTO sip_registrations (aor, registered_contact, contact, call_id, cseq, registered_us, expires_us, "
      "source_ip, source_port, transport, user_agent, reachable) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
      "$12) ON CONFLICT (aor, registered_contact) DO UPDATE SET contact = excluded.contact, call_id = excluded.call_id, "
      "cseq = excluded.cseq, expires_us = excluded.expires_us, source_ip = excluded.source_ip, source_port = "
      "excluded.source_port, transport = excluded.transport, user_agent = excluded.user_agent, reachable = "
      "excluded.reachable",
      rows);
  if (!r) return r.error();
  return {};
}

Result<void> TelephonyStore::deleteRegistrations(const std::vector<sip::Binding>& bs) {
  if (bs.empty()) return {};
  std::vector<Params> rows;
  for (const auto& b : bs) rows.push_back({b.aor, b.registeredContact});
  auto r = db_.execBatch("DELETE FROM sip_registrations WHERE aor = $1 AND registered_contact = $2", rows);
  if (!r) return r.error();
  return {};
}

Result<void> TelephonyStore::upsertBlock(const sip::BlockedAddress& b) {
  auto r = db_.exec(
      "INSERT INTO sip_blocked_addresses (address, blocked_us, until_us, failures) VALUES ($1, $2, $3, $4) ON CONFLICT "
      "(address) DO UPDATE SET blocked_us = excluded.blocked_us, until_us = excluded.until_us, failures = "
      "excluded.failures",
      {b.address, b.blockedAtUs, b.untilUs, b.failures});
  if (!r) return r.error();
  return {};
}

Result<void> TelephonyStore::deleteBlock(const std::string& address) {
  auto r = db_.exec("DELETE FROM sip_blocked_addresses WHERE address = $1", {address});
  if (!r) return r.error();
  return {};
}

Result<void> TelephonyStore::insertCdrs(const std::vector<Cdr>& cdrs) {
  if (cdrs.empty()) return {};
  std::vector<Params> rows;
  for (const auto& c : cdrs) {
    rows.push_back({c.id, c.direction, c.callerNumber, c.callerName, c.calleeNumber, c.destination, c.trunkId, c.did,
                    c.departmentId, c.startUs, c.answerUs, c.endUs, c.hangupCause, c.hangupSide, int64_t{c.sipCode},
                    legsJson(c.legs)});
  }
  auto r = db_.execBatch(std::string("INSERT INTO cdrs (") + kCdrCols + ") VALUES (" + placeholders(16) +
                             ") ON CONFLICT (id) DO NOTHING",
                         rows);
  if (!r) return r.error();
  return {};
}

Result<store::Page<Cdr>> TelephonyStore::listCdrs(const CdrQuery& q) {
  Where w(db_.dialect() == "postgresql");
  if (q.fromUs > 0) w.add("start_us >= " + w.param(q.fromUs));
  if (q.toUs > 0) w.add("start_us < " + w.param(q.toUs));
  if (!q.number.empty()) {
    const std::string p = w.param(q.number);
    w.add("(caller_number = " + p + " OR callee_number = " + p + " OR destination = " + p + ")");
  }
  if (!q.direction.empty()) w.add("direction = " + w.param(q.direction));
  if (!q.hangupCause.empty()) w.add("hangup_cause = " + w.param(q.hangupCause));
  if (!q.trunkId.empty()) w.add("trunk_id = " + w.param(q.trunkId));
  w.in("department_id", q.departmentIds);
  return listPage<Cdr>(db_, kCdrCols, "cdrs", w, "start_us DESC, id DESC", q.limit, q.offset, cdrFrom);
}

template <class T, class F>
Result<std::vector<T>> allRows(store::Db& db, const char* table, const char* cols, F fromRow) {
  auto r = db.query(std::string("SELECT ") + cols + " FROM " + table);
  if (!r) return r.error();
  std::vector<T> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) out.push_back(fromRow(row));
  return out;
}

Result<std::vector<Extension>> TelephonyStore::allExtensions() {
  return allRows<Extension>(db_, "sip_extensions", kExtCols, extFrom);
}
Result<std::vector<Trunk>> TelephonyStore::allTrunks() { return allRows<Trunk>(db_, "sip_trunks", kTrunkCols, trunkFrom); }
Result<std::vector<Did>> TelephonyStore::allDids() { return allRows<Did>(db_, "sip_dids", kDidCols, didFrom); }
Result<std::vector<DialRule>> TelephonyStore::allDialRules() {
  return allRows<DialRule>(db_, "sip_dial_rules", kRuleCols, ruleFrom);
}

Result<TelephonySnapshot> TelephonyStore::loadSnapshot(int64_t nowUs) {
  TelephonySnapshot s;
  auto ex = allExtensions();
  if (!ex) return ex.error();
  s.extensions = std::move(*ex);
  auto tr = allTrunks();
  if (!tr) return tr.error();
  s.trunks = std::move(*tr);
  auto di = allDids();
  if (!di) return di.error();
  s.dids = std::move(*di);
  auto ru = allDialRules();
  if (!ru) return ru.error();
  s.rules = std::move(*ru);
  auto rg = db_.query(
      "SELECT aor, registered_contact, contact, call_id, cseq, registered_us, expires_us, source_ip, source_port, "
      "transport, user_agent, reachable FROM sip_registrations WHERE expires_us > $1",
      {nowUs});
  if (!rg) return rg.error();
  for (const auto& r : rg->rows) {
    sip::Binding b;
    b.aor = r.str(0);
    b.registeredContact = r.str(1);
    b.contact = r.str(2);
    b.callId = r.str(3);
    b.cseq = static_cast<uint32_t>(r.i64(4));
    b.registeredAtUs = r.i64(5);
    b.expiresAtUs = r.i64(6);
    b.sourceIp = r.str(7);
    b.sourcePort = static_cast<int>(r.i64(8));
    b.transport = r.str(9);
    b.userAgent = r.str(10);
    b.reachable = r.i64(11) != 0;
    s.registrations.push_back(b);
  }
  auto bl = db_.query("SELECT address, blocked_us, until_us, failures FROM sip_blocked_addresses WHERE until_us > $1",
                      {nowUs});
  if (!bl) return bl.error();
  for (const auto& r : bl->rows) s.blocks.push_back({r.str(0), r.i64(1), r.i64(2), r.i64(3)});
  return s;
}

}  // namespace hujiao::call
