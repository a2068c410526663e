#include "http/server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <optional>

namespace clerksim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Dispatcher& dispatcher, const ServerLimits& limits, const bool& stopping)
      : stream_(std::move(socket)), dispatcher_(dispatcher), limits_(limits), stopping_(stopping) {}

  void start() { read(); }

  // Called on shutdown: an idle connection is closed now; one that is writing a
  // response closes once the response is out.
  void stop() {
    if (!writing_) stream_.socket().close();
  }

  bool closed() const { return !stream_.socket().is_open(); }

 private:
  void read() {
    if (stopping_) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser_->body_limit(limits_.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(limits_.idle_timeout_seconds));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      ClerkError too_large(413, "request_body_too_large", "Request body too large",
                           "The request body is larger than the limit of " + std::to_string(limits_.max_body_bytes) +
                               " bytes.");
      draining_ = true;
      return write(dispatcher_.reject(too_large), 11, false);
    }
    if (ec) return close();  // end of stream, timeout, malformed or oversized headers
    const auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& field : msg) req.headers[std::string(field.name_string())] = std::string(field.value());
    req.body = msg.body();
    Response res = dispatcher_.handle(req);
    if (res.deferred) {
      // Nothing else is read from this connection until the answer is written.
      writing_ = true;
      auto reply = [self = shared_from_this(), version = msg.version(), keep_alive = msg.keep_alive()](Response r) {
        self->write(r, version, keep_alive);
      };
      return res.deferred(reply);
    }
    write(res, msg.version(), msg.keep_alive());
  }

  void write(const Response& r, unsigned version, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), version);
    res->set(http::field::server, "clerk-sim");
    if (r.status != 204) {
      res->set(http::field::content_type, "application/json");
      res->body() = r.body;
    }
    for (const auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive && !stopping_);
    res->prepare_payload();
    writing_ = true;
    stream_.expires_after(std::chrono::seconds(limits_.idle_timeout_seconds));
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (!ec && self->draining_) return self->drain();
      if (ec || !res->keep_alive()) return self->close();
      self->read();
    });
  }

  // After refusing a body that is too large, read and drop what the client is still
  // sending, so it sees our 413 instead of a reset connection.
  void drain() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(5));
    stream_.async_read_some(asio::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > 64 * self->limits_.max_body_bytes) return self->close();
      self->drain();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Dispatcher& dispatcher_;
  const ServerLimits& limits_;
  const bool& stopping_;
  bool writing_ = false;
  bool draining_ = false;
  std::size_t drained_ = 0;
  std::array<char, 16384> discard_{};
};

}  // namespace

struct Server::Impl {
  Dispatcher& dispatcher;
  ServerLimits limits;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  std::list<std::weak_ptr<Connection>> sessions;
  bool stopping = false;
  std::vector<std::function<void()>> on_shutdown;

  Impl(Dispatcher& d, ServerLimits l) : dispatcher(d), limits(l) {}

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // the acceptor was closed on shutdown
      // Answers go out as soon as they are written, without waiting for the client's ACK.
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto session = std::make_shared<Connection>(std::move(socket), dispatcher, limits, stopping);
      sessions.remove_if([](const std::weak_ptr<Connection>& w) { return w.expired(); });
      sessions.push_back(session);
      session->start();
      accept();
    });
  }

  void shutdown() {
    if (stopping) return;
    stopping = true;
    beast::error_code ignored_signal;
    signals.cancel(ignored_signal);  // a stop() from code leaves no signal wait behind
    for (auto& stop : on_shutdown) stop();
    beast::error_code ignored;
    acceptor.close(ignored);
    for (auto& weak : sessions)
      if (auto s = weak.lock()) s->stop();
  }
};

Server::Server(Dispatcher& dispatcher, const std::string& host, uint16_t port, ServerLimits limits)
    : impl_(std::make_unique<Impl>(dispatcher, limits)) {
  tcp::endpoint endpoint(asio::ip::make_address(host), port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
}

Server::~Server() = default;

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

boost::asio::io_context& Server::io_context() { return impl_->ioc; }

void Server::stop() {
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->shutdown(); });
}

void Server::on_shutdown(std::function<void()> stop) { impl_->on_shutdown.push_back(std::move(stop)); }

void Server::run(const std::function<void()>& on_listening) {
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) impl_->shutdown();
  });
  impl_->accept();
  on_listening();
  impl_->ioc.run();
}

}  // namespace clerksim
