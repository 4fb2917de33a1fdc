#include "api/schemas.h"

#include "api/schema_helpers.h"

namespace hujiao::api {

namespace {

using T = FieldType;
using namespace schema_helpers;  // NOLINT(google-build-using-namespace): the catalogue's vocabulary

FieldSpec scope() {
  FieldSpec f = str("scope", 0, false, "all: every department; department: own department and descendants; self");
  f.choices = {"all", "department", "self"};
  return f;
}

// Telephony (routes_telephony*.cpp). Passwords are write-only.
void addTelephonySchemas(std::vector<ObjectSchema>& s) {
  auto extFields = [](bool create) {
    std::vector<FieldSpec> f;
    FieldSpec number = str("number", 32, create, "SIP user name and dialable number (digits)");
    if (create) number.minLength = 1;
    f.push_back(number);
    f.push_back(password("password", create));
    f.push_back(str("display_name", 200));
    f.push_back(nstr("department_id"));
    f.push_back(integer("max_contacts", "0 = sip.max_contacts_default"));
    f.push_back(integer("call_limit", "0 = sip.call_limit_default"));
    f.push_back(strings("allowed_codecs", 10, "Encoding names in preference order; empty = media default"));
    f.push_back(boolean("dnd", "Do not disturb: calls get 486"));
    f.push_back(boolean("enabled"));
    return f;
  };
  s.push_back({"Extension",
               "A SIP account. The password is never returned.",
               {str("id"), str("number"), str("display_name"), nstr("department_id"), integer("max_contacts"),
                integer("call_limit"), strings("allowed_codecs"), boolean("dnd"), boolean("enabled"),
                time("created_at"), time("updated_at")}});
  s.push_back({"ExtensionCreate", "", extFields(true)});
  s.push_back({"ExtensionUpdate", "Partial update; changing the number needs a new password", extFields(false)});
  s.push_back(list("ExtensionList", "Extension"));

  auto trunkFields = [](bool create) {
    return std::vector<FieldSpec>{
        create ? required(str("name", 100)) : minOne(str("name", 100)),
        create ? required(str("host", 255), 1) : minOne(str("host", 255, false, "IP or host name of the peer")),
        integer("port"),
        choice(str("transport"), {"udp", "tcp", "tls"}),
        str("username", 100, false, "Credentials towards the peer (and the peer's towards us)"),
        password("password", false),
        boolean("register", "Send REGISTER to the peer"),
        integer("register_expires_s"),
        strings("inbound_addresses", 50, "Source IPs accepted as this trunk; empty = host"),
        integer("max_channels", "0 = unlimited"),
        str("caller_id", 64),
        boolean("enabled")};
  };
  s.push_back({"Trunk",
               "A SIP peer (gateway). The password is never returned.",
               {str("id"), str("name"), str("host"), integer("port"), str("transport"), str("username"),
                boolean("register"), integer("register_expires_s"), strings("inbound_addresses"),
                integer("max_channels"), str("caller_id"), boolean("enabled"), time("created_at"),
                time("updated_at")}});
  s.push_back({"TrunkCreate", "", trunkFields(true)});
  s.push_back({"TrunkUpdate", "Partial update", trunkFields(false)});
  s.push_back(list("TrunkList", "Trunk"));

  auto didFields = [](bool create) {
    return std::vector<FieldSpec>{
        create ? required(str("number", 32)) : minOne(str("number", 32)),
        choice(str("target_type", 32, false, "What the DID routes to"), {"extension", "flow", "queue"}),
        create ? required(str("target", 64)) : minOne(str("target", 64)),
        nstr("trunk_id", "Only calls from this trunk; null = any"), str("description", 500)};
  };
  s.push_back({"Did",
               "An inbound number routed to a target",
               {str("id"), str("number"), str("target_type"), str("target"), nstr("trunk_id"), str("description"),
                time("created_at"), time("updated_at")}});
  s.push_back({"DidCreate", "", didFields(true)});
  s.push_back({"DidUpdate", "Partial update", didFields(false)});
  s.push_back(list("DidList", "Did"));

  auto ruleFields = [](bool create) {
    return std::vector<FieldSpec>{create ? required(str("name", 100)) : minOne(str("name", 100)),
                                  integer("priority", "Lower first, then the longest prefix"),
                                  str("prefix", 32, false, "Numbers starting with this (empty = any)"),
                                  integer("min_length"),
                                  integer("max_length", "0 = no limit"),
                                  integer("strip_digits", "Digits removed from the front"),
                                  str("prepend", 32),
                                  [create] {
                                    FieldSpec f = strings("trunk_ids", 20, "Trunks tried in order (failover)");
                                    f.required = create;
                                    return f;
                                  }(),
                                  choice(str("caller_id_policy"), {"keep", "fixed", "trunk"}),
                                  str("caller_id", 64, false, "For caller_id_policy fixed")};
  };
  s.push_back({"DialRule",
               "Outbound routing by prefix",
               {str("id"), str("name"), integer("priority"), str("prefix"), integer("min_length"),
                integer("max_length"), integer("strip_digits"), str("prepend"), strings("trunk_ids"),
                str("caller_id_policy"), str("caller_id"), time("created_at"), time("updated_at")}});
  s.push_back({"DialRuleCreate", "", ruleFields(true)});
  s.push_back({"DialRuleUpdate", "Partial update", ruleFields(false)});
  s.push_back(list("DialRuleList", "DialRule"));

  s.push_back({"Registration",
               "A registered contact of an extension",
               {str("extension"), str("contact"), str("registered_contact"), str("source_ip"), integer("source_port"),
                str("transport"), str("user_agent"), boolean("reachable"), time("registered_at"),
                time("expires_at")}});
  s.push_back({"RegistrationList", "", {ref("items", "Registration", T::RefArray), integer("total")}});
  s.push_back({"BlockedAddress",
               "A source address blocked after repeated SIP authentication failures",
               {str("address"), time("blocked_at"), time("until"), integer("failures")}});
  s.push_back({"BlockedAddressList", "", {ref("items", "BlockedAddress", T::RefArray), integer("total")}});
  s.push_back({"Call",
               "A live call",
               {str("id"), choice(str("state"), {"routing", "ringing", "answered", "ending"}),
                choice(str("direction"), {"internal", "inbound", "outbound"}), str("caller_number"),
                str("caller_name"), str("callee_number"), str("destination"), nstr("trunk_id"),
                nstr("department_id"), time("start"), time("answer"), integer("legs"), boolean("on_hold")}});
  s.push_back({"CallList", "", {ref("items", "Call", T::RefArray), integer("total")}});
  s.push_back({"Originate",
               "Ring extension 'from'; when it answers, call 'to' (extension or external number)",
               {required(str("from", 32)), required(str("to", 64))}});
  s.push_back({"CallId", "", {str("id"), str("from"), str("to")}});
  s.push_back({"CdrLeg",
               "",
               {str("target"), nstr("trunk_id"), integer("sip_code"), time("start"), time("answer"), time("end")}});
  s.push_back({"Cdr",
               "A call detail record, written when the call ends",
               {str("id"), str("direction"), str("caller_number"), str("caller_name"), str("callee_number"),
                str("destination"), nstr("trunk_id"), nstr("did"), nstr("department_id"), time("start"),
                time("answer"), time("end"), integer("duration_s"),
                str("hangup_cause", 0, false,
                    "normal, cancelled, busy, no_answer, rejected, unavailable, failed, transferred, media_timeout"),
                choice(str("hangup_side"), {"caller", "callee", "system"}), integer("sip_code"),
                ref("legs", "CdrLeg", T::RefArray)}});
  s.push_back(list("CdrList", "Cdr"));
}

std::vector<ObjectSchema> make() {
  std::vector<ObjectSchema> s;
  s.push_back({"ErrorBody", "", {str("code", 0, true, "Stable machine-readable code"), str("message", 0, true)}});
  s.push_back({"Error", "Every error response", {[] {
                 FieldSpec f = ref("error", "ErrorBody");
                 f.required = true;
                 return f;
               }()}});
  s.push_back({"LoginRequest", "", {required(str("username", 64)), required(password("password", true))}});
  s.push_back({"LoginResponse",
               "",
               {str("token", 0, true, "Opaque bearer token: send as Authorization: Bearer <token>"),
                time("expires_at"), ref("user", "User")}});
  s.push_back({"Me",
               "The caller, with its effective permissions and scope",
               {ref("user", "User"), strings("permissions"), scope(),
                strings("department_ids", 0, "Departments in scope (department scope only)")}});
  s.push_back({"User",
               "",
               {str("id"), str("username"), str("display_name"), str("email"), str("phone"), nstr("department_id"),
                strings("role_ids"), boolean("enabled"),
                time("locked_until", "Set while the account is locked after failed logins"), time("last_login_at"),
                time("created_at"), time("updated_at")}});
  s.push_back({"UserCreate",
               "",
               {required(str("username", 64)), required(password("password", true)), str("display_name", 200),
                str("email", 200), str("phone", 50), nstr("department_id"), strings("role_ids", 50),
                boolean("enabled")}});
  s.push_back({"UserUpdate",
               "Partial update: only the fields given change",
               {[] {
                  FieldSpec f = str("username", 64);
                  f.minLength = 1;
                  return f;
                }(),
                str("display_name", 200), str("email", 200), str("phone", 50), nstr("department_id"),
                strings("role_ids", 50), boolean("enabled")}});
  s.push_back({"PasswordChange",
               "current_password is required when changing your own password without users.write",
               {required(password("password", true)), password("current_password", false)}});
  s.push_back(list("UserList", "User"));
  s.push_back({"Department",
               "",
               {str("id"), str("name"), nstr("parent_id"), str("description"), time("created_at"),
                time("updated_at")}});
  s.push_back({"DepartmentCreate", "", {required(str("name", 100)), nstr("parent_id"), str("description", 500)}});
  s.push_back({"DepartmentUpdate", "Partial update", {[] {
                                                          FieldSpec f = str("name", 100);
                                                          f.minLength = 1;
                                                          return f;
                                                        }(),
                                                        nstr("parent_id"), str("description", 500)}});
  s.push_back(list("DepartmentList", "Department"));
  s.push_back({"Role",
               "",
               {str("id"), str("name"), str("description"), strings("permissions"), scope(), boolean("builtin"),
                time("created_at"), time("updated_at")}});
  s.push_back({"RoleCreate",
               "",
               {required(str("name", 64)), str("description", 500), [] {
                  FieldSpec f = strings("permissions", 200);
                  f.required = true;
                  return f;
                }(),
                scope()}});
  s.push_back({"RoleUpdate", "Partial update (custom roles only)", {[] {
                                                                         FieldSpec f = str("name", 64);
                                                                         f.minLength = 1;
                                                                         return f;
                                                                       }(),
                                                                       str("description", 500),
                                                                       strings("permissions", 200), scope()}});
  s.push_back(list("RoleList", "Role"));
  s.push_back({"Permission", "", {str("name"), str("description")}});
  s.push_back({"PermissionList", "", {ref("items", "Permission", T::RefArray), integer("total")}});
  s.push_back({"AuditEntry",
               "",
               {str("id"), time("ts"), nstr("user_id"), str("username"), str("action"), str("resource"),
                nstr("resource_id"), [] {
                  FieldSpec f;
                  f.name = "before";
                  f.type = T::Object;
                  f.nullable = true;
                  return f;
                }(),
                [] {
                  FieldSpec f;
                  f.name = "after";
                  f.type = T::Object;
                  f.nullable = true;
                  return f;
                }(),
                str("source_address"), nstr("department_id")}});
  s.push_back(list("AuditList", "AuditEntry"));
  s.push_back({"Health",
               "",
               {str("status", 0, true, "ok or degraded"), str("store", 0, true, "ok or the store's error"),
                str("backend"), integer("store_latency_us"), str("version"), integer("uptime_s"),
                integer("connections"), integer("ws_clients")}});
  addTelephonySchemas(s);
  addAcdSchemas(s);
  addIvrSchemas(s);
  addRecordsSchemas(s);
  return s;
}

}  // namespace

const std::vector<ObjectSchema>& allSchemas() {
  static const std::vector<ObjectSchema> schemas = make();
  return schemas;
}

const ObjectSchema* findSchema(const std::string& name) {
  for (const auto& s : allSchemas())
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace hujiao::api
