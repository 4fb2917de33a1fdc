#include "center/ivr_writer.h"

#include <type_traits>

namespace hujiao::center {

IvrWriter::IvrWriter(IvrStore& store)
    : store_(store),
      writer_({.module = "ivr", .name = "ivr writer"},
              [this](std::vector<Msg>& batch, store::BatchWriterCore& core) { write(batch, core); }) {}

void IvrWriter::write(std::vector<Msg>& batch, store::BatchWriterCore& core) {
  // One row per store call: these rows are rare (one per finished IVR call).
  for (auto& m : batch) {
    std::visit(
        [&](auto& row) {
          using T = std::decay_t<decltype(row)>;
          if constexpr (std::is_same_v<T, PathRow>) core.check(store_.insertPath(row), "path");
          else if constexpr (std::is_same_v<T, VoicemailRow>) core.check(store_.insertVoicemail(row), "voicemail");
          else if constexpr (std::is_same_v<T, CallbackRow>) core.check(store_.insertCallback(row), "callback");
          else core.check(store_.insertSurvey(row), "survey");
        },
        m);
  }
}

}  // namespace hujiao::center
