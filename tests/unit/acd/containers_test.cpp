// The Acd's internal flat containers against std reference containers, with
// random operation sequences large enough to split and merge blocks, open
// and close the front gap and wrap the hash table's probe runs.
#include "acd/containers.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

namespace hujiao::acd::detail {
namespace {

struct K {
  int a = 0;
  int b = 0;
  friend bool operator<(const K &x, const K &y) { return x.a != y.a ? x.a < y.a : x.b < y.b; }
  friend bool operator==(const K &x, const K &y) = default;
};

TEST(BlockList, MatchesAnOrderedSetUnderRandomInsertEraseAndRank) {
  std::mt19937 rng(7);
  BlockList<K> list;
  std::set<K> ref;
  int next = 0;
  for (int step = 0; step < 60000; ++step) {
    const unsigned op = rng() % 10;
    if (op < 5 || ref.empty()) {
      // Mostly appended (arrivals), sometimes anywhere (priorities, moves).
      const K k = op < 3 ? K{0, next++} : K{int(rng() % 5) - 2, int(rng() % 100000)};
      if (ref.insert(k).second) list.insert(k);
    } else if (op < 8) {
      const K k = *ref.begin();  // routing takes the head
      ref.erase(ref.begin());
      ASSERT_TRUE(list.erase(k));
    } else {
      auto it = ref.lower_bound(K{int(rng() % 5) - 2, int(rng() % 100000)});
      if (it == ref.end()) continue;
      const K k = *it;
      ref.erase(it);
      ASSERT_TRUE(list.erase(k));
    }
    ASSERT_EQ(list.size(), ref.size());
    if (!ref.empty()) {
      ASSERT_EQ(list.front(), *ref.begin());
    }
    if (step % 97 == 0) {
      const K probe{int(rng() % 5) - 2, int(rng() % 100000)};
      ASSERT_EQ(list.rank(probe), std::size_t(std::distance(ref.begin(), ref.lower_bound(probe))));
    }
  }
  EXPECT_FALSE(list.erase(K{99, 99}));
  while (!ref.empty()) {
    ASSERT_TRUE(list.erase(*ref.begin()));
    ref.erase(ref.begin());
  }
  EXPECT_TRUE(list.empty());
  list.insert(K{1, 1});  // the emptied list is usable again
  EXPECT_EQ(list.front(), (K{1, 1}));
  EXPECT_EQ(list.rank(K{1, 2}), 1u);
}

TEST(GapSortedVector, MatchesAnOrderedSetIncludingBatchedLookups) {
  std::mt19937 rng(11);
  GapSortedVector<K> v;
  std::set<K> ref;
  for (int step = 0; step < 40000; ++step) {
    const unsigned op = rng() % 6;
    if (op < 2) {
      const K k{int(rng() % 3), int(rng() % 5000)};
      if (ref.insert(k).second) v.insert(k);
    } else if (op == 2 && !ref.empty()) {
      v.erase(*ref.begin());  // the best agent is taken
      ref.erase(ref.begin());
    } else if (op == 3) {
      const K k{3, step};  // the newest idle agent goes last
      ref.insert(k);
      v.insert(k);
    } else if (op == 4 && !ref.empty()) {
      auto it = ref.lower_bound(K{int(rng() % 4), int(rng() % 5000)});
      if (it == ref.end()) continue;
      v.erase(*it);
      ref.erase(it);
    } else {
      v.erase(K{-1, 0});  // absent: no change
    }
    ASSERT_EQ(v.size(), ref.size());
    if (step % 101 == 0) {
      std::size_t i = 0;
      for (const K &k : ref) ASSERT_EQ(v[i++], k);
    }
  }
  // Batched lower bounds agree with one-by-one ones across several sets.
  std::vector<GapSortedVector<K>> sets(5);
  for (int s = 0; s < 5; ++s)
    for (int i = 0; i < 50 * s; ++i) sets[std::size_t(s)].insert(K{0, int(rng() % 1000)});
  std::vector<SetOp<K>> ops;
  for (int s = 0; s < 5; ++s) ops.push_back({&sets[std::size_t(s)], K{0, int(rng() % 1000)}});
  batchLowerBound(ops);
  for (const auto &op : ops)
    EXPECT_EQ(op.pos, std::size_t(op.set->lowerBound(op.key) - op.set->begin()) + op.set->first());
}

TEST(IdIndex, MatchesAMapUnderRandomInsertFindErase) {
  std::mt19937 rng(13);
  std::vector<std::string> names;
  IdIndex index;
  std::map<std::string, uint32_t> ref;
  auto keyOf = [&names](uint32_t i) -> std::string_view { return names[i]; };
  for (int step = 0; step < 50000; ++step) {
    const std::string id = "id" + std::to_string(rng() % 3000);
    if (rng() % 2) {
      if (ref.count(id)) continue;
      const auto idx = static_cast<uint32_t>(names.size());
      names.push_back(id);
      index.insert(names.back(), idx);
      ref[id] = idx;
    } else {
      EXPECT_EQ(index.erase(id, keyOf), ref.erase(id) == 1);
    }
    const std::string probe = "id" + std::to_string(rng() % 3000);
    auto it = ref.find(probe);
    ASSERT_EQ(index.find(probe, keyOf), it == ref.end() ? kNone : it->second);
    ASSERT_EQ(index.size(), ref.size());
  }
  for (const auto &[id, idx] : ref) ASSERT_EQ(index.find(id, keyOf), idx);
}

TEST(ChunkedVector, KeepsAddressesAcrossGrowth) {
  ChunkedVector<std::string, 2> v;
  v.emplace_back() = "first";
  const std::string *first = &v[0];
  for (int i = 1; i < 100; ++i) v.emplace_back() = std::to_string(i);
  EXPECT_EQ(first, &v[0]);
  EXPECT_EQ(v.size(), 100u);
  EXPECT_EQ(v[57], "57");
  int n = 0;
  for (const auto &s : v) n += s.empty() ? 0 : 1;
  EXPECT_EQ(n, 100);
}

}  // namespace
}  // namespace hujiao::acd::detail
