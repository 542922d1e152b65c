"""Lesson 11: fire and forget."""
import asyncio


class Shop:
    def __init__(self):
        self.background_tasks = set()
        self.error_log = []  # what logging.error wrote


async def send_receipt(order, mail, failing):
    await asyncio.sleep(mail)  # the mail server
    if order == failing:
        raise RuntimeError(f"receipt {order}: the mail server said 554")


async def handle_awaited(shop, order, save, mail, failing):
    await asyncio.sleep(save)
    await asyncio.create_task(send_receipt(order, mail, failing))


async def handle_forgotten(shop, order, save, mail, failing):
    await asyncio.sleep(save)
    asyncio.create_task(send_receipt(order, mail, failing))  # nobody keeps it


def receipt_done(shop, receipt):
    shop.background_tasks.discard(receipt)
    if not receipt.cancelled() and receipt.exception() is not None:
        shop.error_log.append(repr(receipt.exception()))


async def handle_kept(shop, order, save, mail, failing):
    await asyncio.sleep(save)
    receipt = asyncio.create_task(send_receipt(order, mail, failing))
    shop.background_tasks.add(receipt)
    receipt.add_done_callback(lambda done: receipt_done(shop, done))


async def serve(orders, save, mail, failing, handle):
    shop = Shop()
    for order in range(1, orders + 1):
        await handle(shop, order, save, mail, failing)


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    def run(handle):
        return lambda p, s: serve(int(p["orders"]), s(p["save"]), s(p["mail"]), int(p["failing"]), handle)

    harness.main({"awaited": run(handle_awaited), "forgotten": run(handle_forgotten),
                  "kept in a set": run(handle_kept)},
                 {"orders": 3, "save": 200, "mail": 500, "failing": 2})
