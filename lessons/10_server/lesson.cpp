// Lesson 10: a web server under load, and what FastAPI does for a plain
// `def` route. The server is real: Boost.Beast on the lesson's event loop,
// on 127.0.0.1, answering curl and wrk as well as the built-in load.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <list>
#include <mutex>
#include <random>

#include "core/metrics.hpp"
#include "lessons/10_server/server.hpp"
#include "lessons/lesson.hpp"
#include "lessons/support.hpp"

namespace loopscope::lessons::web {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto with_error = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t samples_kept = 1'000'000;  // per route; past it, a uniform sample

// p50, p95 and p99 of durations, in seconds: sorted once, ranked by core's percentile.
std::array<double, 3> percentiles_s(std::vector<nanos> v) {
  std::sort(v.begin(), v.end());
  std::array<double, 3> out{};
  const double qs[] = {0.50, 0.95, 0.99};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(percentile(v, qs[i])) / 1e9;
  return out;
}
}  // namespace

// What the server's coroutines share. The loop thread owns everything but
// the counters and samples, which the window and the command line read.
struct server_run::state {
  server_settings settings;
  event_loop* loop = nullptr;
  tcp::acceptor* listener = nullptr;   // while the listener runs
  std::list<beast::tcp_stream*> open;  // every connection being served
  std::atomic<bool> stopping{false};  // read by banner() from any thread
  int next_connection = 0;

  mutable std::mutex m;
  server_report counts;
  std::array<std::vector<nanos>, routes.size()> service;  // per route: time in the server, sampled
  std::array<std::uint64_t, routes.size()> answered{};   // per route: every 200
  std::minstd_rand rng{7};

  void count(http::status s) {
    std::lock_guard lock(m);
    ++counts.requests;
    switch (s) {
      case http::status::ok: ++counts.ok; break;
      case http::status::bad_request: ++counts.bad_request; break;
      case http::status::not_found: ++counts.not_found; break;
      case http::status::method_not_allowed: ++counts.bad_method; break;
      case http::status::payload_too_large:
      case http::status::request_header_fields_too_large: ++counts.too_large; break;
      case http::status::request_timeout: ++counts.timed_out; break;
      default: break;
    }
  }
  void opened(int n) {
    std::lock_guard lock(m);
    counts.open_connections = static_cast<std::size_t>(static_cast<long>(counts.open_connections) + n);
  }
  void sample(std::size_t route, nanos took) {
    std::lock_guard lock(m);
    ++answered[route];
    auto& v = service[route];
    if (v.size() < samples_kept)
      v.push_back(took);
    else
      v[rng() % samples_kept] = took;
  }
  // Loop thread: stop listening, close every connection.
  void shut() {
    stopping = true;
    error_code ignored;
    if (listener != nullptr) listener->close(ignored);
    for (auto* s : open) s->socket().close(ignored);
  }
};

namespace {

void waiting_for_network() { current_loop().set_wait_reason(wait_reason::io); }

// [lesson]
// The routes. `delay` stands for a database call; what differs is how
// each route waits for it.
awaitable<http::status> route(std::string_view path, const server_settings& s) {
  if (path == "/async") {
    co_await sleep(s.delay);  // async def + await db.fetch(): the loop serves others meanwhile
  } else if (path == "/blocking") {
    block(s.delay);  // async def + a synchronous driver: the whole server stops here
  } else if (path == "/offload") {
    co_await to_thread(s.delay);  // a plain def route: FastAPI runs it in a thread pool
  } else if (path == "/cpu") {
    cpu(s.delay);  // a computation in async def: holds the loop like /blocking
  } else {
    co_return http::status::not_found;
  }
  co_return http::status::ok;
}

// What the parser's complaint means for the client.
http::status status_for(const error_code& ec) {
  if (ec == http::error::header_limit) return http::status::request_header_fields_too_large;
  if (ec == http::error::body_limit) return http::status::payload_too_large;
  if (ec == beast::error::timeout) return http::status::request_timeout;
  return http::status::bad_request;
}

// One connection: read a request, route it, answer; again while the client
// keeps the connection alive. Malformed, oversized or silent clients get
// their status and the connection is closed; the server goes on.
awaitable<void> serve_connection(std::shared_ptr<server_run::state> st, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  struct registration {  // the server can close every open connection when it stops
    server_run::state& st;
    std::list<beast::tcp_stream*>::iterator it;
    registration(server_run::state& s, beast::tcp_stream* stream) : st(s), it(s.open.insert(s.open.end(), stream)) {
      st.opened(+1);
    }
    ~registration() {
      st.open.erase(it);
      st.opened(-1);
    }
  } registered{*st, &stream};

  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(st->settings.header_limit));
    parser.body_limit(st->settings.body_limit);
    stream.expires_after(st->settings.idle_timeout);
    waiting_for_network();
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, with_error);
    if (ec == http::error::end_of_stream || st->stopping) break;  // the client is done
    if (ec == asio::error::connection_reset || ec == http::error::partial_message) break;
    const nanos started = current_loop().now();

    http::response<http::string_body> res;
    res.version(11);
    res.set(http::field::server, "loopscope");
    res.set(http::field::content_type, "text/plain");
    bool keep_alive = false;
    std::size_t which = routes.size();
    if (ec) {  // malformed, oversized or silent
      if (ec == beast::error::timeout && buffer.size() == 0 && !parser.got_some()) break;
      res.result(status_for(ec));
      res.body() = std::string(res.reason()) + "\n";
    } else {
      const auto& req = parser.get();
      std::string_view path(req.target().data(), req.target().size());
      path = path.substr(0, path.find('?'));
      keep_alive = req.keep_alive();
      res.version(req.version());
      which = static_cast<std::size_t>(std::find(routes.begin(), routes.end(), path) - routes.begin());
      if (req.method() != http::verb::get && req.method() != http::verb::head) {
        res.result(http::status::method_not_allowed);
        res.set(http::field::allow, "GET, HEAD");
      } else {
        auto handled = route(path, st->settings);
        res.result(co_await std::move(handled));
      }
      res.body() = res.result() == http::status::ok ? std::string(path.substr(1)) + ": answered\n"
                                                    : std::string(res.reason()) + "\n";
    }
    res.keep_alive(keep_alive);
    res.prepare_payload();
    if (!ec && parser.get().method() == http::verb::head) res.body().clear();  // the length a GET would get, no body
    st->count(res.result());
    waiting_for_network();
    auto [wec, written] = co_await http::async_write(stream, res, with_error);
    if (which < routes.size() && res.result() == http::status::ok)
      st->sample(which, current_loop().now() - started);
    if (wec || !keep_alive || st->stopping) break;
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Accepts connections until the server stops; each gets a task of its own.
awaitable<void> listen(std::shared_ptr<server_run::state> st, tcp::acceptor acceptor) {
  st->listener = &acceptor;
  struct forget {
    server_run::state& st;
    ~forget() { st.listener = nullptr; }
  } forgotten{*st};
  while (!st->stopping) {
    waiting_for_network();
    auto [ec, socket] = co_await acceptor.async_accept(with_error);
    if (ec == asio::error::operation_aborted || st->stopping) break;
    if (ec) {  // out of descriptors, a client gone before accept: pause, keep listening
      co_await sleep(std::chrono::milliseconds(50));
      continue;
    }
    {
      std::lock_guard lock(st->m);
      ++st->counts.connections;
    }
    current_loop().spawn(serve_connection(st, std::move(socket)), "conn " + std::to_string(++st->next_connection),
                         lane_kind::helper);
  }
}
// [/lesson]

}  // namespace

server_run::~server_run() {
  stop();
  loop.reset();
}

void server_run::stop() {
  if (!loop) return;
  std::weak_ptr<state> weak = server;
  asio::post(loop->io(), [weak] {
    if (auto st = weak.lock()) st->shut();
  });
}

server_report server_run::report() const {
  server_report r;
  std::array<std::vector<nanos>, routes.size()> service;
  std::array<std::uint64_t, routes.size()> answered{};
  {
    std::lock_guard lock(server->m);
    r = server->counts;
    service = server->service;
    answered = server->answered;
  }
  for (std::size_t i = 0; i < routes.size(); ++i) {  // sorted outside the lock: the server goes on
    const auto p = percentiles_s(std::move(service[i]));
    r.by_route.push_back({routes[i], answered[i], p[0], p[1], p[2]});
  }
  return r;
}

bool server_run::stopped() const { return !server || server->stopping; }

std::string server_run::banner() const { return (stopped() ? "served on " : "serving on ") + address(); }

std::vector<figure> server_run::figures() const {
  std::uint64_t connections = 0;
  {
    std::lock_guard lock(server->m);
    connections = server->counts.connections;
  }
  return {{"connections", "connections", static_cast<double>(connections), "", "Since the server started"}};
}

void listen_on(server_run& run, const server_settings& s) {
  auto st = std::make_shared<server_run::state>();
  st->settings = s;
  st->loop = run.loop.get();
  tcp::acceptor acceptor(run.loop->io());
  const tcp::endpoint where(asio::ip::make_address_v4("127.0.0.1"), s.port);
  error_code ec;
  acceptor.open(where.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(where, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::string why = "cannot listen on 127.0.0.1";
    why.append(s.port == 0 ? std::string(" (any free port)") : ":" + std::to_string(s.port));
    throw std::runtime_error(why.append(": ").append(ec.message()));
  }
  run.server = st;
  run.port_number = acceptor.local_endpoint().port();
  run.loop->spawn(listen(st, std::move(acceptor)), "listener", lane_kind::helper);
}

std::unique_ptr<server_run> make_server(const server_settings& s, const loop_options& base) {
  auto run = std::make_unique<server_run>();
  loop_options options = base;
  options.clock = clock_kind::real_clock;
  options.pool_size = s.pool;
  run->variant = "server";
  run->loop = std::make_unique<event_loop>(options);
  listen_on(*run, s);
  return run;
}

}  // namespace loopscope::lessons::web

namespace loopscope::lessons {

namespace {

using namespace web;

// A variant: the server, and N concurrent requests to one route from a load
// generator on a loop (and a thread) of its own.
class load_run : public server_run {
 public:
  ~load_run() override {
    stop();
    client_io.stop();
    if (client_thread.joinable()) client_thread.join();
    loop.reset();
  }
  std::vector<figure> figures() const override;

  // Client thread: one request has its answer (or failed). The last one
  // computes the load's figures, once.
  void answered(nanos latency, bool ok) {
    bool last = false;
    {
      std::lock_guard lock(m);
      if (ok)
        latencies.push_back(latency);
      else
        ++errors;
      last = ++finished == requests;
      if (last) load_figures = measure_load();
    }
    if (last)
      asio::post(loop->io(), [this] {
        if (waiter != nullptr) waiter->set();
      });
  }

  std::string path;
  int requests = 0;
  std::vector<lane_id> request_lanes;  // written by the client thread (extra writer 0)
  asio::io_context client_io{1};
  std::thread client_thread;
  real_event* waiter = nullptr;  // main, while it waits for the answers (loop thread)

  mutable std::mutex m;
  std::vector<nanos> latencies;
  int errors = 0, finished = 0;
  nanos first_sent = -1, last_answered = -1;
  std::vector<figure> load_figures;  // once every request has its answer

 private:
  std::vector<figure> measure_load() const;
};

// One request of the load, start to answer, on the client's loop.
awaitable<void> request_once(load_run& run, std::size_t i) {
  event_loop& server_loop = *run.loop;
  const lane_id lane = run.request_lanes[i];
  const nanos t0 = server_loop.now();
  server_loop.mark_external(0, lane, lane_state::ready);
  server_loop.mark_external(0, lane, lane_state::running);
  server_loop.mark_external(0, lane, lane_state::waiting, static_cast<std::uint8_t>(wait_reason::io));
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(std::chrono::seconds(120));
  const tcp::endpoint server(asio::ip::make_address_v4("127.0.0.1"), run.port());
  auto [ec] = co_await stream.async_connect(server, with_error);
  http::response<http::string_body> res;
  if (!ec) {
    http::request<http::empty_body> req{http::verb::get, run.path, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::user_agent, "loopscope-load");
    req.keep_alive(false);
    auto [wec, written] = co_await http::async_write(stream, req, with_error);
    ec = wec;
    if (!ec) {
      beast::flat_buffer buffer;
      auto [rec, read] = co_await http::async_read(stream, buffer, res, with_error);
      ec = rec;
    }
  }
  const nanos t1 = server_loop.now();
  const bool ok = !ec && res.result() == http::status::ok;
  server_loop.mark_external(0, lane, lane_state::running);
  server_loop.mark_external(0, lane, ok ? lane_state::done : lane_state::failed);
  {
    std::lock_guard lock(run.m);
    if (run.first_sent < 0 || t0 < run.first_sent) run.first_sent = t0;
    run.last_answered = std::max(run.last_answered, t1);
  }
  if (!ok) {
    std::string why = ec ? ec.message() : std::string("HTTP ") + std::to_string(res.result_int());
    asio::post(server_loop.io(), [&server_loop, lane, why = std::move(why)]() mutable {
      server_loop.trace().add_note(lane, std::move(why));
    });
  }
  run.answered(t1 - t0, ok);
}

// Main: fire the load, wait for every answer; then stop serving, unless the
// run is watched in the window (curl and wrk can still come).
awaitable<void> fire_load(load_run& run) {
  real_event all_answered(run.loop->io());
  run.waiter = &all_answered;
  struct forget {
    load_run& run;
    ~forget() { run.waiter = nullptr; }
  } forgotten{run};
  for (std::size_t i = 0; i < run.request_lanes.size(); ++i)
    asio::co_spawn(run.client_io, request_once(run, i), asio::detached);
  run.client_thread = std::thread([&run] { run.client_io.run(); });
  if (run.requests > 0) co_await all_answered.wait();
  if (!run.loop->options().live_session) run.server->shut();
}

// Under the lock, once: the figures of the whole load.
std::vector<figure> load_run::measure_load() const {
  const auto p = percentiles_s(latencies);
  const double total = last_answered > first_sent ? static_cast<double>(last_answered - first_sent) / 1e9 : 0;
  const char* latency = "From connecting to the last byte of the answer";
  return {{"ok", "answered 200 OK", static_cast<double>(latencies.size()), "", "Of the load's requests"},
          {"errors", "failed", static_cast<double>(errors), "", "Refused, reset, timed out or not 200"},
          {"latency_p50_s", "latency p50", p[0], "s", latency},
          {"latency_p95_s", "latency p95", p[1], "s", latency},
          {"latency_p99_s", "latency p99", p[2], "s", latency},
          {"total_s", "all answered after", total, "s", "From the first request sent to the last answer"},
          {"throughput_rps", "throughput", total > 0 ? static_cast<double>(latencies.size()) / total : 0, "req/s",
           "Answers per second over the load"}};
}

std::vector<figure> load_run::figures() const {
  std::vector<figure> f;
  {
    std::lock_guard lock(m);
    f = load_figures;
  }
  for (auto& connections : server_run::figures()) f.push_back(std::move(connections));
  return f;
}

std::unique_ptr<scenario_run> make_variant(std::size_t variant, const values& v, const loop_options& base) {
  auto run = std::make_unique<load_run>();
  loop_options options = base;
  options.clock = clock_kind::real_clock;
  options.pool_size = static_cast<int>(v.at("pool"));
  options.extra_writers = 1;
  server_settings s;
  s.delay = ms_of(v.at("delay"));
  s.pool = options.pool_size;
  run->path = routes[variant];
  run->requests = static_cast<int>(v.at("requests"));
  run->variant = run->path;
  run->loop = std::make_unique<event_loop>(options);
  run->main_lane = run->loop->add_lane(lane_kind::main, "main");
  for (int i = 1; i <= run->requests; ++i)
    run->request_lanes.push_back(run->loop->add_lane(lane_kind::task, "request " + std::to_string(i), run->main_lane));
  run->task_lanes = run->request_lanes;
  listen_on(*run, s);
  load_run& r = *run;
  run->loop->spawn_on(run->main_lane, supervise(r, [&r](std::vector<task_handle>&) { return fire_load(r); }));
  return run;
}

}  // namespace

lesson lesson_server() {
  lesson l;
  l.id = "server";
  l.title = "A web server";
  l.summary = "A real HTTP server under load: an awaiting route, a blocking one, one offloaded to threads, one on the CPU.";
  l.params = {{"requests", "requests", 1, 200, 20, "requests", "Concurrent requests the load generator sends", 5000},
              {"delay", "delay", 10, 1000, 100, "ms", "What the database call in each route takes"},
              {"pool", "threads", 1, 16, 4, "threads", "Threads of the pool behind /offload"}};
  l.variants = {routes.begin(), routes.end()};
  l.real_clock_only = true;
  l.variants_in_turn = true;
  l.make = make_variant;
  l.bars = bar_chart{{"latency_p50_s", "latency_p95_s", "latency_p99_s"}, {"p50", "p95", "p99"},
                     "Latency per route, from connecting to the answer"};
  l.predict = {"How long until all the requests to /blocking are answered, in seconds?", "s", {},
               [](const std::vector<outcome>& runs) { return figure_of(*runs[1].run, "total_s"); }};
  return l;
}

}  // namespace loopscope::lessons
