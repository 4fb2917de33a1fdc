#pragma once
// The console's static files at "/": content types, index.html fallback for
// client-side (SPA) routes, no path traversal, long cache lifetimes for hashed
// assets ("immutable", a year) and revalidation of index.html ("no-cache").
// Files are read per request (the console is small; the OS caches). Any thread.
#include <filesystem>
#include <string>

#include "api/http_types.h"

namespace hujiao::api {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path dir);
  /// GET of a non-API path. The console build writes pre-compressed copies
  /// ("file.br", "file.gz"); the first the browser accepts is sent instead of
  /// the file, with Content-Encoding (brotli preferred: smaller).
  HttpResponse serve(const std::string& rawPath, bool acceptsGzip = false, bool acceptsBrotli = false) const;
  static std::string contentType(const std::string& extension);
  /// True for Vite-style content-hashed names ("index-3f9a1c2b.js") and /assets/.
  static bool isHashedAsset(const std::string& path);

 private:
  HttpResponse file(const std::filesystem::path& p, const std::string& urlPath, bool acceptsGzip, bool acceptsBrotli) const;
  std::filesystem::path dir_;
};

}  // namespace hujiao::api
