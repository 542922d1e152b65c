// Lesson 14: first result wins.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
struct latencies {
  nanoseconds eu, us, asia;
};

awaitable<void> download(nanoseconds latency) {
  co_await sleep(latency);  // the same file, from one mirror
}

// The same request to every mirror at once: a hedged request.
std::vector<task_handle> ask_every_mirror(latencies l) {
  return {spawn(download(l.eu), "mirror eu"), spawn(download(l.us), "mirror us"),
          spawn(download(l.asia), "mirror asia")};
}

// gather: every answer, so the slowest mirror's time.
awaitable<void> gather_all(latencies l) {
  auto downloads = ask_every_mirror(l);
  co_await gather(downloads);
}

// as_completed: the first answer, and the others forgotten. They run on
// to their end, holding their connections, for nothing.
awaitable<void> first_then_forget(latencies l) {
  auto downloads = ask_every_mirror(l);
  as_completed arrivals(downloads);
  co_await arrivals.next();  // the first to finish
}

// wait(FIRST_COMPLETED), then cancel the losers: they stop at once.
awaitable<void> first_then_cancel(latencies l) {
  auto downloads = ask_every_mirror(l);
  auto [done, pending] = co_await wait(downloads, return_when::first_completed);
  for (const auto& loser : pending) loser.cancel();
}
// [/lesson]

template <class How>
variant hedged(std::string name, How how) {
  return launched(
      std::move(name),
      [](const values&) {
        return std::vector<std::string>{"mirror eu", "mirror us", "mirror asia"};
      },
      [how](const values& v) {
        return how(latencies{ms(v.at("eu")), ms(v.at("us")), ms(v.at("asia"))});
      });
}

}  // namespace

lesson lesson_first() {
  lesson l;
  l.variants = {hedged("gather all", gather_all), hedged("first, forget the rest", first_then_forget),
                hedged("first, cancel the rest", first_then_cancel)};
  l.predict.answer = [](const outcomes& o) { return o.makespan_s("first, forget the rest"); };
  return l;
}

}  // namespace loopscope::lessons
