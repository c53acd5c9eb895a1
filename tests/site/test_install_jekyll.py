"""scripts/install-jekyll.sh installs the plugin when `jekyll` is there without it.

The script runs against fake `jekyll`, `ruby`, `apt-get`, `id` and `env` commands (PATH holds
nothing else), so that what it would install is recorded instead of done.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "install-jekyll.sh"


def _fake_bin(tmp: Path, *, plugin_installed: bool) -> Path:
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    marker = tmp / "plugin-installed"
    if plugin_installed:
        marker.touch()
    fakes = {
        "jekyll": 'echo "jekyll 4.3.1"',
        # Ruby loads the plugin only once "apt-get" has "installed" it.
        "ruby": f'test -e "{marker}"',
        "apt-get": f'echo "$*" >> "{tmp / "apt-get.log"}"; '
        f'case "$*" in *ruby-jekyll-paginate*) : > "{marker}";; esac',
        "id": "echo 0",
        # `env NAME=value command`, as the script calls it.
        "env": 'while [ $# -gt 0 ]; do case "$1" in *=*) export "$1"; shift;; '
        '*) break;; esac; done; exec "$@"',
    }
    for name, body in fakes.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return bin_dir


def _run(tmp: Path, *, plugin_installed: bool) -> subprocess.CompletedProcess[str]:
    sh = shutil.which("sh")
    assert sh is not None
    bin_dir = _fake_bin(tmp, plugin_installed=plugin_installed)
    return subprocess.run(
        [sh, str(SCRIPT)],
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_jekyll_without_the_plugin_gets_the_plugin_installed(tmp_path: Path) -> None:
    result = _run(tmp_path, plugin_installed=False)
    assert result.returncode == 0, result.stderr
    assert "plugin is not" in result.stdout
    log = (tmp_path / "apt-get.log").read_text()
    assert "install" in log and "ruby-jekyll-paginate" in log


def test_jekyll_with_the_plugin_installs_nothing(tmp_path: Path) -> None:
    result = _run(tmp_path, plugin_installed=True)
    assert result.returncode == 0, result.stderr
    assert "already installed" in result.stdout
    assert not (tmp_path / "apt-get.log").exists()
