// Departments on both backends: CRUD, sibling-unique names, the tree, lists.
#include <algorithm>

#include "test_support.h"

namespace hujiao::store::test {
namespace {

class DepartmentsTest : public StoreTest {
 protected:
  Department make(const std::string& name, const std::string& parent = "") {
    Department d;
    d.name = name;
    d.parentId = parent;
    auto r = s().departments().create(d);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : d;
  }
};

TEST_P(DepartmentsTest, CreateGetUpdateRemove) {
  Department d;
  d.name = "Sales";
  d.description = "the people who sell";
  auto created = s().departments().create(d);
  ASSERT_OK(created);
  EXPECT_FALSE(created->id.empty());
  EXPECT_GT(created->createdUs, 0);
  EXPECT_EQ(created->updatedUs, created->createdUs);

  auto got = s().departments().get(created->id);
  ASSERT_OK(got);
  EXPECT_EQ(got->name, "Sales");
  EXPECT_EQ(got->description, "the people who sell");
  EXPECT_EQ(got->parentId, "");
  EXPECT_EQ(got->createdUs, created->createdUs);

  Department change = *got;
  change.name = "Sales EMEA";
  change.description = "";
  auto updated = s().departments().update(change);
  ASSERT_OK(updated);
  EXPECT_EQ(updated->name, "Sales EMEA");
  EXPECT_EQ(updated->description, "");
  EXPECT_EQ(updated->createdUs, created->createdUs);
  EXPECT_GE(updated->updatedUs, created->updatedUs);

  ASSERT_OK(s().departments().remove(created->id));
  EXPECT_CODE(s().departments().get(created->id), "not_found");
  EXPECT_CODE(s().departments().remove(created->id), "not_found");
}

TEST_P(DepartmentsTest, NotFoundAndInvalid) {
  EXPECT_CODE(s().departments().get("nope"), "not_found");
  Department ghost;
  ghost.id = "nope";
  ghost.name = "Ghost";
  EXPECT_CODE(s().departments().update(ghost), "not_found");
  Department orphan;
  orphan.name = "Orphan";
  orphan.parentId = "no-such-parent";
  EXPECT_CODE(s().departments().create(orphan), "invalid");
  Department unnamed;
  EXPECT_CODE(s().departments().create(unnamed), "invalid");
}

TEST_P(DepartmentsTest, NamesAreUniqueAmongSiblingsOnly) {
  Department a = make("A");
  Department b = make("B");
  Department dup;
  dup.name = "A";
  EXPECT_CODE(s().departments().create(dup), "conflict");  // two roots named A
  make("Support", a.id);
  make("Support", b.id);  // same name, other parent: fine
  Department again;
  again.name = "Support";
  again.parentId = a.id;
  auto r = s().departments().create(again);
  EXPECT_CODE(r, "conflict");
  EXPECT_NE(r.error().message.find("Support"), std::string::npos) << r.error().message;
  // Renaming onto a sibling's name conflicts too.
  Department rename = b;
  rename.name = "A";
  EXPECT_CODE(s().departments().update(rename), "conflict");
  // Same id twice.
  Department sameId;
  sameId.id = a.id;
  sameId.name = "Other";
  EXPECT_CODE(s().departments().create(sameId), "conflict");
}

TEST_P(DepartmentsTest, SubtreeAndNoCycles) {
  Department a = make("A");
  Department b = make("B", a.id);
  Department c = make("C", b.id);
  Department d = make("D", a.id);
  Department other = make("Other");
  auto all = s().departments().subtree(a.id);
  ASSERT_OK(all);
  std::vector<std::string> want = {a.id, b.id, c.id, d.id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(*all, want);
  auto sub = s().departments().subtree(b.id);
  ASSERT_OK(sub);
  std::vector<std::string> wantB = {b.id, c.id};
  std::sort(wantB.begin(), wantB.end());
  EXPECT_EQ(*sub, wantB);
  auto leaf = s().departments().subtree(other.id);
  ASSERT_OK(leaf);
  EXPECT_EQ(*leaf, std::vector<std::string>{other.id});
  EXPECT_CODE(s().departments().subtree("nope"), "not_found");

  // A cannot move below C (its own descendant) nor below itself.
  Department moveA = a;
  moveA.parentId = c.id;
  EXPECT_CODE(s().departments().update(moveA), "invalid");
  moveA.parentId = a.id;
  EXPECT_CODE(s().departments().update(moveA), "invalid");
  // Moving D under Other is fine and changes the subtrees.
  Department moveD = d;
  moveD.parentId = other.id;
  ASSERT_OK(s().departments().update(moveD));
  auto otherTree = s().departments().subtree(other.id);
  ASSERT_OK(otherTree);
  EXPECT_EQ(otherTree->size(), 2u);
}

TEST_P(DepartmentsTest, RemoveRefusesDepartmentsInUse) {
  Department a = make("A");
  Department b = make("B", a.id);
  EXPECT_CODE(s().departments().remove(a.id), "conflict");
  User u;
  u.username = "bob";
  u.departmentId = b.id;
  auto user = s().users().create(u);
  ASSERT_OK(user);
  EXPECT_CODE(s().departments().remove(b.id), "conflict");
  ASSERT_OK(s().users().remove(user->id));
  ASSERT_OK(s().departments().remove(b.id));
  ASSERT_OK(s().departments().remove(a.id));
}

TEST_P(DepartmentsTest, ListPagesSearchesAndFilters) {
  std::vector<Department> made;
  for (int i = 0; i < 25; ++i) {
    std::string name = i % 5 == 0 ? "Sales " + std::to_string(i) : "Dept_" + std::to_string(i);
    made.push_back(make(name));
  }
  make("pre-SALES");
  make("100% support");

  ListQuery q;
  q.limit = 10;
  auto first = s().departments().list(q);
  ASSERT_OK(first);
  EXPECT_EQ(first->total, 27);
  ASSERT_EQ(first->items.size(), 10u);
  // Ordered by id (ids are time-ordered to the millisecond).
  for (size_t i = 1; i < first->items.size(); ++i) EXPECT_LT(first->items[i - 1].id, first->items[i].id);
  q.offset = 20;
  auto last = s().departments().list(q);
  ASSERT_OK(last);
  EXPECT_EQ(last->items.size(), 7u);
  EXPECT_EQ(last->total, 27);
  q.offset = 100;
  auto past = s().departments().list(q);
  ASSERT_OK(past);
  EXPECT_TRUE(past->items.empty());
  EXPECT_EQ(past->total, 27);

  ListQuery search;
  search.search = "sAlEs";  // case-insensitive substring
  auto sales = s().departments().list(search);
  ASSERT_OK(sales);
  EXPECT_EQ(sales->total, 6);  // Sales 0,5,10,15,20 + pre-SALES
  ListQuery percent;
  percent.search = "0%";  // % is literal, not a wildcard
  auto pct = s().departments().list(percent);
  ASSERT_OK(pct);
  ASSERT_EQ(pct->total, 1);
  EXPECT_EQ(pct->items[0].name, "100% support");
  ListQuery underscore;
  underscore.search = "t_1";  // _ is literal: matches Dept_1x only
  auto us = s().departments().list(underscore);
  ASSERT_OK(us);
  EXPECT_EQ(us->total, 9);  // Dept_1, 11..14, 16..19

  ListQuery only;
  only.departmentIds = {made[1].id, made[3].id, "unknown"};
  auto filtered = s().departments().list(only);
  ASSERT_OK(filtered);
  ASSERT_EQ(filtered->total, 2);
  std::vector<std::string> got = {filtered->items[0].id, filtered->items[1].id};
  std::vector<std::string> want = {made[1].id, made[3].id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);

  ListQuery bad;
  bad.limit = 0;
  EXPECT_CODE(s().departments().list(bad), "invalid");
  bad.limit = 1001;
  EXPECT_CODE(s().departments().list(bad), "invalid");
  bad.limit = 10;
  bad.offset = -1;
  EXPECT_CODE(s().departments().list(bad), "invalid");
}

HUJIAO_STORE_BACKENDS(DepartmentsTest);

}  // namespace
}  // namespace hujiao::store::test
