"""What the deploy files say, read the way Docker, Compose and systemd read them.

No Docker engine runs on these machines, so the tests rebuild what the image and the unit would
run from the files themselves: the Dockerfile's COPY list, WORKDIR, ENV, USER, CMD and
HEALTHCHECK; the unit's Environment=, EnvironmentFile=, WorkingDirectory= and ExecStart=; and an
env file applied as Compose's `env_file` and systemd's `EnvironmentFile=` apply it (a `NAME=`
line sets NAME to the empty string, which overrides the image's or the unit's default).
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


def logical_lines(text: str) -> list[str]:
    """Lines with `\\` continuations joined and comments dropped (Dockerfile and unit syntax)."""
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith(("#", ";"))):
            continue
        if stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    if current:
        lines.append(current)
    return lines


@dataclass
class Image:
    """The parts of deploy/Dockerfile that decide what runs."""

    copies: list[tuple[list[str], str]] = field(default_factory=list)  # (sources, destination)
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    user: str = "root"
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)  # .dockerignore patterns

    def copy_files(self, context: Path, root: Path) -> Path:
        """Copy what the COPY instructions copy from `context` into `root` (the image's `/`),
        as Docker does (a folder's contents go into the destination); return the WORKDIR."""
        workdir = root / self.workdir.lstrip("/")
        workdir.mkdir(parents=True, exist_ok=True)
        for sources, destination in self.copies:
            base = root if destination.startswith("/") else workdir
            target = base / destination.lstrip("/")
            into_folder = destination.endswith("/") or len(sources) > 1
            for source in sources:
                path = context / source
                if path.is_dir():
                    shutil.copytree(path, target, ignore=self._ignored, dirs_exist_ok=True)
                elif into_folder:
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target / path.name)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
        return workdir

    def _ignored(self, folder: str, names: list[str]) -> set[str]:
        """Names the .dockerignore's `**/…` patterns leave out (caches, bytecode)."""
        patterns = [p.removeprefix("**/") for p in self.ignore if p.startswith("**/")]
        return {name for name in names if any(fnmatch.fnmatch(name, p) for p in patterns)}


def read_image(dockerfile: Path = DEPLOY / "Dockerfile") -> Image:
    """Parse the instructions of `dockerfile` that decide the image's files and its start."""
    image = Image()
    for line in logical_lines(dockerfile.read_text(encoding="utf-8")):
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "COPY":
            parts = [p for p in shlex.split(rest) if not p.startswith("--")]
            image.copies.append((parts[:-1], parts[-1]))
        elif instruction == "WORKDIR":
            image.workdir = rest.strip()
        elif instruction == "ENV":
            for assignment in shlex.split(rest):
                name, _, value = assignment.partition("=")
                image.env[name] = value
        elif instruction == "USER":
            image.user = rest.strip()
        elif instruction == "CMD":
            image.cmd = json.loads(rest)
        elif instruction == "HEALTHCHECK":
            image.healthcheck = json.loads(rest.split("CMD", 1)[1])
    ignore_file = dockerfile.with_name(dockerfile.name + ".dockerignore")
    if ignore_file.exists():
        image.ignore = [
            line.strip()
            for line in ignore_file.read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
    return image


@dataclass
class Unit:
    """The parts of deploy/diplobrief.service that decide how the bot runs."""

    environment: dict[str, str] = field(default_factory=dict)
    environment_files: list[str] = field(default_factory=list)
    working_directory: str = "/"
    exec_start: list[str] = field(default_factory=list)
    state_directory: str = ""
    user: str = "root"


def read_unit(path: Path = DEPLOY / "diplobrief.service") -> Unit:
    unit = Unit()
    for line in logical_lines(path.read_text(encoding="utf-8")):
        key, _, value = line.partition("=")
        if key == "Environment":
            for assignment in shlex.split(value):
                name, _, setting = assignment.partition("=")
                unit.environment[name] = setting
        elif key == "EnvironmentFile":
            unit.environment_files.append(value.removeprefix("-"))
        elif key == "WorkingDirectory":
            unit.working_directory = value
        elif key == "ExecStart":
            unit.exec_start = shlex.split(value)
        elif key == "StateDirectory":
            unit.state_directory = value
        elif key == "User":
            unit.user = value
    return unit


def read_env_file(path: Path) -> dict[str, str]:
    """`NAME=value` lines as Compose's env_file and systemd's EnvironmentFile read them: comments
    and blank lines skipped; `NAME=` is the empty string (and overrides a default)."""
    values = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's interpolation of one value: `${NAME}`, `${NAME:-default}`, `$NAME`, `$$`."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("bare")
        default = match.group("default")
        found = variables.get(name, "")
        return found if found or default is None else default

    pattern = r"\$\$|\$\{(?P<braced>\w+)(?::-(?P<default>[^}]*))?\}|\$(?P<bare>\w+)"
    return re.sub(pattern, one, value)


@dataclass
class ComposeService:
    """One service of deploy/compose.yaml, merged (`<<: *bot`) and interpolated."""

    name: str
    spec: dict

    @property
    def profiles(self) -> list[str]:
        return list(self.spec.get("profiles", []))

    def environment(self, image: Image, env_files: dict[str, dict[str, str]]) -> dict[str, str]:
        """What a container of this service starts with: the image's ENV, then its env_file,
        then `environment:` (Compose's order of precedence)."""
        env = dict(image.env) if "build" in self.spec else {}
        files = self.spec.get("env_file", [])
        for file in [files] if isinstance(files, str) else files:
            env.update(env_files[file])
        declared = self.spec.get("environment", {})
        if isinstance(declared, list):
            declared = dict(item.partition("=")[::2] for item in declared)
        env.update({name: str(value) for name, value in declared.items()})
        return env


def read_compose(variables: dict[str, str], path: Path = DEPLOY / "compose.yaml") -> dict:
    """deploy/compose.yaml as Compose sees it with `variables` (its project .env): YAML merge
    keys resolved, every string interpolated; services as ComposeService."""
    import yaml

    def walk(node: object) -> object:
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return interpolate(node, variables) if isinstance(node, str) else node

    model = walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert isinstance(model, dict)
    model["services"] = {
        name: ComposeService(name, spec) for name, spec in model["services"].items()
    }
    return model
