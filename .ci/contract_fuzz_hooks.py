"""schemathesis hooks for .ci/contract_fuzz.py (loaded through the generated config's `hooks`).

Only active in the session-ending run (CONTRACT_FUZZ_MINT_ROLE set): every test case gets a bearer
token of its own, minted with POST /api/v1/tokens from a master token that the fuzzer never sees,
so logout, token revocation, password changes and resets end nothing but that one token. When the
master token itself is gone (its id revoked by chance), the role logs in again with its password.
The caller's own account is never the target of a password reset (that would lock the role out).
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request

import schemathesis

BASE = os.environ.get("CONTRACT_FUZZ_BASE", "")
ROLE = os.environ.get("CONTRACT_FUZZ_MINT_ROLE")
PASSWORD = os.environ.get("CONTRACT_FUZZ_PASSWORD", "")
PROTECT_USER_ID = os.environ.get("CONTRACT_FUZZ_PROTECT_USER_ID")
_state = {"master": os.environ.get("CONTRACT_FUZZ_MASTER_TOKEN", "")}
_lock = threading.Lock()


def _post(path: str, body: dict, token: str | None = None) -> tuple[int | None, dict]:
    req = urllib.request.Request(BASE + path, data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, {}
    except (urllib.error.URLError, OSError):
        return None, {}


def _mint() -> str | None:
    for _ in range(50):  # the server may be restarting after a crash
        with _lock:
            status, body = _post("/api/v1/tokens", {"name": "contract-fuzz"}, _state["master"])
            if status == 201:
                return body["secret"]
            if status == 401:
                status, body = _post("/api/v1/auth/login", {"username": ROLE, "password": PASSWORD})
                if status == 200:
                    _state["master"] = body["token"]
                    continue
        time.sleep(0.2)
    return None


if ROLE:

    @schemathesis.auth(refresh_interval=None, retry_on=[])
    class PerCaseToken:
        def get(self, case, ctx):
            return _mint()

        def set(self, case, data, ctx):
            if data:
                case.headers = case.headers or {}
                case.headers["Authorization"] = f"Bearer {data}"

    @schemathesis.hook
    def before_call(ctx, case, **kwargs):
        if (
            PROTECT_USER_ID
            and case.operation.path in ("/api/v1/users/{id}/reset-password", "/api/v1/users/{id}/revoke-tokens")
            and str((case.path_parameters or {}).get("id")) == PROTECT_USER_ID
        ):
            case.path_parameters["id"] = 987654321
