"""The deploy paths as written: the Docker image's files and the systemd unit, each run with
`deploy/.env.example` applied as the README says (copy it, set the token), against the fake
Bot API over HTTP.

No Docker engine runs here, so the image is rebuilt from deploy/Dockerfile itself: its COPY list
copied into a temporary `/`, installed into a fresh venv (`pip install` as the image does; the
dependencies come from this test run's venv), started from its WORKDIR with its ENV, CMD and
HEALTHCHECK, and the env file applied the way Compose's `env_file` applies it: an empty `NAME=`
overrides the image's ENV. The unit likewise: its Environment=, then its EnvironmentFile= (which
wins, empty values included), WorkingDirectory= and ExecStart=, in a copy of the checkout.
Paths the image or unit own (/app, /data, /opt/diplobrief, /var/lib/diplobrief) are mapped into
the temporary root; the health port 8080 (the container's own) to a free one.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.settings import PROJECT_ROOT, Settings
from bot.telegram.runner import run_mode_problems
from bot.telegram.updates import make_chat, make_message_update, make_user
from tests.e2e.botprocess import BotProcess, until
from tests.e2e.conftest import FAKE_TOKEN
from tests.support.deploy import DEPLOY, read_compose, read_env_file, read_image, read_unit

USER = make_user(1301, "Operator", "en")
CHECKOUT = "bot handlers seeds bench deploy pyproject.toml README.md Makefile".split()
CACHES = ("__pycache__", "*.pyc", "results")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    """A venv of its own, created without pip; this run's packages are visible to it through a
    .pth line (so nothing is downloaded), and the project is installed into it by each test."""
    venv = tmp_path_factory.mktemp("deploy") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", where], check=True, capture_output=True, text=True
    ).stdout.strip()
    Path(site, "_test_run_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def pip_install(venv: Path, project: Path) -> None:
    """`pip install <project>` (no dependencies: they are there already)."""
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps",
         "--disable-pip-version-check", str(project)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip


def mapped(env: dict[str, str], paths: dict[str, Path]) -> dict[str, str]:
    """`env` with the image's or unit's own paths moved into the test's root; the container's
    health port (8080 on 0.0.0.0) moved to a free port on the loopback."""
    out = {}
    for name, value in env.items():
        for prefix, local in paths.items():
            if value == prefix or value.startswith(prefix + "/"):
                value = str(local) + value[len(prefix) :]
        out[name] = value
    if out.get("BOT_HEALTH_PORT") == "8080":
        out["BOT_HEALTH_PORT"] = str(free_port())
    if out.get("BOT_HEALTH_LISTEN") == "0.0.0.0":
        out["BOT_HEALTH_LISTEN"] = "127.0.0.1"
    return out


def operator_env_file(tmp: Path) -> Path:
    """deploy/.env.example copied and given a token, as the README tells the operator."""
    lines = (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
    text = "\n".join(
        f"TELEGRAM_BOT_TOKEN={FAKE_TOKEN}" if line.startswith("TELEGRAM_BOT_TOKEN=") else line
        for line in lines
    )
    path = tmp / "operator.env"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def base_environment(venv: Path) -> dict[str, str]:
    """What a process starts with before the image's ENV: a PATH where `python` is the venv's."""
    return {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8"}


def run_quick(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def healthz(port: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except OSError:
        return 0, {}


def metrics(port: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=3) as response:
        return response.read().decode()


def read_only(folder: Path) -> None:
    """Make `folder` read-only (as /app is to the image's user and the checkout under
    ProtectSystem=strict); root ignores modes, so the tests also check nothing was written."""
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~0o222)


def created_under(folder: Path, before: set[Path]) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p not in before and "__pycache__" not in p.parts)


async def answers_and_is_healthy(telegram, bot: BotProcess, health_port: str) -> None:
    """The bot answers /start through the fake Bot API, /healthz says 200, /metrics counts."""
    chat = make_chat(user=USER)
    await until(lambda: telegram.api.sent("getUpdates"), "the bot to poll", 60, bot)
    telegram.api.push_update(make_message_update("/start", chat, USER))
    [reply] = await until(lambda: telegram.api.sent("sendMessage", USER["id"]), "/start", 20, bot)
    assert "Operator" in reply.params["text"]
    status, report = await asyncio.to_thread(healthz, health_port)
    assert (status, report["ok"], report["problems"]) == (200, True, []), report
    page = await asyncio.to_thread(metrics, health_port)
    assert 'diplobrief_updates_handled_total{type="message"} 1.0' in page
    assert "diplobrief_update_seconds_count 1.0" in page
    assert 'diplobrief_messages_sent_total{method="sendMessage"}' in page


async def test_the_docker_image_runs_with_the_example_env_file(tmp_path, telegram, fresh_venv):
    image = read_image()
    root = tmp_path / "root"
    workdir = image.copy_files(PROJECT_ROOT, root)
    assert not (workdir / "bench").exists() and not (workdir / "tests").exists()
    pip_install(fresh_venv, workdir)
    data = root / "data"
    data.mkdir()  # the VOLUME, owned by the image's user
    env = {**image.env, **read_env_file(operator_env_file(tmp_path))}  # env_file wins
    env = mapped(env, {"/app": workdir, "/data": data})
    env["TELEGRAM_BASE_URL"] = telegram.base_url  # the one line the fake needs
    environment = {**base_environment(fresh_venv), **env}
    before = set(workdir.rglob("*"))
    read_only(workdir)
    try:
        shown = run_quick(["python", "-m", "bot", "--help"], workdir, environment)
        assert shown.returncode == 0, shown.stderr
        assert "check" in shown.stdout and "run" in shown.stdout
        checked = run_quick(["python", "-m", "bot", "check"], workdir, environment)
        assert checked.returncode == 0, checked.stderr
        assert "events:" in checked.stdout

        bot = BotProcess({}, tmp_path / "image.log", argv=image.cmd, cwd=workdir,
                         base_env=environment)  # fmt: skip
        bot.env["PATH"] = environment["PATH"]
        await bot.start()
        try:
            await answers_and_is_healthy(telegram, bot, env["BOT_HEALTH_PORT"])
            probe = run_quick(image.healthcheck, workdir, environment)  # the HEALTHCHECK
            assert probe.returncode == 0, probe.stdout + probe.stderr
            assert await bot.stop(within=10) == 0, bot.tail()
        finally:
            if bot.running:
                await bot.stop()
    finally:
        for path in [workdir, *workdir.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
    assert (data / "bot.sqlite3").exists()  # on the volume, where the image's ENV puts it
    assert created_under(workdir, before) == []  # nothing written where the user may not
    assert FAKE_TOKEN.split(":")[1] not in bot.output()


async def test_the_systemd_unit_runs_with_the_example_env_file(tmp_path, telegram, fresh_venv):
    unit = read_unit()
    checkout = tmp_path / "opt" / "diplobrief"
    for name in CHECKOUT:  # what `git clone` brings that the bot uses (tests/ aside)
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=shutil.ignore_patterns(*CACHES))
        else:
            checkout.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, checkout / name)
    pip_install(fresh_venv, checkout)  # `.venv/bin/pip install .` in the header
    (checkout / ".venv").symlink_to(fresh_venv)
    state = tmp_path / "var" / "lib" / unit.state_directory
    state.mkdir(parents=True)  # StateDirectory=: systemd creates it for the user
    env_file = tmp_path / "etc" / "diplobrief" / "diplobrief.env"
    env_file.parent.mkdir(parents=True)
    shutil.copy(operator_env_file(tmp_path), env_file)  # `install … .env.example …` + the token
    assert unit.environment_files == ["/etc/diplobrief/diplobrief.env"]
    env = {**unit.environment, **read_env_file(env_file)}  # EnvironmentFile= wins
    paths = {"/opt/diplobrief": checkout, f"/var/lib/{unit.state_directory}": state}
    env = mapped(env, paths)
    env["TELEGRAM_BASE_URL"] = telegram.base_url
    env["BOT_HEALTH_PORT"] = str(free_port())  # the unit serves none; the test asks it
    environment = {**base_environment(fresh_venv), **env}
    argv = [str(checkout) + a[len("/opt/diplobrief") :] if a.startswith("/opt/diplobrief") else a
            for a in unit.exec_start]  # fmt: skip
    cwd = Path(mapped({"cwd": unit.working_directory}, paths)["cwd"])
    before = set(checkout.rglob("*"))
    bot = BotProcess({}, tmp_path / "unit.log", argv=argv, cwd=cwd, base_env=environment)
    bot.env["PATH"] = environment["PATH"]
    await bot.start()
    try:
        await answers_and_is_healthy(telegram, bot, env["BOT_HEALTH_PORT"])
        assert await bot.stop(within=10) == 0, bot.tail()  # TimeoutStopSec= is longer
    finally:
        if bot.running:
            await bot.stop()
    assert (state / "bot.sqlite3").exists()  # in StateDirectory=, the only writable place
    written = [p for p in created_under(checkout, before) if ".egg-info" not in str(p)]
    assert [p for p in written if "build" not in p.relative_to(checkout).parts[:1]] == []


def compose_project_env(tmp: Path, **fleet: str) -> dict[str, str]:
    """deploy/.env as the README has the operator write it (the example, the token, and for
    the postgres profile its three lines), which Compose reads for interpolation too."""
    path = operator_env_file(tmp)
    with path.open("a", encoding="utf-8") as env_file:
        env_file.writelines(f"{name}={value}\n" for name, value in fleet.items())
    return read_env_file(path)


def test_compose_runs_one_sqlite_bot_by_default(tmp_path):
    env = compose_project_env(tmp_path)
    services = read_compose(env)["services"]
    by_default = {name for name, service in services.items() if not service.profiles}
    assert by_default == {"bot"}  # `up` without a profile: the one SQLite instance, nothing else
    bot = services["bot"]
    settings = Settings.from_env(bot.environment(read_image(), {".env": env}), dotenv=False)
    assert settings.database_url is None and str(settings.db_path) == "/data/bot.sqlite3"
    assert "bot-data:/data" in bot.spec["volumes"]  # the database survives the container
    assert run_mode_problems(settings) == []  # long polling with the token


def test_compose_profile_postgres_runs_three_webhook_instances_behind_caddy(tmp_path):
    fleet = {"BOT_DOMAIN": "bot.example.org", "BOT_WEBHOOK_SECRET": "s3cret-Webhook_token",
             "POSTGRES_PASSWORD": "d0e4f1c2a9b8"}  # fmt: skip
    env = compose_project_env(tmp_path, **fleet)
    model = read_compose(env)
    services = model["services"]
    profile = {name for name, service in services.items() if "postgres" in service.profiles}
    assert profile == {"postgres", "bot-pg", "proxy"}
    database, bots, proxy = services["postgres"], services["bot-pg"], services["proxy"]

    # Three replicas of the image, each on the PostgreSQL service, in webhook mode.
    assert bots.spec["deploy"]["replicas"] == 3
    assert bots.spec["build"] == services["bot"].spec["build"]  # the same image as `bot`
    assert bots.spec["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in database.spec and "pg-data" in model["volumes"]
    settings = Settings.from_env(bots.environment(read_image(), {".env": env}), dotenv=False)
    assert run_mode_problems(settings) == []
    url = urlsplit(settings.database_url or "")
    db_env = database.spec["environment"]
    assert (url.hostname, url.port, url.username, url.password, url.path.strip("/")) == (
        "postgres", 5432, db_env["POSTGRES_USER"], fleet["POSTGRES_PASSWORD"],
        db_env["POSTGRES_DB"],
    )  # fmt: skip
    assert settings.webhook_url == "https://bot.example.org/telegram"
    assert settings.webhook_listen == "0.0.0.0"  # reachable by the proxy inside the network

    # Caddy: TLS for the domain, the webhook path to every replica's webhook port, per request.
    assert {"80:80", "443:443"} <= set(proxy.spec["ports"])
    mount = next(v for v in proxy.spec["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro"))
    caddyfile = (DEPLOY / mount.split(":")[0]).read_text(encoding="utf-8")
    assert proxy.spec["environment"]["BOT_DOMAIN"] == "bot.example.org"
    assert re.search(r"^\{\$BOT_DOMAIN\} \{", caddyfile, re.M)
    assert f"handle {urlsplit(settings.webhook_url).path} {{" in caddyfile
    upstream = re.search(r"dynamic a \{\s*name (\S+)\s*port (\d+)", caddyfile)
    assert upstream and upstream.groups() == ("bot-pg", str(settings.webhook_port))
    assert "lb_policy round_robin" in caddyfile
