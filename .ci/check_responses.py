#!/usr/bin/env python3
"""Checks real API answers against the OpenAPI document the server publishes.

Logs in to a running server (the demo accounts by default), GETs a set of real responses
(proposal list and every listed proposal with its links, members, users, directory records,
sessions, audit log, tokens, settings, calendar, search, a 404 problem) and validates each body
against the schema the document declares for that operation, status and content type, with
JSON Schema draft 2020-12 and `#/components/schemas/...` references resolved in the document.

By default the check is strict: every object schema that lists `properties` gets
`unevaluatedProperties: false`, so a field the server sends but the document does not declare
fails as well as a missing required field, a wrong type, an unlisted enum value or a time that
is not RFC 3339 (`format: date-time`) or a date that is not YYYY-MM-DD (`format: date`).

    python3 -m venv /tmp/vs && /tmp/vs/bin/pip install -q jsonschema
    eline serve --demo --data-dir /tmp/demo --addr 127.0.0.1:8097 &
    /tmp/vs/bin/python .ci/check_responses.py --base http://127.0.0.1:8097

Exit status 0 when every response validates, 1 otherwise (each failure is printed).
"""

import argparse
import copy
import datetime
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:eline:openapi"
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class Client:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.token = None

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read()

    def login(self, username, password):
        status, _, body = self.request("POST", "/api/v1/auth/login", {"username": username, "password": password, "device": "check_responses.py"})
        if status != 200:
            sys.exit(f"login as {username} failed: {status} {body[:300]!r}")
        self.token = json.loads(body)["access_token"]
        return self


def strict(node):
    """Forbids undeclared fields in every object schema that lists its properties."""
    if isinstance(node, dict):
        if "properties" in node and "unevaluatedProperties" not in node and "additionalProperties" not in node:
            node["unevaluatedProperties"] = False
        for v in node.values():
            strict(v)
    elif isinstance(node, list):
        for v in node:
            strict(v)


def format_checker():
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date", raises=ValueError)
    def is_date(value):
        if not isinstance(value, str):
            return True
        if not DATE_RE.match(value):
            raise ValueError("not YYYY-MM-DD")
        datetime.date.fromisoformat(value)
        return True

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value):
        if not isinstance(value, str):
            return True
        if not DATE_TIME_RE.match(value):
            raise ValueError("not an RFC 3339 time")
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    return checker


class Checker:
    def __init__(self, doc, strict_fields):
        self.doc = copy.deepcopy(doc)
        if strict_fields:
            strict(self.doc["components"])
            strict(self.doc["paths"])
        resource = Resource.from_contents(self.doc, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(DOC_URI, resource)
        self.formats = format_checker()
        self.failures = []
        self.checked = 0

    def pointer(self, template, method, status, content_type):
        op = self.doc["paths"].get(template, {}).get(method)
        if op is None:
            return None, f"the document has no {method.upper()} {template}"
        responses = op.get("responses", {})
        response = responses.get(str(status)) or responses.get("default")
        if response is None:
            return None, f"status {status} is not declared (declared: {', '.join(responses)})"
        media = content_type.split(";")[0].strip()
        if media not in response.get("content", {}):
            return None, f"content type {media} is not declared for {status} (declared: {', '.join(response.get('content', {}))})"
        code = str(status) if str(status) in responses else "default"
        esc = lambda s: s.replace("~", "~0").replace("/", "~1")
        return f"{DOC_URI}#/paths/{esc(template)}/{method}/responses/{code}/content/{esc(media)}/schema", None

    def check(self, client, template, path=None, expect=200):
        """GETs `path` (default: the template itself) and validates the answer."""
        path = path or template
        status, content_type, body = client.request("GET", path)
        label = f"GET {path} → {status}"
        self.checked += 1
        if status != expect:
            self.failures.append(f"{label}: expected {expect}: {body[:200]!r}")
            return None
        try:
            value = json.loads(body)
        except ValueError as e:
            self.failures.append(f"{label}: not JSON ({e})")
            return None
        ref, why = self.pointer(template, "get", status, content_type)
        if ref is None:
            self.failures.append(f"{label}: {why}")
            return value
        validator = jsonschema.Draft202012Validator({"$ref": ref}, registry=self.registry, format_checker=self.formats)
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        for e in errors[:10]:
            where = "/".join(str(p) for p in e.absolute_path) or "(body)"
            self.failures.append(f"{label}: at {where}: {e.message[:300]}")
        if len(errors) > 10:
            self.failures.append(f"{label}: … and {len(errors) - 10} more errors")
        print(("FAIL " if errors else "ok   ") + label)
        return value


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", default="http://127.0.0.1:8097")
    ap.add_argument("--user", default="staff", help="office staff account (proposals, members, directory, tokens)")
    ap.add_argument("--admin", default="admin", help="administrator account (users, audit, calendar, settings)")
    ap.add_argument("--password", default="eline-demo")
    ap.add_argument("--admin-password", default=None, help="default: --password")
    ap.add_argument("--lenient", action="store_true", help="allow fields the document does not declare")
    args = ap.parse_args()

    anon = Client(args.base)
    status, _, body = anon.request("GET", "/api/openapi.json")
    if status != 200:
        sys.exit(f"GET /api/openapi.json → {status}")
    c = Checker(json.loads(body), strict_fields=not args.lenient)
    staff = Client(args.base).login(args.user, args.password)
    admin = Client(args.base).login(args.admin, args.admin_password or args.password)

    c.check(staff, "/api/v1/me")
    page = c.check(staff, "/api/v1/proposals", "/api/v1/proposals?limit=200") or {"items": []}
    filled = {k: 0 for k in ("cosigners", "units", "replies", "evaluations", "timeline", "commitments", "supervisors")}
    links = 0
    for item in page["items"]:
        p = c.check(staff, "/api/v1/proposals/{id}", f"/api/v1/proposals/{item['id']}") or {}
        for k in filled:
            filled[k] += bool(p.get(k))
        links += len(c.check(staff, "/api/v1/proposals/{id}/links", f"/api/v1/proposals/{item['id']}/links") or [])
    c.check(staff, "/api/v1/proposals/stats")
    c.check(staff, "/api/v1/proposals/{id}", "/api/v1/proposals/0", expect=404)

    members = c.check(staff, "/api/v1/members", "/api/v1/members?limit=200") or {"items": []}
    for m in members["items"][:5]:
        c.check(staff, "/api/v1/members/{id}", f"/api/v1/members/{m['id']}")
    for slug in ("sectors", "committees", "organizations", "units", "work-stations"):
        entries = c.check(staff, "/api/v1/{kind}", f"/api/v1/{slug}?include_archived=true") or {"items": []}
        for e in entries["items"][:2]:
            c.check(staff, "/api/v1/{kind}/{id}", f"/api/v1/{slug}/{e['id']}")
    sessions = c.check(staff, "/api/v1/sessions") or {"items": []}
    for s in sessions["items"][:2]:
        c.check(staff, "/api/v1/sessions/{id}", f"/api/v1/sessions/{s['id']}")
    c.check(staff, "/api/v1/tokens")
    c.check(staff, "/api/v1/search", "/api/v1/search?q=" + urllib.parse.quote("提案"))

    users = c.check(admin, "/api/v1/users", "/api/v1/users?limit=200") or {"items": []}
    for u in users["items"][:3]:
        c.check(admin, "/api/v1/users/{id}", f"/api/v1/users/{u['id']}")
    c.check(admin, "/api/v1/audit", "/api/v1/audit?limit=200")
    c.check(admin, "/api/v1/settings/proposal-deadlines")
    c.check(admin, "/api/v1/settings/proposal-rules")
    c.check(admin, "/api/v1/calendar")
    c.check(admin, "/api/v1/calendar", "/api/v1/calendar?year=2026")
    c.check(staff, "/api/v1/users", expect=403)

    print(f"\n{c.checked} responses checked; proposals with non-empty parts: "
          + ", ".join(f"{k} {n}" for k, n in filled.items()) + f"; links {links}")
    if c.failures:
        print(f"\n{len(c.failures)} failures:")
        for f in c.failures:
            print("  " + f)
        return 1
    print("every response matches the document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
