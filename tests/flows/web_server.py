"""A local HTTP server for the web-source tests: fixture pages, a feed, and bad answers.

It listens on 127.0.0.1 only, counts every request and every full answer per
path, and answers ``304 Not Modified`` to a request whose ``If-None-Match`` or
``If-Modified-Since`` matches, as a well-behaved news site does.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "web"
LAST_MODIFIED = "Sat, 06 Feb 2016 10:00:00 GMT"


@dataclass(frozen=True)
class Route:
    """What the server answers for one path."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay_s: float = 0.0
    send_length: bool = True
    send_etag: bool = True
    """False: the client can only revalidate with ``If-Modified-Since``."""

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class WebServer:
    """Routes by path; ``requests`` counts every request, ``downloads`` every 200 answer."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: Counter = Counter()
        self.downloads: Counter = Counter()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> WebServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def serve_fixture(self, path: str, name: str | None = None, content_type: str = "text/html") -> None:
        """Serve ``tests/fixtures/web/<name>`` (default: the path) as it is on disk."""
        self.routes[path] = Route((FIXTURES / (name or path.lstrip("/"))).read_bytes(), content_type)

    def publish_feed(self, path: str, item_paths: list[str]) -> None:
        """Serve an RSS feed listing the given item pages, newest first."""
        items = "\n".join(f"<item><title>Item {p}</title><link>{self.url(p)}</link></item>" for p in item_paths)
        body = (FIXTURES / "feed.xml").read_text(encoding="utf-8").format(base=self.base, items=items)
        self.routes[path] = Route(body.encode("utf-8"), "application/rss+xml; charset=utf-8")


def _handler(server: WebServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests[self.path] += 1
            route = server.routes.get(self.path, Route(b"not found", "text/plain", 404))
            time.sleep(route.delay_s)
            if route.status == 200 and self._not_modified(route):
                self.send_response(304)
                self.end_headers()
                return
            if route.status == 200:
                server.downloads[self.path] += 1
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.send_etag:
                self.send_header("ETag", route.etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            if route.send_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            try:
                self.wfile.write(route.body)
            except ConnectionError:  # the client gave up (too large, too slow): expected
                pass

        def _not_modified(self, route: Route) -> bool:
            """RFC 9110: If-None-Match, when sent, decides; If-Modified-Since only without it."""
            if route.send_etag and "If-None-Match" in self.headers:
                return self.headers["If-None-Match"] == route.etag
            return self.headers.get("If-Modified-Since") == LAST_MODIFIED

        def log_message(self, *args: object) -> None:
            """Quiet: the tests read the counters, not a log."""

    return Handler
