#pragma once
// Flat containers behind the Acd's hot paths (internal; control thread only).
//
// Why not the standard ones: at 100k waiting interactions and 10k agents the
// routing core is bound by cache misses, not by instructions. A node-based
// tree or hash map costs an allocation per element and a pointer chase per
// level; these keep elements contiguous and allocate only on growth.
// bench/acd measures the difference (see bench/acd/README.md).
// - IdIndex: string id -> record index, open addressing; the string lives in
//   the record (no second copy, no node per entry).
// - WaitList: a bucket's waiting interactions in routing order, as a list of
//   sorted blocks: head O(1), insert / erase O(log(n/B) + B) contiguous
//   moves, rank O(n/B).
// - AgentSet: a bucket's available agents, a sorted vector with a gap at the
//   front so that taking the best agent and appending the newest idle one
//   (the common moves of longest-idle routing) are O(1).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace hujiao::acd::detail {

inline constexpr uint32_t kNone = UINT32_MAX;

/// Records addressed by index, in fixed chunks: addresses stay stable as it
/// grows (records are referenced while others are added), an index costs one
/// shift and one mask, and the chunk table is small enough to stay in cache.
/// (std::deque gives a record of this size a block of its own, so every
/// access chases a pointer from a map as large as the deque.)
template <class T, unsigned kBits = 8>
class ChunkedVector {
 public:
  std::size_t size() const { return size_; }
  T &operator[](std::size_t i) { return chunks_[i >> kBits][i & kMask]; }
  const T &operator[](std::size_t i) const { return chunks_[i >> kBits][i & kMask]; }
  T &emplace_back() {
    if ((size_ >> kBits) == chunks_.size()) chunks_.push_back(std::make_unique<T[]>(std::size_t{1} << kBits));
    return (*this)[size_++];  // chunks are value-initialised up front; the slot is fresh
  }

  template <class Self, class Ref>
  struct Iter {
    Self *v;
    std::size_t i;
    Ref operator*() const { return (*v)[i]; }
    Iter &operator++() {
      ++i;
      return *this;
    }
    bool operator!=(const Iter &o) const { return i != o.i; }
  };
  Iter<ChunkedVector, T &> begin() { return {this, 0}; }
  Iter<ChunkedVector, T &> end() { return {this, size_}; }
  Iter<const ChunkedVector, const T &> begin() const { return {this, 0}; }
  Iter<const ChunkedVector, const T &> end() const { return {this, size_}; }

 private:
  static constexpr std::size_t kMask = (std::size_t{1} << kBits) - 1;
  std::vector<std::unique_ptr<T[]>> chunks_;
  std::size_t size_ = 0;
};

/// Open-addressing index (linear probing, backward-shift erase) from an id to
/// a record index. keyOf(index) gives the record's id: the caller keeps the
/// string, this keeps 8 bytes per slot (32-bit hash + index).
class IdIndex {
 public:
  template <class KeyOf>
  uint32_t find(std::string_view id, const KeyOf &keyOf) const {
    if (size_ == 0) return kNone;
    const uint32_t h = hash(id);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot &s = slots_[i];
      if (s.idx == kNone) return kNone;
      if (s.hash == h && keyOf(s.idx) == id) return s.idx;
    }
  }
  /// The id must not be present (find() first).
  void insert(std::string_view id, uint32_t idx) {
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    const uint32_t h = hash(id);
    std::size_t i = h & mask_;
    while (slots_[i].idx != kNone) i = (i + 1) & mask_;
    slots_[i] = Slot{h, idx};
    ++size_;
  }
  template <class KeyOf>
  bool erase(std::string_view id, const KeyOf &keyOf) {
    if (size_ == 0) return false;
    const uint32_t h = hash(id);
    std::size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      const Slot &s = slots_[i];
      if (s.idx == kNone) return false;
      if (s.hash == h && keyOf(s.idx) == id) break;
    }
    // Backward shift: pull later entries of the probe run into the hole when
    // their home slot is not in (hole, j], so no tombstones pile up.
    std::size_t j = i;
    for (;;) {
      j = (j + 1) & mask_;
      if (slots_[j].idx == kNone) break;
      const std::size_t home = slots_[j].hash & mask_;
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i].idx = kNone;
    --size_;
    return true;
  }
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    uint32_t hash = 0;
    uint32_t idx = kNone;
  };
  static uint32_t hash(std::string_view id) {
    const uint64_t h = std::hash<std::string_view>{}(id);
    return static_cast<uint32_t>(h ^ (h >> 32));
  }
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot &s : old) {
      if (s.idx == kNone) continue;
      std::size_t i = s.hash & mask_;
      while (slots_[i].idx != kNone) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

/// Sorted blocks of keys. Key needs operator<; keys are unique.
template <class Key>
class BlockList {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const Key &front() const { return blocks_.front().front(); }

  void insert(const Key &k) {
    if (size_++ == 0) {
      // The last emptied block is kept: a bucket that drains and refills
      // (idle agents take each arrival at once) does not allocate.
      if (blocks_.empty()) blocks_.emplace_back();
      blocks_.front().push_back(k);
      return;
    }
    // The first block whose last key is not below k (arrivals: the last).
    std::size_t b = blocks_.size() - 1;
    if (!(blocks_[b].back() < k)) b = blockOf(k);
    auto &blk = blocks_[b];
    blk.insert(std::lower_bound(blk.begin(), blk.end(), k), k);
    if (blk.size() > kMax) {
      // Split in halves; the new block takes the upper half.
      std::vector<Key> upper;
      upper.reserve(kMax);
      upper.assign(blk.begin() + kMax / 2, blk.end());
      blk.resize(kMax / 2);
      blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(b) + 1, std::move(upper));
    }
  }

  bool erase(const Key &k) {
    if (size_ == 0) return false;
    const std::size_t b = blocks_.front().back() < k ? blockOf(k) : 0;
    if (b == blocks_.size()) return false;
    auto &blk = blocks_[b];
    auto it = std::lower_bound(blk.begin(), blk.end(), k);
    if (it == blk.end() || k < *it) return false;
    blk.erase(it);
    --size_;
    if (blk.empty()) {
      if (blocks_.size() > 1) blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(b));
    } else if (blk.size() < kMax / 8 && b + 1 < blocks_.size() && blk.size() + blocks_[b + 1].size() <= kMax / 2) {
      // Keep blocks from thinning out (rank and search cost blocks, not keys).
      auto &next = blocks_[b + 1];
      blk.insert(blk.end(), next.begin(), next.end());
      blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(b) + 1);
    }
    return true;
  }

  /// Number of keys below k.
  std::size_t rank(const Key &k) const {
    if (size_ == 0) return 0;
    std::size_t n = 0;
    for (const auto &blk : blocks_) {
      if (blk.back() < k) {
        n += blk.size();
        continue;
      }
      return n + static_cast<std::size_t>(std::lower_bound(blk.begin(), blk.end(), k) - blk.begin());
    }
    return n;
  }

 private:
  static constexpr std::size_t kMax = 128;  // keys per block before a split

  /// Index of the first block whose last key is >= k (size() if none).
  std::size_t blockOf(const Key &k) const {
    auto it = std::partition_point(blocks_.begin(), blocks_.end(),
                                   [&k](const std::vector<Key> &blk) { return blk.back() < k; });
    return static_cast<std::size_t>(it - blocks_.begin());
  }

  std::vector<std::vector<Key>> blocks_;  // sorted, in order; non-empty unless size_ == 0 (then one block)
  std::size_t size_ = 0;
};

/// A sorted vector with a gap at the front: an insert or erase moves the
/// shorter side, so the front and the back are O(1).
template <class Key>
class GapSortedVector {
 public:
  using const_iterator = typename std::vector<Key>::const_iterator;
  bool empty() const { return begin_ == v_.size(); }
  std::size_t size() const { return v_.size() - begin_; }
  const Key &front() const { return v_[begin_]; }
  const Key &operator[](std::size_t i) const { return v_[begin_ + i]; }
  const_iterator begin() const { return v_.begin() + static_cast<std::ptrdiff_t>(begin_); }
  const_iterator end() const { return v_.end(); }
  const_iterator lowerBound(const Key &k) const { return std::lower_bound(begin(), end(), k); }

  void insert(const Key &k) { insertAt(static_cast<std::size_t>(lowerBound(k) - v_.begin()), k); }

  void erase(const Key &k) {
    auto it = lowerBound(k);
    if (it == end() || k < *it) return;
    eraseAt(static_cast<std::size_t>(it - v_.begin()));
  }

  // Raw access for batchLowerBound(): positions are absolute indexes into the
  // storage, live in [first(), last()).
  const Key *raw() const { return v_.data(); }
  std::size_t first() const { return begin_; }
  std::size_t last() const { return v_.size(); }

  /// p: the absolute lower bound of k.
  void insertAt(std::size_t p, const Key &k) {
    if (begin_ > 0 && p - begin_ < v_.size() - p) {
      // Shift the front part left into the gap.
      std::move(v_.begin() + static_cast<std::ptrdiff_t>(begin_), v_.begin() + static_cast<std::ptrdiff_t>(p),
                v_.begin() + static_cast<std::ptrdiff_t>(begin_) - 1);
      --begin_;
      v_[p - 1] = k;
    } else {
      v_.insert(v_.begin() + static_cast<std::ptrdiff_t>(p), k);
    }
  }

  /// p: the absolute index of a live key.
  void eraseAt(std::size_t p) {
    if (p - begin_ < v_.size() - p - 1) {
      std::move_backward(v_.begin() + static_cast<std::ptrdiff_t>(begin_), v_.begin() + static_cast<std::ptrdiff_t>(p),
                         v_.begin() + static_cast<std::ptrdiff_t>(p) + 1);
      ++begin_;
    } else {
      v_.erase(v_.begin() + static_cast<std::ptrdiff_t>(p));
    }
    if (begin_ == v_.size()) {
      v_.clear();
      begin_ = 0;
    } else if (begin_ >= 32 && begin_ > size()) {
      // The gap outgrew the content: close it (amortised O(1) per erase).
      v_.erase(v_.begin(), v_.begin() + static_cast<std::ptrdiff_t>(begin_));
      begin_ = 0;
    }
  }

 private:
  std::vector<Key> v_;
  std::size_t begin_ = 0;  // [0, begin_) is the gap
};

/// One insert or erase in a GapSortedVector, for batchLowerBound().
template <class Key>
struct SetOp {
  GapSortedVector<Key> *set;
  Key key;
  std::size_t pos = 0;  // out: absolute lower bound of key
  std::size_t len = 0;  // search state
};

/// Finds the lower bound of every op's key in its set, advancing all the
/// binary searches in lock step. An agent sits in tens of sets, each cold and
/// elsewhere in memory: one search after another waits on every probe in
/// turn, while in lock step the probes of all sets are in flight together.
template <class Key>
void batchLowerBound(std::vector<SetOp<Key>> &ops) {
  bool more = false;
  for (auto &op : ops) {
    op.pos = op.set->first();
    op.len = op.set->last() - op.pos;
    more |= op.len != 0;
  }
  while (more) {
    for (const auto &op : ops)
      if (op.len != 0) __builtin_prefetch(op.set->raw() + op.pos + op.len / 2);
    more = false;
    for (auto &op : ops) {
      if (op.len == 0) continue;
      const std::size_t half = op.len / 2;
      if (op.set->raw()[op.pos + half] < op.key) {
        op.pos += half + 1;
        op.len -= half + 1;
      } else {
        op.len = half;
      }
      more |= op.len != 0;
    }
  }
}

}  // namespace hujiao::acd::detail
