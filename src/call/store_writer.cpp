#include "call/store_writer.h"

namespace hujiao::call {

StoreWriter::StoreWriter(TelephonyStore& store)
    : store_(store),
      writer_({.module = "call", .name = "store writer"},
              [this](std::vector<Msg>& batch, store::BatchWriterCore& core) { write(batch, core); }) {}

void StoreWriter::upsertRegistrations(std::vector<sip::Binding> b) {
  if (!b.empty()) writer_.push(UpsertReg{std::move(b)});
}
void StoreWriter::deleteRegistrations(std::vector<sip::Binding> b) {
  if (!b.empty()) writer_.push(DeleteReg{std::move(b)});
}
void StoreWriter::upsertBlock(sip::BlockedAddress b) { writer_.push(UpsertBlock{std::move(b)}); }
void StoreWriter::deleteBlock(std::string address) { writer_.push(DeleteBlock{std::move(address)}); }
void StoreWriter::insertCdr(Cdr c) { writer_.push(std::move(c)); }

void StoreWriter::write(std::vector<Msg>& batch, store::BatchWriterCore& core) {
  // Consecutive messages of one kind go to the store as one batch; order
  // between kinds is kept (a delete after an upsert of the same binding).
  size_t i = 0;
  while (i < batch.size()) {
    const size_t kind = batch[i].index();
    size_t j = i;
    if (kind == 0 || kind == 1) {
      std::vector<sip::Binding> all;
      while (j < batch.size() && batch[j].index() == kind) {
        auto& v = kind == 0 ? std::get<UpsertReg>(batch[j]).b : std::get<DeleteReg>(batch[j]).b;
        all.insert(all.end(), v.begin(), v.end());
        ++j;
      }
      core.check(kind == 0 ? store_.upsertRegistrations(all) : store_.deleteRegistrations(all), "registrations",
                 all.size());
    } else if (kind == 4) {
      std::vector<Cdr> cdrs;
      while (j < batch.size() && batch[j].index() == kind) cdrs.push_back(std::move(std::get<Cdr>(batch[j++])));
      core.check(store_.insertCdrs(cdrs), "cdrs", cdrs.size());
    } else if (kind == 2) {
      core.check(store_.upsertBlock(std::get<UpsertBlock>(batch[j++]).b), "block");
    } else {
      core.check(store_.deleteBlock(std::get<DeleteBlock>(batch[j++]).address), "unblock");
    }
    i = j;
  }
}

}  // namespace hujiao::call
