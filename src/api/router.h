#pragma once
// The route table: each route declares method, path pattern ("{id}" params),
// the permission it needs, its documentation (summary, tag, schemas, query
// parameters) and its handler. Dispatch, permission checks, query and body
// validation are generic (api_server.cpp); the OpenAPI document is generated
// from the same table (openapi.cpp).
//
// Threads: build the table before the server starts; afterwards it is read-only
// and match() is called concurrently from pool threads.
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include "api/http_types.h"
#include "api/json_schema.h"
#include "core/clock.h"
#include "core/result.h"

namespace hujiao::api {

struct Principal;

/// Route.permission values that are not catalogue permissions.
inline constexpr const char* kPublic = "";                 // no token needed
inline constexpr const char* kAuthenticated = "authenticated";  // any valid token

struct QueryParamSpec {
  std::string name;
  FieldType type = FieldType::String;  // String, Integer or Boolean
  std::string description;
  int64_t min = 0;  // Integer range
  int64_t max = 0;
  std::string format;  // "date-time" is parsed and checked
};

struct RequestContext;
using Handler = std::function<core::Result<HttpResponse>(RequestContext&)>;

struct Route {
  std::string method;   // "GET", "POST", "PATCH", "DELETE"
  std::string pattern;  // "/api/v1/users/{id}"
  std::string permission;
  std::string summary;
  std::string tag;
  std::string requestSchema;   // "" = no body
  std::string responseSchema;  // "" = no body
  int successStatus = 200;
  std::vector<QueryParamSpec> query;
  Handler handler;
  std::string contentType = "application/json";  // of the success response (openapi)
  // The handler reads and checks its own body (IVR, records: nested members,
  // cross-field rules); requestSchema then only documents it and the router
  // leaves the body alone. False: the router checks the body against
  // requestSchema (415 / invalid_json / unknown_field / missing_field /
  // invalid_field) and hands it over in RequestContext::body.
  bool handlerParsesBody = false;
  // A body that is not JSON ("text/csv"): documented as text, requestSchema "".
  std::string requestContentType = "";  // default given: routes omit it in braced lists
};

/// r with handlerParsesBody set: its requestSchema documents what the handler
/// itself reads (start-up).
inline Route parsesOwnBody(Route r) {
  r.handlerParsesBody = true;
  return r;
}

/// Everything a handler sees.
struct RequestContext {
  HttpRequest& request;
  const Route& route;
  std::vector<std::pair<std::string, std::string>> params;  // decoded path params
  std::map<std::string, std::string> query;                  // validated query params
  std::shared_ptr<const Principal> principal;                // null on public routes
  nlohmann::json body;  // validated when route.requestSchema is set and !route.handlerParsesBody

  const std::string& param(const std::string& name) const;
  bool has(const std::string& name) const { return query.count(name) != 0; }
  std::string queryString(const std::string& name, const std::string& def = "") const;
  int64_t queryInt(const std::string& name, int64_t def) const;
};

/// "a=1&b=x%20y" -> {a:1, b:"x y"}. Error "invalid_query" on bad encoding or a repeated key.
core::Result<std::map<std::string, std::string>> parseQuery(std::string_view query);
/// Checks params against the route's declared query parameters (unknown ones rejected).
core::Result<void> validateQuery(const std::map<std::string, std::string>& query,
                                 const std::vector<QueryParamSpec>& specs);
/// Percent-decoding; false on a malformed escape. plusIsSpace for query strings.
bool percentDecode(std::string_view in, std::string& out, bool plusIsSpace);

/// Whole responses of a read-only route, so that repeated identical reads skip
/// the database and the JSON writing. An entry holds the store's write
/// generation (store::Db::writeGeneration) read BEFORE the data was read, and is
/// used only while the generation is unchanged: any write through the store
/// (to any table) makes every entry stale, so a client never reads data older
/// than its own last write. maxAge bounds staleness for writes this process
/// cannot see (another node or process sharing the database). The key must
/// hold everything the response depends on: the validated query and the
/// caller's visibility (see the route).
///
/// Threads: any; a shared_mutex guards the map (hits only share it).
class ResponseCache {
 public:
  /// maxBytes bounds the bodies held (a response above an eighth of it is not
  /// kept), so that many distinct large pages cannot grow memory without limit.
  ResponseCache(const core::Clock& clock, size_t maxEntries, std::chrono::milliseconds maxAge,
                size_t maxBytes = 16u << 20)
      : clock_(clock), maxEntries_(maxEntries), maxAgeUs_(maxAge.count() * 1000), maxBytes_(maxBytes) {}
  /// The response stored for key at this generation, if still fresh.
  std::optional<HttpResponse> get(const std::string& key, uint64_t generation) const;
  /// Stores a response read at `generation` (the one read before the data).
  void put(const std::string& key, uint64_t generation, const HttpResponse& response);
  void clear();
  size_t size() const;
  size_t bytes() const;

  /// A key part for a query map: each name and value length-prefixed, so that
  /// no two different maps give the same text.
  static void appendQueryKey(std::string& key, const std::map<std::string, std::string>& query);

 private:
  struct Entry {
    uint64_t generation = 0;
    int64_t storedMonoUs = 0;
    HttpResponse response;
  };
  const core::Clock& clock_;
  const size_t maxEntries_;
  const int64_t maxAgeUs_;
  const size_t maxBytes_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  size_t bytes_ = 0;  // sum of the entries' body sizes
};

class Router {
 public:
  enum class Outcome { Found, NotFound, MethodNotAllowed };
  struct Match {
    Outcome outcome = Outcome::NotFound;
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;  // for 405: "GET, POST"
  };

  /// Throws std::invalid_argument on a malformed pattern or a duplicate (start-up).
  void add(Route route);
  Match match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{id}" marks a parameter
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

}  // namespace hujiao::api
