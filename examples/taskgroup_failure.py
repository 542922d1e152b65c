"""A TaskGroup runs three calls; the stock service fails after 1 s. The
group cancels the other two at that moment and reports the failure."""
import asyncio


async def call_service(name, seconds, fails=False):
    await asyncio.sleep(seconds)
    if fails:
        raise ConnectionError(f"{name} service is down")
    return f"{name}: ok"


async def main():
    try:
        async with asyncio.TaskGroup() as group:
            prices = group.create_task(call_service("prices", 2), name="prices")
            group.create_task(call_service("stock", 1, fails=True), name="stock")
            reviews = group.create_task(call_service("reviews", 3), name="reviews")
    except* ConnectionError as failure:
        for error in failure.exceptions:
            print(f"failed: {error}")
    print(f"prices cancelled: {prices.cancelled()}, reviews cancelled: {reviews.cancelled()}")


asyncio.run(main())
