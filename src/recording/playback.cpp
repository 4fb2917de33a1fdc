#include "recording/playback.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <cstdio>

#include "recording/chunk_reader.h"
#include "recording/retention.h"

namespace hujiao::recording {
namespace {

std::string typeFor(const std::string& format) { return format == "opus" ? "audio/ogg" : "audio/wav"; }

class EncryptedSource : public PlaybackSource {
 public:
  EncryptedSource(std::unique_ptr<ChunkReader> r, std::string type) : r_(std::move(r)), type_(std::move(type)) {}
  uint64_t length() const override { return r_->length(); }
  core::Result<size_t> read(uint64_t offset, uint8_t* out, size_t n) override { return r_->read(offset, out, n); }
  std::string contentType() const override { return type_; }

 private:
  std::unique_ptr<ChunkReader> r_;
  std::string type_;
};

class PlainSource : public PlaybackSource {
 public:
  PlainSource(int fd, uint64_t length, std::string type) : fd_(fd), length_(length), type_(std::move(type)) {}
  ~PlainSource() override { ::close(fd_); }
  PlainSource(const PlainSource&) = delete;
  PlainSource& operator=(const PlainSource&) = delete;
  uint64_t length() const override { return length_; }
  core::Result<size_t> read(uint64_t offset, uint8_t* out, size_t n) override {
    if (offset >= length_) return size_t{0};
    n = static_cast<size_t>(std::min<uint64_t>(n, length_ - offset));
    for (;;) {
      ssize_t r = ::pread(fd_, out, n, static_cast<off_t>(offset));
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return core::makeError("io", std::string("read failed: ") + std::strerror(errno));
    }
  }
  std::string contentType() const override { return type_; }

 private:
  int fd_;
  uint64_t length_;
  std::string type_;
};

bool parseU64(std::string_view s, uint64_t& v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

core::Result<std::unique_ptr<PlaybackSource>> openPlaybackSource(const RecordingMeta& meta, const std::string& dir,
                                                                 const KeyRing* ring) {
  if (meta.status == "deleted" || meta.status == "missing") {
    return core::makeError("gone", "recording " + meta.id + " is " + meta.status);
  }
  if (meta.status == "recording") return core::makeError("conflict", "recording " + meta.id + " is still being recorded");
  auto path = resolveRecordingPath(dir, meta.path);
  if (!path) return path.error();
  if (!meta.keyId.empty()) {
    if (ring == nullptr) return core::makeError("unknown_key", "recording " + meta.id + " is encrypted and no key ring is loaded");
    auto r = ChunkReader::open(*path, *ring);
    if (!r) return r.error();
    return std::unique_ptr<PlaybackSource>(new EncryptedSource(std::move(*r), typeFor(meta.format)));
  }
  int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    return core::makeError(e == ENOENT ? "not_found" : "io", "cannot open " + *path + ": " + std::strerror(e));
  }
  struct stat st {};
  ::fstat(fd, &st);
  return std::unique_ptr<PlaybackSource>(
      new PlainSource(fd, static_cast<uint64_t>(st.st_size), typeFor(meta.format)));
}

core::Result<ByteRange> parseRangeHeader(std::string_view h, uint64_t length) {
  ByteRange r;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  h = trim(h);
  if (h.empty()) {
    r.first = 0;
    r.last = length > 0 ? length - 1 : 0;
    return r;
  }
  if (h.substr(0, 6) != "bytes=") return core::makeError("invalid", "only byte ranges are supported");
  h = trim(h.substr(6));
  if (h.find(',') != std::string_view::npos) return core::makeError("invalid", "multiple ranges are not supported");
  const auto dash = h.find('-');
  if (dash == std::string_view::npos) return core::makeError("invalid", "malformed range");
  const std::string_view a = trim(h.substr(0, dash));
  const std::string_view b = trim(h.substr(dash + 1));
  uint64_t x = 0;
  uint64_t y = 0;
  if (a.empty()) {  // suffix: the last y bytes
    if (!parseU64(b, y) || y == 0) return core::makeError("invalid", "malformed suffix range");
    if (length == 0) return core::makeError("range_not_satisfiable", "the file is empty");
    r.first = y >= length ? 0 : length - y;
    r.last = length - 1;
  } else {
    if (!parseU64(a, x)) return core::makeError("invalid", "malformed range start");
    if (!b.empty() && (!parseU64(b, y) || y < x)) return core::makeError("invalid", "malformed range end");
    if (x >= length) return core::makeError("range_not_satisfiable", "range starts past the end");
    r.first = x;
    r.last = b.empty() || y >= length ? length - 1 : y;
  }
  r.partial = true;
  return r;
}

core::Result<std::vector<ByteRange>> parseRanges(std::string_view h, uint64_t length, size_t maxRanges) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  h = trim(h);
  // The range unit is case-insensitive (RFC 9110 14.1).
  if (h.size() < 6 || (h[0] | 0x20) != 'b' || (h[1] | 0x20) != 'y' || (h[2] | 0x20) != 't' ||
      (h[3] | 0x20) != 'e' || (h[4] | 0x20) != 's' || h[5] != '=')
    return core::makeError("ignore", "not a byte range");
  h.remove_prefix(6);
  std::vector<ByteRange> out;
  size_t specs = 0;
  while (!h.empty()) {
    const auto comma = h.find(',');
    const std::string_view spec = trim(h.substr(0, comma));
    h = comma == std::string_view::npos ? std::string_view() : h.substr(comma + 1);
    if (spec.empty()) continue;  // "bytes=0-1, ,5-6": empty list elements are allowed
    if (++specs > maxRanges) return core::makeError("ignore", "too many ranges");
    // Each spec alone, with the single-range parser's rules.
    std::string one = "bytes=";
    one.append(spec);
    auto r = parseRangeHeader(one, length);
    if (!r) {
      if (r.error().code == "range_not_satisfiable") continue;
      return core::makeError("ignore", r.error().message);
    }
    out.push_back(*r);
  }
  if (specs == 0) return core::makeError("ignore", "empty range set");
  if (out.empty()) return core::makeError("range_not_satisfiable", "no range overlaps the content");
  std::sort(out.begin(), out.end(), [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
  std::vector<ByteRange> merged;
  for (const auto& r : out) {
    if (!merged.empty() && r.first <= merged.back().last + 1)
      merged.back().last = std::max(merged.back().last, r.last);
    else
      merged.push_back(r);
  }
  return merged;
}

bool ifRangeMatches(std::string_view ifRange, std::string_view etag, std::string_view lastModified) {
  while (!ifRange.empty() && ifRange.front() == ' ') ifRange.remove_prefix(1);
  while (!ifRange.empty() && ifRange.back() == ' ') ifRange.remove_suffix(1);
  if (ifRange.empty()) return true;
  if (ifRange.front() == '"' || ifRange.substr(0, 2) == "W/") return ifRange == etag;  // weak tags never match
  return !lastModified.empty() && ifRange == lastModified;
}

std::string httpDate(int64_t utcUs) {
  const std::time_t t = static_cast<std::time_t>(utcUs / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string contentRange(const ByteRange& r, uint64_t length) {
  return "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" + std::to_string(length);
}

}  // namespace hujiao::recording
