"""Lesson 13: races across an await."""
import asyncio

AMOUNT = 100


class Account:
    def __init__(self):
        self.balance = 0


async def record(account, ledger):
    current = account.balance           # check ...
    await asyncio.sleep(ledger)         # ... every other deposit may run here ...
    account.balance = current + AMOUNT  # ... act, on what was read before


async def unlocked(account, bank_open, ledger_lock, check, ledger):
    await bank_open.wait()
    await asyncio.sleep(check)  # the fraud check: slow, touches nothing shared
    await record(account, ledger)


async def locked(account, bank_open, ledger_lock, check, ledger):
    await bank_open.wait()
    await asyncio.sleep(check)
    async with ledger_lock:
        await record(account, ledger)


async def locked_too_wide(account, bank_open, ledger_lock, check, ledger):
    await bank_open.wait()
    async with ledger_lock:
        await asyncio.sleep(check)
        await record(account, ledger)


async def bank_day(deposits, check, ledger, deposit):
    account = Account()
    bank_open = asyncio.Event()
    ledger_lock = asyncio.Lock()
    tasks = [asyncio.create_task(deposit(account, bank_open, ledger_lock, check, ledger)) for _ in range(deposits)]
    await asyncio.sleep(0.1)  # the bank opens
    bank_open.set()
    await asyncio.gather(*tasks)
    return account.balance


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    def run(deposit):
        return lambda p, s: bank_day(int(p["deposits"]), s(p["check"]), s(p["ledger"]), deposit)

    harness.main({"no lock": run(unlocked), "lock": run(locked), "lock held too long": run(locked_too_wide)},
                 {"deposits": 10, "check": 300, "ledger": 100})
