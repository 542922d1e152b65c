// Lesson 10: a web server under load, and what FastAPI does for a plain
// `def` route. The server is real (lessons/web: Boost.Beast on the lesson's
// event loop, on 127.0.0.1), answering curl and wrk as well as the load
// this lesson fires at it from a loop and a thread of its own.
// [lesson] from ../web/server.cpp
#include "lessons/lesson.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <thread>

#include "core/launch.hpp"
#include "core/loop.hpp"
#include "lessons/web/server.hpp"

namespace loopscope::lessons {

namespace {

using namespace web;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto with_error = asio::as_tuple(asio::use_awaitable);

// A variant: the server, and N concurrent requests to one route from a load
// generator on a loop (and a thread) of its own.
class load_run : public server_run {
 public:
  ~load_run() override {
    stop();
    client_io.stop();
    if (client_thread.joinable()) client_thread.join();
    stop_loop();
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
    if (last) asio::post(loop().io(), [this] { all_answered.set(); });
  }

  std::string path;
  int requests = 0;
  std::vector<lane_id> request_lanes;  // written by the client thread (extra writer 0)
  asio::io_context client_io{1};
  std::thread client_thread;
  event all_answered;         // set on the loop thread
  bool keep_serving = false;  // after the load (a run watched live: curl and wrk can still come)

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
  event_loop& server_loop = run.loop();
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
  for (std::size_t i = 0; i < run.request_lanes.size(); ++i)
    asio::co_spawn(run.client_io, request_once(run, i), asio::detached);
  run.client_thread = std::thread([&run] { run.client_io.run(); });
  if (run.requests > 0) co_await run.all_answered.wait();
  if (!run.keep_serving) run.stop_here();
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

// A variant: the server, and the load on one route.
variant route_under_load(const char* path) {
  return {path, [path](const values& v, run_setup s) -> std::unique_ptr<scenario_run> {
            auto run = std::make_unique<load_run>();
            s.loop.clock = clock_kind::real_clock;
            s.loop.pool_size = static_cast<int>(v.at("pool"));
            s.loop.extra_writers = 1;
            server_settings settings;
            settings.delay = ms(v.at("delay"));
            settings.pool = s.loop.pool_size;
            run->path = path;
            run->requests = static_cast<int>(v.at("requests"));
            run->keep_serving = s.live;
            prepare(*run, s.variant, s.loop, numbered("request", run->requests), planning::by_number);
            run->request_lanes = run->task_lanes();
            listen_on(*run, settings);
            spawn_main(*run, fire_load(*run));
            return run;
          }};
}

}  // namespace

lesson lesson_server() {
  lesson l;
  for (const char* path : routes) l.variants.push_back(route_under_load(path));
  l.real_clock_only = true;
  l.variants_in_turn = true;
  l.bars = bar_chart{{"latency_p50_s", "latency_p95_s", "latency_p99_s"},
                     {"p50", "p95", "p99"},
                     "Latency per route, from connecting to the answer"};
  l.predict.answer = [](const outcomes& o) { return o.figure("/blocking", "total_s"); };
  l.predict.why = [](const outcomes& o) {
    const auto s = [](double v) { return said(static_cast<nanos>(v * 1e9)); };
    return "Each /blocking request held the loop for the whole query, so they were answered one after another: " +
           s(o.figure("/blocking", "total_s")) + ". /async answered the same load in " +
           s(o.figure("/async", "total_s")) + ".";
  };
  return l;
}

}  // namespace loopscope::lessons
