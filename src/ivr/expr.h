#pragma once
// The flow expression language and ${...} templates: small and safe on purpose.
//
// Expressions (branch conditions, set values) are parsed once when a flow is
// loaded and evaluated many times; there is no eval of code, no loops, no
// regex and bounded size/depth, so a flow author cannot hang the control thread.
//   literals   42  3.5  'text'  "text"  true false null  ['a', 'b']
//   names      caller  called  language  customer.vip_level  any_variable
//   operators  == != < <= > >=  in  not in  + - * / %  and or not  && || !
//   functions  startsWith(s,p) prefix(s,p) endsWith(s,p) contains(s,p) len(x)
//              lower(s) upper(s) trim(s) substr(s,start[,len]) num(x) str(x)
//              min(a,b) max(a,b) round(x[,digits])
// Values are JSON values. A failing operation (1/0, num('x')) yields null;
// evaluation never throws. Comparisons are numeric when one side is a number
// and the other converts, otherwise textual.
//
// Threads: parse anywhere; a parsed Expression/Template is immutable and may be
// evaluated concurrently.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace hujiao::ivr {

using Value = nlohmann::json;

/// What names resolve to during evaluation (the session implements it).
class Scope {
 public:
  /// The value of a name; null when unknown.
  virtual Value lookup(std::string_view name) const = 0;

 protected:
  ~Scope() = default;
};

/// A Scope over a plain JSON object (tests, validation).
class JsonScope final : public Scope {
 public:
  explicit JsonScope(const Value& object) : object_(object) {}
  Value lookup(std::string_view name) const override;

 private:
  const Value& object_;
};

class Expression {
 public:
  /// Errors: code "bad_expression", message says where and what.
  static core::Result<Expression> parse(std::string_view text);
  Value evaluate(const Scope& scope) const;
  const std::string& text() const { return text_; }

  struct Node {
    enum class Op {
      Lit, Name, List, Not, Neg, And, Or, Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, Add, Sub, Mul, Div, Mod, Call
    };
    Op op = Op::Lit;
    Value literal;
    std::string name;  // Name: the dotted name; Call: the function
    std::vector<int> kids;
  };

 private:
  Value eval(int index, const Scope& scope) const;
  std::string text_;
  std::vector<Node> nodes_;
  int root_ = -1;
};

/// True for true, non-zero numbers, non-empty strings/arrays/objects.
bool truthy(const Value& v);
/// How a value is spoken or put in a URL: strings as-is, integral numbers
/// without ".0", null as "".
std::string toText(const Value& v);
/// Numbers, and strings that are entirely a number.
std::optional<double> toNumber(const Value& v);

/// "Your balance is ${balance} yuan": text with ${dotted.name} references.
class Template {
 public:
  enum class Escape { None, Url, Json };
  /// Errors: code "bad_template" (unclosed ${, empty or invalid name).
  static core::Result<Template> parse(std::string_view text);
  std::string render(const Scope& scope, Escape escape = Escape::None) const;
  const std::string& text() const { return text_; }
  bool hasReferences() const { return parts_.size() > 1 || (parts_.size() == 1 && parts_[0].isName); }

 private:
  struct Part {
    bool isName = false;
    std::string text;  // literal text or the name
  };
  std::string text_;
  std::vector<Part> parts_;
};

/// Percent-encodes everything except RFC 3986 unreserved characters.
std::string urlEncode(std::string_view s);

}  // namespace hujiao::ivr
