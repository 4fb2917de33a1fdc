// hujiaod: the hujiao contact-center daemon. See README.md and docs/operations.md.
#include <cstring>
#include <iostream>
#include <string>

#include "app/daemon.h"
#include "app/version.h"
#include "core/config.h"

namespace {
void usage(std::ostream& out) {
  out << "usage: hujiaod [--config FILE] [--check-config] [--print-default-config] [--version]\n"
         "  --config FILE            YAML configuration (every key has a default; see --print-default-config)\n"
         "  --check-config           validate the configuration and exit (0 = valid)\n"
         "  --print-default-config   print every key with its default and a comment\n"
         "Environment: HUJIAO_<SECTION>_<KEY> overrides a key; HUJIAO_ADMIN_PASSWORD sets the first admin's password.\n";
}
}  // namespace

int main(int argc, char** argv) {
  using namespace hujiao;
  app::DaemonOptions options;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      options.configPath = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      options.configPath = arg.substr(9);
    } else if (arg == "--print-default-config") {
      std::cout << app::buildSchema().printDefaults();
      return 0;
    } else if (arg == "--check-config") {
      check = true;
    } else if (arg == "--version") {
      std::cout << "hujiaod " << app::kVersion << " (" << app::kGitSha << ")\n";
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      return 0;
    } else {
      std::cerr << "hujiaod: unknown argument \"" << arg << "\"\n";
      usage(std::cerr);
      return 2;
    }
  }
  options.env = core::Config::processEnv();
  if (check) {
    try {
      app::loadConfig(app::buildSchema(), options);
      std::cout << "configuration ok\n";
      return 0;
    } catch (const core::ConfigError& e) {
      std::cerr << "hujiaod: bad configuration: " << e.what() << "\n";
      return 1;
    }
  }
  return app::runDaemon(options);
}
