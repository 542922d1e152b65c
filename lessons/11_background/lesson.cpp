// Lesson 11: fire and forget.
#include "lessons/lesson.hpp"

#include <set>

#include "core/loop.hpp"
#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
struct timings {
  nanoseconds save;  // saving the order: the request's own work
  nanoseconds mail;  // sending the receipt
};

struct shop {
  std::set<task_handle> background_tasks;
  std::vector<std::string> error_log;  // what logging.error wrote
};

awaitable<void> send_receipt(int order, nanoseconds mail, int failing) {
  co_await sleep(mail);  // the mail server
  if (order == failing) throw task_error("receipt " + std::to_string(order) + ": the mail server said 554");
}

std::string receipt_name(int order) { return "send receipt " + std::to_string(order); }

// Awaited: the response waits for the mail, and its failure reaches the
// request handler (the client gets a 500).
awaitable<void> handle_awaited(shop&, int order, timings t, int failing) {
  co_await sleep(t.save);
  co_await spawn(send_receipt(order, t.mail, failing), receipt_name(order)).join();
}

// Forgotten: the response goes at once; nobody keeps the task, so nobody
// ever reads its error.
awaitable<void> handle_forgotten(shop&, int order, timings t, int failing) {
  co_await sleep(t.save);
  spawn(send_receipt(order, t.mail, failing), receipt_name(order));
}

// The done-callback: drop the task from the set, and log its failure.
void receipt_done(shop& s, task_handle receipt) {
  s.background_tasks.erase(receipt);
  if (!receipt.cancelled())
    if (auto e = receipt.error()) s.error_log.push_back(describe(e));
}

// Kept: a reference in a set until it ends, and a callback that reads its
// outcome.
awaitable<void> handle_kept(shop& s, int order, timings t, int failing) {
  co_await sleep(t.save);
  auto receipt = spawn(send_receipt(order, t.mail, failing), receipt_name(order));
  s.background_tasks.insert(receipt);
  receipt.add_done_callback([&s](task_handle done) { receipt_done(s, done); });
}

using handler = awaitable<void> (*)(shop&, int, timings, int);

// The orders come one after another, each answered when its handler returns.
awaitable<void> serve(shop& s, int orders, timings t, int failing, handler handle) {
  for (int order = 1; order <= orders; ++order) co_await handle(s, order, t, failing);
}
// [/lesson]

variant served_by(std::string name, handler handle) {
  return launched_keeping(
      std::move(name), [](const values&) { return shop{}; }, tasks_named("send receipt", "orders"),
      [handle](const values& v, shop& s) {
        return serve(s, static_cast<int>(v.at("orders")), {ms(v.at("save")), ms(v.at("mail"))},
                     static_cast<int>(v.at("failing")), handle);
      },
      [](const run_keeping<shop>& run) {
        return std::vector<figure>{
            {"errors_logged", "errors logged", static_cast<double>(run.state.error_log.size()), "",
             "failures a done-callback read and logged"},
            {"never_retrieved", "errors never retrieved", static_cast<double>(run.loop().never_retrieved().size()), "",
             "failed tasks whose exception nobody read: asyncio logs them only when the task is collected"},
            {"background_left", "tasks left in the set", static_cast<double>(run.state.background_tasks.size()), "",
             "references the set still holds at the end"}};
      });
}

}  // namespace

lesson lesson_background() {
  lesson l;
  l.variants = {served_by("awaited", handle_awaited), served_by("forgotten", handle_forgotten),
                served_by("kept in a set", handle_kept)};
  // Who hears of the failure when the task is forgotten.
  l.predict.answer = [](const outcomes& o) -> std::optional<double> {
    if (o.run("forgotten").error()) return 0;
    if (o.figure("forgotten", "errors_logged") > 0) return 1;
    if (o.figure("forgotten", "never_retrieved") > 0) return 2;
    return std::nullopt;
  };
  return l;
}

}  // namespace loopscope::lessons
