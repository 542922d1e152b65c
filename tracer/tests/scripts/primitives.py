"""One task waiting on each kind of primitive, released after 1 s."""
import asyncio


async def main():
    lock, event, condition = asyncio.Lock(), asyncio.Event(), asyncio.Condition()
    queue = asyncio.Queue()

    async def on_lock():
        async with lock:
            pass

    async def on_event():
        await event.wait()

    async def on_condition():
        async with condition:
            await condition.wait()

    async def on_queue():
        await queue.get()

    async def on_thread():
        await asyncio.get_running_loop().run_in_executor(None, sum, [1, 2])

    await lock.acquire()
    tasks = [asyncio.create_task(c(), name=c.__name__)
             for c in (on_lock, on_event, on_condition, on_queue, on_thread)]
    await asyncio.sleep(1)
    lock.release()
    event.set()
    async with condition:
        condition.notify_all()
    queue.put_nowait(1)
    await asyncio.gather(*tasks)


asyncio.run(main())
