#pragma once
// Starts the real clerk-sim binary on port 0 and talks plain HTTP to it.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace e2e {

struct HttpResult {
  int status = 0;
  std::string content_type;
  std::string reason;
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extra_args = {}) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      std::vector<std::string> args = {CLERK_SIM_BIN, "serve", "--port", "0"};
      if (std::find(extra_args.begin(), extra_args.end(), "--fixture") == extra_args.end()) {
        args.push_back("--fixture");
        args.push_back(std::string(CLERK_SIM_SOURCE_DIR) + "/fixtures/default.json");
      }
      for (auto& a : extra_args) args.push_back(a);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    char line[512];
    if (!fgets(line, sizeof line, stdout_)) throw std::runtime_error("clerk-sim printed nothing");
    first_line_ = line;
    auto colon = first_line_.rfind(':');
    port_ = static_cast<unsigned short>(std::stoi(first_line_.substr(colon + 1)));
    while (fgets(line, sizeof line, stdout_)) {
      other_lines_.push_back(line);
      if (other_lines_.size() == 5) break;
    }
  }

  ~ServerProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_) fclose(stdout_);
  }

  // Sends SIGTERM and returns the exit status.
  int terminate() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  unsigned short port() const { return port_; }
  const std::string& first_line() const { return first_line_; }
  const std::vector<std::string>& other_lines() const { return other_lines_; }

  HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::string& key = "sk_test_clerksim_default",
                     std::vector<std::pair<std::string, std::string>> headers = {}) const {
    namespace http = boost::beast::http;
    boost::asio::io_context ioc;
    boost::beast::tcp_stream stream(ioc);
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, "127.0.0.1");
    if (!key.empty()) req.set(http::field::authorization, "Bearer " + key);
    req.set(http::field::content_type, "application/json");
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(stream, buffer, parser);
    auto& res = parser.get();
    HttpResult out;
    out.status = res.result_int();
    out.reason = std::string(res.reason());
    out.content_type = std::string(res[http::field::content_type]);
    out.body = res.body();
    boost::beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    return out;
  }

 private:
  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
  bool exited_ = false;
  unsigned short port_ = 0;
  std::string first_line_;
  std::vector<std::string> other_lines_;
};

}  // namespace e2e
