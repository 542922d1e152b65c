"""Lesson 12: a queue with backpressure."""
import asyncio


async def produce(jobs, orders, interval):
    for order in range(1, orders + 1):
        await asyncio.sleep(interval)  # the next order comes in
        await jobs.put(order)          # waits while the queue is full


async def work(jobs, job_time):
    while True:
        await jobs.get()               # waits while the queue is empty
        await asyncio.sleep(job_time)  # process the order
        jobs.task_done()


async def pipeline(orders, interval, workers, maxsize, job_time):
    jobs = asyncio.Queue(maxsize)  # 0: no limit
    producer = asyncio.create_task(produce(jobs, orders, interval))
    crew = [asyncio.create_task(work(jobs, job_time)) for _ in range(workers)]
    await producer     # every order is on the queue
    await jobs.join()  # every order is processed
    for worker in crew:
        worker.cancel()


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    def run(workers=None, maxsize=None):
        return lambda p, s: pipeline(int(p["orders"]), s(1000.0 / p["rate"]),
                                     int(p["workers"]) if workers is None else workers,
                                     int(p["maxsize"]) if maxsize is None else maxsize, s(p["job"]))

    harness.main({"unbounded": run(maxsize=0), "bounded": run(), "too few workers": run(workers=1)},
                 {"orders": 20, "rate": 10, "workers": 3, "maxsize": 3, "job": 500})
