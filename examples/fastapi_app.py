"""A FastAPI app with the three kinds of route a learner meets:

    python3 fastapi_app.py [PORT]            # serves on 127.0.0.1:8000
    curl http://127.0.0.1:8000/async         # awaits: others keep being served
    curl http://127.0.0.1:8000/blocking      # time.sleep in async def: blocks everyone
    curl http://127.0.0.1:8000/sync          # plain def: FastAPI runs it in a thread

Needs FastAPI and uvicorn (Debian: apt-get install python3-fastapi python3-uvicorn).
"""
import asyncio
import sys
import time

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/async")
async def async_route():
    await asyncio.sleep(1)  # stands for an async database call
    return {"route": "async"}


@app.get("/blocking")
async def blocking_route():
    time.sleep(1)  # a blocking call in an async route: the event loop stops
    return {"route": "blocking"}


@app.get("/sync")
def sync_route():
    time.sleep(1)  # blocking, but in a worker thread: the loop carries on
    return {"route": "sync"}


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    uvicorn.run(app, host="127.0.0.1", port=port)
