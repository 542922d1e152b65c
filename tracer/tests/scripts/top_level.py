"""Clock reads at the top level, around asyncio.run: a zero-timeout poll
ends, and the measured time is the loop's."""
import asyncio
import time
from multiprocessing import Pipe

reader, writer = Pipe()
print("poll", reader.poll())
start = time.perf_counter()
asyncio.run(asyncio.sleep(2))
print(f"{time.perf_counter() - start:.9f}")
