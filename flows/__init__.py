"""Orchestration: Prefect flows and the command line. Logic lives in extract/, schemas/, warehouse/.

Prefect reads its settings at import, so this package pins them first: its
home (database, logs) inside the project's ``.prefect/`` rather than the
user's home, and no analytics. A ``PREFECT_*`` variable already set wins.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
