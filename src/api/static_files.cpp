#include "api/static_files.h"

#include <fstream>
#include <sstream>

#include "api/errors.h"
#include "api/router.h"

namespace hujiao::api {

namespace fs = std::filesystem;

namespace {

constexpr const char* kNotBuilt =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>hujiao</title></head><body>"
    "<h1>hujiao</h1><p>The web console is not built (no <code>web/dist</code> directory; set "
    "<code>http.static_dir</code>). The API is at <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>"
    "</body></html>\n";

}  // namespace

StaticFiles::StaticFiles(fs::path dir) : dir_(std::move(dir)) {}

std::string StaticFiles::contentType(const std::string& ext) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},   {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},     {".json", "application/json"},
      {".map", "application/json"},            {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},               {".png", "image/png"},
      {".jpg", "image/jpeg"},                  {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},                   {".webp", "image/webp"},
      {".ico", "image/x-icon"},                {".woff", "font/woff"},
      {".woff2", "font/woff2"},                {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},   {".wasm", "application/wasm"},
      {".wav", "audio/wav"},                   {".mp3", "audio/mpeg"},
  };
  for (const auto& [e, t] : kTypes)
    if (ext == e) return t;
  return "application/octet-stream";
}

bool StaticFiles::isHashedAsset(const std::string& path) {
  if (path.rfind("/assets/", 0) == 0) return true;
  auto slash = path.rfind('/');
  std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  auto dot = name.find('.');
  auto dash = name.rfind('-', dot);
  if (dot == std::string::npos || dash == std::string::npos || dot - dash - 1 < 8) return false;
  for (size_t i = dash + 1; i < dot; ++i) {
    char c = name[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

HttpResponse StaticFiles::file(const fs::path& p, const std::string& urlPath, bool acceptsGzip,
                               bool acceptsBrotli) const {
  fs::path source = p;
  const char* encoding = nullptr;
  struct Packed {
    bool accepted;
    const char* suffix;
    const char* name;
  };
  for (const Packed& c : {Packed{acceptsBrotli, ".br", "br"}, Packed{acceptsGzip, ".gz", "gzip"}}) {
    if (!c.accepted) continue;
    fs::path packed = p;
    packed += c.suffix;
    std::error_code ec;
    if (fs::is_regular_file(packed, ec)) {
      source = packed;
      encoding = c.name;
      break;
    }
  }
  std::ifstream in(source, std::ios::binary);
  if (!in) return errorResponse(404, "not_found", "no such file: " + urlPath);
  std::ostringstream ss;
  ss << in.rdbuf();
  HttpResponse r;
  r.body = ss.str();
  r.contentType = contentType(p.extension().string());
  r.headers.emplace_back("Cache-Control", isHashedAsset(urlPath) ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (encoding) r.headers.emplace_back("Content-Encoding", encoding);
  return r;
}

HttpResponse StaticFiles::serve(const std::string& rawPath, bool acceptsGzip, bool acceptsBrotli) const {
  std::string path;
  if (!percentDecode(rawPath, path, false)) return errorResponse(400, "invalid_path", "malformed percent-encoding");
  if (path.empty() || path.front() != '/' || path.find('\0') != std::string::npos ||
      path.find('\\') != std::string::npos)
    return errorResponse(400, "invalid_path", "invalid path");
  // Refuse any dot segment outright rather than normalising it.
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i + 1);
    if (j == std::string::npos) j = path.size();
    std::string seg = path.substr(i + 1, j - i - 1);
    if (seg == ".." || seg == ".") return errorResponse(400, "invalid_path", "path traversal refused");
    i = j;
  }
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) {
    if (path == "/" || path == "/index.html") {
      HttpResponse r;
      r.contentType = "text/html; charset=utf-8";
      r.body = kNotBuilt;
      return r;
    }
    return errorResponse(404, "not_found", "the web console is not built");
  }
  fs::path root = fs::weakly_canonical(dir_, ec);
  std::string rel = path == "/" ? "index.html" : path.substr(1);
  fs::path target = fs::weakly_canonical(root / rel, ec);
  // Symlinks must not lead outside the static directory either.
  auto [rootEnd, unused] = std::mismatch(root.begin(), root.end(), target.begin(), target.end());
  if (ec || rootEnd != root.end()) return errorResponse(400, "invalid_path", "path traversal refused");
  if (fs::is_regular_file(target, ec)) return file(target, path, acceptsGzip, acceptsBrotli);
  // Client-side routes ("/agents/42") get index.html; missing files ("/x.js") a 404.
  std::string last = path.substr(path.rfind('/') + 1);
  if (last.find('.') != std::string::npos) return errorResponse(404, "not_found", "no such file: " + path);
  return file(root / "index.html", "/index.html", acceptsGzip, acceptsBrotli);
}

}  // namespace hujiao::api
