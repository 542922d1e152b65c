"""A TaskGroup whose second task fails after 1 s: the others are cancelled
at that moment, and the failure reaches the `async with`."""
import asyncio
import sys

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


async def call(seconds):
    await asyncio.sleep(seconds * SCALE)


async def failing_call():
    await asyncio.sleep(1 * SCALE)
    raise ValueError("upstream said no")


async def main():
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(call(3), name="slow")
            group.create_task(failing_call(), name="failing")
            group.create_task(call(5), name="slower")
    except* ValueError:
        print("the group failed")


asyncio.run(main())
