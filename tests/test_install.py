"""Installing with the pip Python ships, and a broken web stack, must not take the commands down."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import REPO
from tests.warehouse.small_warehouse import build_small_warehouse

WEB_STACK = ("trafilatura", "feedparser", "httpx", "lxml")
"""Projects of the web stack, and lxml's clean module, which trafilatura needs."""


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _web_requirements() -> list[str]:
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    return [r for r in dependencies if _name(r).startswith(WEB_STACK)]


def test_the_bundled_pip_resolves_lxml_html_clean(tmp_path: Path) -> None:
    """Python 3.11's bundled pip (23.x) drops lxml's ``html_clean`` extra; our own requirement must bring it."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # its bundled pip, not upgraded
    report = tmp_path / "report.json"
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--dry-run", "--ignore-installed",
                    "--report", str(report), *_web_requirements()], check=True, capture_output=True)
    installed = {item["metadata"]["name"].lower().replace("_", "-") for item in json.loads(report.read_text())["install"]}
    assert {"lxml", "lxml-html-clean", "trafilatura"} <= installed


BLOCK_WEB_STACK = "import sys\nfor m in ('trafilatura', 'feedparser', 'lxml.html.clean'): sys.modules[m] = None\n"
"""Run first in a child Python: importing any of these then raises ImportError, as a broken install would."""


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)


def test_sql_works_without_the_web_stack(tmp_path: Path) -> None:
    warehouse = build_small_warehouse(tmp_path / "wh")
    done = _python(BLOCK_WEB_STACK + "from flows.cli import app\n"
                   f"app(['sql', '--warehouse', {str(warehouse)!r}, '--format', 'csv', "
                   "'SELECT count(*) AS n FROM documents'])")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "n\n3\n"


def test_the_ingest_flow_loads_the_web_stack_only_to_fetch() -> None:
    done = _python(BLOCK_WEB_STACK + "import sys, flows.ingest\n"
                   "print(sorted(m for m in ('flows.fetch', 'flows.sources', 'feedparser') if sys.modules.get(m)))")
    assert done.stdout.strip() == "[]", done.stderr
