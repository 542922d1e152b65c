"""Lesson 9: threads versus coroutines, measured on this machine."""
import asyncio
import threading
import time


def status():
    """Resident memory and address space (bytes) and OS threads, from the kernel."""
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            fields[name] = value.split()[0] if value.split() else ""
    return int(fields["VmRSS"]) * 1024, int(fields["VmSize"]) * 1024, int(fields["Threads"])


def measure(started, before, after, t0, t_up, t_end):
    return {"units": started,
            "creation_per_unit_s": (t_up - t0) / max(started, 1),
            "rss_per_unit_bytes": (after[0] - before[0]) / max(started, 1),
            "address_space_per_unit_bytes": (after[1] - before[1]) / max(started, 1),
            "finish_s": t_end - t0,
            "os_threads": after[2]}


def with_threads(n, wait):
    go = threading.Event()

    def wait_in_thread():
        go.wait()  # start together once every thread exists
        time.sleep(wait)

    threads = []
    before = status()
    t0 = time.perf_counter()
    for _ in range(n):
        t = threading.Thread(target=wait_in_thread)
        try:
            t.start()
        except RuntimeError as e:  # "can't start new thread": the system said no
            print(f"the system refused thread {len(threads) + 1}: {e}")
            break
        threads.append(t)
    t_up = time.perf_counter()
    after = status()
    go.set()
    for t in threads:
        t.join()
    return measure(len(threads), before, after, t0, t_up, time.perf_counter())


async def with_coroutines(n, wait):
    async def wait_in_coroutine():
        await asyncio.sleep(wait)

    before = status()
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(wait_in_coroutine()) for _ in range(n)]
    await asyncio.sleep(0)  # behind every new task: each one is now at its timer
    t_up = time.perf_counter()
    after = status()
    await asyncio.gather(*tasks)
    return measure(n, before, after, t0, t_up, time.perf_counter())


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description="Threads versus coroutines, measured")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--wait", type=float, default=1.0, help="seconds each one waits")
    args = parser.parse_args()
    coroutines = asyncio.run(with_coroutines(args.units, args.wait))
    threads = with_threads(args.units, args.wait)
    print(json.dumps({"threads": threads, "coroutines": coroutines}))
