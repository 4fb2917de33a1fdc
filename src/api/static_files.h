#pragma once
// The console's static files at "/": content types, index.html fallback for
// client-side (SPA) routes, no path traversal, long cache lifetimes for hashed
// assets. Files are read per request (the console is small; the OS caches).
// Any thread.
#include <filesystem>
#include <string>

#include "api/http_types.h"

namespace hujiao::api {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path dir);
  /// GET of a non-API path. With acceptsGzip, a pre-compressed "file.gz" made
  /// by the console build is sent instead of the file (Content-Encoding: gzip).
  HttpResponse serve(const std::string& rawPath, bool acceptsGzip = false) const;
  static std::string contentType(const std::string& extension);
  /// True for Vite-style content-hashed names ("index-3f9a1c2b.js") and /assets/.
  static bool isHashedAsset(const std::string& path);

 private:
  HttpResponse file(const std::filesystem::path& p, const std::string& urlPath, bool acceptsGzip) const;
  std::filesystem::path dir_;
};

}  // namespace hujiao::api
