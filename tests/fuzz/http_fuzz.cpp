// libFuzzer: the HTTP request path of lesson 10's server, as a client
// reaches it. The server runs in this process on 127.0.0.1; each input is
// sent on a connection of its own, the sending side is closed, and what
// comes back is read to its end. The server must answer with a status it
// knows, or not at all, close the connection, and stay up for the next.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "lessons/web/server.hpp"

namespace {

using namespace loopscope;

void expect(bool promise) {
  if (!promise) std::abort();
}

// Started once, never torn down: every input meets the same server.
web::server_run& server() {
  static web::server_run* const s = [] {
    web::server_settings settings;
    settings.delay = std::chrono::nanoseconds(0);  // every route answers at once
    settings.idle_timeout = std::chrono::seconds(2);
    loop_options options;
    options.record = false;  // millions of requests: count, do not trace
    auto run = web::make_server(settings, options);
    run->start();
    return run.release();
  }();
  return *s;
}

// A source address of its own for each connection (127.1.x.y): the
// server closes first, and its TIME_WAITs would soon use up the ports of
// one address.
void bind_source(int fd) {
  static std::uint32_t n = 0;
  ++n;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | (n % 65534 + 1));
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
}

std::string exchange(const std::uint8_t* data, std::size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  expect(fd >= 0);
  bind_source(fd);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(server().port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  expect(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  for (std::size_t sent = 0; sent < size;) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // refused before the end, and closed: fine
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string got;
  char buf[16 * 1024];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    // The server has everything the client will ever send: it must
    // answer and close, not wait.
    expect(::poll(&p, 1, 10'000) == 1);
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return got;
}

bool known_status(int status) {
  for (int s : {200, 400, 404, 405, 408, 413, 431})
    if (status == s) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string answer = exchange(data, size);
  // Every answer begins with a status line the server means to send.
  for (std::size_t at = answer.find("HTTP/1."); at != std::string::npos; at = answer.find("\r\nHTTP/1.", at + 1)) {
    const std::size_t line = at == 0 ? 0 : at + 2;
    expect(answer.size() >= line + 12 && answer[line + 8] == ' ');
    expect(known_status(std::atoi(answer.c_str() + line + 9)));
  }
  expect(answer.empty() || answer.rfind("HTTP/1.", 0) == 0);
  return 0;
}
