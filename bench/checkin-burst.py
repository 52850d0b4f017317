#!/usr/bin/env python3
"""The check-in burst (issue 15): bench/checkin-burst.py ADDR MEMBERS [SPREAD_SECONDS]

As bench-staff: a plenary starting in 10 minutes with the first MEMBERS member accounts of the
bench committee (bench-member, bench-m00002 …) invited, published, check-in opened. Each member
logs in (before the measurement), then all MEMBERS check in once within SPREAD_SECONDS (default
60; start times evenly spread with jitter, 32 client threads) through
POST /api/v1/activities/{id}/check_in with the code on the screen, which the staff side reads from
GET /api/v1/activities/{id}/check-in-code and refreshes as it rotates (every 30 s). Each check-in
is a committed write with its audit entry. Prints p50/p99/max of the check-ins and every
error; exits 1 when any check-in failed. Standard library only.
"""
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

PASSWORD = "bench-pass-1"


def call(addr, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://{addr}{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")


def login(addr, username):
    status, body = call(addr, "POST", "/api/v1/auth/login", body={"username": username, "password": PASSWORD})
    if status != 200:
        sys.exit(f"login {username}: {status} {body}")
    return body["token"]


def pct(sorted_ms, p):
    return sorted_ms[min(len(sorted_ms) - 1, int(round(p / 100 * (len(sorted_ms) - 1))))]


def main():
    addr, members = sys.argv[1], int(sys.argv[2])
    spread = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
    staff = login(addr, "bench-staff")
    names = ["bench-member"] + [f"bench-m{k:05d}" for k in range(2, members + 1)]
    with ThreadPoolExecutor(16) as pool:
        tokens = list(pool.map(lambda n: login(addr, n), names))
    ids = []
    for t in tokens:
        status, me = call(addr, "GET", "/api/v1/me", t)
        ids.append(me["member_id"])
    beijing = timezone(timedelta(hours=8))
    start = datetime.now(beijing) + timedelta(minutes=10)
    new = {
        "type": "plenary",
        "title": f"基准测试全体会议（{start:%H:%M:%S}）",
        "place": "市政协大会堂",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "invitee_member_ids": ids,
    }
    status, created = call(addr, "POST", "/api/v1/activities", staff, new)
    if status != 201:
        sys.exit(f"create: {status} {created}")
    aid = created["id"]
    for action in ["publish", "open_checkin"]:
        status, body = call(addr, "POST", f"/api/v1/activities/{aid}/{action}", staff, {})
        if status != 200:
            sys.exit(f"{action}: {status} {body}")

    code = {"value": None, "until": 0.0}
    lock = threading.Lock()

    def current_code():
        with lock:
            if time.time() >= code["until"]:
                status, body = call(addr, "GET", f"/api/v1/activities/{aid}/check-in-code", staff)
                if status != 200:
                    raise RuntimeError(f"check-in-code: {status} {body}")
                code["value"] = body["code"]
                # Refresh a little before the window ends (the staff screen does the same).
                code["until"] = time.time() + max(1.0, float(body.get("seconds_left", 30)) - 2)
            return code["value"]

    latencies, errors = [], []
    t0 = time.time()
    offsets = sorted(random.uniform(0, spread) for _ in tokens)

    def check_in(k):
        delay = t0 + offsets[k] - time.time()
        if delay > 0:
            time.sleep(delay)
        c = current_code()
        began = time.perf_counter()
        status, body = call(addr, "POST", f"/api/v1/activities/{aid}/check_in", tokens[k], {"code": c})
        took = (time.perf_counter() - began) * 1000
        with lock:
            latencies.append(took)
            if status != 200:
                errors.append(f"{names[k]}: {status} {body}")

    with ThreadPoolExecutor(32) as pool:
        list(pool.map(check_in, range(len(tokens))))
    wall = time.time() - t0
    lat = sorted(latencies)
    status, view = call(addr, "GET", f"/api/v1/activities/{aid}", staff)
    print(f"activity {aid}: {len(tokens)} check-ins in {wall:.1f} s (spread {spread:.0f} s)")
    print(f"check-in latency: p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms, max {lat[-1]:.1f} ms")
    print(f"errors: {len(errors)}")
    for e in errors[:20]:
        print("  " + e)
    counts = view.get("counts") if isinstance(view, dict) else None
    if counts:
        print(f"counts after: {json.dumps(counts, ensure_ascii=False)}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
