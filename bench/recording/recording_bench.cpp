// recording_bench [minutes=10] [dir=/tmp]: encrypts a `minutes`-long 8 kHz
// stereo WAV the way a live recording would (640-byte frames, 8 KiB chunks),
// then measures HTTP-Range-sized random reads and start-up recovery.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "recording/audio_info.h"
#include "recording/chunk_reader.h"
#include "recording/chunk_writer.h"
#include "recording/file_ops.h"
#include "recording/key_ring.h"

using namespace hujiao::recording;  // NOLINT: a benchmark's main
using Clock = std::chrono::steady_clock;

static double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

int main(int argc, char** argv) {
  const int minutes = argc > 1 ? std::atoi(argv[1]) : 10;
  const std::string dir = argc > 2 ? argv[2] : "/tmp";
  auto ring = KeyRing::fromKeys({generateKey("bench")}, "");
  if (!ring) return 1;
  const std::string path = dir + "/hujiao-recording-bench-" + std::to_string(::getpid()) + ".wav.hrec";
  const size_t frames = static_cast<size_t>(minutes) * 60 * 50;
  std::vector<uint8_t> frame(640);
  std::mt19937 rng(1);
  for (auto& b : frame) b = static_cast<uint8_t>(rng());

  // 1. Live append, as the recorder's writer thread would call it.
  auto t = Clock::now();
  auto w = ChunkWriter::create(path, ring->active(), {8192, false});
  if (!w) {
    std::fprintf(stderr, "%s\n", w.error().message.c_str());
    return 1;
  }
  const std::string head = wavHeader(2, 8000, 16, 0);
  (void)(*w)->append(reinterpret_cast<const uint8_t*>(head.data()), head.size());
  for (size_t i = 0; i < frames; ++i) (void)(*w)->append(frame.data(), frame.size());
  auto patch = wavSizePatch(head, (*w)->length());
  (void)(*w)->setHeadPatch(patch->offset, reinterpret_cast<const uint8_t*>(patch->bytes.data()),
                           static_cast<uint16_t>(patch->bytes.size()));
  auto len = (*w)->finalize();
  const double writeS = secondsSince(t);
  const double nsPerFrame = writeS * 1e9 / static_cast<double>(frames);
  std::printf("live encrypt: %d min of stereo WAV (%.1f MB) in %.3f s: %.0f ns per 20 ms frame, %.0f MB/s;\n"
              "  one core keeps up with %.0f concurrent recordings (50 frames/s each)\n",
              minutes, static_cast<double>(*len) / 1e6, writeS, nsPerFrame, static_cast<double>(*len) / 1e6 / writeS,
              1e9 / nsPerFrame / 50);

  // 2. Range reads at random offsets (a browser seeking), each on a fresh reader like one HTTP request.
  std::vector<uint8_t> buf(65536);
  const int reads = 500;
  t = Clock::now();
  for (int i = 0; i < reads; ++i) {
    auto r = ChunkReader::open(path, *ring);
    if (!r) return 1;
    const uint64_t off = rng() % (*len - buf.size());
    (void)(*r)->read(off, buf.data(), buf.size());
  }
  const double readS = secondsSince(t);
  std::printf("range read: open + 64 KiB at a random offset: %.1f us per request\n", readS * 1e6 / reads);

  // 3. Whole-file verification (SHA-256 of the plaintext) and recovery of an unfinished copy.
  t = Clock::now();
  auto info = inspectContainer(path, *ring);
  std::printf("verify all chunks + SHA-256: %.3f s\n", secondsSince(t));
  std::string data(static_cast<size_t>(std::filesystem::file_size(path)), '\0');
  {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (std::fread(data.data(), 1, data.size(), f) != data.size()) return 1;
    std::fclose(f);
  }
  for (int i = 80; i < 96; ++i) data[static_cast<size_t>(i)] = 0;  // state Open: as if killed before finalize
  data.resize(data.size() - 3000);
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
  }
  t = Clock::now();
  auto rec = recoverContainer(path, *ring);
  std::printf("recovery of the unfinished file: %.3f s (%s, %llu chunks kept)\n", secondsSince(t),
              rec ? "ok" : rec.error().message.c_str(), rec ? static_cast<unsigned long long>(rec->chunksKept) : 0ULL);
  std::filesystem::remove(path);
  return info ? 0 : 1;
}
