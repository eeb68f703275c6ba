"""Schemathesis hooks for the Farewell API.

Every generated request gets its own fresh session: operations under test end sessions
(sign out, sign out everywhere, re-authentication rotates the cookie, confirming a deletion),
so one shared cookie would turn the rest of the run into 401s.

Signing in is fuzzed in a run of its own, after the others: its wrong passwords trip the
per-address sign-in throttle, which would stop this hook from signing in.
"""

import os

import requests
import schemathesis

BASE = os.environ["FAREWELL_API"]
LOGIN = {"login": "demo@example.com", "password": "farewell-demo"}
COOKIE = "__Host-session"


@schemathesis.auth(refresh_interval=None).skip_for(name="POST /session")
class FreshSession:
    def get(self, case, ctx):
        answer = requests.post(
            f"{BASE}/session",
            json=LOGIN,
            headers={"X-Requested-With": "farewell"},
            timeout=10,
        )
        answer.raise_for_status()
        return answer.cookies[COOKIE]

    def set(self, case, data, ctx):
        case.cookies = {**(case.cookies or {}), COOKIE: data}
