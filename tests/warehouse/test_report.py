"""The HTML report: built from the facts views, rendered by a real headless Chromium.

The browser test drives Chromium over the DevTools protocol: it loads the page
from a file, screenshots it, checks that every chart area holds the charts'
data colour (not a blank or broken box), and that the page logged no error and
fetched nothing beyond itself.
"""
from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner
from websockets.sync.client import ClientConnection, connect

from flows.cli import app
from tests.warehouse.small_warehouse import build_small_warehouse, empty_warehouse
from warehouse.report import COLORS, build_report, fetch

CHROMIUM = shutil.which("chromium")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_warehouse(tmp_path_factory.mktemp("wh"))


def _devtools_port(profile: Path, deadline: float) -> int:
    """Chromium writes the port it chose for --remote-debugging-port=0 into its profile."""
    port_file = profile / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if port_file.exists() and len(port_file.read_text().splitlines()) >= 2:
            return int(port_file.read_text().splitlines()[0])
        time.sleep(0.1)
    raise TimeoutError("chromium did not open its DevTools port")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClientConnection]:
    """A headless Chromium with a new empty profile, and a DevTools connection to its page."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port = _devtools_port(profile, time.monotonic() + 30)
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        targets = json.load(no_proxy.open(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = next(t for t in targets if t["type"] == "page")
        with connect(page["webSocketDebuggerUrl"], proxy=None, max_size=None) as ws:
            yield ws
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


class Page:
    """Just enough of the DevTools protocol: commands, and the events seen meanwhile."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws, self.calls, self.events = ws, 0, []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.calls += 1
        self.ws.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == self.calls:
                assert "error" not in message, message
                return message["result"]
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        while not any(e.get("method") == event for e in self.events):
            self.events.append(json.loads(self.ws.recv(timeout=30)))

    def evaluate(self, expression: str) -> Any:
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"]["value"]

    def errors(self) -> list[Any]:
        """Console errors, uncaught exceptions, and log errors (a blocked fetch, a CSP violation)."""
        return [e["params"] for e in self.events
                if e.get("method") == "Runtime.exceptionThrown"
                or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
                or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]


def _open(ws: ClientConnection, path: Path) -> Page:
    page = Page(ws)
    for domain in ("Page", "Runtime", "Log", "Network"):
        page.call(f"{domain}.enable")
    page.call("Emulation.setDeviceMetricsOverride", width=1200, height=900, deviceScaleFactor=1, mobile=False)
    page.call("Page.navigate", url=path.as_uri())
    page.wait_for("Page.loadEventFired")
    return page


def _screenshot(page: Page) -> Image.Image:
    height = page.evaluate("document.documentElement.scrollHeight")
    shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                     clip={"x": 0, "y": 0, "width": 1200, "height": height, "scale": 1})
    return Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB")


def _has_colour(area: Image.Image, hex_colour: str, tolerance: int = 24) -> bool:
    want = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return bool((np.abs(np.asarray(area, dtype=int) - want) <= tolerance).all(axis=-1).any())


@needs_chromium
def test_report_renders_its_charts_in_chromium_without_errors(warehouse: Path, browser: ClientConnection,
                                                              tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--warehouse", str(warehouse), "--output", str(report)])
    assert result.exit_code == 0, result.output
    page = _open(browser, report)
    boxes = page.evaluate("[...document.querySelectorAll('figure.chart svg')].map(e => {"
                          "const r = e.getBoundingClientRect(); return [r.x, r.y + scrollY, r.right, r.bottom + scrollY]})")
    shot = _screenshot(page)
    shot.save(tmp_path / "report.png")
    assert len(boxes) == 4
    for box in boxes:
        area = shot.crop(tuple(round(v) for v in box))
        assert area.width > 300 and area.height > 100, box
        assert _has_colour(area, COLORS[0]), f"chart at {box} shows no data (see {tmp_path / 'report.png'})"
    assert page.errors() == []
    assert all(url.startswith(("file:", "data:")) for url in page.requests()), page.requests()


@needs_chromium
def test_the_browser_check_sees_console_errors_and_fetches(browser: ClientConnection, tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text('<script>console.error("boom")</script><img src="http://192.0.2.1/x.png">')
    page = _open(browser, broken)
    assert any(e.get("type") == "error" for e in page.errors())
    assert "http://192.0.2.1/x.png" in page.requests()


def test_report_numbers_come_from_the_newest_extraction(warehouse: Path) -> None:
    data = fetch(warehouse)
    headline = data["headline"].iloc[0]
    assert headline["documents"] == 3
    assert headline["killed"] == 3 + 12  # A's reprocessed 3 replaces its old 50; C's 200 is a war-wide toll
    assert headline["wounded"] == 10
    killed = data["killed_by_event_date"]
    assert killed[["event_date", "people"]].astype(str).values.tolist() == [["2024-02-09", "3"], ["2024-02-11", "12"]]
    assert data["top_speakers"].iloc[0].tolist() == ["Melissa Fleming", 2]
    assert set(data["displacement_by_category"]["category"]) == {"hosted", "expected", "displaced"}


def test_report_links_statements_to_their_documents(warehouse: Path) -> None:
    page = build_report(warehouse)
    assert '<a href="https://example.org/azaz">Thousands stranded near Azaz</a>' in page
    assert '<a href="file:///inbox/jordan.txt">Camps in Jordan</a>' in page
    assert "Our doors remain open" in page and "Our doors are not closed" not in page
    assert "<script" not in page and "http-equiv=\"Content-Security-Policy\"" in page


def test_report_of_an_empty_warehouse_says_so(tmp_path: Path) -> None:
    empty_warehouse(tmp_path)
    page = build_report(tmp_path)
    assert page.count("no rows yet") == 4 and "no statements yet" in page
