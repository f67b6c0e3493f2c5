"""DuckDB connections whose extensions come from installed wheels, never from the network.

DuckLake, httpfs, postgres and sqlite support ship as PyPI wheels
(``duckdb-extension-*``, pinned to the DuckDB release in ``pyproject.toml``);
each holds ``extensions/v<duckdb version>/<name>.duckdb_extension``, which is
loaded by its path. Autoinstall and autoload stay off, so a missing wheel is a
clear error here instead of a download at run time.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

NO_DOWNLOADS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def extension_path(name: str) -> Path:
    """The installed file of extension ``name`` (``ducklake``, ``httpfs``, ``postgres_scanner``, ``sqlite_scanner``)."""
    path = Path(str(resources.files(f"duckdb_extension_{name}"))) / "extensions" / f"v{duckdb.__version__}" / \
        f"{name}.duckdb_extension"
    if not path.is_file():
        raise RuntimeError(f"DuckDB extension {name} for DuckDB {duckdb.__version__} is not installed at {path}: "
                           f"pip install duckdb-extension-{name.replace('_', '-')}=={duckdb.__version__}")
    return path


def connect(extensions: tuple[str, ...] = (), database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A connection with ``extensions`` loaded from their wheels and no extension download allowed."""
    con = duckdb.connect(database, config=dict(NO_DOWNLOADS))
    for name in extensions:
        con.execute(f"LOAD '{extension_path(name)}'")
    return con
