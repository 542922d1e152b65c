"""Lesson 10: a web server.

What you would write with FastAPI:

    from fastapi import FastAPI
    app = FastAPI()

    @app.get("/async")
    async def async_route():
        await db_async(DELAY)   # awaits: the loop serves others meanwhile
        return "async: answered"

    @app.get("/blocking")
    async def blocking_route():
        db_blocking(DELAY)      # a synchronous driver in async def: the loop stops
        return "blocking: answered"

    @app.get("/offload")
    def offload_route():        # plain def: FastAPI runs it in its thread pool
        db_blocking(DELAY)
        return "offload: answered"

    @app.get("/cpu")
    async def cpu_route():
        burn(DELAY)             # computing in async def holds the loop too
        return "cpu: answered"

FastAPI is not installed here. The program below is the one that runs (the
test suite starts it): the same four routes on a plain asyncio server,
asyncio.start_server, with FastAPI's thread pool made explicit.
"""
import asyncio
import concurrent.futures
import time

DELAY = 0.1  # seconds the "database" takes
# Stands for FastAPI's pool for plain def routes (AnyIO's: at most 40 at a
# time by default); 4 threads here, as the lesson's slider has it.
POOL = concurrent.futures.ThreadPoolExecutor(4)
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}


def db_blocking(delay):
    time.sleep(delay)  # a synchronous driver


async def db_async(delay):
    await asyncio.sleep(delay)  # an async driver


def burn(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def route(path):
    if path == "/async":
        await db_async(DELAY)
    elif path == "/blocking":
        db_blocking(DELAY)
    elif path == "/offload":
        await asyncio.get_running_loop().run_in_executor(POOL, db_blocking, DELAY)
    elif path == "/cpu":
        burn(DELAY)
    else:
        return 404
    return 200


async def handle(reader):
    """Reads one request and routes it: (status, path)."""
    request_line = await asyncio.wait_for(reader.readline(), 15)  # a silent client is dropped
    try:
        method, target, _ = request_line.decode("ascii").split(" ", 2)
    except (ValueError, UnicodeDecodeError):
        return 400, ""
    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
        pass  # headers: not needed here
    path = target.split("?")[0]
    return (await route(path) if method == "GET" else 405), path


async def serve_connection(reader, writer):
    try:
        status, path = await handle(reader)
    except asyncio.TimeoutError:
        writer.close()
        return
    body = f"{path[1:]}: answered\n" if status == 200 else REASONS[status] + "\n"
    writer.write(f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: text/plain\r\n"
                 f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}".encode())
    await writer.drain()
    writer.close()


async def serve(port=8000):
    server = await asyncio.start_server(serve_connection, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import argparse
    import json
    import threading

    parser = argparse.ArgumentParser(description="Serve the four routes and load one of them")
    parser.add_argument("--route", default="/async")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--delay", type=float, default=100, help="milliseconds")
    parser.add_argument("--pool", type=int, default=4)
    args = parser.parse_args()
    DELAY = args.delay / 1000
    POOL = concurrent.futures.ThreadPoolExecutor(args.pool)

    listening = threading.Event()
    state = {}

    async def run_server():
        server = await asyncio.start_server(serve_connection, "127.0.0.1", 0)
        state["port"] = server.sockets[0].getsockname()[1]
        state["stop"] = asyncio.Event()
        state["loop"] = asyncio.get_running_loop()
        listening.set()
        async with server:
            await state["stop"].wait()

    async def one_request():
        start = time.perf_counter()
        reader, writer = await asyncio.open_connection("127.0.0.1", state["port"])
        writer.write(f"GET {args.route} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        answer = await reader.read()
        writer.close()
        return answer.split(b" ", 2)[1].decode(), start, time.perf_counter()

    async def load():  # the load generator: its own loop, on its own thread
        return await asyncio.gather(*(one_request() for _ in range(args.requests)))

    server_thread = threading.Thread(target=lambda: asyncio.run(run_server()))
    server_thread.start()
    listening.wait()
    results = asyncio.run(load())
    state["loop"].call_soon_threadsafe(state["stop"].set)
    server_thread.join()
    latencies = sorted(end - start for _, start, end in results)
    print(json.dumps({"route": args.route,
                      "ok": sum(status == "200" for status, _, _ in results),
                      "total_s": max(e for _, _, e in results) - min(s for _, s, _ in results),
                      "latency_p50_s": latencies[len(latencies) // 2]}))
