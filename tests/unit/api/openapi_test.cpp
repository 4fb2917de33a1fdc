// The OpenAPI document is generated from the real route table: every route
// must be in it, and it must be structurally valid OpenAPI 3.0.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "api/api_server.h"
#include "api/router.h"
#include "api/schemas.h"
#include "core/core_config.h"
#include "store/store.h"

namespace hujiao::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hujiao_openapi_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    core::addCoreConfig(schema_);
    store::addStoreConfig(schema_);
    addApiConfig(schema_);
    config_ = core::Config::defaults(schema_);
    config_.set("http.port", int64_t{0});
    config_.set("http.listen", std::string("127.0.0.1"));
    store_ = store::openStore("sqlite:" + (dir_ / "t.db").string(), 1);
    server_ = std::make_unique<ApiServer>(ApiDeps{&config_, store_.get(), &bus_, &metrics_, nullptr});
    doc_ = json::parse(server_->openApiJson());
  }
  void TearDown() override {
    server_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  // Every "$ref" anywhere in v must resolve inside the document.
  void checkRefs(const json& v) {
    if (v.is_object()) {
      for (const auto& [k, child] : v.items()) {
        if (k == "$ref") {
          ASSERT_TRUE(child.is_string());
          std::string ref = child.get<std::string>();
          ASSERT_EQ(ref.rfind("#/components/schemas/", 0), 0u) << ref;
          EXPECT_TRUE(doc_["components"]["schemas"].contains(ref.substr(21))) << "dangling " << ref;
        } else {
          checkRefs(child);
        }
      }
    } else if (v.is_array()) {
      for (const auto& c : v) checkRefs(c);
    }
  }

  fs::path dir_;
  core::ConfigSchema schema_;
  core::Config config_;
  core::EventBus bus_;
  core::MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ApiServer> server_;
  json doc_;
};

TEST_F(OpenApiTest, EveryRouteIsDocumented) {
  const auto& routes = server_->router().routes();
  ASSERT_GT(routes.size(), 20u);
  for (const auto& r : routes) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    ASSERT_TRUE(doc_["paths"].contains(r.pattern)) << r.pattern;
    ASSERT_TRUE(doc_["paths"][r.pattern].contains(method)) << r.method << " " << r.pattern;
    const json& op = doc_["paths"][r.pattern][method];
    EXPECT_EQ(op["x-permission"], r.permission.empty() ? "public" : r.permission);
    EXPECT_TRUE(op["responses"].contains(std::to_string(r.successStatus)));
    if (!r.requestSchema.empty()) {
      EXPECT_EQ(op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/" + r.requestSchema);
    }
  }
  // And nothing documented that is not served.
  size_t ops = 0;
  for (const auto& [path, item] : doc_["paths"].items()) ops += item.size();
  EXPECT_EQ(ops, routes.size());
}

TEST_F(OpenApiTest, CoversTheResourcesOfIssue2) {
  for (const char* p : {"/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/auth/me", "/api/v1/users",
                        "/api/v1/users/{id}", "/api/v1/users/{id}/password", "/api/v1/users/{id}/unlock",
                        "/api/v1/departments", "/api/v1/departments/{id}", "/api/v1/roles", "/api/v1/roles/{id}",
                        "/api/v1/permissions", "/api/v1/audit", "/api/v1/events", "/api/v1/openapi.json",
                        "/healthz", "/metrics"})
    EXPECT_TRUE(doc_["paths"].contains(p)) << p;
}

TEST_F(OpenApiTest, StructurallyValid) {
  EXPECT_EQ(doc_["openapi"].get<std::string>().substr(0, 4), "3.0.");
  EXPECT_TRUE(doc_["info"]["title"].is_string());
  EXPECT_TRUE(doc_["info"]["version"].is_string());
  EXPECT_EQ(doc_["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
  std::set<std::string> operationIds;
  const std::set<std::string> methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  std::regex param(R"(\{([a-z_]+)\})");
  for (const auto& [path, item] : doc_["paths"].items()) {
    ASSERT_EQ(path.front(), '/');
    for (const auto& [method, op] : item.items()) {
      ASSERT_TRUE(methods.count(method)) << method;
      ASSERT_TRUE(op["operationId"].is_string());
      EXPECT_TRUE(operationIds.insert(op["operationId"].get<std::string>()).second) << "duplicate operationId";
      ASSERT_TRUE(op["responses"].is_object());
      ASSERT_FALSE(op["responses"].empty());
      for (const auto& [code, resp] : op["responses"].items()) {
        EXPECT_TRUE(code == "default" || (code.size() == 3 && std::isdigit(code[0]))) << code;
        EXPECT_TRUE(resp["description"].is_string()) << path << " " << code;
      }
      // Every {param} in the path is declared as a required path parameter.
      for (std::sregex_iterator it(path.begin(), path.end(), param), end; it != end; ++it) {
        std::string name = (*it)[1];
        bool declared = false;
        for (const auto& p : op.value("parameters", json::array()))
          if (p["name"] == name && p["in"] == "path" && p["required"] == true) declared = true;
        EXPECT_TRUE(declared) << path << " " << name;
      }
      if (op["x-permission"] == "public") {
        EXPECT_EQ(op["security"], json::array());
      }
    }
  }
  for (const auto& [name, schema] : doc_["components"]["schemas"].items()) {
    EXPECT_EQ(schema["type"], "object") << name;
    if (schema.contains("required")) {
      for (const auto& r : schema["required"]) EXPECT_TRUE(schema["properties"].contains(r)) << name;
    }
  }
  checkRefs(doc_);
}

TEST_F(OpenApiTest, ListEndpointsDocumentPagination) {
  const json& op = doc_["paths"]["/api/v1/users"]["get"];
  std::set<std::string> names;
  for (const auto& p : op["parameters"]) names.insert(p["name"].get<std::string>());
  for (const char* n : {"limit", "offset", "q", "department_id"}) EXPECT_TRUE(names.count(n)) << n;
}


// Every route names its schemas in the route table (Route::requestSchema,
// responseSchema), the one place the OpenAPI document reads. A route without
// them fails here unless listed below with the reason.
// Success answers that are not a JSON document (204 answers have no body at all).
const std::map<std::string, std::string> kNoResponseSchema = {
    {"GET /metrics", "Prometheus text exposition format"},
    {"GET /api/v1/openapi.json", "this OpenAPI 3.0 document itself"},
    {"GET /api/v1/events", "WebSocket upgrade (101); the event messages are described in docs/api.md"},
    {"GET /api/v1/recordings/{id}/audio", "binary audio (audio/wav, Range requests)"},
    {"GET /api/v1/voicemails/{id}/audio", "binary audio (audio/wav)"},
};
// Writes that take no body: the path and the method say it all.
const std::map<std::string, std::string> kNoRequestBody = {
    {"POST /api/v1/auth/logout", "revokes the caller's token"},
    {"POST /api/v1/users/{id}/unlock", "clears the lock-out"},
    {"POST /api/v1/flows/reload", "reads ivr.flows_dir again"},
    {"POST /api/v1/agents/{id}/logout", "CTI: the agent in the path is the whole request"},
    {"POST /api/v1/agents/{id}/ready", "CTI: the agent in the path is the whole request"},
    {"POST /api/v1/agents/{id}/force_logout", "CTI: the agent in the path is the whole request"},
    {"POST /api/v1/agents/{id}/force_ready", "CTI: the agent in the path is the whole request"},
    {"POST /api/v1/interactions/{id}/force_release", "the interaction in the path is the whole request"},
};

std::string key(const Route& r) { return r.method + " " + r.pattern; }

TEST_F(OpenApiTest, EveryRouteHasRequestAndResponseSchemas) {
  const auto& routes = server_->router().routes();
  std::set<std::string> seen;
  for (const auto& r : routes) {
    const std::string k = key(r);
    seen.insert(k);
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    const json& op = doc_["paths"][r.pattern][method];
    // Response.
    if (r.successStatus == 204) {
      EXPECT_TRUE(r.responseSchema.empty()) << k << ": a 204 answer has no body";
    } else if (kNoResponseSchema.count(k)) {
      EXPECT_TRUE(r.responseSchema.empty()) << k << " is listed as not JSON but names " << r.responseSchema;
    } else {
      if (r.responseSchema.empty()) {
        ADD_FAILURE() << k << " has no response schema";
        continue;
      }
      EXPECT_NE(findSchema(r.responseSchema), nullptr) << k << ": unknown schema " << r.responseSchema;
      EXPECT_EQ(op["responses"][std::to_string(r.successStatus)]["content"][r.contentType]["schema"]["$ref"],
                "#/components/schemas/" + r.responseSchema)
          << k;
    }
    // Request.
    const bool write = r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
    if (!write) {
      EXPECT_TRUE(r.requestSchema.empty()) << k << ": a " << r.method << " takes no body";
      continue;
    }
    if (kNoRequestBody.count(k)) {
      EXPECT_TRUE(r.requestSchema.empty() && r.requestContentType.empty()) << k << " is listed as bodiless";
      EXPECT_FALSE(op.contains("requestBody")) << k;
      continue;
    }
    if (!r.requestContentType.empty()) {  // text (CSV import)
      EXPECT_TRUE(r.requestSchema.empty()) << k;
      EXPECT_EQ(op["requestBody"]["content"][r.requestContentType]["schema"]["type"], "string") << k;
      continue;
    }
    if (r.requestSchema.empty()) {
      ADD_FAILURE() << k << " has no request schema";
      continue;
    }
    EXPECT_NE(findSchema(r.requestSchema), nullptr) << k << ": unknown schema " << r.requestSchema;
    EXPECT_EQ(op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
              "#/components/schemas/" + r.requestSchema)
        << k;
    EXPECT_EQ(op["responses"]["400"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error")
        << k;
  }
  // No stale exception: each names a served route.
  for (const auto* list : {&kNoResponseSchema, &kNoRequestBody})
    for (const auto& [k, why] : *list) EXPECT_TRUE(seen.count(k)) << "stale exception " << k << " (" << why << ")";
}

// The schemas the handlers of IVR, records, QA and staffing routes apply
// themselves (Route::handlerParsesBody) accept what their docs show and
// refuse what the handlers refuse.
TEST_F(OpenApiTest, HandlerParsedSchemasMatchTheirDocs) {
  auto valid = [](const char* schema, const char* body) {
    return validateObject(json::parse(body), *findSchema(schema)).ok();
  };
  EXPECT_TRUE(valid("FlowSave", R"({"name":"Main","document":{"yaml":"id: main"}})"));
  EXPECT_FALSE(valid("FlowSave", R"({"name":"Main"})"));
  EXPECT_TRUE(valid("AgentLogin", R"({})"));  // optional bodies: the CTI handler reads them
  EXPECT_FALSE(valid("AgentLogin", R"({"device":7})"));
  EXPECT_TRUE(valid("BlacklistCreate", R"({"pattern":"1380*","reason":"spam","expires_at":null})"));
  EXPECT_FALSE(valid("BlacklistCreate", R"({"reason":"spam"})"));
  EXPECT_TRUE(valid("NoticeUpdate", R"({"active":true,"text":"We are closed"})"));
  EXPECT_FALSE(valid("NoticeUpdate", R"({"text":"no switch"})"));
  EXPECT_TRUE(valid("LegalHold", R"({"legal_hold":false})"));
  EXPECT_TRUE(valid("CallRecordingAction", R"({"action":"pause"})"));
  EXPECT_FALSE(valid("CallRecordingAction", R"({"action":"rewind"})"));
  EXPECT_TRUE(valid("RecordingPolicyUpdate", R"({"mode":"selected","queues":["sales"],"retention_days":90})"));
  EXPECT_TRUE(valid("ScoreFormCreate",
                    R"({"name":"Basic","criteria":[{"id":"greet","name":"Greeting","weight":37.5,"max_points":5}]})"));
  EXPECT_FALSE(valid("ScoreFormCreate", R"({"name":"Basic"})"));
  EXPECT_TRUE(valid("ScoreCreate", R"({"form_id":"f1","items":[{"criterion_id":"greet","points":4}],"comment":""})"));
  EXPECT_TRUE(valid("StaffingErlangRequest",
                    R"({"calls":100,"aht_s":180.5,"interval_s":1800,"target_sl_pct":80,"target_s":20})"));
  EXPECT_FALSE(valid("StaffingErlangRequest", R"({"calls":100,"aht_s":180,"target_sl_pct":0,"target_s":20})"));
  EXPECT_TRUE(valid("StaffingPlanRequest",
                    R"({"intervals":[{"start":"2024-05-01T08:00:00Z","calls":40,"aht_s":200}],"target_sl_pct":80,)"
                    R"("target_s":20,"shrinkage_pct":30,"patience_s":null})"));
  // The numbers are documented as numbers, with their bounds.
  const json& sl = doc_["components"]["schemas"]["StaffingPlanRequest"]["properties"]["target_sl_pct"];
  EXPECT_EQ(sl["type"], "number");
  EXPECT_EQ(sl["maximum"], 100.0);
  EXPECT_EQ(doc_["components"]["schemas"]["Score"]["properties"]["total"]["type"], "number");
  EXPECT_EQ(doc_["paths"]["/api/v1/reports/queues"]["get"]["responses"]["200"]["content"]["application/json"]
                ["schema"]["$ref"],
            "#/components/schemas/Report");
}

// docs/api.md's route index names every route the server has, and no route
// it does not have ("`METHOD /path`" in the index table).
TEST_F(OpenApiTest, ApiDocRouteIndexMatchesTheRouter) {
  std::ifstream in(std::string(HUJIAO_SOURCE_DIR) + "/docs/api.md");
  ASSERT_TRUE(in) << "docs/api.md";
  std::string doc;
  for (std::string line; std::getline(in, line);) doc += line + "\n";
  const size_t start = doc.find("## Route index");
  ASSERT_NE(start, std::string::npos);
  const std::string index = doc.substr(start, doc.find("\n## ", start + 1) - start);
  std::set<std::string> served;
  for (const auto& r : server_->router().routes()) {
    served.insert(key(r));
    EXPECT_NE(index.find("`" + key(r) + "`"), std::string::npos) << key(r) << " is missing from docs/api.md";
  }
  std::regex listed("`(GET|POST|PUT|PATCH|DELETE) (/[^`]*)`");
  for (std::sregex_iterator it(index.begin(), index.end(), listed), end; it != end; ++it)
    EXPECT_TRUE(served.count((*it)[1].str() + " " + (*it)[2].str())) << "docs/api.md lists " << (*it)[0] << ": no such route";
}

}  // namespace
}  // namespace hujiao::api
