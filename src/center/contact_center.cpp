#include "center/contact_center.h"

#include <future>

#include "call/telephony_service.h"
#include "center/acd_service.h"
#include "center/ivr_service.h"
#include "center/records_service.h"

namespace hujiao::center {

void ContactCenter::addConfig(core::ConfigSchema& schema) {
  IvrService::addConfig(schema);
  AcdService::addConfig(schema);
  RecordsService::addConfig(schema);
}

std::vector<store::Migration> ContactCenter::migrations() {
  std::vector<store::Migration> all;
  for (auto&& part : {IvrService::migrations(), AcdService::migrations(), RecordsService::migrations()})
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

ContactCenter::ContactCenter(CenterContext base) : ctx_(base) {
  if (!ctx_.clock) ctx_.clock = &core::SystemClock::instance();
  ctx_.router = &router_;
  // Order: records first (the others report into it), then the ACD (the IVR
  // hands calls to it), then the IVR.
  records_ = std::make_unique<RecordsService>(ctx_);
  ctx_.records = records_.get();
  acd_ = std::make_unique<AcdService>(ctx_);
  ivr_ = std::make_unique<IvrService>(ctx_);
}

ContactCenter::~ContactCenter() = default;

void ContactCenter::attach(call::TelephonyService& tel) {
  ctx_.telephony = &tel;
  ctx_.control = &tel.controlQueue();
  tel.setApp(
      [this](call::CallControl& calls) {
        ctx_.calls = &calls;
        calls.setAppListener(&router_);
        records_->attach();
        acd_->attach();
        ivr_->attach();
      },
      [this] {
        records_->tick();
        acd_->tick();
        ivr_->tick();
      });
}

bool ContactCenter::drain(std::chrono::milliseconds timeout) {
  bool answered = true;
  if (ctx_.control) {
    auto done = std::make_shared<std::promise<void>>();
    auto f = done->get_future();
    ctx_.control->post([this, done] {
      router_.setAccepting(false);
      done->set_value();
    });
    answered = f.wait_for(timeout) == std::future_status::ready;
  } else {
    router_.setAccepting(false);  // no control thread: nobody else touches the router
  }
  acd_->writer().flush();
  ivr_->flushWrites();
  return answered;
}

void ContactCenter::stop() {
  ivr_->stop();
  acd_->stop();
  records_->stop();
}

}  // namespace hujiao::center
