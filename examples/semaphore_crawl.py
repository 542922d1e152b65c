"""Crawl ten pages, at most three at a time: a semaphore keeps the crawler
polite. Ten one-second pages take four rounds: 4 s."""
import asyncio
import time


async def fetch_page(url, limit):
    async with limit:  # waits here while three fetches are in flight
        print(f"fetching {url}")
        await asyncio.sleep(1)  # stands for the network
        return f"<html>{url}</html>"


async def main():
    limit = asyncio.Semaphore(3)
    urls = [f"https://example.com/page/{n}" for n in range(1, 11)]
    start = time.perf_counter()
    pages = await asyncio.gather(*(fetch_page(url, limit) for url in urls))
    print(f"{len(pages)} pages in {time.perf_counter() - start:.2f} s")


asyncio.run(main())
