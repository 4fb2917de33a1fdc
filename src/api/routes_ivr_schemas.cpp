// The JSON schemas of the IVR routes (routes_ivr*.cpp, docs/ivr.md "API"):
// flows, blacklist, notices, voicemails, call-backs, call paths. They go to the
// catalogue through addIvrSchemas() (schemas.cpp); the routes name them
// (Route::requestSchema / responseSchema in routes_ivr*.cpp). The handlers
// parse their bodies themselves (a flow document may be YAML text and its
// problems answer 422 invalid_flow), so the request schemas here describe
// exactly what those handlers accept.
// Immutable after first use; any thread.
#include <vector>

#include "api/schema_helpers.h"
#include "api/schemas.h"

namespace hujiao::api {

namespace {
using namespace schema_helpers;  // NOLINT(google-build-using-namespace)

FieldSpec nint(std::string name, std::string desc = "") { return nullable(integer(std::move(name), std::move(desc))); }
}  // namespace

void addIvrSchemas(std::vector<ObjectSchema>& s) {
  // ---- flows ----
  const std::vector<FieldSpec> flowFields = {
      str("id", 0, false, "From the document's id"),
      str("name"),
      str("description"),
      nint("published_version", "null = never published"),
      integer("latest_version"),
      time("created_at"),
      time("updated_at")};
  s.push_back({"Flow", "An IVR flow (docs/ivr.md)", flowFields});
  s.push_back(list("FlowList", "Flow"));
  s.push_back({"FlowVersion", "", {integer("version"), time("created_at"), str("created_by"), boolean("published")}});
  {
    auto detail = flowFields;
    detail.push_back(object("document", "The latest version's flow document"));
    detail.push_back(refArray("versions", "FlowVersion"));
    s.push_back({"FlowDetail", "A flow with its latest document and its versions", detail});
  }
  const FieldSpec document = required(
      object("document", "The flow document: an object, or {\"yaml\": \"...\"} / {\"json\": \"...\"} text"), 0);
  s.push_back({"FlowSave",
               "A new flow (POST) or a new version of one (PUT); the id comes from the document. Problems "
               "answer 422 invalid_flow with details:[{node, field, code, problem}]",
               {str("name"), str("description"), document}});
  s.push_back({"FlowValidate", "A flow document to check without saving it", {document}});
  s.push_back({"FlowProblem",
               "One validation problem",
               {str("node", 0, false, "Node id; empty = the whole flow"), str("field"), str("code"), str("problem")}});
  s.push_back({"FlowValidation", "", {boolean("valid"), refArray("problems", "FlowProblem")}});
  s.push_back({"FlowPublish", "The version to publish (default: the latest)", {integer("version")}});
  s.push_back({"FlowReloadFile",
               "One file of ivr.flows_dir",
               {str("file"), str("flow_id"), integer("version"),
                choice(str("status"), {"published", "unchanged", "invalid"}), refArray("problems", "FlowProblem")}});
  s.push_back(shortList("FlowReloadResult", "FlowReloadFile", "What a reload of ivr.flows_dir did, file by file"));

  // ---- blacklist ----
  s.push_back({"BlacklistEntry",
               "A blocked caller number or prefix",
               {str("id"), str("pattern", 0, false, "A number, or a prefix ending in *"), str("reason"),
                time("expires_at", "null = never"), time("created_at")}});
  s.push_back(list("BlacklistList", "BlacklistEntry"));
  s.push_back({"BlacklistCreate",
               "",
               {str("pattern", 0, true, "A number, or a prefix ending in *"), nullable(str("reason", 500)),
                time("expires_at", "null = never")}});
  s.push_back({"BlacklistImportError", "", {integer("line"), str("message")}});
  s.push_back({"BlacklistImportResult",
               "Result of a text/csv import (number,reason,expires_at per line)",
               {integer("imported"), refArray("errors", "BlacklistImportError")}});

  // ---- notices ----
  s.push_back({"Notice",
               "An emergency notice switch used by published flows",
               {str("id"), boolean("active"), str("text"), time("updated_at")}});
  s.push_back(shortList("NoticeList", "Notice"));
  s.push_back({"NoticeUpdate",
               "",
               {required(boolean("active"), 0), nullable(str("text", 2000))}});

  // ---- what calls leave behind ----
  s.push_back({"Voicemail",
               "",
               {str("id"), str("call_id"), str("mailbox"), str("caller"), str("called"), str("flow_id"),
                integer("duration_ms"), time("created_at"), str("audio_url", 0, false, "audio/wav, audited")}});
  s.push_back(list("VoicemailList", "Voicemail"));
  s.push_back({"CallbackRequest",
               "A call-back request left in a flow",
               {str("id"), str("call_id"), str("number"), str("preferred_time"), str("queue"), str("flow_id"),
                time("requested_at"), str("status")}});
  s.push_back(list("CallbackRequestList", "CallbackRequest"));
  s.push_back({"IvrSurveyAnswer", "", {str("question"), integer("rating"), time("at")}});
  s.push_back({"IvrPath",
               "A call's path through its IVR flow(s); live: true while the call is still in a flow",
               {str("call_id"), str("flow_id"), integer("version"), str("exit_reason"), boolean("reached_agent"),
                str("caller"), str("called"), time("started_at"), time("ended_at"), boolean("live"),
                object("path", "Nodes visited, digits, HTTP results, variables (docs/ivr.md)"),
                refArray("surveys", "IvrSurveyAnswer")}});
}

}  // namespace hujiao::api
