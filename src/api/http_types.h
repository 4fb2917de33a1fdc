#pragma once
// Plain request/response types shared by the Beast server (http_server.cpp) and
// the routes, so that only two translation units include Beast.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hujiao::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target ("/api/v1/users?limit=20")
  std::string path;    // target up to '?', not decoded
  std::string query;   // after '?', raw
  std::string body;
  std::string authorization;  // Authorization header value
  std::string contentType;
  std::string remoteAddress;  // peer IP
  bool acceptsGzip = false;   // Accept-Encoding names gzip (static files only)
  bool acceptsBrotli = false; // Accept-Encoding names br (static files only)
  std::string range;          // Range header value ("bytes=0-499"), "" when absent
  std::string ifRange;        // If-Range header value (an entity tag or an HTTP date), "" when absent
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Location, Allow, ...)
  /// Route pattern used for metrics labels ("/api/v1/users/{id}", "static", "unmatched").
  std::string routeLabel;
};

}  // namespace hujiao::api
