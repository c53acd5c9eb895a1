"""Archive three bundled demo feeds with the real CLI, offline, in a few seconds.

    python demo/run_demo.py [--out DIR]

A local HTTP server on 127.0.0.1 serves ``demo/site/``: an old-RFA-style Mandarin feed
whose pages are fetched, an English news site whose pages go through trafilatura, and
an Arc-XP-style full-content feed. The script writes a config for them into DIR (default
``demo-output/``), runs ``python -m rssarchive --config DIR/config.yaml run`` and exits
with its exit code. Run it again and nothing new is archived: the feeds give every item
a guid that does not contain the server's port, which changes from run to run.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO, cast
from urllib.parse import unquote, urlsplit

import yaml

DEMO = Path(__file__).resolve().parent
ROOT = DEMO.parent
SITE = DEMO / "site"
# Feeds and pages must name each other by absolute URL, but the port is only known once
# the server is listening, so these files hold a placeholder that is filled in as served.
BASE_PLACEHOLDER = b"{{BASE}}"
TEMPLATED = (".xml", ".html")
# Images are only linked from posts, never downloaded by rssarchive; one tiny file of the
# right type stands in for every image path (RFA's `…/@@images/<uuid>` ones included).
PLACEHOLDERS = {
    ".png": SITE / "placeholder.png",
    ".jpg": SITE / "placeholder.jpeg",
    ".jpeg": SITE / "placeholder.jpeg",
}
IMAGE_PATH_MARK = "/@@images/"
# Enough for the front matter, the heading and the start of the one-line body.
SHOWN_LINES = 17
SHOWN_WIDTH = 160

FEEDS: list[dict[str, str]] = [
    {"name": "自由亚洲电台", "path": "/mandarin/yataibaodao/rss2.xml"},
    {"name": "Harbourside Gazette", "path": "/gazette/feed.xml"},
    {"name": "自由亚洲电台 Arc", "path": "/arc/outboundfeeds/mandarin/rss.xml", "content": "feed"},
]


class DemoServer(ThreadingHTTPServer):
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class DemoHandler(SimpleHTTPRequestHandler):
    """Serves ``SITE`` with the placeholder filled in and stand-in images."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, directory=str(SITE), **kwargs)  # type: ignore[arg-type]

    def send_head(self) -> BinaryIO | None:
        path = unquote(urlsplit(self.path).path)
        local = Path(self.translate_path(self.path))
        if local.suffix in TEMPLATED and local.is_file():
            base = cast(DemoServer, self.server).base.encode()
            return self._send(local.read_bytes().replace(BASE_PLACEHOLDER, base), local)
        if not local.is_file():
            suffix = ".jpeg" if IMAGE_PATH_MARK in path else Path(path).suffix.lower()
            if suffix in PLACEHOLDERS:
                return self._send(PLACEHOLDERS[suffix].read_bytes(), PLACEHOLDERS[suffix])
        return super().send_head()

    def _send(self, body: bytes, like: Path) -> BinaryIO:
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(like)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # every request logged would bury rssarchive's own output; errors still show


def write_config(out: Path, base: str) -> Path:
    config = {
        "site_dir": ".",
        # A dot-directory: Jekyll never publishes it, and the state travels with the site.
        "state_path": ".rssarchive/state.sqlite3",
        # The demo server is on 127.0.0.1, which rssarchive refuses by default.
        # The demo server is local: no need for the default one-second politeness delay.
        "network": {"allow_private_addresses": True, "timeout": 10, "per_host_delay": 0},
        "feeds": [
            {"name": feed["name"], "url": base + feed["path"]}
            | {k: v for k, v in feed.items() if k not in ("name", "path")}
            for feed in FEEDS
        ],
    }
    path = out / "config.yaml"
    header = "# Written by demo/run_demo.py for its local server; rewritten on every run.\n"
    path.write_text(
        header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return path


def post_names(out: Path) -> set[str]:
    posts = out / "_posts"
    return {p.name for p in posts.glob("*.md")} if posts.is_dir() else set()


def show_post(path: Path) -> None:
    print(f"\nThe first lines of {path.name}:\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[:SHOWN_LINES]:
        # The body is one long line (see docs/post-format.md); cut it to keep the demo readable.
        print("    " + (line if len(line) <= SHOWN_WIDTH else line[:SHOWN_WIDTH] + " …"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "demo-output",
        help="site directory to archive into (default: demo-output/)",
    )
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    server = DemoServer(("127.0.0.1", 0), DemoHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = write_config(out, server.base)
    print(f"Demo feeds served at {server.base}; config: {config}\n", flush=True)

    before = post_names(out)
    # The checkout's package first, so the demo shows this code even if not installed.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    started = time.monotonic()
    try:
        code = subprocess.run(
            [sys.executable, "-m", "rssarchive", "--config", str(config), "run"],
            env=env,
            check=False,
        ).returncode
    finally:
        server.shutdown()
        server.server_close()
    elapsed = time.monotonic() - started

    new = sorted(post_names(out) - before)
    posts = out / "_posts"
    print(f"\nrssarchive exited with {code} after {elapsed:.1f} s.")
    if new:
        print(f"{len(new)} new posts in {posts}")
    elif code == 0:
        print(f"Nothing new: every item was already archived; the posts are in {posts}")
    else:
        print(f"No new posts (see the errors above); the posts are in {posts}")
    shown = new or sorted(post_names(out))
    # Prefer an RFA post: reproducing that archive's format is the tool's first job.
    rfa = [n for n in shown if "lead_image_caption" in (posts / n).read_text("utf-8")]
    if shown:
        show_post(posts / (rfa or shown)[0])
    return code


if __name__ == "__main__":
    sys.exit(main())
