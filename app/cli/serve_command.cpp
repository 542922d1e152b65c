// loopscope serve: lesson 10's web server alone, until SIGINT or SIGTERM.
#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/cli/commands.hpp"
#include "app/cli/flags.hpp"
#include "core/metrics.hpp"
#include "lessons/web/server.hpp"

namespace loopscope::cli {

namespace {

struct serve_flags {
  int port = 8000;
  std::string delay = "100ms", idle = "15s";
  int pool = 4;
};

void print_route_table(std::ostream& out, const web::server_report& r) {
  for (const auto& route : r.by_route) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-10s %10s answered", route.route.c_str(),
                  format_figure(static_cast<double>(route.requests), "").c_str());
    out << line;
    if (route.requests > 0)
      out << " · in the server p50 " << format_figure(route.p50_s, "s") << " · p95 " << format_figure(route.p95_s, "s")
          << " · p99 " << format_figure(route.p99_s, "s");
    out << "\n";
  }
}

int serve(const serve_flags& f) {
  web::server_settings s;
  if (f.port < 0 || f.port > 65535) throw usage_error("--port: " + std::to_string(f.port) + " is not a port (0-65535)");
  if (f.pool < 1 || f.pool > 256) throw usage_error("--pool: " + std::to_string(f.pool) + " threads; use 1 to 256");
  s.port = static_cast<std::uint16_t>(f.port);
  s.delay = std::chrono::nanoseconds(duration_flag("--delay", f.delay));
  s.idle_timeout = std::chrono::nanoseconds(duration_flag("--idle", f.idle));
  if (s.idle_timeout.count() <= 0) throw usage_error("--idle: must be more than 0");
  s.pool = f.pool;

  // SIGINT and SIGTERM are taken by this thread alone (sigwait): every
  // thread started from here on inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  loop_options options;
  options.record = false;  // a server may run for days: count, do not trace
  std::unique_ptr<web::server_run> server;
  try {
    server = web::make_server(s, options);
  } catch (const std::exception& e) {
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    std::string why = e.what();
    if (f.port != 0) why.append(" (another port with --port, or --port 0 for a free one)");
    throw std::runtime_error(why);
  }
  const auto started = std::chrono::steady_clock::now();
  std::cout << "serving on " << server->address() << " · delay " << format_duration(s.delay.count()) << " · pool "
            << s.pool << (s.pool == 1 ? " thread" : " threads") << " · idle timeout "
            << format_duration(s.idle_timeout.count()) << "\n"
            << "  routes: /async (awaits)  /blocking (blocks the loop)  /offload (thread pool)  /cpu (computes)\n"
            << "  try:    curl -i " << server->address() << "/async\n"
            << "          wrk -c 64 -d 10s " << server->address() << "/blocking\n"
            << "  Ctrl-C (or SIGTERM) stops it and prints what it served.\n"
            << std::flush;
  server->start();
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cout << "\nstopping (" << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT") << "): closing the listener and "
            << server->report().open_connections << " open connections; requests in flight are not answered\n"
            << std::flush;
  server->stop();
  server->wait();
  const auto r = server->report();
  const auto up = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started);
  auto count = [](std::uint64_t n, const char* what) {
    return format_figure(static_cast<double>(n), "").append(" ").append(what).append(n == 1 ? "" : "s");
  };
  std::cout << "served for " << format_duration(up.count()) << ": " << count(r.connections, "connection") << ", "
            << count(r.requests, "request") << "\n";
  print_route_table(std::cout, r);
  std::cout << "  status 200: " << r.ok << " · 400: " << r.bad_request << " · 404: " << r.not_found
            << " · 405: " << r.bad_method << " · 413/431: " << r.too_large << " · 408: " << r.timed_out
            << " · aborted: " << r.aborted << "\n";
  return 0;
}

}  // namespace

command add_serve(CLI::App& app) {
  auto f = std::make_shared<serve_flags>();
  auto* serve_app =
      app.add_subcommand("serve", "Run lesson 10's web server alone on 127.0.0.1 until Ctrl-C or SIGTERM");
  serve_app->add_option("--port", f->port, "TCP port on 127.0.0.1; 0 picks a free one")->capture_default_str();
  serve_app->add_option("--delay", f->delay, "What each route's database call takes, e.g. 100ms")
      ->capture_default_str();
  serve_app->add_option("--pool", f->pool, "Threads behind /offload (1-256)")->capture_default_str();
  serve_app->add_option("--idle", f->idle, "Close a connection silent this long, e.g. 15s")->capture_default_str();
  return {serve_app, [f] { return serve(*f); }};
}

}  // namespace loopscope::cli
