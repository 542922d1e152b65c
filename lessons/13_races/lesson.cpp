// Lesson 13: races across an await.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
struct account {
  int balance = 0;
};
constexpr int amount = 100;

struct timings {
  nanoseconds check;   // the fraud check: slow, touches nothing shared
  nanoseconds ledger;  // writing to the ledger
};

// Check, await, act: whatever another deposit wrote during the await is
// overwritten with a sum made from the balance read before it.
awaitable<void> record(account& acct, nanoseconds ledger) {
  const int current = acct.balance;  // check ...
  co_await sleep(ledger);            // ... every other deposit may run here ...
  acct.balance = current + amount;   // ... act, on what was read before
}

awaitable<void> unlocked(account& acct, event bank_open, lock, timings t) {
  co_await bank_open.wait();
  co_await sleep(t.check);
  co_await record(acct, t.ledger);
}

// `async with ledger_lock:` around the read, the await and the write only.
awaitable<void> locked(account& acct, event bank_open, lock ledger_lock, timings t) {
  co_await bank_open.wait();
  co_await sleep(t.check);
  auto held = co_await ledger_lock.acquire();
  co_await record(acct, t.ledger);
}

// The lock taken too early: the slow check runs inside it, one at a time.
awaitable<void> locked_too_wide(account& acct, event bank_open, lock ledger_lock, timings t) {
  co_await bank_open.wait();
  auto held = co_await ledger_lock.acquire();
  co_await sleep(t.check);
  co_await record(acct, t.ledger);
}

using deposit_fn = awaitable<void> (*)(account&, event, lock, timings);

// Every deposit waits for the bank to open (an Event), then all go at once.
awaitable<void> bank_day(account& acct, int deposits, timings t, deposit_fn deposit) {
  event bank_open;
  lock ledger_lock;
  std::vector<task_handle> all;
  for (int i = 1; i <= deposits; ++i)
    all.push_back(spawn(deposit(acct, bank_open, ledger_lock, t), "deposit " + std::to_string(i)));
  co_await sleep(100ms);  // the bank opens
  bank_open.set();
  co_await gather(all);
}
// [/lesson]

variant day_with(std::string name, deposit_fn deposit) {
  return launched_keeping(
      std::move(name), [](const values&) { return account{}; }, tasks_named("deposit", "deposits"),
      [deposit](const values& v, account& acct) {
        return bank_day(acct, static_cast<int>(v.at("deposits")), {ms(v.at("check")), ms(v.at("ledger"))}, deposit);
      },
      [](const run_keeping<account>& run) {
        const double expected = static_cast<double>(run.task_lanes().size()) * amount;
        const double balance = run.state.balance;
        return std::vector<figure>{
            {"balance", "final balance", balance, "", "what the account holds after every deposit"},
            {"expected_balance", "expected balance", expected, "", "deposits x 100"},
            {"lost_updates", "lost deposits", (expected - balance) / amount, "", "deposits overwritten by another"}};
      });
}

}  // namespace

lesson lesson_races() {
  lesson l;
  l.variants = {day_with("no lock", unlocked), day_with("lock", locked),
                day_with("lock held too long", locked_too_wide)};
  l.predict.answer = [](const outcomes& o) { return o.figure("no lock", "balance"); };
  return l;
}

}  // namespace loopscope::lessons
