"""Crash test: kill -9 the server while it is writing, restart it, and check what was acknowledged.

    .venv/bin/python bench/crash.py [--rounds 3] [--writers 8] [--database-url postgres://…/qf_crash]

Each round starts `qingfeng serve` on a temporary database (see bench/load.py), lets several 纪检监察
users file cases and issue recommendations through the entry forms as fast as they can, and sends
SIGKILL to the server at a random moment 2–5 s in, while requests are in flight. The server is then
started again on the same database (the users keep their session cookies) and the next round runs.

Pass criteria: every write the server acknowledged (302) before dying is in the database; no record is
half-written (each case or recommendation has its burden entry and its audit row, written in the same
transaction); SQLite's integrity check passes. Writes in flight at the kill have no answer: they may or
may not have landed, and the report counts both."""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (  # noqa: E402
    PYTHON,
    ROOT,
    TODAY_ISO,
    Session,
    database,
    free_port,
    prepare,
    read_back,
    start_server,
    wait_healthy,
)

INTEGRITY = r"""
import django
django.setup()
from django.db import connection
with connection.cursor() as c:
    if connection.vendor == "sqlite":
        c.execute("PRAGMA integrity_check")
        print(c.fetchone()[0])
    else:
        print("ok")
"""


def writer(base, session: Session, username, info, stop: threading.Event, acked: set, unknown: set, lock, seed):
    rng = random.Random(seed)
    n = 0
    while not stop.is_set():
        n += 1
        code = f"CR-{username}-{seed}-{n}"
        if rng.random() < 0.6:
            id_number, name = info["ids"][rng.randrange(len(info["ids"]))]
            path, data = "/discipline/cases/new/", {"code": code, "id_number": id_number, "name": name,
                                                    "org": info["branch"], "filed_on": TODAY_ISO, "cadre_level": ""}
        else:
            path, data = "/discipline/recommendations/new/", {"code": code, "org": info["branch"],
                                                              "issued_on": TODAY_ISO, "recipient": "崩溃测试收文单位"}
        try:
            status, location, _body = session.request(path, data)
        except Exception:  # noqa: BLE001 — the server died mid-request: outcome unknown
            with lock:
                unknown.add(code)
            return
        if status == 302 and "/new/" not in location:
            with lock:
                acked.add(code)


def run(rounds: int = 3, writers: int = 8, database_url: str | None = None, seed: int = 11) -> dict:
    rng = random.Random(seed)
    accounts = [(f"crash{i:02d}", "discipline") for i in range(writers)]
    acked: set[str] = set()
    unknown: set[str] = set()
    lock = threading.Lock()
    kills = []
    with database(database_url) as env:
        info = prepare(env, accounts)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        sessions = {name: Session(base, timeout=20) for name, _role in accounts}
        for round_no in range(rounds):
            server = start_server(env, port)
            try:
                wait_healthy(base, server)
                if round_no == 0:
                    for name, session in sessions.items():
                        session.login(name)
                stop = threading.Event()
                threads = [threading.Thread(target=writer, args=(base, sessions[name], name, info, stop, acked, unknown,
                                                                 lock, round_no * 100 + i), daemon=True)
                           for i, (name, _role) in enumerate(accounts)]
                for t in threads:
                    t.start()
                delay = rng.uniform(2, 5)
                time.sleep(delay)
                before = len(acked)
                os.kill(server.pid, signal.SIGKILL)
                server.wait(timeout=30)
                stop.set()
                for t in threads:
                    t.join(timeout=30)
                kills.append({"after_s": round(delay, 2), "acknowledged_so_far": before})
            finally:
                if server.poll() is None:
                    server.kill()
                    server.wait()
        # One more start: the platform comes back and answers.
        server = start_server(env, port)
        try:
            wait_healthy(base, server)
            status, _loc, _body = sessions[accounts[0][0]].request("/discipline/")
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored = read_back(env, "CR-")
        integrity = subprocess.run([PYTHON, "-c", INTEGRITY], env=env, cwd=ROOT, capture_output=True, text=True,
                                   check=True).stdout.strip().splitlines()[-1]
    present = set(stored["cases"]) | set(stored["recs"])
    return {
        "database": "postgresql" if database_url else "sqlite", "rounds": rounds, "writers": writers, "kills": kills,
        "acknowledged": len(acked), "acknowledged_missing": len(acked - present),
        "in_flight_at_kill": len(unknown), "in_flight_landed": len(unknown & present),
        "present": len(present), "half_written": len(stored["half_written"]), "integrity": integrity,
        "after_restart_status": status,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    result = run(args.rounds, args.writers, args.database_url)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    ok = (result["acknowledged_missing"] == 0 and result["half_written"] == 0 and result["integrity"] == "ok"
          and result["acknowledged"] > 0 and result["after_restart_status"] == 200)
    print("PASS" if ok else "FAIL", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
