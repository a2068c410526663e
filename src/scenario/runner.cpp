#include "scenario/runner.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "domain/tenancy.hpp"
#include "router/router.hpp"
#include "webhooks/delivery.hpp"
#include "wire/fixture.hpp"

namespace clerksim::scenario {

namespace fs = std::filesystem;

// --- targets

namespace {

class InProcessTarget : public Target {
 public:
  explicit InProcessTarget(std::string default_fixture) : default_fixture_(std::move(default_fixture)) {}

  void begin(const std::optional<std::string>& fixture_path) override {
    InstanceState state = load_fixture_file(fixture_path.value_or(default_fixture_), 0, true);
    key_ = state.info.secret_key;
    tenancy_ = std::make_unique<Tenancy>(state, ClockMode::frozen, TenancyMode::fixed);
    dispatcher_ = std::make_unique<Dispatcher>(*tenancy_);
    webhooks_ = std::make_unique<WebhookDelivery>(io_);
    dispatcher_->set_webhooks(webhooks_.get());
  }

  // Webhook deliveries progress between requests; an answer that waits for them
  // (a flush) runs the loop until it is ready.
  Response send(Request request) override {
    request.headers["Authorization"] = "Bearer " + key_;
    Response res = dispatcher_->handle(request);
    if (!res.deferred) {
      io_.restart();
      io_.poll();
      return res;
    }
    std::optional<Response> answer;
    res.deferred([&answer](Response r) { answer = std::move(r); });
    io_.restart();
    while (!answer && io_.run_one() > 0) {
    }
    return answer ? *answer : Response{500, R"({"errors":[]})", {}, {}};
  }

  bool has_control_plane() const override { return true; }

 private:
  std::string default_fixture_;
  std::string key_;
  std::unique_ptr<Tenancy> tenancy_;
  std::unique_ptr<Dispatcher> dispatcher_;
  boost::asio::io_context io_;
  std::unique_ptr<WebhookDelivery> webhooks_;
};

class HttpTarget : public Target {
 public:
  HttpTarget(const std::string& url, std::string key) : url_(url), key_(std::move(key)) {
    if (!boost::urls::parse_uri(url)) throw std::runtime_error("not a URL: " + url);
    Response r = http_send(url_, Request{"GET", "/__sim/health", {}, ""});
    is_sim_ = r.status == 200 && r.body.find("\"ok\"") != std::string::npos;
  }

  void begin(const std::optional<std::string>&) override {
    if (is_sim_) send(Request{"POST", "/__sim/reset", {}, ""});
  }

  Response send(Request request) override {
    request.headers["Authorization"] = "Bearer " + key_;
    return http_send(url_, request);
  }

  bool has_control_plane() const override { return is_sim_; }

 private:
  std::string url_, key_;
  bool is_sim_ = false;
};

}  // namespace

Response http_send(const std::string& base_url, const Request& request) {
  namespace http = boost::beast::http;
  auto parsed = boost::urls::parse_uri(base_url);
  if (!parsed) throw std::runtime_error("not a URL: " + base_url);
  std::string host(parsed->host_address());
  std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string prefix(parsed->path());
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  boost::beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(resolver.resolve(host, port));
  http::request<http::string_body> req(http::string_to_verb(request.method), prefix + request.target, 11);
  req.set(http::field::host, parsed->has_port() ? host + ":" + port : host);
  req.set(http::field::user_agent, "clerk-sim");
  for (const auto& [k, v] : request.headers) req.set(k, v);
  req.body() = request.body;
  req.prepare_payload();
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  boost::beast::error_code ignored;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  Response out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  return out;
}

std::unique_ptr<Target> in_process_target(const std::string& default_fixture) {
  return std::make_unique<InProcessTarget>(default_fixture);
}

std::unique_ptr<Target> http_target(const std::string& url, const std::string& secret_key) {
  return std::make_unique<HttpTarget>(url, secret_key);
}

// --- matching

std::optional<std::string> match_subset(const Json& expected, const Json& actual, const std::string& where) {
  auto show = [](const Json& j) { return j.dump(); };
  std::string at = where.empty() ? "/" : where;
  if (expected.is_string()) {
    const std::string& e = expected.get_ref<const std::string&>();
    if (e == "$any") return std::nullopt;
    if (e.rfind("$regex:", 0) == 0) {
      std::string text = actual.is_string() ? actual.get<std::string>() : actual.dump();
      if (std::regex_search(text, std::regex(e.substr(7)))) return std::nullopt;
      return at + ": expected to match /" + e.substr(7) + "/, got " + show(actual);
    }
  }
  if (expected.is_object()) {
    if (!actual.is_object()) return at + ": expected an object, got " + show(actual);
    for (const auto& [key, value] : expected.items()) {
      std::string path = where + "/" + key;
      bool want_absent = value.is_string() && value.get<std::string>() == "$absent";
      if (!actual.contains(key)) {
        if (want_absent) continue;
        return path + ": expected " + show(value) + ", but the key is missing";
      }
      if (want_absent) return path + ": expected no such key, got " + show(actual.at(key));
      if (auto d = match_subset(value, actual.at(key), path)) return d;
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    if (!actual.is_array()) return at + ": expected an array, got " + show(actual);
    if (expected.size() != actual.size())
      return at + ": expected " + std::to_string(expected.size()) + " items, got " + std::to_string(actual.size()) +
             ": " + show(actual);
    for (size_t i = 0; i < expected.size(); ++i)
      if (auto d = match_subset(expected[i], actual[i], where + "/" + std::to_string(i))) return d;
    return std::nullopt;
  }
  if (expected != actual) return at + ": expected " + show(expected) + ", got " + show(actual);
  return std::nullopt;
}

// --- running

namespace {

struct Skip {};  // a step the target cannot take

// "${name}" alone keeps the saved value's JSON type; inside a longer string it is
// spliced in as text.
Json substitute(const Json& j, const std::map<std::string, Json>& vars) {
  if (j.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : j.items()) out[k] = substitute(v, vars);
    return out;
  }
  if (j.is_array()) {
    Json out = Json::array();
    for (const auto& v : j) out.push_back(substitute(v, vars));
    return out;
  }
  if (!j.is_string()) return j;
  std::string s = j.get<std::string>();
  static const std::regex whole(R"(^\$\{([A-Za-z0-9_]+)\}$)");
  std::smatch m;
  if (std::regex_match(s, m, whole)) {
    auto it = vars.find(m[1]);
    if (it == vars.end()) throw std::runtime_error("no saved value named " + m[1].str());
    return it->second;
  }
  static const std::regex part(R"(\$\{([A-Za-z0-9_]+)\})");
  std::string out;
  auto begin = s.cbegin();
  for (std::sregex_iterator it(s.begin(), s.end(), part), end; it != end; ++it) {
    out.append(begin, s.cbegin() + it->position());
    auto v = vars.find((*it)[1]);
    if (v == vars.end()) throw std::runtime_error("no saved value named " + (*it)[1].str());
    out += v->second.is_string() ? v->second.get<std::string>() : v->second.dump();
    begin = s.cbegin() + it->position() + it->length();
  }
  out.append(begin, s.cend());
  return out;
}

std::string encode_query(const Json& query) {
  boost::urls::url u;
  auto params = u.params();
  for (const auto& [k, v] : query.items()) {
    if (v.is_array())
      for (const auto& item : v) params.append({k, item.is_string() ? item.get<std::string>() : item.dump()});
    else
      params.append({k, v.is_string() ? v.get<std::string>() : v.dump()});
  }
  // '+' is a space in form decoding, so a literal plus must travel as %2B.
  std::string out;
  for (char ch : std::string(u.encoded_query())) out += ch == '+' ? std::string("%2B") : std::string(1, ch);
  return out;
}

Request build_request(const Json& spec) {
  Request r;
  r.method = spec.value("method", std::string("GET"));
  r.target = spec.value("path", std::string("/"));
  if (spec.contains("query") && !spec["query"].empty()) r.target += "?" + encode_query(spec["query"]);
  if (spec.contains("body")) r.body = spec["body"].dump();
  r.headers["Content-Type"] = "application/json";
  if (spec.contains("headers"))
    for (const auto& [k, v] : spec["headers"].items()) r.headers[k] = v.get<std::string>();
  return r;
}

Json parse_body(const Response& r) {
  if (r.body.empty()) return nullptr;
  try {
    return Json::parse(r.body);
  } catch (const Json::parse_error&) {
    return r.body;
  }
}

// Runs one step: its result (status and body) as the step sees it.
std::pair<int, Json> perform(const Json& step, Target& target) {
  if (step.contains("request")) {
    Response r = target.send(build_request(step["request"]));
    return {r.status, parse_body(r)};
  }
  if (step.contains("control")) {
    if (!target.has_control_plane()) throw Skip{};
    Response r = target.send(build_request(step["control"]));
    return {r.status, parse_body(r)};
  }
  if (step.contains("token")) {
    const Json& t = step["token"];
    Json body = Json::object();
    if (t.contains("expires_in_seconds")) body["expires_in_seconds"] = t["expires_in_seconds"];
    Request r{"POST", "/v1/sessions/" + t.at("session").get<std::string>() + "/tokens", {}, body.dump()};
    r.headers["Content-Type"] = "application/json";
    Response res = target.send(r);
    Json parsed = parse_body(res);
    if (res.status == 200 && parsed.is_object() && parsed.contains("jwt")) return {200, parsed["jwt"]};
    return {res.status, parsed};
  }
  if (step.contains("authorize")) {
    if (!target.has_control_plane()) throw Skip{};
    Request r{"POST", "/__sim/authorize", {}, step["authorize"].dump()};
    r.headers["Content-Type"] = "application/json";
    Response res = target.send(r);
    return {res.status, parse_body(res)};
  }
  throw std::runtime_error("a step needs one of request, control, token or authorize");
}

std::optional<std::string> check_expectation(const Json& step, int status, const Json& body) {
  if (!step.contains("expect")) {
    if (status < 200 || status >= 300) return "expected success, got " + std::to_string(status) + ": " + body.dump();
    return std::nullopt;
  }
  const Json& expect = step["expect"];
  if (step.contains("authorize")) {  // an authorize step's expectation is about the answer itself
    if (status != 200) return "authorize answered " + std::to_string(status) + ": " + body.dump();
    return match_subset(expect, body);
  }
  int want = expect.value("status", 0);
  if (want == 0 && (status < 200 || status >= 300))
    return "expected success, got " + std::to_string(status) + ": " + body.dump();
  if (want != 0 && status != want)
    return "expected status " + std::to_string(want) + ", got " + std::to_string(status) + ": " + body.dump();
  if (expect.contains("body"))
    if (auto d = match_subset(expect["body"], body)) return d;
  if (expect.contains("absent"))
    for (const auto& p : expect["absent"]) {
      Json::json_pointer ptr(p.get<std::string>());
      if (body.contains(ptr)) return p.get<std::string>() + ": expected absent, got " + body.at(ptr).dump();
    }
  return std::nullopt;
}

void save_values(const Json& step, const Json& body, std::map<std::string, Json>& vars) {
  if (!step.contains("save")) return;
  for (const auto& [name, pointer] : step["save"].items()) {
    std::string p = pointer.get<std::string>();
    if (p == "." || p.empty()) {
      vars[name] = body;
      continue;
    }
    Json::json_pointer ptr(p);
    if (!body.contains(ptr)) throw std::runtime_error("cannot save " + name + ": nothing at " + p);
    vars[name] = body.at(ptr);
  }
}

std::optional<std::string> resolve_fixture(const Json& scenario, const std::string& file) {
  if (!scenario.contains("fixture")) return std::nullopt;
  std::string given = scenario["fixture"].get<std::string>();
  fs::path beside = fs::path(file).parent_path() / given;
  if (fs::exists(beside)) return beside.string();
  return given;  // relative to the working directory
}

}  // namespace

ScenarioResult run_scenario(const Json& scenario, const std::string& file, Target& target) {
  auto started = std::chrono::steady_clock::now();
  ScenarioResult result;
  result.file = file;
  result.name = scenario.value("name", fs::path(file).stem().string());
  std::map<std::string, Json> vars;
  size_t index = 0;
  try {
    target.begin(resolve_fixture(scenario, file));
    for (const auto& raw_step : scenario.at("steps")) {
      ++index;
      Json step = substitute(raw_step, vars);
      try {
        auto [status, body] = perform(step, target);
        if (auto problem = check_expectation(step, status, body)) {
          result.passed = false;
          result.failure = StepFailure{index, *problem};
          break;
        }
        save_values(step, body, vars);
      } catch (const Skip&) {
        result.notices.push_back("step " + std::to_string(index) + " skipped: the target has no /__sim control plane");
      }
    }
  } catch (const std::exception& e) {
    result.passed = false;
    result.failure = StepFailure{index, e.what()};
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

ScenarioResult run_scenario_file(const std::string& path, Target& target) {
  std::ifstream in(path);
  Json scenario;
  try {
    scenario = Json::parse(in);
  } catch (const std::exception& e) {
    ScenarioResult r;
    r.file = path;
    r.name = fs::path(path).stem().string();
    r.passed = false;
    r.failure = StepFailure{0, std::string("cannot read the scenario: ") + e.what()};
    return r;
  }
  return run_scenario(scenario, path, target);
}

std::vector<ScenarioResult> run_all(const std::vector<std::string>& paths, Target& target, std::ostream& out) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    if (fs::is_directory(p)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(p))
        if (entry.path().extension() == ".json") found.push_back(entry.path().string());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  std::vector<ScenarioResult> results;
  size_t passed = 0;
  for (const auto& f : files) {
    ScenarioResult r = run_scenario_file(f, target);
    if (r.passed) {
      ++passed;
      out << "ok   " << r.name << " (" << f << ")\n";
    } else {
      out << "FAIL " << r.name << " (" << f << ") step " << r.failure->step << ": " << r.failure->message << "\n";
    }
    for (const auto& n : r.notices) out << "     note: " << n << "\n";
    results.push_back(std::move(r));
  }
  out << passed << " passed, " << (results.size() - passed) << " failed\n";
  return results;
}

void write_junit(const std::vector<ScenarioResult>& results, const std::string& path) {
  auto escape = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '&') out += "&amp;";
      else if (c == '<') out += "&lt;";
      else if (c == '>') out += "&gt;";
      else if (c == '"') out += "&quot;";
      else out += c;
    }
    return out;
  };
  size_t failures = std::count_if(results.begin(), results.end(), [](const auto& r) { return !r.passed; });
  std::ofstream out(path);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuite name=\"clerk-sim scenarios\" tests=\"" << results.size() << "\" failures=\"" << failures << "\">\n";
  for (const auto& r : results) {
    out << "  <testcase classname=\"scenarios\" name=\"" << escape(r.name) << "\" file=\"" << escape(r.file)
        << "\" time=\"" << r.seconds << "\"";
    if (r.passed) {
      out << "/>\n";
    } else {
      out << ">\n    <failure message=\"step " << r.failure->step << "\">" << escape(r.failure->message)
          << "</failure>\n  </testcase>\n";
    }
  }
  out << "</testsuite>\n";
}

}  // namespace clerksim::scenario
