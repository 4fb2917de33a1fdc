#pragma once
// The media recorder's sealed sink (media::SealedSink) over a
// recording::ChunkWriter: recordings are encrypted while they are recorded
// (AES-256-GCM chunks, one pwrite per sealed chunk, no allocation after
// create()), so no plaintext audio reaches the disk (docs/recording.md).
//
// Threads: the factory runs on the recorder's writer thread (it creates the
// file); a sink is used by that thread only.
#include <memory>
#include <string>

#include "media/recorder.h"
#include "recording/chunk_writer.h"

namespace hujiao::center {

class ChunkSink final : public media::SealedSink {
 public:
  explicit ChunkSink(std::unique_ptr<recording::ChunkWriter> w) : w_(std::move(w)) {}
  bool append(const uint8_t* data, size_t n) override { return keep(w_->append(data, n)); }
  bool setHeadPatch(uint16_t offset, const uint8_t* bytes, uint16_t n) override {
    return keep(w_->setHeadPatch(offset, bytes, n));
  }
  bool finalize() override {
    auto r = w_->finalize();
    if (!r) error_ = r.error().message;
    return static_cast<bool>(r);
  }
  std::string error() const override { return error_; }

 private:
  bool keep(const core::Result<void>& r) {
    if (!r) error_ = r.error().message;
    return static_cast<bool>(r);
  }
  std::unique_ptr<recording::ChunkWriter> w_;
  std::string error_;
};

/// A factory creating each ".hrec" file under `key` (a copy: key rotation
/// registers a new factory; files already open keep theirs).
inline media::SealedSinkFactory sealedSinkFactory(const recording::Key& key, recording::ChunkWriter::Options opt) {
  return [key, opt](const std::string& path, std::string& error) -> std::unique_ptr<media::SealedSink> {
    auto w = recording::ChunkWriter::create(path, key, opt);
    if (!w) {
      error = w.error().code + ": " + w.error().message;
      return nullptr;
    }
    return std::make_unique<ChunkSink>(std::move(*w));
  };
}

}  // namespace hujiao::center
