// RFC 3891 Replaces: parsing (also from an escaped Refer-To header) and the
// dialog match by Call-ID + both tags, with early-only.
#include "sip/replaces.h"

#include <gtest/gtest.h>

namespace hujiao::sip {
namespace {

DialogView dialog(DialogView::Phase phase = DialogView::Phase::Confirmed, bool weInitiated = false) {
  DialogView d;
  d.callId = "abc@host";
  d.localTag = "ours";
  d.remoteTag = "theirs";
  d.phase = phase;
  d.weInitiated = weInitiated;
  return d;
}

TEST(Replaces, ParsesCallIdTagsAndEarlyOnly) {
  auto s = parseReplaces("abc@host;to-tag=ours;from-tag=theirs;early-only");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->callId, "abc@host");
  EXPECT_EQ(s->toTag, "ours");
  EXPECT_EQ(s->fromTag, "theirs");
  EXPECT_TRUE(s->earlyOnly);
  auto t = parseReplaces("abc@host; From-Tag=theirs ;TO-TAG=ours");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->toTag, "ours");
  EXPECT_EQ(t->fromTag, "theirs");
  EXPECT_FALSE(t->earlyOnly);
}

TEST(Replaces, MissingTagOrCallIdIsMalformed) {
  EXPECT_FALSE(parseReplaces("abc@host;to-tag=ours"));
  EXPECT_FALSE(parseReplaces("abc@host;from-tag=theirs"));
  EXPECT_FALSE(parseReplaces(";to-tag=a;from-tag=b"));
  EXPECT_FALSE(parseReplaces(""));
}

TEST(Replaces, UnescapesReferToHeaderValue) {
  EXPECT_EQ(unescapeUriHeader("abc%40host%3Bto-tag%3Dours"), "abc@host;to-tag=ours");
  // Bad escapes are kept as they are instead of throwing.
  EXPECT_EQ(unescapeUriHeader("a%zzb%4"), "a%zzb%4");
  EXPECT_EQ(unescapeUriHeader("%"), "%");
}

TEST(Replaces, MatchNeedsCallIdAndBothTags) {
  ReplacesSpec ok{"abc@host", "ours", "theirs", false};
  EXPECT_EQ(checkReplaces(ok, dialog()), 0);
  EXPECT_EQ(checkReplaces({"other@host", "ours", "theirs", false}, dialog()), 481);
  EXPECT_EQ(checkReplaces({"abc@host", "wrong", "theirs", false}, dialog()), 481);
  EXPECT_EQ(checkReplaces({"abc@host", "ours", "wrong", false}, dialog()), 481);
  // Tags the wrong way round (the peer's view instead of ours) do not match.
  EXPECT_EQ(checkReplaces({"abc@host", "theirs", "ours", false}, dialog()), 481);
}

TEST(Replaces, EarlyOnlyAndDialogPhases) {
  ReplacesSpec early{"abc@host", "ours", "theirs", true};
  EXPECT_EQ(checkReplaces(early, dialog(DialogView::Phase::Confirmed)), 486);
  EXPECT_EQ(checkReplaces(early, dialog(DialogView::Phase::Early, true)), 0);
  // An early dialog someone else initiated (we are its UAS) cannot be replaced.
  EXPECT_EQ(checkReplaces(early, dialog(DialogView::Phase::Early, false)), 481);
  ReplacesSpec any{"abc@host", "ours", "theirs", false};
  EXPECT_EQ(checkReplaces(any, dialog(DialogView::Phase::Terminated)), 603);
}

}  // namespace
}  // namespace hujiao::sip
