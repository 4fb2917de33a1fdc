#include "api/schemas.h"

namespace hujiao::api {

namespace {

using T = FieldType;

FieldSpec str(std::string name, size_t maxLen = 0, bool required = false, std::string desc = "") {
  FieldSpec f;
  f.name = std::move(name);
  f.type = T::String;
  f.maxLength = maxLen;
  f.required = required;
  f.description = std::move(desc);
  return f;
}
FieldSpec nstr(std::string name, std::string desc = "") {  // nullable string (ids, times)
  FieldSpec f = str(std::move(name), 0, false, std::move(desc));
  f.nullable = true;
  return f;
}
FieldSpec time(std::string name, std::string desc = "") {
  FieldSpec f = nstr(std::move(name), std::move(desc));
  f.format = "date-time";
  return f;
}
FieldSpec integer(std::string name, std::string desc = "") {
  FieldSpec f;
  f.name = std::move(name);
  f.type = T::Integer;
  f.description = std::move(desc);
  return f;
}
FieldSpec boolean(std::string name, std::string desc = "") {
  FieldSpec f;
  f.name = std::move(name);
  f.type = T::Boolean;
  f.description = std::move(desc);
  return f;
}
FieldSpec strings(std::string name, size_t maxItems = 0, std::string desc = "") {
  FieldSpec f;
  f.name = std::move(name);
  f.type = T::StringArray;
  f.maxLength = maxItems;
  f.description = std::move(desc);
  return f;
}
FieldSpec ref(std::string name, std::string schema, T type = T::Ref) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = type;
  f.ref = std::move(schema);
  return f;
}
FieldSpec required(FieldSpec f, size_t minLen = 1) {
  f.required = true;
  f.minLength = minLen;
  return f;
}
FieldSpec password(std::string name, bool isRequired) {
  FieldSpec f = str(std::move(name), 1024, isRequired);
  f.format = "password";
  f.minLength = isRequired ? 1 : 0;
  return f;
}
FieldSpec scope() {
  FieldSpec f = str("scope", 0, false, "all: every department; department: own department and descendants; self");
  f.choices = {"all", "department", "self"};
  return f;
}

ObjectSchema list(std::string name, std::string item) {
  return {std::move(name),
          "A page of " + item + " items",
          {ref("items", item, T::RefArray), integer("total", "Items matching the filters"), integer("limit"),
           integer("offset")}};
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
