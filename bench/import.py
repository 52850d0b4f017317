#!/usr/bin/env python3
"""Imports under load (run by bench/import.sh against a running demo server).

The office uploads one large CSV (members, or past proposals) while a member saves a draft every
200 ms; prints how long the import took and how long the drafts waited meanwhile. Usage:
    import.py BASE_URL members|history ROWS
"""

import json
import sys
import threading
import time
import urllib.request
import uuid

BASE, KIND, ROWS = sys.argv[1], sys.argv[2], int(sys.argv[3])
PASSWORD = "eline-demo"


def call(method, path, token=None, body=None, content_type="application/json"):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def login(user):
    status, body = call("POST", "/api/v1/auth/login", body={"username": user, "password": PASSWORD})
    assert status == 200, body
    return json.loads(body)["token"]


def names(token, path):
    out, cursor = [], None
    while True:
        q = f"{path}?limit=200" + (f"&cursor={cursor}" if cursor else "")
        status, body = call("GET", q, token)
        assert status == 200, body
        page = json.loads(body)
        out += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return out


def members_csv(staff):
    sectors = [s["name"] for s in names(staff, "/api/v1/sectors")]
    lines = ["姓名*,性别,出生年份,政治面貌,界别*,专委会,职务,委员工作站,届别,手机,电子邮箱,通讯地址,港澳委员,状态"]
    for i in range(ROWS):
        lines.append(f"导入委员{i:06d},{'男' if i % 2 else '女'},{1950 + i % 50},群众,{sectors[i % len(sectors)]},,,,13,139{i:08d},,,否,在任")
    return "\n".join(lines).encode()


def history_csv(staff):
    sessions = [s["name"] for s in names(staff, "/api/v1/sessions")]
    all_names = [m["name"] for m in names(staff, "/api/v1/members")]
    members = [n for n in all_names if all_names.count(n) == 1]
    units = [u["name"] for u in names(staff, "/api/v1/units")]
    lines = ["届次*,编号,标题*,类型*,提案者*,联名委员,正文,状态,主办单位,会办单位,答复类别,满意度,不立案理由"]
    for i in range(ROWS):
        lines.append(
            f"{sessions[i % len(sessions)]},{100000 + i},关于历史事项第{i}件的提案,个人,{members[i % len(members)]},,,已办结,"
            f"{units[i % len(units)]},,{'ABC'[i % 3]},满意,"
        )
    return "\n".join(lines).encode()


def upload(token, path, name, data):
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        f"Content-Type: text/csv\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return call("POST", path, token, body, f"multipart/form-data; boundary={boundary}")


def main():
    staff, member = login("staff"), login("member")
    data = members_csv(staff) if KIND == "members" else history_csv(staff)
    path = "/api/v1/imports/members" if KIND == "members" else "/api/v1/imports/proposals"
    waits, failures, stop = [], [], threading.Event()

    def drafts():
        n = 0
        while not stop.is_set():
            started = time.monotonic()
            status, _ = call("POST", "/api/v1/proposals", member, {"title": f"关于导入期间草稿第{n}件的提案", "body": "情况、分析和具体建议。" * 5})
            waits.append(time.monotonic() - started)
            if status != 201:
                failures.append(status)
            n += 1
            time.sleep(0.2)

    writer = threading.Thread(target=drafts)
    writer.start()
    time.sleep(1)
    started = time.monotonic()
    status, body = upload(staff, path, f"{KIND}.csv", data)
    took = time.monotonic() - started
    time.sleep(1)
    stop.set()
    writer.join()
    waits.sort()
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
    outcome = f"{json.loads(body)['imported']} imported" if status == 201 else f"answered {status}: {body[:200]!r}"
    print(f"{KIND}: {ROWS} rows ({len(data) / 1e6:.1f} MB CSV) in {took:.1f} s; {outcome}")
    print(f"drafts saved meanwhile: {len(waits)}, waited max {max(waits) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, failed {len(failures)} {failures[:5]}")


main()
