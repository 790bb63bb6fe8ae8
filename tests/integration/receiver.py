"""A webhook receiver and an OAuth2 token endpoint on loopback (127.0.0.1, a free port), in a thread.

``/hook`` answers the statuses queued in ``statuses`` one per request (then 200; a 3xx sends to
``redirect_to``); ``/token`` gives out
``tok-<n>`` for an hour, counting its calls. Every request is recorded (path, headers, raw body)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: Any  # the request's headers (names case-insensitive)
    body: bytes


@dataclass
class Receiver:
    statuses: list[int] = field(default_factory=list)
    redirect_to: str = ""
    requests: list[Received] = field(default_factory=list)
    server: Any = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def on(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]


def start(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            receiver.requests.append(Received(self.path, self.headers, body))
            if self.path == "/token":
                count = len(receiver.on("/token"))
                answer, status = json.dumps({"access_token": f"tok-{count}", "token_type": "Bearer",
                                             "expires_in": 3600}).encode(), 200
            else:
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = b'{"ok": true}'
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.redirect_to)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.server = server
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server
