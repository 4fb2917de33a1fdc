// Media worker: the packet path (read, latch, relay, write) and the 20 ms tick.
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "media/worker.h"

namespace hujiao::media {

namespace {
inline int16_t sat16(int32_t v) { return static_cast<int16_t>(std::clamp(v, -32768, 32767)); }
}  // namespace

uint8_t* Worker::allocPacket() {
  if (poolUsed_ >= kPoolPackets) flushSends();
  return pool_.get() + static_cast<size_t>(poolUsed_++) * kPacketBytes;
}

void Worker::queueSend(int fd, const SockAddr& to, uint8_t* data, size_t len) {
  out_.push_back(OutPkt{fd, to.sa(), to.len, data, static_cast<uint32_t>(len)});
}

void Worker::flushSends() {
  size_t i = 0;
  while (i < out_.size()) {
    size_t j = i + 1;
    while (j < out_.size() && out_[j].fd == out_[i].fd && j - i < 64) ++j;
    if (j - i == 1) {
      const OutPkt& p = out_[i];
      if (::sendto(p.fd, p.data, p.len, MSG_DONTWAIT, p.addr, p.addrLen) < 0) {
        counters_.sendErrors.fetch_add(1, std::memory_order_relaxed);
      }
    } else {
      auto n = static_cast<unsigned>(j - i);
      for (unsigned k = 0; k < n; ++k) {
        const OutPkt& p = out_[i + k];
        siov_[k] = iovec{p.data, p.len};
        smsg_[k] = mmsghdr{};
        smsg_[k].msg_hdr.msg_name = const_cast<sockaddr*>(p.addr);
        smsg_[k].msg_hdr.msg_namelen = p.addrLen;
        smsg_[k].msg_hdr.msg_iov = &siov_[k];
        smsg_[k].msg_hdr.msg_iovlen = 1;
      }
      int sent = ::sendmmsg(out_[i].fd, smsg_.get(), n, MSG_DONTWAIT);
      if (sent < static_cast<int>(n)) {
        counters_.sendErrors.fetch_add(n - static_cast<unsigned>(std::max(sent, 0)), std::memory_order_relaxed);
      }
    }
    i = j;
  }
  counters_.txPackets.fetch_add(out_.size(), std::memory_order_relaxed);
  out_.clear();
  poolUsed_ = 0;
}

uint32_t Worker::expectedTs(const Endpoint& ep) const {
  if (ep.lastTxUs == 0) return ep.txTs;
  auto elapsed = static_cast<uint64_t>(std::max<int64_t>(nowUs_ - ep.lastTxUs, 0));
  return ep.txTs + static_cast<uint32_t>(elapsed * static_cast<uint64_t>(ep.rtpRate) / 1'000'000);
}

void Worker::readSocket(Endpoint& ep, bool rtcp) {
  int fd = rtcp ? ep.rtcpFd : ep.rtpFd;
  for (;;) {
    if (kPoolPackets - poolUsed_ < kRecvBatch) flushSends();
    int base = poolUsed_;
    for (int i = 0; i < kRecvBatch; ++i) {
      int k = base + i;
      iov_[k] = iovec{pool_.get() + static_cast<size_t>(k) * kPacketBytes, kPacketBytes};
      mmsg_[k] = mmsghdr{};
      mmsg_[k].msg_hdr.msg_name = &addrs_[k];
      mmsg_[k].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      mmsg_[k].msg_hdr.msg_iov = &iov_[k];
      mmsg_[k].msg_hdr.msg_iovlen = 1;
    }
    int n = ::recvmmsg(fd, &mmsg_[base], kRecvBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    poolUsed_ += n;
    counters_.rxPackets.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
    for (int i = 0; i < n; ++i) {
      int k = base + i;
      uint8_t* buf = pool_.get() + static_cast<size_t>(k) * kPacketBytes;
      size_t len = mmsg_[k].msg_len;
      if (rtcp) onRtcp(ep, buf, len, addrs_[k], mmsg_[k].msg_hdr.msg_namelen);
      else onRtp(ep, buf, len, addrs_[k], mmsg_[k].msg_hdr.msg_namelen);
    }
    if (n < kRecvBatch) return;
  }
}

void Worker::onRtp(Endpoint& ep, uint8_t* buf, size_t len, const sockaddr_storage& src, socklen_t srcLen) {
  auto drop = [&] {
    ++ep.droppedPackets;
    counters_.dropped.fetch_add(1, std::memory_order_relaxed);
  };
  if (!ep.canReceive()) return drop();
  auto h = parseRtp(buf, len);
  if (!h) return drop();
  bool te = ep.media.recvTePt >= 0 && h->payloadType == ep.media.recvTePt;
  if (!te && h->payloadType != ep.media.recvPt && h->payloadType != ep.media.sendPt) return drop();

  // Symmetric RTP: latch to the first source; a packet from the SDP address is always
  // trusted; another source takes over only after the latched one has been silent
  // and the newcomer sent several consecutive packets of one SSRC (anti-hijack).
  if (cfg_.symmetricRtp && !ep.sendAddr.same(src, srcLen)) {
    bool take = !ep.latched || ep.sdpRemote.same(src, srcLen);
    if (!take) {
      if (nowUs_ - ep.lastRxUs < int64_t{cfg_.relatchSilenceMs} * 1000) return drop();
      if (ep.candidate.same(src, srcLen) && ep.candidateSsrc == h->ssrc) {
        ++ep.candidateCount;
      } else {
        std::memcpy(&ep.candidate.ss, &src, srcLen);
        ep.candidate.len = srcLen;
        ep.candidateSsrc = h->ssrc;
        ep.candidateCount = 1;
      }
      if (ep.candidateCount < cfg_.relatchPackets) return drop();
    }
    std::memcpy(&ep.sendAddr.ss, &src, srcLen);
    ep.sendAddr.len = srcLen;
    ep.candidateCount = 0;
  }
  ep.latched = true;
  ep.lastRxUs = nowUs_;
  if (ep.timedOut) {
    ep.timedOut = false;
    MediaEvent ev;
    ev.type = MediaEvent::Type::RtpResumed;
    ev.endpoint = ep.id;
    emit(std::move(ev));
  }
  auto arrivalTs = static_cast<uint32_t>(static_cast<uint64_t>(nowUs_) * static_cast<uint64_t>(ep.rtpRate) / 1'000'000);
  ep.rx.onPacket(h->ssrc, h->seq, h->timestamp, arrivalTs, h->payloadLen);

  Endpoint* to = ep.bridgePeer;
  bool relayTo = to && to->relayFrom == &ep;
  if (te) {
    // Digits are reported only where control turned detection on (detectDtmf); otherwise a
    // telephone-event only stops a stopOnDtmf prompt. IVR calls keep detection on all along.
    if (ep.dtmfEvents || (ep.playback && ep.playback->stopOnDtmf())) {
      if (auto ev = parseTelephoneEvent(buf + h->headerLen, h->payloadLen)) {
        ep.teRx.noteTime(nowUs_);
        if (auto d = ep.teRx.onPacket(*ev, h->timestamp, 8000)) onDigit(ep, d->digit, d->durationMs);
      }
    }
    if (relayTo && to->media.sendTePt >= 0) relay(ep, *to, buf, len, *h, true);
    return;
  }
  if (ep.needRx && ep.audio) {
    if (ep.lane && !ep.lane->put(h->timestamp, buf + h->headerLen, h->payloadLen)) {
      ep.laneOff = true;  // not 20 ms G.711: back to the jitter buffer from the next topology pass
      dirty_ = true;
    }
    if (!ep.lane || ep.laneOff) {
      ep.audio->jb->put(h->seq, h->timestamp, buf + h->headerLen, h->payloadLen, nowUs_, ep.rtpRate / 1000);
    }
  }
  if (relayTo) relay(ep, *to, buf, len, *h, false);
}

void Worker::relay(Endpoint& /*from*/, Endpoint& to, uint8_t* buf, size_t len, const RtpHeader& h, bool te) {
  if (!to.canSend() || to.txOverride()) return;
  bool marker = h.marker;
  if (to.relayRestart || h.ssrc != to.relayInSsrc) {
    to.relayInSsrc = h.ssrc;
    to.seqDelta = static_cast<uint16_t>(to.txSeq + 1 - h.seq);
    to.tsDelta = expectedTs(to) - h.timestamp;
    to.relayRestart = false;
    marker = true;
  }
  auto seq = static_cast<uint16_t>(h.seq + to.seqDelta);
  uint32_t ts = h.timestamp + to.tsDelta;
  rewriteRtp(buf, static_cast<uint8_t>(te ? to.media.sendTePt : to.media.sendPt), marker, seq, ts, to.txSsrc);
  if (seqNewer(seq, to.txSeq)) to.txSeq = seq;
  if (!te && static_cast<int32_t>(ts - to.txTs) > 0) {
    to.txTs = ts;
    to.lastTxUs = nowUs_;
  }
  ++to.txc.packets;
  to.txc.octets += static_cast<uint32_t>(h.payloadLen);
  to.txc.lastRtpTs = ts;
  to.sentSinceReport = true;
  queueSend(to.rtpFd, to.sendAddr, buf, len);
  counters_.relayed.fetch_add(1, std::memory_order_relaxed);
}

void Worker::onRtcp(Endpoint& ep, const uint8_t* buf, size_t len, const sockaddr_storage& src, socklen_t srcLen) {
  timespec wall{};
  clock_gettime(CLOCK_REALTIME, &wall);
  wallUs_ = static_cast<int64_t>(wall.tv_sec) * 1'000'000 + wall.tv_nsec / 1000;
  if (!parseRtcp(buf, len, ep.txSsrc, ep.remote, nowUs_, wallUs_)) {
    ++ep.droppedPackets;
    return;
  }
  if (!ep.rtcpLatched || !ep.rtcpAddr.same(src, srcLen)) {
    std::memcpy(&ep.rtcpAddr.ss, &src, srcLen);
    ep.rtcpAddr.len = srcLen;
    ep.rtcpLatched = true;
  }
}

void Worker::onDigit(Endpoint& ep, char digit, int durationMs) {
  if (ep.dtmfEvents) {
    MediaEvent ev;
    ev.type = MediaEvent::Type::DtmfDigit;
    ev.endpoint = ep.id;
    ev.digit = digit;
    ev.durationMs = durationMs;
    emit(std::move(ev));
  }
  if (ep.playback && ep.playback->stopOnDtmf()) finishPlayback(ep, "dtmf");
}

void Worker::tick() {
  counters_.ticks.fetch_add(1, std::memory_order_relaxed);
  if (dirty_) deriveRouting();
  ++tickNo_;
  for (Endpoint* ep : tickList_) tickRx(*ep);
  for (auto& c : confs_) tickConference(*c.second);
  for (Endpoint* ep : tickList_) tickTx(*ep);
  for (Endpoint* ep : tickList_) {
    if (ep->recording && ep->audio) tickRecord(*ep);
  }
  flushSends();
  if (tickNo_ % 50 == 0) housekeeping();
  if (dirty_) deriveRouting();
}

const int16_t* Worker::rxAt(Endpoint& ep, int rate) {
  EndpointAudio& a = *ep.audio;
  if (rate == a.rate) return a.rxFrame;
  if (a.rxOtherTick != tickNo_) {
    if (!a.rxConv) a.rxConv = std::make_unique<RateConverter>(a.rate, rate);
    a.rxConv->process(a.rxFrame, a.frame, a.rxOther);
    a.rxOtherTick = tickNo_;
  }
  return a.rxOther;
}

void Worker::tickRx(Endpoint& ep) {
  if (!ep.audio) return;
  EndpointAudio& a = *ep.audio;
  bool received = false;
  if (ep.needRx && ep.canReceive()) received = ep.lane ? ep.lane->get(a.rxFrame) : a.jb->get(*a.codec, a.rxFrame);
  else std::memset(a.rxFrame, 0, sizeof a.rxFrame);
  if (ep.dtmfRx && ep.needRx) {
    DtmfDigit d[4];
    // The detector runs at 8 kHz on received audio only: concealment and underrun silence
    // are gaps, not pauses between key presses (a late burst would otherwise split a digit).
    int n = received ? ep.dtmfRx->process(rxAt(ep, kSampleRate), kFrameSamples, d, 4)
                     : ep.dtmfRx->gap(kFrameSamples, d, 4);
    for (int i = 0; i < n; ++i) onDigit(ep, d[i].digit, d[i].durationMs);
  }
}

void Worker::toLegRate(EndpointAudio& a, const int16_t* pcm8k) {
  // Prompts, tones and in-band DTMF are made at 8 kHz; a wideband leg gets them converted.
  if (a.rate == kSampleRate) {
    std::memcpy(a.txFrame, pcm8k, kFrameSamples * sizeof(int16_t));
    return;
  }
  if (!a.txConv) a.txConv = std::make_unique<RateConverter>(kSampleRate, a.rate);
  a.txConv->process(pcm8k, kFrameSamples, a.txFrame);
}

void Worker::tickTx(Endpoint& ep) {
  if (!ep.audio) return;
  EndpointAudio& a = *ep.audio;
  if (ep.teTx.busy()) {
    a.txValid = false;
    sendTelephoneEvents(ep);
    return;
  }
  if (ep.playback) {
    int16_t pcm[kFrameSamples];
    if (!ep.playback->next(pcm)) finishPlayback(ep, "completed");
    toLegRate(a, pcm);
    a.txValid = true;
  } else if (ep.dtmfTx) {
    int16_t pcm[kFrameSamples];
    if (!ep.dtmfTx->generate(pcm, kFrameSamples)) {
      ep.dtmfTx.reset();
      ep.relayRestart = true;
      dirty_ = true;
    }
    toLegRate(a, pcm);
    a.txValid = true;
  } else if (ep.conf) {
    // tickConference() filled txFrame
  } else if (ep.mixCount > 0) {
    // Summed at this leg's rate: two wideband legs keep 16 kHz, a narrowband source is converted up.
    int32_t sum[kMaxFrameSamples] = {};
    for (int i = 0; i < ep.mixCount; ++i) {
      Endpoint* s = ep.mix[static_cast<size_t>(i)];
      if (!s->audio) continue;
      const int16_t* in = rxAt(*s, a.rate);
      for (int k = 0; k < a.frame; ++k) sum[k] += in[k];
    }
    for (int k = 0; k < a.frame; ++k) a.txFrame[k] = sat16(sum[k]);
    a.txValid = true;
  } else {
    a.txValid = false;
  }
  if (a.txValid && ep.canSend()) sendAudio(ep, a.txFrame);
}

void Worker::sendAudio(Endpoint& ep, const int16_t* pcm) {
  EndpointAudio& a = *ep.audio;
  int ptime = ep.media.ptimeMs;
  if (ep.media.codec == CodecId::Opus && ptime != 10 && ptime != 20 && ptime != 40 && ptime != 60) ptime = 20;
  int spp = std::clamp(ptime * a.rate / 1000, a.rate / 100, a.frame * 3);
  std::memcpy(a.txAccum + a.txAccumLen, pcm, static_cast<size_t>(a.frame) * 2);
  a.txAccumLen += a.frame;
  int off = 0;
  while (a.txAccumLen - off >= spp) {
    uint8_t* buf = allocPacket();
    bool marker = false;
    uint32_t ts;
    if (ep.lastTxUs == 0 || nowUs_ - ep.lastTxUs > 3 * ep.media.ptimeMs * 1000 || ep.relayInSsrc != 0) {
      ts = expectedTs(ep);  // after silence or relayed audio: keep the clock, mark a new talkspurt
      marker = true;
      ep.relayInSsrc = 0;
    } else {
      ts = ep.txTs + static_cast<uint32_t>(static_cast<int64_t>(spp) * ep.rtpRate / a.rate);  // G.722: 16 kHz audio, 8 kHz clock
    }
    int n = a.codec->encode(a.txAccum + off, spp, buf + 12, kPacketBytes - 12);
    off += spp;
    if (n <= 0) continue;
    ++ep.txSeq;
    writeRtpHeader(buf, static_cast<uint8_t>(ep.media.sendPt), marker, ep.txSeq, ts, ep.txSsrc);
    ep.txTs = ts;
    ep.lastTxUs = nowUs_;
    ++ep.txc.packets;
    ep.txc.octets += static_cast<uint32_t>(n);
    ep.txc.lastRtpTs = ts;
    ep.sentSinceReport = true;
    queueSend(ep.rtpFd, ep.sendAddr, buf, static_cast<size_t>(12 + n));
  }
  a.txAccumLen -= off;
  if (a.txAccumLen > 0) std::memmove(a.txAccum, a.txAccum + off, static_cast<size_t>(a.txAccumLen) * 2);
  ep.relayRestart = true;  // relayed packets that follow continue this stream's numbering
}

void Worker::sendTelephoneEvents(Endpoint& ep) {
  uint8_t payload[4];
  bool newEvent = false;
  int count = 0;
  if (!ep.teTx.next(payload, newEvent, count)) {
    if (!ep.teTx.busy()) {
      ep.relayRestart = true;
      dirty_ = true;
    }
    return;
  }
  if (!ep.canSend()) return;
  if (newEvent) ep.teTs = expectedTs(ep);
  for (int i = 0; i < count; ++i) {
    uint8_t* buf = allocPacket();
    ++ep.txSeq;
    writeRtpHeader(buf, static_cast<uint8_t>(ep.media.sendTePt), newEvent && i == 0, ep.txSeq, ep.teTs, ep.txSsrc);
    std::memcpy(buf + 12, payload, 4);
    ++ep.txc.packets;
    ep.txc.octets += 4;
    ep.sentSinceReport = true;
    queueSend(ep.rtpFd, ep.sendAddr, buf, 16);
  }
}

void Worker::tickConference(Conference& c) {
  // Mixed at the conference's rate (16 kHz once a member is wideband); each member's
  // input and output are converted where his leg runs at the other rate.
  const int rate = c.rate;
  const int frame = frameSamplesAt(rate);
  size_t n = c.members.size();
  mixIn_.resize(n);
  mixOut_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Endpoint* m = c.members[i];
    mixIn_[i].pcm = (m->audio && m->canReceive()) ? rxAt(*m, rate) : nullptr;
    mixIn_[i].canSpeak = !m->muted;
    mixOut_[i] = nullptr;
    if (m->audio && !m->deaf) mixOut_[i] = m->audio->rate == rate ? m->audio->txFrame : m->audio->scratch;
  }
  int16_t beep[kMaxFrameSamples];
  const int16_t* extra = nullptr;
  if (c.beepLeft > 0) {
    int16_t beep8[kFrameSamples];
    c.beep->generate(beep8, kFrameSamples);
    c.beepLeft -= kFrameSamples;
    if (rate == kSampleRate) {
      std::memcpy(beep, beep8, sizeof beep8);
    } else {
      if (!c.beepConv) c.beepConv = std::make_unique<RateConverter>(kSampleRate, rate);
      c.beepConv->process(beep8, kFrameSamples, beep);
    }
    extra = beep;
  }
  int16_t total[kMaxFrameSamples];
  mixFrame(mixIn_.data(), static_cast<int>(n), cfg_.conferenceSpeakers, mixOut_.data(), total, extra, frame);
  for (Endpoint* m : c.members) {
    if (!m->audio) continue;
    EndpointAudio& a = *m->audio;
    if (m->deaf) {
      std::memset(a.txFrame, 0, sizeof a.txFrame);
    } else if (a.rate != rate) {
      if (!a.txConv) a.txConv = std::make_unique<RateConverter>(rate, a.rate);
      a.txConv->process(a.scratch, frame, a.txFrame);
    }
    a.txValid = true;
  }
  if (c.recording) {
    int recRate = c.recording->rate();
    if (recRate == rate) {
      c.recording->write(total, nullptr, frame);
    } else {
      if (!c.recConv || c.recConv->fromRate() != rate) c.recConv = std::make_unique<RateConverter>(rate, recRate);
      int16_t conv[kMaxFrameSamples];
      c.recording->write(conv, nullptr, c.recConv->process(total, frame, conv));
    }
  }
}

void Worker::tickRecord(Endpoint& ep) {
  // Channel 0: the party; channel 1: what the party hears. At the recording's rate
  // (16 kHz for a wideband leg, so a G.722/Opus call keeps its bandwidth on disk).
  EndpointAudio& a = *ep.audio;
  const int recRate = ep.recording->rate();
  const int frame = frameSamplesAt(recRate);
  const int16_t* party = rxAt(ep, recRate);
  const int16_t* heard = nullptr;
  int16_t heardConv[kMaxFrameSamples];
  if (a.txValid) {
    if (a.rate == recRate) {
      heard = a.txFrame;
    } else {
      if (!a.recConv) a.recConv = std::make_unique<RateConverter>(a.rate, recRate);
      a.recConv->process(a.txFrame, a.frame, heardConv);
      heard = heardConv;
    }
  } else if (ep.relayFrom && ep.relayFrom->audio) {
    heard = rxAt(*ep.relayFrom, recRate);
  }
  if (ep.recording->channels() == 2) {
    ep.recording->write(party, heard, frame);
  } else {
    int16_t mono[kMaxFrameSamples];
    for (int k = 0; k < frame; ++k) mono[k] = sat16(int32_t{party[k]} + (heard ? heard[k] : 0));
    ep.recording->write(mono, nullptr, frame);
  }
}

void Worker::housekeeping() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  wallUs_ = static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
  int64_t timeoutUs = int64_t{cfg_.rtpTimeoutS} * 1'000'000;
  for (auto& s : slots_) {
    if (!s) continue;
    Endpoint& ep = *s;
    if (timeoutUs > 0 && ep.canReceive() && ep.sdpRemote.valid() && !ep.timedOut &&
        nowUs_ - ep.lastRxUs > timeoutUs) {
      ep.timedOut = true;
      MediaEvent ev;
      ev.type = MediaEvent::Type::RtpTimeout;
      ev.endpoint = ep.id;
      emit(std::move(ev));
    }
    if (ep.dtmfEvents) {
      if (auto d = ep.teRx.onIdle(nowUs_)) onDigit(ep, d->digit, d->durationMs);
    }
    if (ep.configured && nowUs_ >= ep.nextRtcpUs) {
      ep.nextRtcpUs = nowUs_ + int64_t{cfg_.rtcpIntervalS} * 1'000'000;
      sendRtcp(ep);
    }
  }
  flushSends();
}

void Worker::sendRtcp(Endpoint& ep) {
  if (!ep.rtcpAddr.valid() || ep.media.direction == Direction::Inactive) return;
  uint8_t* buf = allocPacket();
  size_t n = buildRtcpReport(buf, kPacketBytes, ep.txSsrc, ep.txc, ep.sentSinceReport, ep.rx, ep.remote, nowUs_,
                             wallUs_);
  ep.sentSinceReport = false;
  if (n > 0) queueSend(ep.rtcpFd, ep.rtcpAddr, buf, n);
}

}  // namespace hujiao::media
