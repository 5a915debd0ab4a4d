"""The installers agree with the code, and the frozen app really runs.

The Windows and macOS definitions cannot be built here, so their names,
versions and paths are checked against the one version in `desktop`. The
frozen one-folder app is built for real and self-tested; its .deb is installed
by dpkg into a temporary root, self-tested there and removed again.
"""

import os
import plistlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import desktop

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "build" / "dist"


def test_the_inno_setup_script_carries_the_version_and_the_built_paths():
    script = (ROOT / "build" / "windows" / "offdesk.iss").read_text()
    assert f'#define AppVersion "{desktop.__version__}"' in script
    assert '#define AppExe "offdesk.exe"' in script
    assert 'Source: "build\\dist\\offdesk\\*"' in script
    icon = re.search(r"SetupIconFile=(\S+)", script)
    assert icon and (ROOT / icon.group(1).replace("\\", "/")).is_file()


def test_the_macos_bundle_definition_carries_the_version_and_names():
    with open(ROOT / "build" / "macos" / "Info.plist", "rb") as f:
        info = plistlib.load(f)
    assert info["CFBundleShortVersionString"] == desktop.__version__
    assert info["CFBundleVersion"] == desktop.__version__
    assert info["CFBundleExecutable"] == "offdesk"
    assert (ROOT / "resources" / "icons" / info["CFBundleIconFile"]).is_file()
    spec = (ROOT / "app.spec").read_text()
    assert 'name="Offdesk.app"' in spec
    assert f'bundle_identifier="{info["CFBundleIdentifier"]}"' in spec


def test_the_desktop_entry_starts_the_installed_command_with_its_icon():
    entry = (ROOT / "build" / "linux" / "offdesk.desktop").read_text()
    assert "\nExec=offdesk\n" in entry
    assert "\nIcon=offdesk\n" in entry
    assert (ROOT / "resources" / "icons" / "offdesk.svg").is_file()


def test_the_package_version_comes_from_the_one_source():
    from importlib.metadata import version

    assert version("offdesk") == desktop.__version__
    out = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"offdesk {desktop.__version__}"


@pytest.fixture(scope="module")
def built_deb() -> Path:
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    subprocess.run(
        [sys.executable, str(ROOT / "build" / "build.py"), "--deb"],
        check=True,
        cwd=ROOT,
        timeout=1200,
    )
    return next(DIST.glob(f"offdesk_{desktop.__version__}_*.deb"))


def _self_test(binary: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "OFFDESK_DATA_DIR": str(home / "data"),
    }
    return subprocess.run(
        [str(binary), "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_the_frozen_one_folder_app_passes_its_self_test(built_deb, tmp_path):
    result = _self_test(DIST / "offdesk" / "offdesk", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout


def test_the_deb_installs_into_a_root_and_the_installed_binary_passes(
    built_deb, tmp_path
):
    root = _dpkg_root(tmp_path / "root")
    dpkg = ["dpkg", f"--root={root}", f"--log={tmp_path / 'dpkg.log'}"]
    dpkg += ["--force-not-root", "--force-script-chrootless", "--no-triggers"]
    installed = subprocess.run(
        [*dpkg, "--install", str(built_deb)], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    status = subprocess.run(
        ["dpkg-query", f"--admindir={root / 'var/lib/dpkg'}", "--show"]
        + ["--showformat=${Status} ${Version}", "offdesk"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == f"install ok installed {desktop.__version__}"

    assert os.readlink(root / "usr" / "bin" / "offdesk") == "/opt/offdesk/offdesk"
    entry = root / "usr" / "share" / "applications" / "offdesk.desktop"
    assert entry.read_text() == (ROOT / "build/linux/offdesk.desktop").read_text()
    icons = root / "usr" / "share" / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "offdesk.svg").is_file()
    assert (icons / "256x256" / "apps" / "offdesk.png").is_file()
    result = _self_test(root / "opt" / "offdesk" / "offdesk", tmp_path / "home")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout

    subprocess.run([*dpkg, "--remove", "offdesk"], capture_output=True, check=True)
    assert not (root / "opt" / "offdesk").exists()
    assert not entry.exists()


def _dpkg_root(root: Path) -> Path:
    """An empty root with its own dpkg database, for installing without touching /.

    The database starts as a copy of this system's package list, so dpkg checks
    the package's dependencies against what is really installed here.
    """
    if shutil.which("dpkg") is None or not Path("/var/lib/dpkg/status").is_file():
        pytest.skip("dpkg is not installed")
    admin = root / "var" / "lib" / "dpkg"
    for name in ("info", "updates", "triggers"):
        (admin / name).mkdir(parents=True)
    shutil.copy("/var/lib/dpkg/status", admin / "status")
    (admin / "available").touch()
    return root
