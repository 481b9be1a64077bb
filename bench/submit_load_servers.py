"""Servers for bench/submit_load.py: gunicorn processes, scratch databases and crashes.

Everything here acts only on processes and databases the benchmark made itself,
except :func:`restart_postgres`, which restarts the local PostgreSQL server
(``--crash`` with ``--database postgresql`` only).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def children_of(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(_stat(int(entry))[1]) == pid:
                    out.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return sorted(out)


def cpu_seconds(pid: int, reaped: bool = False) -> float:
    """User and system CPU of ``pid``; with ``reaped``, also of its children that ended."""
    try:
        fields = _stat(pid)
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def machine_cpu() -> tuple[float, float, float]:
    """Seconds of CPU the whole machine has spent busy, idle and waiting for I/O."""
    with open("/proc/stat") as f:
        values = [int(v) / TICKS for v in f.readline().split()[1:]]
    idle, iowait = values[3], values[4]
    return sum(values[:8]) - idle - iowait, idle, iowait


class Gunicorn:
    """One gunicorn master with ``workers`` sync workers, on a free loopback port."""

    def __init__(self, name: str, app: str, env: dict[str, str], workers: int, log: Path,
                 extra: list[str] | None = None, pythonpath: Path | None = None) -> None:
        self.name, self.app, self.env, self.workers = name, app, env, workers
        self.log, self.extra, self.pythonpath = log, extra or [], pythonpath
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers),
                   "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
                   "--timeout", "30", "--graceful-timeout", "10", *self.extra]
        if self.pythonpath:
            command += ["--pythonpath", str(self.pythonpath)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([*command, self.app], cwd=ROOT, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def wait_ready(self, path: str, timeout: float = 90.0) -> None:
        """Until ``path`` answers 200 and every worker process is there."""
        assert self.process is not None
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited; see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}",
                                            timeout=5) as r:
                    if r.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: not ready after {timeout:.0f} s; see {self.log}")

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process else []

    def cpu_seconds(self) -> float:
        """CPU of the master, its workers, and the workers that have ended."""
        assert self.process is not None
        return cpu_seconds(self.process.pid, reaped=True) + sum(
            cpu_seconds(pid) for pid in self.worker_pids())

    def kill_worker(self, among: set[int] | None = None) -> int:
        """SIGKILL one worker (one of ``among`` when given: say, not a fresh replacement)."""
        pids = [p for p in self.worker_pids() if among is None or p in among]
        pid = random.choice(pids or self.worker_pids())
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_replaced(self, killed: int, timeout: float = 30.0) -> float:
        """Seconds until gunicorn has a full set of workers again without ``killed``."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            pids = self.worker_pids()
            if killed not in pids and len(pids) >= self.workers:
                break
            time.sleep(0.02)
        return time.perf_counter() - start

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def chorus(env: dict[str, str], *args: str) -> str:
    """Run a ``chorus`` command of this checkout; its output, or an error with what it printed."""
    done = subprocess.run([sys.executable, "-c", "from feedback.cli import main; main()", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"chorus {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


# -- PostgreSQL ---------------------------------------------------------------------------

def _admin(server: str):
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5)


def create_databases(server: str, names: list[str]) -> None:
    """Fresh scratch databases; leftovers of earlier benchmark runs that died are dropped."""
    with _admin(server) as connection:
        old = [r[0] for r in connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'chorus_bench_%'")]
        for name in old:
            pid = name.split("_")[2]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_databases(server: str, names: list[str]) -> None:
    with _admin(server) as connection:
        for name in names:
            assert name.startswith("chorus_bench_"), name  # never anyone else's
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_postgres(server: str, timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while True:
        try:
            with _admin(server) as connection:
                connection.execute("SELECT 1")
            return time.perf_counter() - start
        except Exception:
            if time.perf_counter() - start > timeout:
                raise
            time.sleep(0.05)


def restart_postgres(server: str, mode: str = "fast") -> str:
    """Restart the local PostgreSQL server; returns the command used.

    Either way every connection is cut and open transactions are lost. ``fast``
    shuts down cleanly (a short outage); ``immediate`` stops as in a crash, so the
    server runs crash recovery when it starts (here that took about 10 s).
    """
    port = server.rsplit(":", 1)[-1].split("/")[0] if server.count(":") > 1 else "5432"
    if shutil.which("pg_lsclusters") and shutil.which("pg_ctlcluster"):
        rows = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
        for row in rows.splitlines():
            version, cluster, cluster_port = row.split()[:3]
            if cluster_port == port:
                command = ["pg_ctlcluster", "-m", mode, version, cluster, "restart"]
                subprocess.run(command, check=True, capture_output=True)
                return " ".join(command)
    command = ["service", "postgresql", "restart"]
    subprocess.run(command, check=True, capture_output=True)
    return " ".join(command)
