#include "sip/tcp_sweep.h"

#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>

namespace hujiao::sip {

namespace {

constexpr unsigned kTcpCloseWait = 0x08;  // include/net/tcp_states.h

// Adds the inodes of sockets in CLOSE-WAIT on one of `ports` listed in a
// /proc/net/tcp-format file: "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...".
void closeWaitInodes(const char* path, const std::vector<int>& ports, std::set<uint64_t>& out) {
  std::FILE* f = std::fopen(path, "re");
  if (!f) return;
  char line[512];
  if (!std::fgets(line, sizeof line, f)) {  // header
    std::fclose(f);
    return;
  }
  char local[64];
  unsigned state = 0;
  unsigned long long inode = 0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::sscanf(line, " %*s %63s %*s %x %*s %*s %*s %*s %*s %llu", local, &state, &inode) != 3) continue;
    if (state != kTcpCloseWait || inode == 0) continue;
    const char* colon = std::strrchr(local, ':');
    if (!colon) continue;
    const int port = static_cast<int>(std::strtol(colon + 1, nullptr, 16));
    if (std::find(ports.begin(), ports.end(), port) != ports.end()) out.insert(inode);
  }
  std::fclose(f);
}

}  // namespace

int TcpCloseWaitSweeper::sweep() {
  std::set<uint64_t> now;
  closeWaitInodes("/proc/self/net/tcp", ports_, now);
  closeWaitInodes("/proc/self/net/tcp6", ports_, now);
  std::set<uint64_t> stale;  // in CLOSE-WAIT at this sweep and the last: sofia is not reading them
  std::set_intersection(now.begin(), now.end(), seen_.begin(), seen_.end(), std::inserter(stale, stale.end()));
  seen_ = std::move(now);
  if (stale.empty()) return 0;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return 0;
  int shut = 0;
  while (dirent* e = ::readdir(dir)) {
    const int fd = std::atoi(e->d_name);
    if (fd <= 2 || fd == ::dirfd(dir)) continue;
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    if (stale.count(static_cast<uint64_t>(st.st_ino)) == 0) continue;
    ::shutdown(fd, SHUT_RDWR);
    seen_.erase(static_cast<uint64_t>(st.st_ino));
    ++shut;
  }
  ::closedir(dir);
  return shut;
}

}  // namespace hujiao::sip
