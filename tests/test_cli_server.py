"""The service commands as real subprocesses: `db upgrade`, `keys create`, `serve`, `worker`, and the README's
SDK example run exactly as printed against `mutoscope serve`."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from live_server import free_port

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
ROOT = Path(__file__).resolve().parents[1]
ADMIN_KEY = "mk-test-admin.abcdefghijklmnopqrstuvwx"


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "MUTOSCOPE_DATA_DIR": str(data_dir), "MUTOSCOPE_JOBS__POLL_S": "0.1", **extra}


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutoscope", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@contextmanager
def _serving(env: dict[str, str], *args: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mutoscope", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError(
                    f"serve did not start: {process.communicate()[0] if process.poll() else ''}"
                )
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def test_db_upgrade_and_keys_create_print_the_key_last(tmp_path: Path) -> None:
    env = _env(tmp_path)
    upgraded = _cli("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert (tmp_path / "mutoscope.db").exists()
    created = _cli("keys", "create", "--user", "ada", env=env)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"mk-[0-9a-f]{8}\.[A-Za-z0-9_-]{32}", key)
    again = _cli("keys", "create", "--user", "ada", "--if-missing", env=env)
    assert again.returncode == 0 and "already has" in again.stdout
    bad = _cli("keys", "create", "--user", "not a handle!", env=env)
    assert bad.returncode == 2 and "handle" in bad.stderr


def test_serve_bootstraps_the_admin_key_and_the_readme_example_works_as_pasted(tmp_path: Path) -> None:
    env = _env(tmp_path / "var", MUTOSCOPE_ADMIN_API_KEY=ADMIN_KEY)
    readme = (ROOT / "README.md").read_text()
    snippet = re.search(r"```python\n(.*?)```", readme, re.S)
    assert snippet is not None
    code = snippet.group(1)
    assert len(code.strip().splitlines()) == 6
    with _serving(env) as base:
        port = base.rsplit(":", 1)[1]
        script = tmp_path / "example.py"
        script.write_text(code.replace("127.0.0.1:8000", f"127.0.0.1:{port}"))
        ran = subprocess.run(
            [sys.executable, str(script)],
            check=False,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
            env={**os.environ, "MUTOSCOPE_API_KEY": ADMIN_KEY},
        )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("completed 4 720x1280")
    assert (tmp_path / "dog.mp4").stat().st_size > 10_000


def test_standalone_workers_drain_the_queue(tmp_path: Path) -> None:
    env = _env(tmp_path, MUTOSCOPE_ADMIN_API_KEY=ADMIN_KEY)
    with _serving(env, "--workers", "0") as base:
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "mutoscope", "worker"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        try:
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=30
            ) as http:
                ids = [
                    http.post("/v1/videos", data={"prompt": "bars", "model": "testcard"}).json()["id"]
                    for _ in range(6)
                ]
                deadline = time.monotonic() + 120
                statuses: list[str] = []
                while time.monotonic() < deadline:
                    statuses = [http.get(f"/v1/videos/{i}").json()["status"] for i in ids]
                    if all(s in ("completed", "failed") for s in statuses):
                        break
                    time.sleep(0.2)
            assert statuses == ["completed"] * 6
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                assert worker.wait(60) == 0, worker.stderr.read() if worker.stderr else ""


def test_worker_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    result = _cli("worker", env=_env(tmp_path))
    assert result.returncode != 0 and "mutoscope db upgrade" in result.stderr


def _idle_connection_open_after(base: str, idle_s: float) -> bool:
    """Whether a kept-alive connection still serves a second request after `idle_s` of silence."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=5)
    try:
        connection.request("GET", "/healthz")
        assert connection.getresponse().read() == b'{"status":"ok"}'
        time.sleep(idle_s)
        try:
            # http.client reconnects on its own only when it saw the close; sending on the old socket shows it.
            connection.sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            return connection.sock.recv(4096).startswith(b"HTTP/1.1 200")
        except OSError:  # reset by the server
            return False
    finally:
        connection.close()


def test_serve_keeps_idle_connections_as_long_as_the_setting_says(tmp_path: Path) -> None:
    # uvicorn's own default closes after 5 s, under a load balancer's usual 60 s (which would cause 502s).
    with _serving(_env(tmp_path / "long", MUTOSCOPE_SERVER__KEEP_ALIVE_S="30")) as base:
        assert _idle_connection_open_after(base, 6.5)
    with _serving(_env(tmp_path / "short", MUTOSCOPE_SERVER__KEEP_ALIVE_S="1")) as base:
        assert not _idle_connection_open_after(base, 3.0)
