// Lesson 12: a queue with backpressure.
#include "lessons/lesson.hpp"

#include "lessons/launched.hpp"

namespace loopscope::lessons {

namespace {

// [lesson]
// Orders arrive one every `interval`; each is put on the queue, which
// waits while the queue is full: the producer slows to the workers' pace.
awaitable<void> produce(queue<int> jobs, int orders, nanoseconds interval) {
  for (int order = 1; order <= orders; ++order) {
    co_await sleep(interval);  // the next order comes in
    co_await jobs.put(order);  // waits while the queue is full
  }
}

// A worker takes jobs for as long as it lives: it is cancelled at the end.
awaitable<void> work(queue<int> jobs, nanoseconds job_time) {
  for (;;) {
    co_await jobs.get();       // waits while the queue is empty
    co_await sleep(job_time);  // process the order
    jobs.task_done();
  }
}

awaitable<void> pipeline(int orders, nanoseconds interval, int workers, int maxsize, nanoseconds job_time) {
  queue<int> jobs(maxsize);  // asyncio.Queue(maxsize); 0: no limit
  auto producer = spawn(produce(jobs, orders, interval), "producer");
  std::vector<task_handle> crew;
  for (int i = 1; i <= workers; ++i) crew.push_back(spawn(work(jobs, job_time), "worker " + std::to_string(i)));
  co_await producer.join();  // every order is on the queue
  co_await jobs.join();      // every order is processed
  for (const auto& worker : crew) worker.cancel();
}
// [/lesson]

// A variant: the pipeline with `workers` and `maxsize` from the values, or fixed.
variant pipeline_with(std::string name, std::optional<int> workers, std::optional<int> maxsize) {
  auto count = [workers](const values& v) { return workers.value_or(static_cast<int>(v.at("workers"))); };
  return launched(
      std::move(name),
      [count](const values& v) {
        std::vector<std::string> names{"producer"};
        for (auto& w : numbered("worker", count(v))) names.push_back(std::move(w));
        return names;
      },
      [count, maxsize](const values& v) {
        return pipeline(static_cast<int>(v.at("orders")), ms(1000.0 / v.at("rate")), count(v),
                        maxsize.value_or(static_cast<int>(v.at("maxsize"))), ms(v.at("job")));
      });
}

}  // namespace

lesson lesson_queue() {
  lesson l;
  l.variants = {pipeline_with("unbounded", std::nullopt, 0), pipeline_with("bounded", std::nullopt, std::nullopt),
                pipeline_with("too few workers", 1, std::nullopt)};
  // The producer is the first task of every variant.
  l.predict.answer = [](const outcomes& o) {
    const auto& run = o.run("bounded");
    return static_cast<double>(o.metrics("bounded").lanes[run.task_lanes().front()].end) / 1e9;
  };
  return l;
}

}  // namespace loopscope::lessons
