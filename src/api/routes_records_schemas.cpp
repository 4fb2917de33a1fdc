// The JSON schemas of the records routes (routes_records.cpp): recordings,
// legal hold, the recording policy and live recording control
// (docs/recording.md). They go to the catalogue through addRecordsSchemas()
// (schemas.cpp) and are tied to the routes by addRecordsRouteSchemas(); the
// handlers parse their bodies themselves.
//
// Not here yet: QA forms and scores (weights, totals and averages are
// fractional numbers), staffing (all numbers) and reports (rows are objects
// keyed by column). FieldType (json_schema.h) has neither a fractional number
// nor an array of free-form objects, and every schema is rendered with
// additionalProperties: false, so leaving such fields out or typing them as
// integers would document something false.
// Immutable after first use; any thread.
#include <vector>

#include "api/schema_helpers.h"
#include "api/schemas.h"

namespace hujiao::api {

namespace {
using namespace schema_helpers;  // NOLINT(google-build-using-namespace)
}  // namespace

void addRecordsSchemas(std::vector<ObjectSchema>& s) {
  // ---- recordings ----
  s.push_back({"RecordingPause", "", {time("start"), time("end")}});
  s.push_back({"Recording",
               "A call recording's metadata (agents see their own)",
               {str("id"), str("call_id"), strings("legs", 0, "Legs of the call in the file"), str("agent_id"),
                str("department_id"), str("queue_id"), str("customer_number"), str("direction"), str("did"),
                str("reason", 0, false, "Why it was recorded"), time("started_at"), time("ended_at"),
                integer("duration_ms"), integer("size_bytes"), str("sha256"), str("key_id"), boolean("encrypted"), str("format"), str("status"),
                refArray("pauses", "RecordingPause"), boolean("legal_hold", "Retention skips it")}});
  s.push_back(list("RecordingList", "Recording"));
  s.push_back({"LegalHold", "", {required(boolean("legal_hold"), 0)}});
  const std::vector<FieldSpec> policyFields = {
      choice(str("mode"), {"all", "selected", "none"}),
      strings("queues", 0, "mode selected: calls of these queues"),
      strings("agents", 0, "mode selected: calls of these agents"),
      choice(strings("directions", 0, "mode selected: calls in these directions"),
             {"inbound", "outbound", "internal"}),
      strings("dids", 0, "mode selected: calls to these DIDs"),
      strings("never_numbers", 0, "Never record calls with these numbers"),
      strings("never_agents", 0, "Never record these agents"),
      boolean("allow_on_demand", "Agents may start recording a call"),
      boolean("allow_agent_pause", "Agents may pause and resume"),
      integer("retention_days", "0 = keep forever"),
      object("retention_by_queue", "{queue_id: days}")};
  s.push_back({"RecordingPolicy", "The recording policy in force (docs/recording.md)", policyFields});
  s.push_back({"RecordingPolicyUpdate", "Fields given replace the current ones", policyFields});
  s.push_back({"CallRecordingAction", "", {choice("action", {"start", "pause", "resume", "stop"}, true)}});
  s.push_back({"CallRecordingState",
               "",
               {str("call_id"), nstr("recording_id"), boolean("recording"), boolean("paused"), str("reason")}});
}

void addRecordsRouteSchemas(std::vector<RouteSchemaRef>& out) {
  out.insert(out.end(),
             {
                 {"GET", "/api/v1/recordings", "", "RecordingList"},
                 {"GET", "/api/v1/recordings/{id}", "", "Recording"},
                 {"PUT", "/api/v1/recordings/{id}/legal-hold", "LegalHold", "Recording"},
                 {"GET", "/api/v1/recording-policy", "", "RecordingPolicy"},
                 {"PUT", "/api/v1/recording-policy", "RecordingPolicyUpdate", "RecordingPolicy"},
                 {"POST", "/api/v1/calls/{id}/recording", "CallRecordingAction", "CallRecordingState"},
             });
}

}  // namespace hujiao::api
