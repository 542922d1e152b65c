"""Prints a lot, to both streams, from inside and outside the loop."""
import asyncio
import sys

LINES = int(sys.argv[1]) if len(sys.argv) > 1 else 5000


async def main():
    for i in range(LINES):
        print(f"line {i}")
        if i % 1000 == 0:
            print(f"progress {i}", file=sys.stderr)
            await asyncio.sleep(0.001)
    print("no newline at the end", end="")


print("before the loop")
asyncio.run(main())
