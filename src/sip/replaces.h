#pragma once
// Replaces (RFC 3891): parsing the header value (also found escaped in a
// Refer-To URI) and deciding whether it names one of our dialogs. Matching
// is by Call-ID *and* both tags, seen from our side: the to-tag is our local
// tag on that dialog, the from-tag the peer's; `early-only` refuses a dialog
// that is already confirmed.
//
// Threads: pure functions, any thread.
#include <optional>
#include <string>
#include <string_view>

namespace hujiao::sip {

struct ReplacesSpec {
  std::string callId;
  std::string toTag;
  std::string fromTag;
  bool earlyOnly = false;
};

/// "callid;to-tag=x;from-tag=y[;early-only]" -> spec; nullopt when the
/// Call-ID or either tag is missing (RFC 3891 makes both tags mandatory).
std::optional<ReplacesSpec> parseReplaces(std::string_view value);

/// Decodes %XX escapes (a Replaces value inside a Refer-To URI); a malformed
/// escape is kept literally.
std::string unescapeUriHeader(std::string_view s);

/// One of our dialogs, as a Replaces candidate.
struct DialogView {
  std::string callId;
  std::string localTag;
  std::string remoteTag;
  enum class Phase { Early, Confirmed, Terminated } phase = Phase::Confirmed;
  bool weInitiated = false;  // we sent the dialog-creating INVITE
};

/// 0: `d` may be replaced. Otherwise the status RFC 3891 section 3 gives:
/// 481 (not this dialog, or an early dialog we did not initiate), 486
/// (early-only but confirmed), 603 (already terminated).
int checkReplaces(const ReplacesSpec& spec, const DialogView& d);

}  // namespace hujiao::sip
