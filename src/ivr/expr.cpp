#include "ivr/expr.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace hujiao::ivr {
namespace {

constexpr std::size_t kMaxExpressionChars = 2000;
constexpr int kMaxDepth = 48;
constexpr std::size_t kMaxTextResult = 4096;  // string ops never build huge strings

using Op = Expression::Node::Op;

enum class Tok { End, Number, String, Ident, Punct };

struct Token {
  Tok kind = Tok::End;
  std::string text;
  std::size_t pos = 0;
};

core::Error err(std::size_t pos, const std::string& what) {
  return core::makeError("bad_expression", "at " + std::to_string(pos + 1) + ": " + what);
}

bool identStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool identChar(char c) { return identStart(c) || (c >= '0' && c <= '9') || c == '.'; }

core::Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token t;
    t.pos = i;
    if (c >= '0' && c <= '9') {
      std::size_t j = i;
      while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.')) ++j;
      t.kind = Tok::Number;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (c == '\'' || c == '"') {
      std::size_t j = i + 1;
      std::string text;
      bool closed = false;
      while (j < s.size()) {
        if (s[j] == '\\' && j + 1 < s.size()) {
          text += s[j + 1];
          j += 2;
        } else if (s[j] == c) {
          closed = true;
          ++j;
          break;
        } else {
          text += s[j++];
        }
      }
      if (!closed) return err(i, "unterminated string");
      t.kind = Tok::String;
      t.text = std::move(text);
      i = j;
    } else if (identStart(c)) {
      std::size_t j = i;
      while (j < s.size() && identChar(s[j])) ++j;
      t.kind = Tok::Ident;
      t.text = std::string(s.substr(i, j - i));
      if (t.text.back() == '.' || t.text.find("..") != std::string::npos) return err(i, "bad name '" + t.text + "'");
      i = j;
    } else {
      static constexpr std::string_view two[] = {"==", "!=", "<=", ">=", "&&", "||"};
      t.kind = Tok::Punct;
      bool matched = false;
      for (auto op : two) {
        if (s.substr(i, 2) == op) {
          t.text = std::string(op);
          i += 2;
          matched = true;
          break;
        }
      }
      if (!matched) {
        if (std::string_view("<>+-*/%()[],!").find(c) == std::string_view::npos)
          return err(i, std::string("unexpected character '") + c + "'");
        t.text = std::string(1, c);
        ++i;
      }
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.pos = s.size();
  out.push_back(end);
  return out;
}

struct FunctionSpec {
  std::string_view name;
  int minArgs;
  int maxArgs;
};
constexpr FunctionSpec kFunctions[] = {
    {"startsWith", 2, 2}, {"prefix", 2, 2}, {"endsWith", 2, 2}, {"contains", 2, 2}, {"len", 1, 1},
    {"lower", 1, 1},      {"upper", 1, 1},  {"trim", 1, 1},     {"substr", 2, 3},   {"num", 1, 1},
    {"str", 1, 1},        {"min", 2, 2},    {"max", 2, 2},      {"round", 1, 2},
};

class Parser {
 public:
  Parser(std::vector<Token> toks, std::vector<Expression::Node>& nodes) : toks_(std::move(toks)), nodes_(nodes) {}

  core::Result<int> parseAll() {
    auto r = parseOr(0);
    if (!r) return r;
    if (peek().kind != Tok::End) return err(peek().pos, "unexpected '" + peek().text + "'");
    return r;
  }

 private:
  const Token& peek() const { return toks_[pos_]; }
  bool isPunct(std::string_view p) const { return peek().kind == Tok::Punct && peek().text == p; }
  bool isWord(std::string_view w) const { return peek().kind == Tok::Ident && peek().text == w; }
  int add(Op op, std::vector<int> kids = {}) {
    Expression::Node n;
    n.op = op;
    n.kids = std::move(kids);
    nodes_.push_back(std::move(n));
    return static_cast<int>(nodes_.size()) - 1;
  }

  core::Result<int> parseOr(int depth) {
    if (depth > kMaxDepth) return err(peek().pos, "expression nested too deeply");
    auto l = parseAnd(depth + 1);
    if (!l) return l;
    int left = *l;
    while (isWord("or") || isPunct("||")) {
      ++pos_;
      auto r = parseAnd(depth + 1);
      if (!r) return r;
      left = add(Op::Or, {left, *r});
    }
    return left;
  }
  core::Result<int> parseAnd(int depth) {
    auto l = parseNot(depth + 1);
    if (!l) return l;
    int left = *l;
    while (isWord("and") || isPunct("&&")) {
      ++pos_;
      auto r = parseNot(depth + 1);
      if (!r) return r;
      left = add(Op::And, {left, *r});
    }
    return left;
  }
  core::Result<int> parseNot(int depth) {
    if (depth > kMaxDepth) return err(peek().pos, "expression nested too deeply");
    if (isWord("not") || isPunct("!")) {
      ++pos_;
      auto r = parseNot(depth + 1);
      if (!r) return r;
      return add(Op::Not, {*r});
    }
    return parseCompare(depth + 1);
  }
  core::Result<int> parseCompare(int depth) {
    auto l = parseAdd(depth + 1);
    if (!l) return l;
    static const std::pair<std::string_view, Op> ops[] = {{"==", Op::Eq}, {"!=", Op::Ne}, {"<=", Op::Le},
                                                          {">=", Op::Ge}, {"<", Op::Lt},  {">", Op::Gt}};
    for (const auto& [text, op] : ops) {
      if (isPunct(text)) {
        ++pos_;
        auto r = parseAdd(depth + 1);
        if (!r) return r;
        return add(op, {*l, *r});
      }
    }
    if (isWord("in")) {
      ++pos_;
      auto r = parseAdd(depth + 1);
      if (!r) return r;
      return add(Op::In, {*l, *r});
    }
    if (isWord("not") && toks_[pos_ + 1].kind == Tok::Ident && toks_[pos_ + 1].text == "in") {
      pos_ += 2;
      auto r = parseAdd(depth + 1);
      if (!r) return r;
      return add(Op::NotIn, {*l, *r});
    }
    return l;
  }
  core::Result<int> parseAdd(int depth) {
    auto l = parseMul(depth + 1);
    if (!l) return l;
    int left = *l;
    while (isPunct("+") || isPunct("-")) {
      Op op = peek().text == "+" ? Op::Add : Op::Sub;
      ++pos_;
      auto r = parseMul(depth + 1);
      if (!r) return r;
      left = add(op, {left, *r});
    }
    return left;
  }
  core::Result<int> parseMul(int depth) {
    auto l = parseUnary(depth + 1);
    if (!l) return l;
    int left = *l;
    while (isPunct("*") || isPunct("/") || isPunct("%")) {
      Op op = peek().text == "*" ? Op::Mul : peek().text == "/" ? Op::Div : Op::Mod;
      ++pos_;
      auto r = parseUnary(depth + 1);
      if (!r) return r;
      left = add(op, {left, *r});
    }
    return left;
  }
  core::Result<int> parseUnary(int depth) {
    if (depth > kMaxDepth) return err(peek().pos, "expression nested too deeply");
    if (isPunct("-")) {
      ++pos_;
      auto r = parseUnary(depth + 1);
      if (!r) return r;
      return add(Op::Neg, {*r});
    }
    return parsePrimary(depth + 1);
  }
  core::Result<int> parsePrimary(int depth) {
    const Token t = peek();
    switch (t.kind) {
      case Tok::End:
        return err(t.pos, "unexpected end of expression");
      case Tok::Number: {
        ++pos_;
        double d = 0;
        auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), d);
        if (ec != std::errc() || p != t.text.data() + t.text.size()) return err(t.pos, "bad number '" + t.text + "'");
        int n = add(Op::Lit);
        if (t.text.find('.') == std::string::npos && std::fabs(d) < 9e15)
          nodes_[n].literal = static_cast<int64_t>(d);
        else
          nodes_[n].literal = d;
        return n;
      }
      case Tok::String: {
        ++pos_;
        int n = add(Op::Lit);
        nodes_[n].literal = t.text;
        return n;
      }
      case Tok::Ident: {
        ++pos_;
        if (t.text == "true" || t.text == "false") {
          int n = add(Op::Lit);
          nodes_[n].literal = (t.text == "true");
          return n;
        }
        if (t.text == "null") return add(Op::Lit);
        if (t.text == "and" || t.text == "or" || t.text == "not" || t.text == "in")
          return err(t.pos, "unexpected '" + t.text + "'");
        if (isPunct("(")) return parseCall(t, depth);
        int n = add(Op::Name);
        nodes_[n].name = t.text;
        return n;
      }
      case Tok::Punct:
        if (t.text == "(") {
          ++pos_;
          auto r = parseOr(depth + 1);
          if (!r) return r;
          if (!isPunct(")")) return err(peek().pos, "expected ')'");
          ++pos_;
          return r;
        }
        if (t.text == "[") {
          ++pos_;
          std::vector<int> items;
          if (!isPunct("]")) {
            while (true) {
              auto r = parseOr(depth + 1);
              if (!r) return r;
              items.push_back(*r);
              if (isPunct(",")) {
                ++pos_;
                continue;
              }
              break;
            }
          }
          if (!isPunct("]")) return err(peek().pos, "expected ']'");
          ++pos_;
          return add(Op::List, std::move(items));
        }
        return err(t.pos, "unexpected '" + t.text + "'");
    }
    return err(t.pos, "unexpected token");
  }
  core::Result<int> parseCall(const Token& name, int depth) {
    const FunctionSpec* spec = nullptr;
    for (const auto& f : kFunctions)
      if (f.name == name.text) spec = &f;
    if (!spec) return err(name.pos, "unknown function '" + name.text + "'");
    ++pos_;  // (
    std::vector<int> args;
    if (!isPunct(")")) {
      while (true) {
        auto r = parseOr(depth + 1);
        if (!r) return r;
        args.push_back(*r);
        if (isPunct(",")) {
          ++pos_;
          continue;
        }
        break;
      }
    }
    if (!isPunct(")")) return err(peek().pos, "expected ')'");
    ++pos_;
    int count = static_cast<int>(args.size());
    if (count < spec->minArgs || count > spec->maxArgs)
      return err(name.pos, "function '" + name.text + "' takes " + std::to_string(spec->minArgs) +
                               (spec->maxArgs != spec->minArgs ? "-" + std::to_string(spec->maxArgs) : "") +
                               " arguments, got " + std::to_string(count));
    int n = add(Op::Call, std::move(args));
    nodes_[n].name = name.text;
    return n;
  }

  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  std::vector<Expression::Node>& nodes_;
};

Value number(double d) {
  if (!std::isfinite(d)) return nullptr;
  if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<int64_t>(d);
  return d;
}

Value capped(std::string s) {
  if (s.size() > kMaxTextResult) return nullptr;
  return s;
}

int compare(const Value& a, const Value& b, bool& comparable) {
  comparable = true;
  if (a.is_number() || b.is_number()) {
    auto x = toNumber(a), y = toNumber(b);
    if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  if (a.is_boolean() && b.is_boolean()) return static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>());
  if (a.is_null() || b.is_null() || a.is_structured() || b.is_structured()) {
    comparable = false;
    return 0;
  }
  std::string x = toText(a), y = toText(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool equals(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  bool comparable = false;
  int c = compare(a, b, comparable);
  return comparable ? c == 0 : a == b;
}

}  // namespace

Value JsonScope::lookup(std::string_view name) const {
  const Value* cur = &object_;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    std::string key(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return *cur;
}

core::Result<Expression> Expression::parse(std::string_view text) {
  if (text.size() > kMaxExpressionChars)
    return core::makeError("bad_expression", "expression longer than " + std::to_string(kMaxExpressionChars));
  auto toks = tokenize(text);
  if (!toks) return toks.error();
  Expression e;
  e.text_ = std::string(text);
  Parser p(std::move(*toks), e.nodes_);
  auto root = p.parseAll();
  if (!root) return root.error();
  e.root_ = *root;
  return e;
}

Value Expression::evaluate(const Scope& scope) const {
  if (root_ < 0) return nullptr;
  return eval(root_, scope);
}

Value Expression::eval(int index, const Scope& scope) const {
  const Node& n = nodes_[static_cast<std::size_t>(index)];
  auto kid = [&](std::size_t i) { return eval(n.kids[i], scope); };
  switch (n.op) {
    case Op::Lit:
      return n.literal;
    case Op::Name:
      return scope.lookup(n.name);
    case Op::List: {
      Value arr = Value::array();
      for (std::size_t i = 0; i < n.kids.size(); ++i) arr.push_back(kid(i));
      return arr;
    }
    case Op::Not:
      return !truthy(kid(0));
    case Op::Neg: {
      auto x = toNumber(kid(0));
      return x ? number(-*x) : Value(nullptr);
    }
    case Op::And:
      return truthy(kid(0)) && truthy(kid(1));
    case Op::Or:
      return truthy(kid(0)) || truthy(kid(1));
    case Op::Eq:
      return equals(kid(0), kid(1));
    case Op::Ne:
      return !equals(kid(0), kid(1));
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: {
      bool comparable = false;
      int c = compare(kid(0), kid(1), comparable);
      if (!comparable) return false;
      if (n.op == Op::Lt) return c < 0;
      if (n.op == Op::Le) return c <= 0;
      if (n.op == Op::Gt) return c > 0;
      return c >= 0;
    }
    case Op::In:
    case Op::NotIn: {
      Value needle = kid(0), hay = kid(1);
      bool found = false;
      if (hay.is_array()) {
        found = std::any_of(hay.begin(), hay.end(), [&](const Value& v) { return equals(needle, v); });
      } else if (hay.is_string() && !needle.is_null()) {
        found = hay.get_ref<const std::string&>().find(toText(needle)) != std::string::npos;
      } else if (hay.is_object() && needle.is_string()) {
        found = hay.contains(needle.get<std::string>());
      }
      return n.op == Op::In ? found : !found;
    }
    case Op::Add: {
      Value a = kid(0), b = kid(1);
      if (a.is_string() || b.is_string()) return capped(toText(a) + toText(b));
      auto x = toNumber(a), y = toNumber(b);
      return x && y ? number(*x + *y) : Value(nullptr);
    }
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Mod: {
      auto x = toNumber(kid(0)), y = toNumber(kid(1));
      if (!x || !y) return nullptr;
      if (n.op == Op::Sub) return number(*x - *y);
      if (n.op == Op::Mul) return number(*x * *y);
      if (*y == 0) return nullptr;
      if (n.op == Op::Div) return number(*x / *y);
      return number(std::fmod(*x, *y));
    }
    case Op::Call:
      break;
  }
  // Functions.
  const std::string& f = n.name;
  std::vector<Value> a;
  a.reserve(n.kids.size());
  for (std::size_t i = 0; i < n.kids.size(); ++i) a.push_back(kid(i));
  if (f == "startsWith" || f == "prefix" || f == "endsWith" || f == "contains") {
    if (a[0].is_null() || a[1].is_null()) return false;
    std::string s = toText(a[0]), p = toText(a[1]);
    if (f == "contains") return s.find(p) != std::string::npos;
    if (p.size() > s.size()) return false;
    if (f == "endsWith") return s.compare(s.size() - p.size(), p.size(), p) == 0;
    return s.compare(0, p.size(), p) == 0;
  }
  if (f == "len") {
    if (a[0].is_array() || a[0].is_object()) return static_cast<int64_t>(a[0].size());
    if (a[0].is_null()) return 0;
    return static_cast<int64_t>(toText(a[0]).size());
  }
  if (f == "lower" || f == "upper") {
    std::string s = toText(a[0]);
    for (char& c : s) {
      if (f == "lower" && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (f == "upper" && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
  }
  if (f == "trim") {
    std::string s = toText(a[0]);
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return std::string();
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
  }
  if (f == "substr") {
    std::string s = toText(a[0]);
    auto start = toNumber(a[1]);
    if (!start || *start < 0) return nullptr;
    auto from = static_cast<std::size_t>(*start);
    if (from >= s.size()) return std::string();
    std::size_t count = std::string::npos;
    if (a.size() > 2) {
      auto c = toNumber(a[2]);
      if (!c || *c < 0) return nullptr;
      count = static_cast<std::size_t>(*c);
    }
    return s.substr(from, count);
  }
  if (f == "num") {
    auto x = toNumber(a[0]);
    return x ? number(*x) : Value(nullptr);
  }
  if (f == "str") return toText(a[0]);
  if (f == "min" || f == "max") {
    auto x = toNumber(a[0]), y = toNumber(a[1]);
    if (!x || !y) return nullptr;
    return number(f == "min" ? std::min(*x, *y) : std::max(*x, *y));
  }
  if (f == "round") {
    auto x = toNumber(a[0]);
    if (!x) return nullptr;
    double digits = 0;
    if (a.size() > 1) {
      auto d = toNumber(a[1]);
      if (!d || *d < 0 || *d > 10) return nullptr;
      digits = std::floor(*d);
    }
    double scale = std::pow(10.0, digits);
    return number(std::round(*x * scale) / scale);
  }
  return nullptr;
}

bool truthy(const Value& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0.0;
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  return !v.empty();
}

std::string toText(const Value& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::floor(d) == d && std::fabs(d) < 9e15) return std::to_string(static_cast<int64_t>(d));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", d);
    return buf;
  }
  return v.dump();
}

std::optional<double> toNumber(const Value& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 64) return std::nullopt;
  double d = 0;
  const char* b = s.data();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

core::Result<Template> Template::parse(std::string_view text) {
  Template t;
  t.text_ = std::string(text);
  std::size_t i = 0;
  std::string literal;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      std::size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos)
        return core::makeError("bad_template", "unclosed '${' at " + std::to_string(i + 1));
      std::string name(text.substr(i + 2, close - i - 2));
      bool valid = !name.empty() && identStart(name[0]) && name.back() != '.' &&
                   name.find("..") == std::string::npos &&
                   std::all_of(name.begin(), name.end(), [](char c) { return identChar(c); });
      if (!valid) return core::makeError("bad_template", "bad variable reference '${" + name + "}'");
      if (!literal.empty()) t.parts_.push_back(Part{false, std::move(literal)});
      literal.clear();
      t.parts_.push_back(Part{true, std::move(name)});
      i = close + 1;
    } else {
      literal += text[i++];
    }
  }
  if (!literal.empty()) t.parts_.push_back(Part{false, std::move(literal)});
  return t;
}

std::string Template::render(const Scope& scope, Escape escape) const {
  std::string out;
  for (const auto& p : parts_) {
    if (!p.isName) {
      out += p.text;
      continue;
    }
    std::string v = toText(scope.lookup(p.text));
    if (escape == Escape::Url) {
      out += urlEncode(v);
    } else if (escape == Escape::Json) {
      std::string quoted = Value(v).dump(-1, ' ', false, Value::error_handler_t::replace);
      out += quoted.substr(1, quoted.size() - 2);
    } else {
      out += v;
    }
  }
  return out;
}

std::string urlEncode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace hujiao::ivr
