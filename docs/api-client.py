#!/usr/bin/env python3
"""An example client of the Qingfeng API (/api/v1), standard library only.

    QINGFENG_PASSWORD=… python docs/api-client.py --base http://127.0.0.1:8000 --user city \
        --org 140100 --from 2026-01-01 --to 2026-06-30 [--only orgs.total,members.total]

or, with a token made on the "接口令牌" page (/api/tokens/): QINGFENG_TOKEN=qf_… instead of a password.

It signs in (POST auth/token), says who it is (GET me), prints the indicator values of the period
(GET indicators — the same object `qingfeng indicators --format json` prints), the first level of the
organization tree, and every open finding of the subtree, page by page (GET findings?open=true)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(f"{status} {body.get('code')}: {body.get('message_zh')} / {body.get('message_en')}")
        self.status, self.body = status, body


class Client:
    def __init__(self, base: str, token: str | None = None):
        self.base = base.rstrip("/") + "/api/v1/"
        self.token = token

    def call(self, method: str, path: str, params: dict | None = None, body: dict | None = None):
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 — the URL is the user's own
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            try:
                error = json.loads(exc.read().decode("utf-8"))
            except ValueError:
                error = {"code": "http", "message_zh": str(exc), "message_en": str(exc)}
            raise ApiError(exc.code, error) from None

    def sign_in(self, username: str, password: str, otp: str | None = None) -> None:
        self.token = self.call("POST", "auth/token", body={"username": username, "password": password, "otp": otp})["token"]

    def pages(self, path: str, params: dict | None = None, page_size: int = 100):
        """Every row of a paginated list, fetching page after page."""
        page = 1
        while True:
            answer = self.call("GET", path, {**(params or {}), "page": page, "page_size": page_size})
            yield from answer["results"]
            if page >= answer["pages"]:
                return
            page += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", help="username (not needed with QINGFENG_TOKEN)")
    parser.add_argument("--org", required=True)
    parser.add_argument("--from", dest="start", required=True)
    parser.add_argument("--to", dest="end", required=True)
    parser.add_argument("--only", default=None)
    args = parser.parse_args(argv)

    client = Client(args.base, os.environ.get("QINGFENG_TOKEN"))
    try:
        if client.token is None:
            if not args.user:
                parser.error("--user is needed without QINGFENG_TOKEN")
            password = os.environ.get("QINGFENG_PASSWORD") or getpass.getpass(f"{args.user} 的密码: ")
            client.sign_in(args.user, password, os.environ.get("QINGFENG_OTP"))
        me = client.call("GET", "me")
        print(f"用户 {me['username']}（{me['role_name']}）范围 {me['org']['code'] if me['org'] else '全平台'}")

        values = client.call("GET", "indicators", {"org": args.org, "from": args.start, "to": args.end, "only": args.only})
        print(f"\n指标 {args.org} {args.start} .. {args.end}")
        width = max((len(k) for k in values), default=0)
        for key, value in values.items():
            print(f"  {key.ljust(width)}  {'—' if value is None else value}")

        org = client.call("GET", f"organizations/{urllib.parse.quote(args.org)}")
        print(f"\n{org['code']} {org['name']}：下级组织 {org['children_count']} 个，党员 {org['member_count']} 名")
        for child in client.pages(f"organizations/{urllib.parse.quote(args.org)}/children"):
            print(f"  {child['code']}  {child['name']}  党员 {child['member_count']}")

        print("\n未销号问题")
        count = 0
        for finding in client.pages("findings", {"org": args.org, "open": "true"}):
            count += 1
            print(f"  {finding['code']}  {finding['org_name']}  期限 {finding['deadline']}  {finding['status_name']}")
        print(f"  共 {count} 条")
    except ApiError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
