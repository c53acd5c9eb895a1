"""The deployment examples in docs/ are valid and do what they say.

Each is parsed the way its consumer parses it (cron fields, systemd's INI and
``systemd-analyze verify``, the workflow's YAML, its ``run:`` scripts with ``bash -n``),
its rssarchive command line goes through the real argument parser, and whatever can run
here runs: the crontab line itself (with ``flock``, against a feed on 127.0.0.1), and
the workflow's archive and commit scripts (with a fake rssarchive and a local git
remote). Tools that are missing (``flock``, ``systemd-analyze``, ``git``) skip their tests.
"""

from __future__ import annotations

import configparser
import fcntl
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer

from rssarchive.cli import build_parser

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"
# Where the examples assume the checkout; tests put a temporary directory in its place.
SRV = "/srv/rssarchive"
RSSARCHIVE = ".venv/bin/rssarchive"  # what `make install` creates
CRON_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day", 1, 31),
    ("month", 1, 12),
    ("weekday", 0, 7),
)
# What GitHub runs a `run:` step with when no shell is given.
GITHUB_BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
# Generous: one real rssarchive run on a local feed takes a second or two.
RUN_TIMEOUT_S = 60


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed")
    return path


def _valid_cron_field(field: str, low: int, high: int) -> bool:
    """One field of a cron schedule: ``*``, ``N``, ``N-M``, any of them ``/STEP``, lists."""
    for part in field.split(","):
        base, _, step = part.partition("/")
        if step and not (step.isdigit() and int(step) > 0):
            return False
        if base == "*":
            continue
        bounds = base.split("-")
        if len(bounds) > 2 or not all(b.isdigit() and low <= int(b) <= high for b in bounds):
            return False
        if len(bounds) == 2 and int(bounds[0]) > int(bounds[1]):
            return False
    return True


def test_cron_field_checker() -> None:
    assert _valid_cron_field("17", 0, 59)
    assert _valid_cron_field("*/15", 0, 59)
    assert _valid_cron_field("1-5,10", 0, 23)
    for bad in ("60", "*/0", "5-1", "", "x", "1-2-3"):
        assert not _valid_cron_field(bad, 0, 59)


def _rssarchive_args(command: str) -> list[str]:
    """The arguments given to rssarchive in a shell command line: the words after
    ``.venv/bin/rssarchive`` up to the first shell operator or redirection."""
    words = shlex.split(command, comments=False)
    programs = [i for i, word in enumerate(words) if word.endswith(RSSARCHIVE)]
    assert len(programs) == 1, command
    args = []
    for word in words[programs[0] + 1 :]:
        if word in ("||", "&&", ";", "|") or word.startswith((">", "2>")):
            break
        args.append(word)
    return args


def _check_cli(args: list[str]) -> Any:
    """Parse like the real CLI; argparse exits (SystemExit) on anything it rejects."""
    return build_parser().parse_args(args)


# --- cron ------------------------------------------------------------------------------


def _cron_line() -> str:
    text = (DOCS / "cron.md").read_text(encoding="utf-8")
    blocks: list[str] = re.findall(r"^```cron\n(.*?)^```", text, re.M | re.S)
    assert len(blocks) == 1, "docs/cron.md must have exactly one ```cron block"
    lines = [line for line in blocks[0].splitlines() if line.strip() and not line.startswith("#")]
    assert len(lines) == 1
    return lines[0]


def _cron_schedule_and_command() -> tuple[list[str], str]:
    fields = _cron_line().split(None, 5)
    return fields[:5], fields[5]


def test_cron_schedule_has_five_valid_fields() -> None:
    schedule, _ = _cron_schedule_and_command()
    for value, (name, low, high) in zip(schedule, CRON_FIELDS, strict=True):
        assert _valid_cron_field(value, low, high), f"{name}: {value!r}"


def test_cron_command_uses_flock_and_a_real_cli_call() -> None:
    _, command = _cron_schedule_and_command()
    # Cron turns "%" into a newline.
    assert "%" not in command
    words = shlex.split(command)
    assert "flock" in words and words[words.index("flock") + 1] == "-n"
    lock = words[words.index("flock") + 2]
    # Holding rssarchive's own lock would make every run exit 75.
    assert not lock.endswith((".sqlite3.lock", "run.lock"))
    args = _check_cli(_rssarchive_args(command))
    assert args.command == "run"
    assert str(args.config) == "config.yaml"
    # The program is the one `make install` puts in .venv.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "VENV := .venv" in makefile and "$(BIN)/rssarchive" in makefile
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'rssarchive = "rssarchive.cli:main"' in pyproject


def _install_wrapper(checkout: Path) -> None:
    """``.venv/bin/rssarchive`` running this checkout's code with this interpreter."""
    program = checkout / RSSARCHIVE
    program.parent.mkdir(parents=True)
    program.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m rssarchive "$@"\n')
    program.chmod(0o755)


def _feed(server: HTTPServer) -> bytes:
    body = "<p>" + "A paragraph of the archived article, long enough to be its body. " * 8
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0"><channel><title>Cron feed</title>'
        f"<link>{server.url_for('/')}</link>"
        "<item><title>Cron article</title>"
        f"<link>{server.url_for('/article.html')}</link>"
        "<guid>cron-article-1</guid><pubDate>Wed, 24 Jul 2024 01:45:53 GMT</pubDate>"
        f"<description><![CDATA[{body}</p>]]></description></item>"
        "</channel></rss>"
    ).encode()


def _checkout_for_cron(tmp_path: Path, server: HTTPServer) -> Path:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    _install_wrapper(checkout)
    config = {
        "site_dir": "output",
        "network": {"allow_private_addresses": True, "timeout": 5, "per_host_delay": 0},
        "feeds": [{"name": "Cron feed", "url": server.url_for("/feed.xml"), "content": "feed"}],
    }
    (checkout / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return checkout


def _run_cron_line(checkout: Path) -> subprocess.CompletedProcess[str]:
    _, command = _cron_schedule_and_command()
    env = {
        # What cron gives a job: a minimal PATH and little else.
        "PATH": "/usr/bin:/bin",
        "HOME": str(checkout),
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        ["/bin/sh", "-c", command.replace(SRV, str(checkout))],
        capture_output=True,
        text=True,
        env=env,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def test_cron_line_archives_and_logs(tmp_path: Path, httpserver: HTTPServer) -> None:
    _require("flock")
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(httpserver), content_type="application/rss+xml"
    )
    checkout = _checkout_for_cron(tmp_path, httpserver)

    first = _run_cron_line(checkout)
    assert first.returncode == 0, (first.stdout, first.stderr)
    assert first.stdout == first.stderr == ""  # all of it went to the log: cron mails nothing
    posts = sorted((checkout / "output" / "_posts").iterdir())
    assert [p.name for p in posts] == ["2024-07-24-Cron article.md"]
    log = (checkout / "archive.log").read_text(encoding="utf-8")
    assert "new posts: 1" in log and "failed: 0" in log

    second = _run_cron_line(checkout)
    assert second.returncode == 0
    log = (checkout / "archive.log").read_text(encoding="utf-8")
    assert log.count("feeds polled: 1") == 2 and "new posts: 0" in log


def test_cron_line_skips_while_a_run_holds_the_lock(tmp_path: Path, httpserver: HTTPServer) -> None:
    _require("flock")
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(httpserver), content_type="application/rss+xml"
    )
    checkout = _checkout_for_cron(tmp_path, httpserver)
    _, command = _cron_schedule_and_command()
    words = shlex.split(command)
    lock_path = checkout / words[words.index("flock") + 2]
    with lock_path.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # "the previous run is still working"
        skipped = _run_cron_line(checkout)
    assert skipped.returncode == 1  # flock -n: busy, so nothing was started
    assert not (checkout / "output").exists()
    assert len(httpserver.log) == 0
    assert (checkout / "archive.log").read_text(encoding="utf-8") == ""


def test_cron_md_log_rotation_hint() -> None:
    text = (DOCS / "cron.md").read_text(encoding="utf-8")
    assert "logrotate" in text and f"{SRV}/archive.log {{" in text


# --- systemd -----------------------------------------------------------------------------


def _unit(name: str, text: str | None = None) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    parser.read_string(text if text is not None else (DOCS / name).read_text(encoding="utf-8"))
    return parser


def test_service_unit() -> None:
    unit = _unit("rssarchive.service")
    assert set(unit.sections()) == {"Unit", "Service"}
    service = unit["Service"]
    assert service["Type"] == "oneshot"
    assert service["WorkingDirectory"] == SRV
    program, *args = shlex.split(service["ExecStart"])
    assert program == f"{SRV}/{RSSARCHIVE}"
    parsed = _check_cli(args)
    assert parsed.command == "run"
    assert str(parsed.config) == f"{SRV}/config.yaml"
    assert "75" in service["SuccessExitStatus"].split()
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
    }.items():
        assert service[key] == value, key
    assert unit["Unit"]["After"] == "network-online.target"


def test_service_may_write_where_the_default_config_writes() -> None:
    """ProtectSystem=strict makes everything read-only but ReadWritePaths: they must hold
    the site directory and the state database (and its lock) of the shipped config."""
    writable = [Path(p) for p in _unit("rssarchive.service")["Service"]["ReadWritePaths"].split()]
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    site = Path(SRV) / config.get("site_dir", "output")
    state = Path(SRV) / config.get(
        "state_path", f"{config.get('site_dir', 'output')}/.rssarchive/x"
    )
    for needed in (site, state.parent):
        assert any(needed == w or w in needed.parents for w in writable), needed


def test_timer_unit() -> None:
    unit = _unit("rssarchive.timer")
    assert set(unit.sections()) == {"Unit", "Timer", "Install"}
    timer = unit["Timer"]
    assert timer["Unit"] == "rssarchive.service"
    assert timer["Persistent"] == "true"
    assert timer["OnCalendar"]
    assert unit["Install"]["WantedBy"] == "timers.target"


def test_units_pass_systemd_analyze(tmp_path: Path) -> None:
    analyze = _require("systemd-analyze")
    # verify checks that ExecStart's program exists: give it one where the paths point.
    _install_wrapper(tmp_path)
    units = []
    for name in ("rssarchive.service", "rssarchive.timer"):
        text = (DOCS / name).read_text(encoding="utf-8").replace(SRV, str(tmp_path))
        (tmp_path / name).write_text(text, encoding="utf-8")
        units.append(str(tmp_path / name))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *units],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    # verify exits 0 on unknown keys and bad values too; it only says so on stderr.
    complaints = [line for line in result.stderr.splitlines() if "rssarchive." in line]
    assert result.returncode == 0 and complaints == [], result.stderr
    calendar = subprocess.run(
        [analyze, "calendar", _unit("rssarchive.timer")["Timer"]["OnCalendar"]],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert calendar.returncode == 0, calendar.stderr


# --- GitHub Actions ----------------------------------------------------------------------


def _workflow() -> dict[str, Any]:
    data = yaml.safe_load((DOCS / "github-actions.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True; GitHub reads it as "on".
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _steps() -> list[dict[str, Any]]:
    return [step for job in _workflow()["jobs"].values() for step in job.get("steps", [])]


def _run_scripts() -> list[str]:
    return [step["run"] for step in _steps() if "run" in step]


def _step(name_part: str) -> dict[str, Any]:
    found = [step for step in _steps() if name_part in step.get("name", "")]
    assert len(found) == 1, name_part
    return found[0]


def test_workflow_triggers() -> None:
    triggers = _triggers(_workflow())
    assert "workflow_dispatch" in triggers
    schedules = triggers["schedule"]
    assert schedules
    for entry in schedules:
        fields = entry["cron"].split()
        assert len(fields) == 5, entry
        for value, (name, low, high) in zip(fields, CRON_FIELDS, strict=True):
            assert _valid_cron_field(value, low, high), f"{name}: {value!r}"


def test_workflow_steps() -> None:
    workflow = _workflow()
    archive = workflow["jobs"]["archive"]
    assert archive["permissions"]["contents"] == "write"
    uses = [step.get("uses", "") for step in _steps()]
    for action in (
        "actions/checkout@",
        "actions/setup-python@",
        "actions/cache@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
    ):
        assert any(u.startswith(action) for u in uses), action
    for action in filter(None, uses):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", action), action  # a major version
    python = _step("Set up Python")["with"]["python-version"]
    assert python == "3.11"  # a string: unquoted, YAML would read 3.10 as 3.1
    scripts = _run_scripts()
    assert "make install" in scripts
    assert any(f"{RSSARCHIVE} --config config.yaml run" in s for s in scripts)
    assert any("git push" in s for s in scripts)
    # The site is built per year (a single site past ~50,000 posts cannot be rebuilt
    # hourly within a minute), with the search index and the kept build, and never
    # committed; the cache keeps each year's build and stamp, not its copies of the posts.
    build = _step("Build the site and its search index")
    assert build["run"] == 'make site SPLIT="$SITE_SPLIT"'
    assert build["env"]["SITE_SPLIT"] == "year" and build["env"]["SITE_SEARCH"] == "1"
    cached = _step("Restore the previous build")["with"]["path"].split()
    assert cached == [
        "output/_site",
        "output/.jekyll-metadata",
        "output/.jekyll-cache",
        "output/.split",
        "!output/.split/*/_posts",
    ]
    assert _step("Upload the site")["with"]["path"] == "output/_site"
    assert not any("_site" in s and "git add" in s for s in scripts)
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_workflow_rssarchive_call_parses() -> None:
    lines = [line for s in _run_scripts() for line in s.splitlines() if RSSARCHIVE in line]
    assert len(lines) == 1
    args = _check_cli(_rssarchive_args(lines[0]))
    assert args.command == "run" and str(args.config) == "config.yaml"


@pytest.mark.parametrize("script", _run_scripts(), ids=lambda s: s.split()[0])
def test_workflow_scripts_are_valid_bash(script: str, tmp_path: Path) -> None:
    path = tmp_path / "step.sh"
    path.write_text(script, encoding="utf-8")
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def _run_step(
    script: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    path = cwd.parent / f"step-{cwd.name}.sh"
    path.write_text(script, encoding="utf-8")
    return subprocess.run(
        [*GITHUB_BASH, str(path)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


@pytest.mark.parametrize(
    ("status", "step_status", "annotation"),
    [(0, 0, None), (1, 0, "::warning"), (2, 2, "::error"), (75, 75, "::error"), (3, 3, "::error")],
)
def test_archive_step_tolerates_exit_1_only(
    tmp_path: Path, status: int, step_status: int, annotation: str | None
) -> None:
    work = tmp_path / "work"
    program = work / RSSARCHIVE
    program.parent.mkdir(parents=True)
    program.write_text(f'#!/bin/sh\necho "args: $*"\nexit {status}\n')
    program.chmod(0o755)
    result = _run_step(_step("Archive new items")["run"], work)
    assert result.returncode == step_status, result.stdout + result.stderr
    assert "args: --config config.yaml run" in result.stdout
    if annotation is None:
        assert "::" not in result.stdout
    else:
        assert annotation in result.stdout


class GitRepos:
    """A bare "origin" and a clone of it, as actions/checkout leaves one."""

    def __init__(self, tmp_path: Path) -> None:
        self.git = _require("git")
        self.env = {
            # Nothing from the machine's or user's git config.
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.org",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.org",
        }
        self.origin = tmp_path / "origin.git"
        self.work = tmp_path / "work"
        self.outputs = tmp_path / "github-output"
        self.outputs.write_text("")
        self.run("init", "--quiet", "--bare", "-b", "main", str(self.origin))
        self.run("clone", "--quiet", str(self.origin), str(self.work))
        shutil.copy(ROOT / ".gitignore", self.work / ".gitignore")
        (self.work / "config.yaml").write_text("feeds: []\n")
        self.run("add", ".", cwd=self.work)
        self.run("commit", "--quiet", "-m", "initial", cwd=self.work)
        self.run("push", "--quiet", "-u", "origin", "main", cwd=self.work)

    def run(self, *args: str, cwd: Path | None = None) -> str:
        result = subprocess.run(
            [self.git, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            env={**os.environ, **self.env},
            check=True,
            timeout=RUN_TIMEOUT_S,
        )
        return result.stdout

    def commit_step(self) -> subprocess.CompletedProcess[str]:
        self.outputs.write_text("")
        return _run_step(
            _step("Commit and push")["run"],
            self.work,
            {**self.env, "GITHUB_OUTPUT": str(self.outputs)},
        )

    def origin_files(self) -> list[str]:
        listing = self.run("ls-tree", "-r", "-z", "--name-only", "main", cwd=self.origin)
        return listing.rstrip("\0").split("\0")

    def origin_log(self) -> list[str]:
        return self.run("log", "--format=%s", "main", cwd=self.origin).splitlines()


def test_commit_step_pushes_new_posts_and_the_state(tmp_path: Path) -> None:
    repos = GitRepos(tmp_path)
    posts = repos.work / "output" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2024-07-24-新闻.md").write_text("---\nlayout: post\n---\n", encoding="utf-8")
    state = repos.work / "output" / ".rssarchive"
    state.mkdir()
    (state / "state.sqlite3").write_bytes(b"SQLite format 3\x00")
    (state / "state.sqlite3.lock").write_bytes(b"")  # never committed
    (state / "run.lock").write_bytes(b"")  # the site's lock: never committed either

    result = repos.commit_step()
    assert result.returncode == 0, result.stdout + result.stderr
    assert repos.outputs.read_text() == "changed=true\n"
    assert repos.origin_log()[0] == "Archive 1 new posts"
    files = repos.origin_files()
    assert "output/.rssarchive/state.sqlite3" in files
    assert any(f.startswith("output/_posts/2024-07-24-") for f in files)
    assert "output/.rssarchive/state.sqlite3.lock" not in files
    assert "output/.rssarchive/run.lock" not in files

    again = repos.commit_step()  # nothing new since
    assert again.returncode == 0, again.stderr
    assert repos.outputs.read_text() == "changed=false\n"
    assert len(repos.origin_log()) == 2


def test_commit_step_with_nothing_archived_yet(tmp_path: Path) -> None:
    repos = GitRepos(tmp_path)  # no output/_posts, no state: every feed failed
    result = repos.commit_step()
    assert result.returncode == 0, result.stdout + result.stderr
    assert repos.outputs.read_text() == "changed=false\n"


def test_commit_step_rebases_over_a_push_made_meanwhile(tmp_path: Path) -> None:
    repos = GitRepos(tmp_path)
    other = tmp_path / "other"
    repos.run("clone", "--quiet", str(repos.origin), str(other))
    (other / "config.yaml").write_text("feeds: [changed]\n")
    repos.run("commit", "--quiet", "-am", "config change", cwd=other)
    repos.run("push", "--quiet", cwd=other)

    posts = repos.work / "output" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2024-07-24-a.md").write_text("post\n")
    result = repos.commit_step()
    assert result.returncode == 0, result.stdout + result.stderr
    assert repos.origin_log()[:2] == ["Archive 1 new posts", "config change"]


# --- the index ---------------------------------------------------------------------------


def test_docs_readme_links_every_example() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for path in DOCS.iterdir():
        if path.name != "README.md":
            assert f"]({path.name})" in index, path.name
