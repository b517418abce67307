"""Real PostgreSQL clusters on loopback for the federation tests: initdb/pg_ctl on free ports, wal_level=logical.

The server binaries come from Debian's postgresql-15 (/usr/lib/postgresql/15/bin, or QINGFENG_PG_BIN; `./dev test`
installs them when missing). initdb
refuses to run as root, so as root (CI) the clusters run as the `postgres` system user through runuser. Every
cluster lives in a temporary directory removed afterwards; its settings trade durability for speed (fsync off).

The platform is driven as operators drive it: the `qingfeng` console script with DATABASE_URL pointing at a
cluster (and QINGFENG_TIER, QINGFENG_FEDERATION_KEY), and `qingfeng shell -c` for the writes a page would make.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg


def _pg_bin() -> Path:
    """QINGFENG_PG_BIN, else Debian's PostgreSQL 15 server binaries, else the newest installed."""
    if os.environ.get("QINGFENG_PG_BIN"):
        return Path(os.environ["QINGFENG_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    preferred = Path("/usr/lib/postgresql/15/bin")
    return preferred if (preferred / "initdb").exists() or not found else found[-1].parent


PG_BIN = _pg_bin()
QINGFENG = Path(sys.executable).parent / "qingfeng"
KEY = "shanxi-province-shared-secret-2026"


def binaries_missing() -> str | None:
    for name in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / name).exists():
            return f"PostgreSQL server binaries not found ({PG_BIN / name}): apt-get install postgresql-15"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a `postgres` system user to run initdb as"
        if not shutil.which("runuser"):
            return "running as root without runuser"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_owner(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class Cluster:
    SETTINGS = {"listen_addresses": "127.0.0.1", "wal_level": "logical", "max_wal_senders": "10",
                "max_replication_slots": "10", "max_logical_replication_workers": "8", "fsync": "off",
                "synchronous_commit": "off", "full_page_writes": "off", "shared_buffers": "64MB",
                "wal_retrieve_retry_interval": "1s", "jit": "off"}

    def __init__(self, name: str, base: Path):
        self.name = name
        self.dir = base / name
        self.data = self.dir / "data"
        self.port = free_port()
        self.var = self.dir / "var"  # the platform's QINGFENG_VAR for commands run against this cluster

    # -- the server -------------------------------------------------------------------------------------
    def init(self) -> None:
        self.dir.mkdir(parents=True)
        self.var.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        subprocess.run(as_owner([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                 "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                       check=True, capture_output=True)

    def copy_of(self, other: Cluster) -> None:
        """Start from another (stopped) cluster's files: its databases, already migrated."""
        self.dir.mkdir(parents=True)
        self.var.mkdir()
        subprocess.run(["cp", "-a", str(other.data), str(self.data)], check=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")

    def start(self) -> None:
        options = " ".join(f"-c {k}={v}" for k, v in {**self.SETTINGS, "port": self.port,
                                                       "unix_socket_directories": self.dir}.items())
        subprocess.run(as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
                                 "-o", options, "-w", "-t", "60", "start"]), check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run(as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
                       check=False, capture_output=True)

    def log(self) -> str:
        path = self.dir / "log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    # -- using it -----------------------------------------------------------------------------------------
    def dsn(self, db: str = "qingfeng") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def conninfo(self, db: str = "qingfeng") -> str:
        return f"host=127.0.0.1 port={self.port} dbname={db} user=postgres"

    def sql(self, query: str, params=(), db: str = "qingfeng") -> list[tuple]:
        with psycopg.connect(self.dsn(db), autocommit=True) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []

    def env(self, tier: str = "city") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
        env.update(DATABASE_URL=self.dsn(), QINGFENG_VAR=str(self.var), QINGFENG_TIER=tier,
                   QINGFENG_FEDERATION_KEY=KEY, QINGFENG_DEMO_PASSWORD="Demo-test-password-2026",
                   QINGFENG_BASE_URL=f"https://{self.name}.example.cn")
        return env

    def qingfeng(self, *args: str, tier: str = "city", check: bool = True, timeout: int = 600
                 ) -> subprocess.CompletedProcess:
        done = subprocess.run([str(QINGFENG), *args], env=self.env(tier), capture_output=True, text=True,
                              timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"qingfeng {' '.join(args)} on {self.name} exited {done.returncode}:\n"
                                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done

    def start_qingfeng(self, *args: str, tier: str = "city") -> subprocess.Popen:
        return subprocess.Popen([str(QINGFENG), *args], env=self.env(tier), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def python(self, code: str, tier: str = "city") -> str:
        """Runs code in the platform against this cluster (as a page's view would), returning what it prints
        (Django set up directly: the console script would check the migrations first, every time)."""
        boot = "import django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'qingfeng.settings')\ndjango.setup()\n"
        done = subprocess.run([sys.executable, "-c", boot + code], env=self.env(tier), capture_output=True, text=True,
                              timeout=600)
        if done.returncode != 0:
            raise AssertionError(f"python on {self.name} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def fingerprint(self, city: str) -> tuple:
        """What this cluster holds of a city's published rows, in a few numbers (equal on two clusters: the same
        rows, barring a hash collision)."""
        parts = []
        for table, column in (("federation_city", "code"), ("federation_activitykind", "city"), ("federation_node", "city"),
                              ("federation_fact", "city"), ("federation_item", "city")):
            parts += self.sql(f"SELECT COUNT(*), COALESCE(SUM(hashtext(t::text)::bigint), 0) FROM {table} t "  # noqa: S608
                              f"WHERE {column} = %s", [city])[0]
        return tuple(parts)

    def values(self, codes: list[str], *periods: tuple[str, str], tier: str = "city") -> dict:
        """Every indicator of each organization for each period, computed in one process:
        {code: {key: value}} for one period, {(code, start, end): {key: value}} for several."""
        asks = [(c, p[0], p[1]) for p in periods for c in codes]
        if tier == "province":
            code = ("from qingfeng.federation import province\n"
                    "got = [a.values for a in province.compute_grid([(province.find(c), d(s), d(e), None) for c, s, e in ASKS])]\n")
        else:
            code = ("from qingfeng.indicators import engine\nfrom qingfeng.orgs.models import Organization\n"
                    "got = engine.compute_grid([(Organization.objects.get(code=c), d(s), d(e), None) for c, s, e in ASKS])\n")
        header = f"import datetime as dt, json\nASKS = {asks!r}\nd = dt.date.fromisoformat\n"
        got = json.loads(self.python(header + code + "print(json.dumps(got, ensure_ascii=False))", tier=tier)
                         .strip().splitlines()[-1])
        if len(periods) == 1:
            return {c: v for (c, _s, _e), v in zip(asks, got, strict=True)}
        return {ask: v for ask, v in zip(asks, got, strict=True)}

    def indicators(self, org: str, start: str, end: str, keys: list[str] | None = None, tier: str = "city") -> dict:
        args = ["indicators", "--org", org, "--from", start, "--to", end, "--format", "json"]
        if tier == "province":
            args = ["federation", *args]
        if keys:
            args += ["--only", ",".join(keys)]
        return json.loads(self.qingfeng(*args, tier=tier).stdout)


PREFIX = "qingfeng-federation-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_stale() -> list[Path]:
    """Stops and removes the clusters of earlier runs whose process is gone (killed before its cleanup ran): each
    run writes its process id in `owner`; a directory without one is left alone."""
    reaped = []
    for base in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            pid = int((base / "owner").read_text())
        except (OSError, ValueError):
            continue
        if _alive(pid):
            continue
        for data in base.glob("*/data"):
            if (data / "postmaster.pid").exists():
                subprocess.run(as_owner([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                               check=False, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
        reaped.append(base)
    return reaped


@contextlib.contextmanager
def _stop_on_sigterm():
    """A SIGTERM (a CI timeout, `timeout`, a cancelled job) unwinds like an error, so the clusters are stopped."""
    def stop(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave the handler alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def clusters(*names: str):
    """Clusters named `names`, each with an empty platform database `qingfeng`, migrated; stopped and removed after
    (on an error or a SIGTERM too; what a SIGKILL leaves, the next run removes)."""
    reap_stale()
    base = Path(tempfile.mkdtemp(prefix=PREFIX))
    os.chmod(base, 0o755)
    (base / "owner").write_text(str(os.getpid()))
    made: list[Cluster] = []
    with _stop_on_sigterm():
        yield from _running(base, names, made)


def _running(base: Path, names: tuple[str, ...], made: list[Cluster]):
    try:
        first = Cluster(names[0], base)
        made.append(first)
        first.init()
        first.start()
        first.sql("CREATE DATABASE qingfeng", db="postgres")
        first.qingfeng("migrate", "-v", "0")
        first.stop()
        for name in names[1:]:
            other = Cluster(name, base)
            made.append(other)
            other.copy_of(first)
        for cluster in made:
            cluster.start()
        yield made
    finally:
        for cluster in made:
            cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def wait_for(check, timeout: float = 60, every: float = 0.2, what: str = "the province to catch up"):
    """Polls check() until it returns something true; fails saying what was awaited."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"waited {timeout:.0f} s for {what}; last: {last!r}")
