#pragma once
// Transport only: a Boost.Beast HTTP/1.1 server on one thread. It reads a request,
// hands a Request value to the dispatcher and writes the Response back.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "router/router.hpp"

namespace clerksim {

struct ServerLimits {
  std::size_t max_body_bytes = 1024 * 1024;  // larger bodies get 413 request_body_too_large
  std::size_t max_header_bytes = 16 * 1024;  // larger headers: the connection is closed
  int idle_timeout_seconds = 30;             // a client this slow is cut off
};

class Server {
 public:
  Server(Dispatcher& dispatcher, const std::string& host, uint16_t port, ServerLimits limits = {});
  ~Server();
  uint16_t port() const;
  // The one thread's event loop, for work that runs beside the requests (webhook delivery).
  boost::asio::io_context& io_context();
  // Serves until SIGINT/SIGTERM: then stops accepting, lets responses being written
  // finish, closes idle connections and returns.
  void run(const std::function<void()>& on_listening);
  // Begins the same shutdown as SIGTERM; safe to call from another thread.
  void stop();
  // Called once when shutdown begins, to stop work that would keep the loop alive.
  void on_shutdown(std::function<void()> stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clerksim
