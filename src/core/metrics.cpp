#include "core/metrics.h"

#include <sstream>

namespace hujiao::core {

void Gauge::add(double d) {
  double cur = v_.load(std::memory_order_relaxed);
  while (!v_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
  }
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  double cur = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

double Histogram::quantile(double q) const {
  uint64_t total = count();
  if (total == 0) return 0;
  auto target = static_cast<uint64_t>(q * static_cast<double>(total));
  uint64_t seen = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    seen += bucket(i);
    if (seen > target || seen == total) return i < bounds_.size() ? bounds_[i] : bounds_.back();
  }
  return bounds_.back();
}

std::vector<double> MetricsRegistry::latencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string renderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += labels[i].first + "=\"";
    for (char c : labels[i].second) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += "\"";
  }
  return out + "}";
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help,
                                                 const std::string& type) {
  auto& f = families_[name];
  if (f.type.empty()) {
    f.help = help;
    f.type = type;
  }
  return f;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& f = family(name, help, "counter");
  auto key = renderLabels(labels);
  auto it = f.counters.find(key);
  if (it != f.counters.end()) return *it->second;
  Counter& c = counters_.emplace_back();
  f.counters[key] = &c;
  return c;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& f = family(name, help, "gauge");
  auto key = renderLabels(labels);
  auto it = f.gauges.find(key);
  if (it != f.gauges.end()) return *it->second;
  Gauge& g = gauges_.emplace_back();
  f.gauges[key] = &g;
  return g;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                                      const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& f = family(name, help, "histogram");
  auto key = renderLabels(labels);
  auto it = f.histograms.find(key);
  if (it != f.histograms.end()) return *it->second;
  Histogram& h = histograms_.emplace_back(std::move(bounds));
  f.histograms[key] = &h;
  return h;
}

void MetricsRegistry::callbackGauge(const std::string& name, const std::string& help, std::function<double()> fn,
                                    const Labels& labels) {
  std::lock_guard lock(mu_);
  family(name, help, "gauge").callbacks[renderLabels(labels)] = std::move(fn);
}

std::string MetricsRegistry::renderPrometheus() const {
  std::lock_guard lock(mu_);
  std::ostringstream os;
  for (const auto& [name, f] : families_) {
    os << "# HELP " << name << " " << f.help << "\n# TYPE " << name << " " << f.type << "\n";
    for (const auto& [l, c] : f.counters) os << name << l << " " << c->value() << "\n";
    for (const auto& [l, g] : f.gauges) os << name << l << " " << g->value() << "\n";
    for (const auto& [l, fn] : f.callbacks) os << name << l << " " << fn() << "\n";
    for (const auto& [l, h] : f.histograms) {
      // Insert le into the label set: {a="x"} -> {a="x",le="0.1"}
      std::string prefix = l.empty() ? "{" : l.substr(0, l.size() - 1) + ",";
      uint64_t cum = 0;
      for (size_t i = 0; i < h->bounds().size(); ++i) {
        cum += h->bucket(i);
        os << name << "_bucket" << prefix << "le=\"" << h->bounds()[i] << "\"} " << cum << "\n";
      }
      cum += h->bucket(h->bounds().size());
      os << name << "_bucket" << prefix << "le=\"+Inf\"} " << cum << "\n";
      os << name << "_sum" << l << " " << h->sum() << "\n";
      os << name << "_count" << l << " " << h->count() << "\n";
    }
  }
  return os.str();
}

}  // namespace hujiao::core
