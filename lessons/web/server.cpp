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
constexpr std::size_t samples_kept = 1'000'000;   // per route; past it, a uniform sample
constexpr std::size_t lingering_bytes = 4 << 20;  // read and dropped after refusing a request midway
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

  // A request answered: its answer written in full.
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
  // A request read and never answered: the server stopped, or the client
  // left, before its answer was written.
  void count_aborted() {
    std::lock_guard lock(m);
    ++counts.requests;
    ++counts.aborted;
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
http::status status_for(const error_code& ec, bool header_done) {
  if (ec == http::error::header_limit) return http::status::request_header_fields_too_large;
  if (ec == http::error::body_limit) return http::status::payload_too_large;
  // Past the header, what outgrows the buffer is a chunk's header line or
  // the trailer.
  if (ec == http::error::buffer_overflow)
    return header_done ? http::status::payload_too_large : http::status::request_header_fields_too_large;
  if (ec == beast::error::timeout) return http::status::request_timeout;
  return http::status::bad_request;
}

using request_parser = http::request_parser<http::string_body>;

// A body framed in a way Beast lets through: "chunked" must be the last
// transfer coding and named once (RFC 9112, 6.1 and 6.3); otherwise the
// length of the body cannot be known, and what follows could be read as
// another request.
bool framing_is_sound(const request_parser& parser) {
  int chunked = 0;
  bool chunked_last = false;
  const auto [first, last] = parser.get().equal_range(http::field::transfer_encoding);
  for (auto f = first; f != last; ++f)
    for (const auto coding : http::token_list(f->value())) {
      chunked_last = beast::iequals(coding, "chunked");
      chunked += chunked_last ? 1 : 0;
    }
  return parser.get().count(http::field::transfer_encoding) == 0 || (chunked == 1 && chunked_last);
}

// Reads one request. The header limit holds for the header as a whole:
// Beast's own applies to the part of it one read brings, so the header is
// read here, counted as the parser takes it. Then the body, by Beast,
// within the body limit and within the buffer (a chunk's header line or a
// trailer longer than the buffer ends the read).
awaitable<error_code> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer, request_parser& parser,
                                   const server_settings& s) {
  std::size_t header_bytes = 0;
  while (!parser.is_header_done()) {
    if (buffer.size() > 0) {
      error_code ec;
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      header_bytes += used;
      if (header_bytes > s.header_limit) co_return http::error::header_limit;
      if (ec && ec != http::error::need_more) co_return ec;
      if (used > 0 || parser.is_header_done()) continue;
    }
    if (buffer.size() >= buffer.max_size()) co_return http::error::header_limit;
    waiting_for_network();
    auto [read_ec, n] = co_await stream.async_read_some(buffer.prepare(buffer.max_size() - buffer.size()), with_error);
    buffer.commit(n);
    if (const error_code ec = or_cancelled(read_ec)) {
      if (ec != asio::error::eof) co_return ec;
      co_return parser.got_some() || buffer.size() > 0 ? error_code(http::error::partial_message)
                                                       : error_code(http::error::end_of_stream);
    }
  }
  if (!framing_is_sound(parser)) co_return http::error::bad_transfer_encoding;
  if (parser.is_done()) co_return error_code();
  waiting_for_network();
  auto [ec, n] = co_await http::async_read(stream, buffer, parser, with_error);
  co_return or_cancelled(ec);
}

// A request read and not answered is counted so when its task ends without
// having written the answer: the server stopped (the route was cut short)
// or the client left.
struct pending_answer {
  server_run::state& st;
  bool answered = false;
  ~pending_answer() {
    if (!answered) st.count_aborted();
  }
};

// After an answer to a request refused before its end: stop sending, then
// read what the client still sends, up to a bound, and drop it.
awaitable<void> linger(beast::tcp_stream& stream) {
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.expires_after(std::chrono::seconds(1));
  std::array<char, 16 * 1024> scratch;
  for (std::size_t dropped = 0; dropped < lingering_bytes;) {
    waiting_for_network();
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch), with_error);
    if (or_cancelled(ec)) break;
    dropped += n;
  }
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

  // What the parser has yet to take stays in the buffer: a header line, a
  // chunk's header line, a trailer. Its limit bounds them all.
  beast::flat_buffer buffer(st->settings.header_limit * 2);
  for (;;) {
    request_parser parser;
    parser.header_limit(static_cast<std::uint32_t>(st->settings.header_limit));
    parser.body_limit(st->settings.body_limit);
    stream.expires_after(st->settings.idle_timeout);
    const error_code ec = co_await read_request(stream, buffer, parser, st->settings);
    if (ec == http::error::end_of_stream || st->stopping) break;  // the client is done
    if (ec == asio::error::connection_reset || ec == http::error::partial_message) break;
    if (ec == asio::error::operation_aborted) break;  // this connection's task was cancelled
    if (ec == beast::error::timeout && buffer.size() == 0 && !parser.got_some()) break;  // silent
    const nanos started = current_loop().now();
    pending_answer pending{*st};

    http::response<http::string_body> res;
    res.version(11);
    res.set(http::field::server, "loopscope");
    res.set(http::field::content_type, "text/plain");
    bool keep_alive = false;
    std::size_t which = routes.size();
    if (ec) {  // malformed, oversized or too slow
      res.result(status_for(ec, parser.is_header_done()));
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
    waiting_for_network();
    auto [write_ec, written] = co_await http::async_write(stream, res, with_error);
    const error_code wec = or_cancelled(write_ec);
    if (wec) break;  // not answered: counted as aborted
    pending.answered = true;
    st->count(res.result());
    if (which < routes.size() && res.result() == http::status::ok) st->sample(which, current_loop().now() - started);
    if (ec && !parser.is_done()) {
      // Refused before its end: what the client still sends is read and
      // dropped for a moment, so that it reads the answer before the
      // connection closes (closed with unread data, it would be reset).
      co_await linger(stream);
      break;
    }
    if (!keep_alive || st->stopping) break;
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
  // Requests in flight are not waited for: a route blocking the loop or a
  // job on the pool is cut short, and every task is cancelled.
  loop().interrupt();
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
