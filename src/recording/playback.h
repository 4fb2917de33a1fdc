#pragma once
// Playback and download of a stored recording: a byte source over the
// decrypted file (random access, so HTTP Range requests seek without
// decrypting the whole file) and the Range header parsing the API needs.
//
// Threads: one PlaybackSource per HTTP request, used by the API worker
// thread serving it (blocking file reads: service plane only).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "recording/key_ring.h"
#include "recording/recordings_repo.h"

namespace hujiao::recording {

class PlaybackSource {
 public:
  virtual ~PlaybackSource() = default;
  /// Plaintext bytes (the Content-Length of a full response).
  virtual uint64_t length() const = 0;
  /// Up to n bytes at offset; errors as ChunkReader ("tampered", "truncated", ...).
  virtual core::Result<size_t> read(uint64_t offset, uint8_t* out, size_t n) = 0;
  /// "audio/wav" or "audio/ogg".
  virtual std::string contentType() const = 0;
};

/// Opens the stored file of a recording row: decrypting when keyId is set.
/// Codes: "gone" (deleted or missing), "conflict" (still recording),
/// "not_found" (file absent), and ChunkReader's codes.
core::Result<std::unique_ptr<PlaybackSource>> openPlaybackSource(const RecordingMeta& meta, const std::string& dir,
                                                                 const KeyRing* ring);

/// A single byte range [first, last] (inclusive, as HTTP says).
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
  bool partial = false;  // false: no Range header, serve 200 with the whole body
};
/// Parses a Range header ("bytes=0-", "bytes=100-199", "bytes=-500") against
/// the length. "range_not_satisfiable" (answer 416 with Content-Range
/// "bytes */length") for a start past the end; "invalid" for syntax or
/// several ranges (answer 416 too). An empty header is the whole file.
core::Result<ByteRange> parseRangeHeader(std::string_view header, uint64_t length);
/// RFC 9110 section 14 for one resource: every range-spec of a Range header,
/// resolved against the length, sorted and with overlapping or adjacent
/// ranges coalesced (14.3 allows it). Errors: "ignore" for a header the
/// server must or may ignore (not "bytes", bad syntax, more than maxRanges
/// ranges): serve 200 with the whole body; "range_not_satisfiable" when no
/// range-spec overlaps the content: answer 416 with "bytes */length".
core::Result<std::vector<ByteRange>> parseRanges(std::string_view header, uint64_t length, size_t maxRanges = 16);
/// True when an If-Range value lets the Range apply: a strong entity tag equal
/// to etag (with quotes), or an HTTP date equal to lastModified (14.5: only an
/// exact match counts). An empty If-Range always lets it apply.
bool ifRangeMatches(std::string_view ifRange, std::string_view etag, std::string_view lastModified);
/// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of a UTC time in microseconds.
std::string httpDate(int64_t utcUs);
/// "bytes first-last/length" for a 206 response.
std::string contentRange(const ByteRange& r, uint64_t length);

}  // namespace hujiao::recording
