"""Three requests arrive at once: one for a handler that calls time.sleep,
two for a handler that awaits. The blocking call holds the whole event
loop, so the two async requests take 2 s instead of 1 s."""
import asyncio
import time


async def blocking_handler():
    time.sleep(1)  # blocks the loop: nothing else runs meanwhile
    return "report"


async def async_handler():
    await asyncio.sleep(1)  # lets the loop serve other requests
    return "profile"


async def serve(name, handler, arrived):
    await handler()
    print(f"{name:>8} answered after {time.perf_counter() - arrived:.2f} s")


async def main():
    arrived = time.perf_counter()
    await asyncio.gather(
        serve("blocking", blocking_handler, arrived),
        serve("async 1", async_handler, arrived),
        serve("async 2", async_handler, arrived),
    )


asyncio.run(main())
