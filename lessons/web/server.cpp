// The web server of lesson 10 and of `loopscope serve`: HTTP/1.1 with
// Boost.Beast on an event loop of its own, on 127.0.0.1, answering curl and
// wrk as well as the lesson's load. Its routes are the lesson's code.
#include "lessons/web/server.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <mutex>
#include <random>

#include "core/launch.hpp"
#include "core/loop.hpp"
#include "core/metrics.hpp"

namespace loopscope::web {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto with_error = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t samples_kept = 1'000'000;  // per route; past it, a uniform sample
}  // namespace

std::array<double, 3> percentiles_s(std::vector<nanos> v) {
  std::sort(v.begin(), v.end());
  std::array<double, 3> out{};
  const double qs[] = {0.50, 0.95, 0.99};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(percentile(v, qs[i])) / 1e9;
  return out;
}

// What the server's coroutines share. The loop thread owns everything but
// the counters and samples, which the window and the command line read.
struct server_run::state {
  server_settings settings;
  event_loop* loop = nullptr;
  tcp::acceptor* listener = nullptr;   // while the listener runs
  std::list<beast::tcp_stream*> open;  // every connection being served
  std::atomic<bool> stopping{false};   // read by reachable_at() from any thread
  int next_connection = 0;

  mutable std::mutex m;
  server_report counts;
  std::array<std::vector<nanos>, routes.size()> service;  // per route: time in the server, sampled
  std::array<std::uint64_t, routes.size()> answered{};    // per route: every 200
  std::minstd_rand rng{7};

  void count(http::status s) {
    std::lock_guard lock(m);
    ++counts.requests;
    switch (s) {
      case http::status::ok:
        ++counts.ok;
        break;
      case http::status::bad_request:
        ++counts.bad_request;
        break;
      case http::status::not_found:
        ++counts.not_found;
        break;
      case http::status::method_not_allowed:
        ++counts.bad_method;
        break;
      case http::status::payload_too_large:
      case http::status::request_header_fields_too_large:
        ++counts.too_large;
        break;
      case http::status::request_timeout:
        ++counts.timed_out;
        break;
      default:
        break;
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
  // Loop thread: a new connection's lane name, counted.
  std::string connection_name() {
    std::lock_guard lock(m);
    ++counts.connections;
    return "conn " + std::to_string(++next_connection);
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

// The lesson's code, below: what each route does while the request waits.
awaitable<http::status> route(std::string_view path, const server_settings& s);

// What a socket operation ended with, or the cancellation of this task if
// one came meanwhile: raised once, where the task waits, as the runtime's
// own primitives do (an operation that completed as the cancellation came
// would hide it).
error_code or_cancelled(error_code ec) {
  event_loop& l = current_loop();
  return l.take_cancellation(l.current_lane()) ? error_code(asio::error::operation_aborted) : ec;
}

// Waits for the next connection, as waiting for the network.
awaitable<std::tuple<error_code, tcp::socket>> accept(tcp::acceptor& acceptor) {
  waiting_for_network();
  auto [ec, socket] = co_await acceptor.async_accept(with_error);
  co_return std::make_tuple(or_cancelled(ec), std::move(socket));
}

// The acceptor stop() closes, while the listener has it.
struct listening {
  listening(server_run::state& st, tcp::acceptor& acceptor) : st(st) { st.listener = &acceptor; }
  ~listening() { st.listener = nullptr; }
  server_run::state& st;
};

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
    auto [read_ec, n] = co_await http::async_read(stream, buffer, parser, with_error);
    const error_code ec = or_cancelled(read_ec);
    if (ec == http::error::end_of_stream || st->stopping) break;  // the client is done
    if (ec == asio::error::connection_reset || ec == http::error::partial_message) break;
    if (ec == asio::error::operation_aborted) break;  // this connection's task was cancelled
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
        res.result(co_await route(path, st->settings));
      }
      res.body() = res.result() == http::status::ok ? std::string(path.substr(1)) + ": answered\n"
                                                    : std::string(res.reason()) + "\n";
    }
    res.keep_alive(keep_alive);
    res.prepare_payload();
    if (!ec && parser.get().method() == http::verb::head) res.body().clear();  // the length a GET would get, no body
    st->count(res.result());
    waiting_for_network();
    auto [write_ec, written] = co_await http::async_write(stream, res, with_error);
    const error_code wec = or_cancelled(write_ec);
    if (which < routes.size() && res.result() == http::status::ok) st->sample(which, current_loop().now() - started);
    if (wec || !keep_alive || st->stopping) break;
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

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

// The server's main task: it accepts connections until the server stops,
// and serves each one on a task of its own, as asyncio.start_server does.
awaitable<void> listen(std::shared_ptr<server_run::state> st, tcp::acceptor acceptor) {
  listening here(*st, acceptor);
  while (!st->stopping) {
    auto [ec, socket] = co_await accept(acceptor);
    if (ec == asio::error::operation_aborted || st->stopping) break;
    if (ec) {  // out of descriptors, a client gone before accept: pause, keep listening
      co_await sleep(50ms);
      continue;
    }
    spawn(serve_connection(st, std::move(socket)), st->connection_name(), lane_kind::helper);
  }
}
// [/lesson]

}  // namespace

server_run::~server_run() {
  stop();
  stop_loop();
}

void server_run::stop() {
  if (!has_loop()) return;
  std::weak_ptr<state> weak = server;
  asio::post(loop().io(), [weak] {
    if (auto st = weak.lock()) st->shut();
  });
}

void server_run::stop_here() { server->shut(); }

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

std::optional<endpoint> server_run::reachable_at() const { return endpoint{address(), !stopped()}; }

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
  st->loop = &run.loop();
  tcp::acceptor acceptor(run.loop().io());
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
  run.loop().spawn(listen(st, std::move(acceptor)), "listener", lane_kind::helper);
}

std::unique_ptr<server_run> make_server(const server_settings& s, const loop_options& base) {
  auto run = std::make_unique<server_run>();
  loop_options options = base;
  options.clock = clock_kind::real_clock;
  options.pool_size = s.pool;
  prepare(*run, "server", options);
  listen_on(*run, s);
  return run;
}

}  // namespace loopscope::web
