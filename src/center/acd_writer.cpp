#include "center/acd_writer.h"

#include <exception>
#include <string>

namespace hujiao::center {

AcdWriter::AcdWriter(AcdStore& store)
    : store_(store),
      writer_({.module = "acd", .name = "acd writer"},
              [this](std::vector<Msg>& batch, store::BatchWriterCore& core) { write(batch, core); }) {}

void AcdWriter::write(std::vector<Msg>& batch, store::BatchWriterCore& core) {
  std::vector<StateRow> states;
  auto flushStates = [&] {
    if (states.empty()) return;
    core.check(store_.insertStates(states), "agent state history", states.size());
    states.clear();
  };
  for (auto& m : batch) {
    if (auto* s = std::get_if<StateRow>(&m)) {
      states.push_back(std::move(*s));
      continue;
    }
    flushStates();
    if (auto* d = std::get_if<DispositionRow>(&m)) {
      const std::string what = "disposition of " + d->interactionId;
      core.check(store_.insertDisposition(*d), what.c_str());
    } else if (auto* j = std::get_if<Job>(&m)) {
      // A job reports its own errors; one that throws must not take the
      // rest of the batch with it.
      try {
        (*j)(store_);
      } catch (const std::exception& e) {
        core.fail(std::string("job threw: ") + e.what());
      }
    }
  }
  flushStates();
}

}  // namespace hujiao::center
