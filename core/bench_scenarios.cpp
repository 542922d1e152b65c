#include "core/bench_scenarios.hpp"

#include "core/launch.hpp"

namespace loopscope {

namespace {

awaitable<void> chatty_client(int id) {
  for (int i = 0; i < 32; ++i) co_await sleep(std::chrono::microseconds(200 + ((id * 7919 + i * 104729) % 5000)));
}

awaitable<void> all_clients(int tasks) {
  std::vector<task_handle> clients;
  for (int i = 0; i < tasks; ++i) clients.push_back(spawn(chatty_client(i), "client " + std::to_string(i + 1)));
  co_await gather(clients);
}

}  // namespace

std::unique_ptr<scenario_run> make_chatty_clients(int tasks) {
  return launch("gather", loop_options{}, numbered("client", tasks), all_clients(tasks));
}

}  // namespace loopscope
