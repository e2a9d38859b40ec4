"""The team deployment: the Dockerfile (parsed, its image emulated and its start command run), serve and backup."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from lib.cli.serve import ServeError, check_exposure, read_secrets
from lib.workspace.access import hash_password
from tests.conftest import ROOT

SECRETS = f"""
[ladder.users.anna]
password = "{hash_password("kevad-2026-lumi")}"
role = "editor"
"""


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (keyword, arguments), continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = "\n".join(lines).replace("\\\n", " ")
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def exec_form(arguments: str) -> list[str]:
    """A JSON-array (exec form) argument list; the shell form is not accepted for CMD."""
    parsed = json.loads(arguments)
    assert isinstance(parsed, list) and all(isinstance(a, str) for a in parsed)
    return parsed


def env_of(instructions) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, arguments in instructions:
        if keyword == "ENV":
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def test_the_dockerfile_builds_from_the_project_and_runs_unprivileged_with_the_workspace_on_a_volume():
    instructions = dockerfile()
    keywords = [k for k, _ in instructions]
    assert keywords[0] == "FROM" and instructions[0][1].startswith("python:3.11")
    assert {"WORKDIR", "COPY", "RUN", "USER", "VOLUME", "EXPOSE", "CMD", "HEALTHCHECK"} <= set(keywords)
    for keyword, arguments in instructions:
        assert keyword in {"FROM", "ENV", "WORKDIR", "COPY", "RUN", "USER", "VOLUME", "EXPOSE", "HEALTHCHECK", "CMD"}
        if keyword == "COPY":
            *sources, _target = arguments.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the project"
    runs = " ".join(a for k, a in instructions if k == "RUN")
    assert "pip install --no-cache-dir -r requirements.txt" in runs
    assert dict(instructions)["USER"] not in ("root", "0")
    volumes = exec_form(dict(instructions)["VOLUME"])
    assert env_of(instructions)["LADDER_WORKSPACE"].startswith(volumes[0] + "/")
    command = exec_form(dict(instructions)["CMD"])
    assert command[:4] == ["python", "-m", "lib", "serve"]
    assert command[command.index("--port") + 1] == dict(instructions)["EXPOSE"]
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "workspace", ".streamlit/secrets.toml"} <= set(ignored)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _image(tmp_path: Path) -> tuple[Path, list[str], dict[str, str]]:
    """The image's /app as the Dockerfile builds it (its COPY lines), its command and environment."""
    instructions = dockerfile()
    app = tmp_path / "app"
    app.mkdir()
    for keyword, arguments in instructions:
        if keyword == "COPY":
            *sources, target = arguments.split()
            for source in sources:
                destination = app / target if target not in ("./", ".") else app / Path(source).name
                destination.parent.mkdir(parents=True, exist_ok=True)
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, destination, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(ROOT / source, destination)
    command = exec_form(dict(instructions)["CMD"])
    env = {**os.environ, **env_of(instructions)}
    env["LADDER_WORKSPACE"] = env["LADDER_WORKSPACE"].replace("/data", str(tmp_path / "data"), 1)
    env.pop("LADDER_WORKSPACE_URL", None)
    return app, [sys.executable if part == "python" else part for part in command], env


def test_the_dockerfile_start_command_serves_the_app_when_sign_in_is_set_up(tmp_path):
    app, command, env = _image(tmp_path)
    port = _free_port()
    command[command.index("--port") + 1] = str(port)
    (app / ".streamlit" / "secrets.toml").write_text(SECRETS, encoding="utf-8")  # the mounted secrets file
    process = subprocess.Popen(command, cwd=app, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
                assert time.monotonic() < deadline, "the app did not start"
                time.sleep(0.3)
        server_environment = (Path("/proc") / str(process.pid) / "environ").read_bytes().split(b"\0")
        assert b"ARROW_DEFAULT_MEMORY_POOL=system" in server_environment  # the server runs as the app is meant to
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
    assert "sign-in: password" in output


def test_the_start_command_refuses_the_network_without_sign_in(tmp_path):
    app, command, env = _image(tmp_path)
    result = subprocess.run(command, cwd=app, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Refusing to serve the register on 0.0.0.0 without sign-in" in result.stderr


def test_serve_allows_this_computer_alone_without_sign_in():
    assert check_exposure("127.0.0.1", {}).mode == "local"
    assert check_exposure("localhost", {}).mode == "local"
    for address in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(ServeError, match="without sign-in"):
            check_exposure(address, {})
    assert check_exposure("0.0.0.0", {"auth": {}, "ladder": {"editors": ["a@b.ee"]}}).mode == "oidc"


def test_a_broken_secrets_file_stops_the_start(tmp_path):
    broken = tmp_path / "secrets.toml"
    broken.write_text("[ladder\nusers = ", encoding="utf-8")
    with pytest.raises(ServeError, match="not valid TOML"):
        read_secrets((broken,))


def test_backup_command_copies_the_workspace_and_keeps_the_newest(tmp_path, monkeypatch):
    from lib.cli.main import main
    from lib.service.registers import current_register, import_workbook
    from lib.workspace.repository import Workspace

    import_workbook(
        Workspace(tmp_path / "ws"), "studio_register.xlsx", (ROOT / "sample_data" / "studio_register.xlsx").read_bytes()
    )
    env = {**os.environ, "LADDER_WORKSPACE": str(tmp_path / "ws")}
    env.pop("LADDER_WORKSPACE_URL", None)
    done = subprocess.run(  # as a person runs it once …
        [sys.executable, "-m", "lib", "backup", "--to", str(tmp_path / "copies"), "--keep", "2"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "Workspace copied to" in done.stdout
    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.delenv("LADDER_WORKSPACE_URL", raising=False)
    for _ in range(2):  # … and twice more through its entry point
        time.sleep(1.1)  # copies are named by the second
        assert main(["backup", "--to", str(tmp_path / "copies"), "--keep", "2"]) == 0
    copies = sorted((tmp_path / "copies").glob("ladder-*.sqlite"))
    assert len(copies) == 2
    newest = current_register(Workspace(url=f"sqlite:///{copies[-1]}"))
    assert newest is not None and len(newest.register.customers) == 2000


def test_hash_password_reads_a_piped_password():
    made = subprocess.run(
        [sys.executable, "-m", "lib", "hash-password"],
        cwd=ROOT,
        input="kevad-2026-lumi\n",
        capture_output=True,
        text=True,
        check=True,
    )
    from lib.workspace.access import verify_password

    assert verify_password("kevad-2026-lumi", made.stdout.strip())
    short = subprocess.run(
        [sys.executable, "-m", "lib", "hash-password"], cwd=ROOT, input="short\n", capture_output=True, text=True
    )
    assert short.returncode == 2
