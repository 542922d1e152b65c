// The web server of lesson 10, also what `loopscope serve` runs: HTTP/1.1
// with Boost.Beast on an event loop of its own, on 127.0.0.1. No Asio here.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/loop_options.hpp"
#include "core/scenario.hpp"

namespace loopscope::web {

using std::chrono::nanoseconds;

struct server_settings {
  std::uint16_t port = 0;                               // 0: a free port, chosen by the system
  nanoseconds delay = std::chrono::milliseconds(100);   // what each route's "database" takes
  int pool = 4;                                         // threads behind /offload
  nanoseconds idle_timeout = std::chrono::seconds(15);  // a client that says nothing is closed
  std::size_t header_limit = 8 * 1024;                  // bigger headers: 431
  std::size_t body_limit = 64 * 1024;                   // bigger bodies: 413
};

inline constexpr std::array<const char*, 4> routes = {"/async", "/blocking", "/offload", "/cpu"};

struct route_report {
  std::string route;
  std::uint64_t requests = 0;
  double p50_s = 0, p95_s = 0, p99_s = 0;  // from the request read to the response written
};

struct server_report {
  std::uint64_t connections = 0, requests = 0;
  std::uint64_t ok = 0, bad_request = 0, not_found = 0, bad_method = 0, too_large = 0, timed_out = 0;
  std::uint64_t aborted = 0;  // read, never answered: the server stopped or the client left first
  std::size_t open_connections = 0;
  std::vector<route_report> by_route;
};

// A server listening from the moment it is made (the port is known then;
// a port in use throws). It serves once its loop runs, until stop().
class server_run : public scenario_run {
 public:
  ~server_run() override;
  std::uint16_t port() const { return port_number; }
  std::string address() const { return "http://127.0.0.1:" + std::to_string(port_number); }
  // From any thread: closes the listener and every connection, cutting
  // short the requests in flight (event_loop::interrupt); the loop ends.
  void stop();
  // The same, on the loop's thread, at once.
  void stop_here();
  server_report report() const;
  std::optional<endpoint> reachable_at() const override;
  std::vector<figure> figures() const override;

  struct state;
  std::shared_ptr<state> server;
  bool stopped() const;  // shared with the coroutines that serve
  std::uint16_t port_number = 0;
};

// Starts listening for `run` (its loop made, not yet running): binds now,
// serves once the loop runs. Throws std::runtime_error when it cannot.
void listen_on(server_run& run, const server_settings& s);

// p50, p95 and p99 of durations, in seconds.
std::array<double, 3> percentiles_s(std::vector<nanos> durations);

// A server alone (loopscope serve, the tests). Throws std::runtime_error
// when it cannot listen (a port in use, a port not allowed).
std::unique_ptr<server_run> make_server(const server_settings& s, const loop_options& options);

}  // namespace loopscope::web
