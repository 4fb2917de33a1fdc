#include "api/api_server.h"

namespace hujiao::api {

void addApiConfig(core::ConfigSchema& s) {
  s.section("http", "HTTP API, WebSocket events and the web console");
  s.string("http", "listen", "0.0.0.0", "Address to listen on (0.0.0.0, 127.0.0.1, ::)");
  s.integer("http", "port", 8080, 0, 65535, "TCP port (0 = any free port)");
  s.integer("http", "threads", 2, 1, 64, "Threads serving HTTP requests (the service plane)");
  s.integer("http", "max_header_bytes", 16384, 1024, 1048576, "Largest request header block; larger gets 431");
  s.integer("http", "max_body_bytes", 1048576, 1024, 1073741824, "Largest request body; larger gets 413");
  s.integer("http", "read_timeout_ms", 10000, 100, 600000,
            "A request (headers and body) must arrive within this time once started");
  s.integer("http", "idle_timeout_ms", 60000, 100, 3600000, "Keep-alive connections idle this long are closed");
  s.integer("http", "shutdown_grace_ms", 5000, 0, 600000, "On stop, time given to in-flight requests");
  s.string("http", "static_dir", "web/dist", "Directory of the web console's built files, served at /");
  s.integer("http", "health_event_interval_s", 10, 1, 3600, "Period of the 'health' event on the events stream");
  s.integer("http", "ws_max_queue", 1024, 16, 1000000,
            "Events queued per WebSocket client before the (slow) client is dropped");
  s.integer("http", "ws_idle_timeout_ms", 30000, 1000, 3600000,
            "WebSocket keep-alive: a ping after half of this, closed if no pong");

  s.section("auth", "Authentication");
  s.integer("auth", "max_failures", 5, 1, 1000, "Failed logins in a row that lock an account", true);
  s.integer("auth", "lockout_seconds", 900, 1, 604800, "How long a locked account stays locked", true);
  s.integer("auth", "token_ttl_s", 43200, 60, 2592000, "Lifetime of a bearer token", true);
  s.integer("auth", "min_password_length", 8, 4, 128, "Shortest password accepted", true);
  s.integer("auth", "token_cache_ttl_ms", 5000, 0, 60000,
            "How long a validated token is trusted without a database check (changes via the API apply at once)",
            true);
  s.integer("auth", "argon2_iterations", 2, 1, 10, "Argon2id time cost for new password hashes", true);
  s.integer("auth", "argon2_memory_kib", 19456, 1024, 1048576, "Argon2id memory cost (KiB) for new hashes", true);
}

}  // namespace hujiao::api
