// The JSON schemas of the ACD / CTI routes (docs/cti.md). addAcdSchemas() is
// meant to be called from schemas.cpp's make() (request to the lead); until
// then the routes validate their bodies themselves with acdSchema() and leave
// the OpenAPI request body out (see routes_acd.cpp, acdBodySchema()).
// Immutable after first use; any thread.
#include <vector>

#include "api/json_schema.h"
#include "api/schema_helpers.h"

namespace hujiao::api {

namespace {

using T = FieldType;

// The field helpers are shared with the other catalogues (api/schema_helpers.h).
using namespace schema_helpers;  // NOLINT(google-build-using-namespace)

std::vector<ObjectSchema> make() {
  std::vector<ObjectSchema> s;
  const std::vector<FieldSpec> queueFields = {
      str("id", 64, false, "Letters, digits, - _ . (chosen by the creator; the DID target)"),
      str("name", 200),
      nstr("department_id", 64),
      choice("strategy",
             {"longest_idle", "fewest_calls", "least_talk_time", "round_robin", "ring_all", "best_skill", "linear",
              "random"},
             false),
      refArray("skills", "QueueSkill", "Skills every interaction of the queue requires"),
      integer("max_wait_s", "0 = wait forever"),
      integer("max_length", "0 = unlimited"),
      [] {
        FieldSpec f = object("overflow", "{type: queue|flow|voicemail|number|none, target}");
        f.nullable = true;
        return f;
      }(),
      integer("service_level_s"),
      integer("wrap_up_s"),
      integer("ring_timeout_s", "Ring-no-answer: the next agent gets the call, this one goes not ready (rna)"),
      integer("announce_every_s", "Position / estimated-wait announcements; 0 = none"),
      integer("callback_offer_wait_s", "Offer a callback when the estimated wait reaches this; 0 = never"),
      nullable(integer("callback_retry_s",
                       "Wait before calling an unanswered callback customer again (1-86400); null = acd.callback_retry_s")),
      nullable(integer("callback_attempts",
                       "Calls placed before a callback is given up (1-10); null = acd.callback_attempts")),
      boolean("join_empty", "false: callers are refused (overflow) when no member is ready"),
      boolean("leave_empty", "true: waiting callers leave (overflow) when no member is ready"),
      str("moh", 500, false, "tone:<name> or a sound file; empty = acd.default_moh"),
      ro(nstr("created_at", 0)),
      ro(nstr("updated_at", 0)),
  };
  s.push_back({"QueueSkill", "", {str("skill", 64, true), integer("min_level")}});
  s.push_back({"AgentSkill", "", {str("skill", 64, true), integer("level")}});
  s.push_back({"Queue", "An ACD queue", queueFields});
  {
    auto create = queueFields;
    for (auto& f : create)
      if (f.name == "id" || f.name == "name") f.required = true, f.minLength = 1;
    std::erase_if(create, [](const FieldSpec& f) { return f.readOnly; });
    s.push_back({"QueueCreate", "A new queue", create});
    auto update = queueFields;
    std::erase_if(update, [](const FieldSpec& f) { return f.readOnly || f.name == "id"; });
    s.push_back({"QueueUpdate", "Queue fields to change", update});
  }
  s.push_back({"QueueMember", "Membership of an agent in a queue",
               {integer("level", "Tier: lower tiers are offered first"),
                integer("position", "Order for linear and round robin; -1 = after the last")}});
  s.push_back({"AgentUpdate", "Agent settings (an agent is a user with a device)",
               {str("extension", 32, false, "The agent's device (SIP extension number)"),
                refArray("skills", "AgentSkill"), boolean("auto_answer", "Ring the phone with auto-answer headers"),
                object("capacity", "{voice, chat, email, sms}: interactions at once")}});
  s.push_back({"QueueMembership", "An agent's membership of a queue",
               {ro(str("agent_id")), ro(str("queue_id")), integer("level", "Tier: lower tiers are offered first"),
                integer("position", "Order for linear and round robin; -1 = after the last"),
                ro(str("username")), ro(str("display_name"))}});
  s.push_back(shortList("QueueMemberList", "QueueMembership", "The agents of a queue"));
  s.push_back({"AgentStateChange", "One stored state change of an agent",
               {ro(choice("state", {"logged_out", "ready", "not_ready", "reserved", "busy", "wrap_up"}, false)),
                ro(nstr("reason", "Not-ready reason code")), ro(str("previous", 32, false, "The state left")),
                ro(time("at")), ro(typedField("previous_for_s", FieldType::Number, "Seconds spent in the state left"))}});
  s.push_back(shortList("AgentStateList", "AgentStateChange", "An agent's state changes, oldest first"));
  s.push_back({"ReasonList", "Not-ready reason codes", {ro(strings("items"))}});
  s.push_back({"Disposition", "A wrap-up disposition code", {ro(str("code")), ro(str("label"))}});
  s.push_back({"DispositionList", "Disposition codes", {refArray("items", "Disposition")}});
  s.push_back({"AgentLogin", "", {str("device", 32, false, "Extension to log in on; default: the agent's")}});
  s.push_back({"AgentNotReady", "", {str("reason", 64, true, "One of GET /api/v1/agent-reasons")}});
  s.push_back({"AgentForceNotReady", "", {str("reason", 64, false, "Default: forced")}});
  s.push_back({"InteractionRef", "", {str("interaction_id", 64, true)}});
  s.push_back({"CtiTransfer", "Blind transfer or consultation target",
               {str("interaction_id", 64, true), choice("target_type", {"agent", "queue", "extension", "number"}, true),
                str("target", 64, true)}});
  s.push_back({"CtiDtmf", "", {str("interaction_id", 64, true), str("digits", 64, true, "0-9 * # A-D")}});
  s.push_back({"CtiDial", "", {str("number", 64, true)}});
  s.push_back({"CtiMute", "Mute: the customer no longer hears the agent (the agent still hears the customer)",
               {str("interaction_id", 64, true), boolean("on", "true = mute, false = unmute (required)")}});
  s.push_back({"CtiWrapUp", "Ends wrap-up; keeps the disposition and notes",
               {str("interaction_id", 64, true), str("disposition", 64), str("notes", 4000)}});
  s.push_back({"Supervise", "Listen, whisper or barge on an agent's call",
               {str("agent_id", 64, true), str("device", 32, false, "The supervisor's extension; default: his own")}});
  s.push_back({"SupervisionStop", "", {integer("supervision_id")}});
  s.push_back({"InteractionMove", "Move a waiting interaction to a queue or an agent",
               {str("queue_id", 64), str("agent_id", 64)}});
  s.push_back({"WebhookCreate", "A signed webhook for CTI events",
               {str("url", 2000, true, "http:// or https://"), str("secret", 200, true, "HMAC-SHA256 key (write-only)"),
                strings("events", 50, "agent.state, interaction.*, queue.stats, *; empty = every event")}});
  // Responses (documentation).
  s.push_back({"Agent", "An agent and his live state",
               {str("id", 0), str("username", 0), str("display_name", 0), nstr("department_id", 0), str("extension", 0),
                nstr("device", 0), str("state", 0), nstr("reason", 0), nstr("state_since", 0),
                refArray("skills", "AgentSkill"),
                object("capacity"), boolean("auto_answer")}});
  s.push_back({"Interaction", "A live interaction",
               {str("id", 0), str("channel", 0), str("state", 0, false, "waiting|ringing|connected|held|wrap_up"),
                str("queue_id", 0), nstr("call_id", 0), nstr("agent_id", 0), object("customer"), object("attributes"),
                integer("priority"), boolean("callback"), boolean("muted", "The agent is muted (the customer does not hear him)"),
                nstr("enqueued_at", 0), nstr("offered_at", 0),
                nstr("answered_at", 0)}});
  s.push_back({"QueueStats", "Real-time statistics of a queue (today)",
               {str("queue_id", 0), str("name", 0), integer("waiting"), integer("longest_wait_s"), integer("offered"),
                integer("answered"), integer("abandoned"), integer("overflowed"), integer("service_level_pct"),
                integer("asa_s"), integer("aht_s"), object("agents")}});
  s.push_back({"AgentStats", "Statistics of an agent (today)",
               {str("agent_id", 0), str("state", 0), integer("interactions"), integer("offers"), integer("rna"),
                integer("talk_s"), integer("hold_s"), integer("wrap_up_s"), integer("occupancy_pct"),
                object("time_in_state")}});
  s.push_back({"Webhook", "", {str("id", 0), str("url", 0), strings("events", 0), nstr("created_at", 0)}});
  s.push_back({"CtiResult", "Outcome of a CTI action", {str("state", 0), str("interaction_id", 0)}});
  for (const char* item : {"Queue", "Agent", "Interaction", "QueueStats", "Webhook"})
    s.push_back({std::string(item) + "List",
                 std::string("A list of ") + item + " items",
                 [&] {
                   FieldSpec f;
                   f.name = "items";
                   f.type = T::RefArray;
                   f.ref = item;
                   return std::vector<FieldSpec>{f, integer("total")};
                 }()});
  return s;
}

}  // namespace

/// Appends the ACD schemas (for schemas.cpp's make()).
void addAcdSchemas(std::vector<ObjectSchema>& out) {
  auto s = make();
  out.insert(out.end(), s.begin(), s.end());
}

/// One ACD schema by name (nullptr when unknown).
const ObjectSchema* acdSchema(const std::string& name) {
  static const std::vector<ObjectSchema> all = make();
  for (const auto& s : all)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace hujiao::api
