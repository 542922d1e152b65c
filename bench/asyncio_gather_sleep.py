"""The same program as `loopscope run --strategy gather --tasks N --duration
1ms` (or, with a limit, `--strategy bounded --limit K`), in CPython asyncio:
N tasks that each await asyncio.sleep(0.001), gathered; bounded, each holds
a permit of a semaphore of K while it sleeps. The benchmark measures the
whole process: its CPU time and its peak resident memory."""
import asyncio
import sys


async def fetch(delay):
    await asyncio.sleep(delay)


async def limited(sem, delay):
    async with sem:
        await fetch(delay)


async def gathered(n, delay):
    await asyncio.gather(*(fetch(delay) for _ in range(n)))


async def bounded(n, limit, delay):
    sem = asyncio.Semaphore(limit)
    await asyncio.gather(*(limited(sem, delay) for _ in range(n)))


if __name__ == "__main__":
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if limit > 0:
        asyncio.run(bounded(tasks, limit, 0.001))
    else:
        asyncio.run(gathered(tasks, 0.001))
