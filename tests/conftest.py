"""Shared fixtures.

`oxigraph_server`: the base URL of a real Oxigraph server (`oxigraph serve`) for the
whole session:

* $KGRAPH_TEST_SERVER when set (.ci/run starts one and sets it) - a disposable
  server: tests delete everything in it;
* else a server this fixture starts on a free loopback port over a temporary
  directory, when the `oxigraph` command is installed (the test extra:
  `pip install -e '.[test]'`), and stops at the end;
* else the tests that need it are skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

SERVER_ENV = "KGRAPH_TEST_SERVER"


def oxigraph_command() -> str | None:
    """The `oxigraph` CLI: beside this Python (a venv's bin/), else on PATH."""
    here = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_answers(url: str, timeout: float = 2.0) -> bool:
    request = urllib.request.Request(
        url + "/query", data=b"query=ASK%7B%7D", method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_oxigraph(command: str, location: Path, log: Path, attempts: int = 3):
    """(process, base URL) of a fresh `oxigraph serve`; retried on another port if
    the chosen one was taken in the meantime."""
    for _ in range(attempts):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with open(log, "ab") as out:
            process = subprocess.Popen(
                [command, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            if server_answers(url):
                return process, url
            time.sleep(0.1)
        stop(process)
    raise RuntimeError(f"`oxigraph serve` did not start; see {log}:\n"
                       + log.read_text(errors="replace")[-2000:])


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    url = os.environ.get(SERVER_ENV, "").strip().rstrip("/")
    if url:
        if not server_answers(url, timeout=10):
            pytest.fail(f"{SERVER_ENV}={url} does not answer SPARQL queries at {url}/query")
        yield url
        return
    command = oxigraph_command()
    if command is None:
        pytest.skip(f"no Oxigraph server: install the test extra (pip install -e '.[test]') "
                    f"or set {SERVER_ENV}")
    root = tmp_path_factory.mktemp("oxigraph-server")
    process, url = start_oxigraph(command, root / "db", root / "server.log")
    try:
        yield url
    finally:
        stop(process)
