// Type-specific fields of each node kind (see docs/ivr.md for the reference).
#include <algorithm>

#include "ivr/flow_reader.h"

namespace hujiao::ivr::detail {

using nlohmann::json;

namespace {

constexpr int kMaxTimeoutMs = 600000;
const std::set<std::string> kReservedNames = {"caller", "called", "call_id", "language", "customer", "flow", "now"};

bool validVariable(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool checkVariable(FieldReader& r, const std::string& field, const std::string& name) {
  if (!validVariable(name)) {
    r.issue(field, "bad_value", "'" + name + "' is not a variable name ([A-Za-z_][A-Za-z0-9_]*)");
    return false;
  }
  if (kReservedNames.count(name)) {
    r.issue(field, "bad_value", "'" + name + "' is a built-in name and cannot be set");
    return false;
  }
  return true;
}

bool validDigits(const std::string& s, std::string_view allowed) {
  return std::all_of(s.begin(), s.end(), [&](char c) { return allowed.find(c) != std::string_view::npos; });
}

// URLs: the scheme and host are literal so a caller-supplied value can never
// redirect a look-up to another server; variables only in path and query.
void checkUrl(FieldReader& r, const Template& url) {
  const std::string& t = url.text();
  std::string_view rest;
  if (t.rfind("http://", 0) == 0)
    rest = std::string_view(t).substr(7);
  else if (t.rfind("https://", 0) == 0)
    rest = std::string_view(t).substr(8);
  else {
    r.issue("url", "bad_url", "URL must start with http:// or https://");
    return;
  }
  auto hostEnd = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, hostEnd);
  if (host.empty())
    r.issue("url", "bad_url", "URL has no host");
  else if (host.find("${") != std::string_view::npos)
    r.issue("url", "bad_url", "the host of a URL may not come from a variable");
  else if (host.find('@') != std::string_view::npos)
    r.issue("url", "bad_url", "credentials in URLs are not allowed; use headers");
  if (std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; }))
    r.issue("url", "bad_url", "URL contains spaces or control characters");
}

std::optional<std::string> toJsonPointer(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::string ptr;
  if (path[0] == '/') {
    ptr = path;
  } else {
    std::size_t start = 0;
    while (start <= path.size()) {
      auto dot = path.find('.', start);
      std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (part.empty()) return std::nullopt;
      ptr += "/" + part;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
  }
  try {
    (void)json::json_pointer(ptr);
  } catch (const json::exception&) {
    return std::nullopt;
  }
  return ptr;
}

AnswerSpec parseAnswer(FieldReader& r) { return AnswerSpec{r.target("next", true).value_or("")}; }

PlaySpec parsePlay(FieldReader& r, const std::vector<std::string>& langs) {
  PlaySpec s;
  s.prompt = r.prompt("prompt", true, langs);
  s.bargeIn = r.boolean("barge_in", false);
  s.next = r.target("next", true).value_or("");
  return s;
}

MenuSpec parseMenu(FieldReader& r, const std::vector<std::string>& langs) {
  MenuSpec s;
  s.prompt = r.prompt("prompt", true, langs);
  s.invalidPrompt = r.prompt("invalid_prompt", false, langs);
  s.timeoutPrompt = r.prompt("timeout_prompt", false, langs);
  s.timeoutMs = r.integer("timeout_ms", 5000, 500, kMaxTimeoutMs);
  s.retries = r.integer("retries", 2, 0, 10);
  s.defaultTarget = r.target("default", false).value_or("");
  const json* b = r.raw("branches");
  if (!b) {
    r.issue("branches", "missing_field", "'branches' is required (digit -> node)");
  } else if (!b->is_object() || b->empty()) {
    r.issue("branches", b->is_object() ? "missing_field" : "wrong_type",
            "'branches' must be a non-empty object mapping digits to nodes");
  } else {
    for (const auto& [digit, target] : b->items()) {
      std::string field = "branches." + digit;
      if (digit.size() != 1 || !validDigits(digit, "0123456789*#")) {
        r.issue(field, "bad_value", "menu keys must be one DTMF digit (0-9, *, #), got '" + digit + "'");
        continue;
      }
      if (!target.is_string() || target.get_ref<const std::string&>().empty()) {
        r.issue(field, "wrong_type", "a branch must name a node, got " + typeName(target));
        continue;
      }
      s.branches.emplace(digit[0], target.get<std::string>());
    }
  }
  return s;
}

InputSpec parseInput(FieldReader& r, const std::vector<std::string>& langs) {
  InputSpec s;
  s.prompt = r.prompt("prompt", true, langs);
  s.invalidPrompt = r.prompt("invalid_prompt", false, langs);
  s.timeoutPrompt = r.prompt("timeout_prompt", false, langs);
  if (auto v = r.str("variable", true)) {
    if (checkVariable(r, "variable", *v)) s.variable = *v;
  }
  s.minDigits = r.integer("min_digits", 1, 1, 64);
  s.maxDigits = r.integer("max_digits", 20, 1, 64);
  if (s.maxDigits < s.minDigits) r.issue("max_digits", "bad_value", "'max_digits' is less than 'min_digits'");
  if (auto t = r.str("terminator", false)) {
    if (!validDigits(*t, "*#")) r.issue("terminator", "bad_value", "terminators may only be '#' and '*'");
    s.terminators = *t;
  }
  s.firstDigitTimeoutMs = r.integer("timeout_ms", 5000, 500, kMaxTimeoutMs);
  s.interDigitTimeoutMs = r.integer("inter_digit_timeout_ms", 3000, 200, kMaxTimeoutMs);
  s.retries = r.integer("retries", 2, 0, 10);
  if (auto p = r.str("pattern", false)) {
    s.patternText = *p;
    if (p->size() > 200) {
      r.issue("pattern", "bad_pattern", "pattern longer than 200 characters");
    } else {
      try {
        s.pattern.emplace(*p, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        r.issue("pattern", "bad_pattern", "'" + *p + "' is not a valid regular expression: " + e.what());
      }
    }
  }
  s.next = r.target("next", true).value_or("");
  s.failure = r.target("failure", false).value_or("");
  return s;
}

SetSpec parseSet(FieldReader& r) {
  SetSpec s;
  const json* values = r.raw("values");
  const json* exprs = r.raw("expressions");
  if (!values && !exprs) r.issue("values", "missing_field", "a set node needs 'values' and/or 'expressions'");
  if (values) {
    if (!values->is_object()) {
      r.issue("values", "wrong_type", "'values' must be an object, got " + typeName(*values));
    } else {
      for (const auto& [name, v] : values->items()) {
        std::string field = "values." + name;
        if (!checkVariable(r, field, name)) continue;
        SetSpec::Assignment a;
        a.variable = name;
        if (v.is_string()) {
          auto t = Template::parse(v.get<std::string>());
          if (!t) {
            r.issue(field, t.error().code, t.error().message);
            continue;
          }
          a.text = std::move(*t);
        } else if (v.is_number() || v.is_boolean() || v.is_null()) {
          a.literal = v;
        } else {
          r.issue(field, "wrong_type", "values must be text, numbers or booleans, got " + typeName(v));
          continue;
        }
        s.assignments.push_back(std::move(a));
      }
    }
  }
  if (exprs) {
    if (!exprs->is_object()) {
      r.issue("expressions", "wrong_type", "'expressions' must be an object, got " + typeName(*exprs));
    } else {
      for (const auto& [name, v] : exprs->items()) {
        std::string field = "expressions." + name;
        if (!checkVariable(r, field, name)) continue;
        if (!v.is_string()) {
          r.issue(field, "wrong_type", "an expression must be a string, got " + typeName(v));
          continue;
        }
        auto e = Expression::parse(v.get<std::string>());
        if (!e) {
          r.issue(field, e.error().code, "'" + v.get<std::string>() + "': " + e.error().message);
          continue;
        }
        SetSpec::Assignment a;
        a.variable = name;
        a.expression = std::move(*e);
        s.assignments.push_back(std::move(a));
      }
    }
  }
  s.next = r.target("next", true).value_or("");
  return s;
}

BranchSpec parseBranch(FieldReader& r) {
  BranchSpec s;
  const json* cases = r.raw("cases");
  if (!cases) {
    r.issue("cases", "missing_field", "'cases' is required (a list of {when, next})");
  } else if (!cases->is_array() || cases->empty()) {
    r.issue("cases", cases->is_array() ? "missing_field" : "wrong_type", "'cases' must be a non-empty list");
  } else {
    for (std::size_t i = 0; i < cases->size(); ++i) {
      const json& c = (*cases)[i];
      std::string at = "cases[" + std::to_string(i) + "]";
      if (!c.is_object()) {
        r.issue(at, "wrong_type", "a case must be an object {when, next}, got " + typeName(c));
        continue;
      }
      auto when = c.find("when");
      auto next = c.find("next");
      for (const auto& [k, v] : c.items()) {
        (void)v;
        if (k != "when" && k != "next") r.issue(at + "." + k, "unknown_field", "unknown field '" + k + "'");
      }
      if (when == c.end()) r.issue(at + ".when", "missing_field", "a case needs 'when'");
      if (next == c.end() || !next->is_string() || next->get_ref<const std::string&>().empty())
        r.issue(at + ".next", next == c.end() ? "missing_field" : "wrong_type", "a case needs 'next' (a node id)");
      if (when == c.end() || next == c.end() || !next->is_string()) continue;
      std::string text = when->is_string() ? when->get<std::string>() : when->dump();
      if (!(when->is_string() || when->is_boolean())) {
        r.issue(at + ".when", "wrong_type", "'when' must be an expression string");
        continue;
      }
      auto e = Expression::parse(text);
      if (!e) {
        r.issue(at + ".when", e.error().code, "'" + text + "': " + e.error().message);
        continue;
      }
      s.cases.emplace_back(std::move(*e), next->get<std::string>());
    }
  }
  s.defaultTarget = r.target("default", true).value_or("");
  return s;
}

ScheduleSpec parseSchedule(FieldReader& r) {
  ScheduleSpec s;
  if (auto tzName = r.str("timezone", true)) {
    auto tz = TimeZone::load(*tzName);
    if (!tz)
      r.issue("timezone", tz.error().code, tz.error().message);
    else
      s.schedule.zone = *tz;
  }
  const json* hours = r.raw("hours");
  if (!hours) {
    r.issue("hours", "missing_field", "'hours' is required (weekday -> list of \"HH:MM-HH:MM\")");
  } else if (!hours->is_object()) {
    r.issue("hours", "wrong_type", "'hours' must be an object, got " + typeName(*hours));
  } else {
    for (const auto& [day, ranges] : hours->items()) {
      std::string field = "hours." + day;
      std::vector<int> days;
      if (day == "weekdays")
        days = {0, 1, 2, 3, 4};
      else if (day == "weekend")
        days = {5, 6};
      else if (auto d = parseWeekday(day))
        days = {*d};
      else {
        r.issue(field, "bad_schedule", "unknown weekday '" + day + "' (mon..sun, weekdays, weekend)");
        continue;
      }
      if (!ranges.is_array()) {
        r.issue(field, "wrong_type", "expected a list of \"HH:MM-HH:MM\", got " + typeName(ranges));
        continue;
      }
      for (std::size_t i = 0; i < ranges.size(); ++i) {
        const json& t = ranges[i];
        std::optional<TimeRange> range;
        if (t.is_string()) range = parseTimeRange(t.get<std::string>());
        if (!range) {
          r.issue(field + "[" + std::to_string(i) + "]", "bad_schedule",
                  "bad time range " + t.dump() + " (expected \"HH:MM-HH:MM\", 00:00-24:00)");
          continue;
        }
        for (int d : days) s.schedule.hours[static_cast<std::size_t>(d)].push_back(*range);
      }
    }
  }
  if (const json* hol = r.raw("holidays")) {
    if (!hol->is_array()) {
      r.issue("holidays", "wrong_type", "'holidays' must be a list of dates, got " + typeName(*hol));
    } else {
      for (std::size_t i = 0; i < hol->size(); ++i) {
        const json& h = (*hol)[i];
        std::string at = "holidays[" + std::to_string(i) + "]";
        const json* date = &h;
        if (h.is_object()) {
          auto it = h.find("date");
          if (it == h.end()) {
            r.issue(at, "missing_field", "a holiday object needs 'date'");
            continue;
          }
          date = &*it;
        }
        std::optional<std::pair<int64_t, int64_t>> range;
        if (date->is_string()) range = parseDateRange(date->get<std::string>());
        if (!range) {
          r.issue(at, "bad_schedule", "bad holiday date " + date->dump() + " (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)");
          continue;
        }
        s.schedule.holidays.push_back(*range);
      }
    }
  }
  s.open = r.target("open", true).value_or("");
  s.closed = r.target("closed", true).value_or("");
  s.holiday = r.target("holiday", false).value_or("");
  return s;
}

HttpSpec parseHttp(FieldReader& r) {
  HttpSpec s;
  if (auto url = r.tmpl("url", true)) {
    checkUrl(r, *url);
    s.url = std::move(*url);
  }
  if (auto m = r.str("method", false)) {
    static const std::set<std::string> methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    if (!methods.count(*m)) r.issue("method", "bad_value", "method must be GET, POST, PUT, PATCH or DELETE");
    s.method = *m;
  }
  s.contentType = r.str("content_type", false).value_or("application/json");
  if (const json* h = r.raw("headers")) {
    if (!h->is_object()) {
      r.issue("headers", "wrong_type", "'headers' must be an object, got " + typeName(*h));
    } else {
      for (const auto& [name, v] : h->items()) {
        auto t = v.is_string() ? Template::parse(v.get<std::string>())
                               : core::Result<Template>(core::makeError("wrong_type", "header values must be text"));
        if (!t || name.empty() || name.find_first_of(" :\r\n") != std::string::npos) {
          r.issue("headers." + name, t ? "bad_value" : t.error().code, t ? "bad header name" : t.error().message);
          continue;
        }
        s.headers.emplace_back(name, std::move(*t));
      }
    }
  }
  if (const json* b = r.raw("body")) {
    // An object body is a JSON template: its text is rendered with JSON escaping.
    std::string text = b->is_string() ? b->get<std::string>() : (b->is_object() ? b->dump() : "");
    if (!b->is_string() && !b->is_object()) {
      r.issue("body", "wrong_type", "'body' must be text or an object, got " + typeName(*b));
    } else if (auto t = Template::parse(text); !t) {
      r.issue("body", t.error().code, t.error().message);
    } else {
      s.body = std::move(*t);
      if (b->is_object()) s.contentType = "application/json";
    }
  }
  s.timeoutMs = r.integer("timeout_ms", 3000, 100, 60000);
  if (const json* res = r.raw("result")) {
    if (!res->is_object()) {
      r.issue("result", "wrong_type", "'result' must map variables to reply fields, got " + typeName(*res));
    } else {
      for (const auto& [name, path] : res->items()) {
        std::string field = "result." + name;
        if (!checkVariable(r, field, name)) continue;
        std::optional<std::string> ptr;
        if (path.is_string()) ptr = toJsonPointer(path.get<std::string>());
        if (!ptr) {
          r.issue(field, "bad_value", "expected a reply field path like \"data.balance\" or \"/data/balance\"");
          continue;
        }
        s.result.emplace_back(name, *ptr);
      }
    }
  }
  s.next = r.target("next", true).value_or("");
  s.fallback = r.target("fallback", true).value_or("");
  return s;
}

QueueSpec parseQueue(FieldReader& r, const std::vector<std::string>& langs) {
  QueueSpec s;
  s.queue = r.str("queue", true).value_or("");
  s.skills = r.strList("skills", false);
  s.priority = r.integer("priority", 0, 0, 100);
  s.announcement = r.prompt("announcement", false, langs);
  s.announceEveryMs = r.integer("announce_every_ms", 30000, 5000, 3600000);
  s.maxWaitMs = r.integer("max_wait_ms", 0, 0, 86400000);
  s.failure = r.target("failure", false).value_or("");
  s.afterAgent = r.target("after_agent", false).value_or("");
  return s;
}

TransferSpec parseTransfer(FieldReader& r) {
  TransferSpec s;
  int kinds = static_cast<int>(r.has("extension")) + static_cast<int>(r.has("number")) +
              static_cast<int>(r.has("flow"));
  if (kinds != 1) {
    r.issue("extension", kinds == 0 ? "missing_field" : "bad_value",
            "a transfer needs exactly one of 'extension', 'number', 'flow'");
  }
  const char* field = r.has("extension") ? "extension" : r.has("number") ? "number" : "flow";
  s.kind = r.has("extension") ? TransferSpec::Kind::Extension
           : r.has("number")  ? TransferSpec::Kind::External
                              : TransferSpec::Kind::Flow;
  if (kinds >= 1) {
    if (auto t = r.tmpl(field, true)) s.destination = std::move(*t);
    for (const char* other : {"extension", "number", "flow"})
      if (std::string(other) != field) (void)r.raw(other);
  }
  s.trunk = r.str("trunk", false).value_or("");
  if (!s.trunk.empty() && s.kind != TransferSpec::Kind::External)
    r.issue("trunk", "bad_value", "'trunk' only applies to transfers to an external 'number'");
  s.timeoutMs = r.integer("timeout_ms", 30000, 1000, 600000);
  s.failure = r.target("failure", false).value_or("");
  return s;
}

VoicemailSpec parseVoicemail(FieldReader& r, const std::vector<std::string>& langs) {
  VoicemailSpec s;
  s.prompt = r.prompt("prompt", false, langs);
  if (auto m = r.tmpl("mailbox", true)) s.mailbox = std::move(*m);
  s.maxLengthMs = r.integer("max_length_s", 120, 5, 3600) * 1000;
  s.beep = r.boolean("beep", true);
  if (auto f = r.str("finish_digits", false)) {
    if (!validDigits(*f, "0123456789*#")) r.issue("finish_digits", "bad_value", "finish digits must be DTMF digits");
    s.finishDigits = *f;
  }
  s.next = r.target("next", false).value_or("");
  return s;
}

CallbackSpec parseCallback(FieldReader& r) {
  CallbackSpec s;
  if (r.has("number")) {
    if (auto t = r.tmpl("number", true)) s.number = std::move(*t);
  } else {
    s.number = *Template::parse("${caller}");
  }
  if (r.has("time")) s.preferredTime = r.tmpl("time", true);
  s.queue = r.str("queue", false).value_or("");
  s.next = r.target("next", true).value_or("");
  return s;
}

SurveySpec parseSurvey(FieldReader& r, const std::vector<std::string>& langs) {
  SurveySpec s;
  s.prompt = r.prompt("prompt", true, langs);
  s.invalidPrompt = r.prompt("invalid_prompt", false, langs);
  s.thanksPrompt = r.prompt("thanks_prompt", false, langs);
  s.question = r.str("question", false).value_or(r.node());
  if (auto v = r.str("variable", false)) {
    if (checkVariable(r, "variable", *v)) s.variable = *v;
  }
  s.timeoutMs = r.integer("timeout_ms", 5000, 500, kMaxTimeoutMs);
  s.retries = r.integer("retries", 1, 0, 5);
  s.next = r.target("next", false).value_or("");
  return s;
}

LanguageSpec parseLanguage(FieldReader& r, const std::vector<std::string>& langs) {
  LanguageSpec s;
  if (r.has("language") == r.has("from"))
    r.issue("language", r.has("from") ? "bad_value" : "missing_field",
            "a language node needs exactly one of 'language' or 'from' (an expression)");
  if (r.has("language")) {
    s.language = r.str("language", true);
    if (s.language && std::find(langs.begin(), langs.end(), *s.language) == langs.end())
      r.issue("language", "bad_value", "language '" + *s.language + "' is not one of the flow's languages");
  } else if (r.has("from")) {
    s.fromExpression = r.expr("from", true);
  }
  s.next = r.target("next", true).value_or("");
  return s;
}

NoticeSpec parseNotice(FieldReader& r, const std::vector<std::string>& langs) {
  NoticeSpec s;
  s.notice = r.str("notice", true).value_or("");
  s.prompt = r.prompt("prompt", false, langs);
  s.bargeIn = r.boolean("barge_in", false);
  s.next = r.target("next", true).value_or("");
  return s;
}

HangupSpec parseHangup(FieldReader& r, const std::vector<std::string>& langs) {
  HangupSpec s;
  s.prompt = r.prompt("prompt", false, langs);
  s.reason = r.str("reason", false).value_or("completed");
  return s;
}

}  // namespace

std::optional<NodeSpec> parseNodeSpec(NodeType type, FieldReader& r, const std::vector<std::string>& langs) {
  switch (type) {
    case NodeType::Answer:
      return parseAnswer(r);
    case NodeType::Play:
      return parsePlay(r, langs);
    case NodeType::Menu:
      return parseMenu(r, langs);
    case NodeType::Input:
      return parseInput(r, langs);
    case NodeType::Set:
      return parseSet(r);
    case NodeType::Branch:
      return parseBranch(r);
    case NodeType::Schedule:
      return parseSchedule(r);
    case NodeType::Http:
      return parseHttp(r);
    case NodeType::Queue:
      return parseQueue(r, langs);
    case NodeType::Transfer:
      return parseTransfer(r);
    case NodeType::Voicemail:
      return parseVoicemail(r, langs);
    case NodeType::Callback:
      return parseCallback(r);
    case NodeType::Survey:
      return parseSurvey(r, langs);
    case NodeType::Language:
      return parseLanguage(r, langs);
    case NodeType::Notice:
      return parseNotice(r, langs);
    case NodeType::Hangup:
      return parseHangup(r, langs);
  }
  return std::nullopt;
}

}  // namespace hujiao::ivr::detail
