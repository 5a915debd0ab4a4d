"""Shared fixtures: a store in a temporary data dir, a desk on it, and the CLI."""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from desktop.desk import Desk
from desktop.store.store import Store

# Hypothesis keeps caches in `.hypothesis` under the working directory; in the repo
# root that dir trips pytest's collection (norecursedirs replaces the defaults)
# under filterwarnings=error, so keep them in the temp dir instead.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "offdesk-tests-hypothesis")

settings.register_profile(
    "offdesk",
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("offdesk")

#: Sync fixtures: real servers on loopback, throw-away PostgreSQL, replicas.
pytest_plugins = ["tests.sync.servers"]

AGENT = "Ann Agent <ann@example.com>"
REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as opened:
        Desk(opened).set_agent(AGENT)
        yield opened


@pytest.fixture
def desk(store: Store) -> Desk:
    return Desk(store)


@pytest.fixture(scope="session")
def cli_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with an agent set, made once; tests get copies of it."""
    template = tmp_path_factory.mktemp("template") / "data"
    with Store(template) as opened:
        Desk(opened).set_agent(AGENT)
    return template


@pytest.fixture
def cli_dir(tmp_path: Path, cli_template: Path) -> Path:
    """A fresh data dir for the CLI, already initialised with an agent."""
    target = tmp_path / "cli-data"
    shutil.copytree(cli_template, target)
    return target


RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(cli_dir: Path) -> RunCli:
    """Run `python -m desktop.cli ARGS` with $OFFDESK_DATA_DIR set to `cli_dir`."""

    def run(
        *args: str,
        data_dir: Path | None = None,
        env: dict[str, str] | None = None,
        unset: tuple[str, ...] = (),
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {
            **os.environ,
            "OFFDESK_DATA_DIR": str(data_dir or cli_dir),
            "PYTHONIOENCODING": "utf-8",
            **(env or {}),
        }
        for name in unset:
            full_env.pop(name, None)
        return subprocess.run(
            [sys.executable, "-m", "desktop.cli", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=full_env,
            cwd=REPO,
            timeout=timeout,
        )

    return run
