"""The site's pages of changed articles, written by rssarchive (README, "Re-checks").

* ``versions/<slug>.html``: per edited or deleted article, each kept version with its
  date and a diff against the one before (character by character for Chinese, Japanese
  and Korean, word by word otherwise), insertions in ``<ins>``, deletions in ``<del>``;
* ``deleted/index.html``: the deleted articles, newest deletion first;
* ``changes.xml``: an Atom feed of deletions and edits.

Every page's HTML goes through the archive's sanitiser and Liquid guard, like a post.
"""

from __future__ import annotations

import difflib
import functools
import html
import itertools
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from rssarchive.core.dates import format_utc, utc_stamp
from rssarchive.core.scripts import WIDE

if TYPE_CHECKING:
    from rssarchive.core.models import Config
    from rssarchive.publish.versions import Versions
    from rssarchive.store.state import RecheckRow


@functools.cache
def _token() -> re.Pattern[str]:
    """A diff's unit: a CJK character, a word (not running on into CJK: "iPhone手机" is
    three), a run of spaces, or any other character. Compiled at first use: a run with
    no diff to show, a no-op's, needs none."""
    return re.compile(rf"[{WIDE}]|[^\W{WIDE}]+|\s+|.", re.S)


FEED_ENTRIES = 100
# In a diff, unchanged paragraphs shown beside each change; a longer run of unchanged
# ones (at least FOLD_AT_LEAST beyond those) is folded (review 19c, F8).
CONTEXT = 2
# difflib's longest-match search costs about the product of the two sides' lengths, once
# for every block it matches (and the spaces between words match everywhere). A
# replaced block of paragraphs is diffed token by token only below this product (two
# paragraphs of ~250 words each, longer than a news paragraph); a bigger one (a
# rewritten 600-paragraph article took minutes of CPU: the property test's long profile
# stopped a run for it) is diffed paragraph against paragraph when the counts agree,
# else shown as paragraphs removed and added.
TOKEN_DIFF_BUDGET = 250_000
FOLD_AT_LEAST = 3
# The words of these pages, as the post layout's notice has them; a site's own come from
# its labels (see site_labels).
LABELS = {
    "edited": "已修改",
    "deleted": "已删除",
    "restored": "已恢复",
    "versions": "版本",
    "deleted_articles": "已删除的文章",
    "changes_feed": "已修改和已删除的文章",
    "archived": "存档",
}


def site_labels(site: Path) -> dict[str, str]:
    """The words, as the layouts find them: ``labels:`` in ``_config.yml``, else the
    set of the site's language in ``_data/labels.yml`` ("zh-CN" -> zh; English when it
    has none), else LABELS. A file that cannot be read leaves the words below it."""
    from rssarchive.core import yamlsafe

    def read(path: Path) -> dict[str, Any]:
        try:
            data = yamlsafe.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yamlsafe.YAMLError):
            return {}
        return data if isinstance(data, dict) else {}

    config = read(site / "_config.yml")
    sets = read(site / "_data" / "labels.yml")
    # "zh_TW", the POSIX spelling, is read as "zh-TW", as the layouts read it.
    lang = str(config.get("lang") or "zh-CN").replace("_", "-").lower().split("-")[0]
    words = dict(LABELS)
    for labels in (sets.get("en"), sets.get(lang), config.get("labels")):
        if isinstance(labels, dict):
            words.update(
                (k, v) for k, v in labels.items() if k in LABELS and isinstance(v, str) and v
            )
    return words


def diff_html(old: str, new: str) -> str:
    """``new`` as HTML, with what differs from ``old`` marked <ins>/<del>: paragraphs
    (lines) are matched first, then the tokens of the paragraphs that changed, so that
    a long article costs little more than its changed paragraphs. Paragraphs are matched
    as the re-checks compare them (recheck_text's normalisation, folding scripts only
    when the two texts are in different ones): one that differs only by what is no edit
    (a serving time to the second, spacing, punctuation width) is shown unchanged, as the
    new text has it, and a line of counters alone added or removed is shown unmarked, so
    the diff marks the edit, not the noise beside it (review 19e, L1)."""
    from rssarchive.core import recheck_text as texts

    a, b = old.split("\n"), new.split("\n")
    norm_line = texts.normalizers(texts.folds(old, new))[1]
    ka, kb = [norm_line(line) for line in a], [norm_line(line) for line in b]
    out: list[str] = []
    ops = difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "equal":
            out.extend(_unchanged(b[j1:j2], first=n == 0, last=n == len(ops) - 1))
        elif not any(ka[i1:i2]) and not any(kb[j1:j2]):
            # Only counters, stamps or empty lines on both sides: the new ones, unmarked.
            out.extend(html.escape(line) for line in b[j1:j2])
        elif op == "replace":
            out.extend(_replaced(a[i1:i2], b[j1:j2]))
        elif op == "delete":
            out.extend(f"<del>{html.escape(line)}</del>" for line in a[i1:i2])
        else:
            out.extend(f"<ins>{html.escape(line)}</ins>" for line in b[j1:j2])
    # A line break between paragraphs; a fold is a block of its own.
    joined = out[:1]
    for before, line in itertools.pairwise(out):
        fold = before.startswith("<details") or line.startswith("<details")
        joined.append(("\n" if fold else "<br>\n") + line)
    return "".join(joined)


def _unchanged(lines: list[str], *, first: bool, last: bool) -> list[str]:
    """Unchanged paragraphs of a diff: CONTEXT of them beside each change shown, the
    rest folded into one closed <details> (a long article's one changed word is then
    found at once, and nothing is hidden for good)."""
    head = 0 if first else CONTEXT
    tail = 0 if last else CONTEXT
    if len(lines) - head - tail < FOLD_AT_LEAST:
        return [html.escape(line) for line in lines]
    folded = lines[head : len(lines) - tail]
    inner = "<br>\n".join(html.escape(line) for line in folded)
    fold = f'<details class="unchanged"><summary>… {len(folded)} ¶</summary>{inner}</details>'
    return [
        *(html.escape(line) for line in lines[:head]),
        fold,
        *(html.escape(line) for line in lines[len(lines) - tail :]),
    ]


def _replaced(old: list[str], new: list[str]) -> list[str]:
    """Replaced paragraphs: one token diff of the block when it is cheap enough, else
    each paragraph against its counterpart, else the old ones removed and the new added."""
    joined = _tokens_diff("\n".join(old), "\n".join(new))
    if joined is not None:
        return [joined]
    if len(old) == len(new):
        return [
            diff if (diff := _tokens_diff(was, now)) is not None else _swapped([was], [now])[0]
            for was, now in zip(old, new, strict=True)
        ]
    return _swapped(old, new)


def _swapped(old: list[str], new: list[str]) -> list[str]:
    gone = [f"<del>{html.escape(line)}</del>" for line in old]
    came = [f"<ins>{html.escape(line)}</ins>" for line in new]
    if len(old) == len(new) == 1:
        return [gone[0] + came[0]]
    return gone + came


def _tokens_diff(old: str, new: str) -> str | None:
    """``new`` with its tokens (words; characters in Chinese) that differ from ``old``
    marked; None when that costs more than TOKEN_DIFF_BUDGET."""
    a, b = _token().findall(old), _token().findall(new)
    if len(a) * len(b) > TOKEN_DIFF_BUDGET:
        return None
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        gone, came = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            out.append(html.escape(came))
            continue
        if gone:
            out.append(f"<del>{html.escape(gone)}</del>")
        if came:
            out.append(f"<ins>{html.escape(came)}</ins>")
    return "".join(out).replace("\n", "<br>\n")


def _front(title: str, extra: str = "") -> str:
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    return f'---\nlayout: default\ntitle: "{quoted}"\nrender_with_liquid: false\n{extra}---\n'


def _page(body: str) -> str:
    # Imported here: lxml and nh3 are a no-op run's largest imports, and it makes no page.
    from rssarchive.core.sanitize import guard_liquid, sanitize_html

    return guard_liquid(sanitize_html(body))


def archived_link(filename: str, up: str) -> str | None:
    """The archived post's address, relative (``up``: the way from the linking page to
    the site's root, "" or "../"), as Jekyll publishes it (permalinks.py), escaped as
    Jekyll escapes its URLs; None when the name is not a post's."""
    from rssarchive.publish.permalinks import post_url

    try:
        # A post in a subfolder of _posts is published by its file name.
        url = post_url(filename.rsplit("/", 1)[-1])
    except ValueError:
        return None
    return up + quote(url.lstrip("/"), safe="/!$&'()*+,;=:@-._~")


def _posted(versions: Versions, row: RecheckRow) -> bool:
    """Whether the article's post is in ``_posts`` (one deleted by hand is not linked)."""
    from rssarchive.publish.posts import POSTS

    return (versions.site_dir / POSTS / row.filename).is_file()


def _links(row: RecheckRow, up: str, words: dict[str, str], posted: bool = True) -> str:
    """The archived post (when ``posted``) and the original article, as one line of
    links."""
    original = f'<a href="{html.escape(row.url)}">{html.escape(row.url)}</a>'
    archived = archived_link(row.filename, up) if posted else None
    if archived is None:
        return original
    return f'<a href="{html.escape(archived)}">{html.escape(words["archived"])}</a> · {original}'


def write_pages(
    versions: Versions,
    rows: Sequence[RecheckRow],
    changes: dict[str, dict[str, Any]],
    config: Config,
    failed: list[str],
) -> None:
    """Each changed article's versions page, the deleted-articles page and the feed,
    each written only when it differs from what it should be (versions.put); a page that
    cannot be written or read is noted in ``failed`` and the others are still written."""
    from rssarchive.publish.versions import put

    site = versions.site_dir
    words = site_labels(site)
    shown = [r for r in rows if f"_posts/{r.filename}" in changes]
    titles = {r.filename: versions.post_title(r.filename) for r in shown}
    for row in shown:
        entry = changes[f"_posts/{row.filename}"]
        path = site / entry["versions"].lstrip("/")
        # A page made from the same inputs is not made again: every run checks every
        # page, and rendering the diffs of every changed article each time would cost
        # seconds once there are thousands.
        stamp = _inputs(versions, row, entry, titles[row.filename], words)
        if _stamped(path, stamp):
            continue
        try:
            page = _versions_page(versions, row, entry, titles[row.filename], words, stamp)
        except (OSError, UnicodeDecodeError) as exc:
            failed.append(f"{versions.root / row.filename}: cannot read its versions ({exc})")
            continue
        put(path, page, failed)
    deleted = sorted(
        (r for r in shown if r.status == "deleted" and r.deleted_at is not None),
        key=lambda r: r.deleted_at or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    items = []
    for r in deleted:
        entry = changes[f"_posts/{r.filename}"]
        # Relative: the site may be served under a baseurl.
        links = _links(r, "../", words, _posted(versions, r))
        items.append(
            f"<li><time>{html.escape(entry['deleted'])}</time> · "
            f'<a href="..{html.escape(entry["versions"])}">'
            f"{html.escape(titles[r.filename])}</a> · {links}</li>"
        )
    body = '<ul class="deleted">\n' + "\n".join(items) + "\n</ul>" if items else "<p>—</p>"
    # A heading, and the feed of the same changes for readers to follow (review 19c, F7).
    feed = f'<p class="feed"><a href="../changes.xml">{html.escape(words["changes_feed"])}</a></p>'
    body = f"<h1>{html.escape(words['deleted_articles'])}</h1>\n{feed}\n{body}"
    # Stamped like the versions pages: every run gets here, and a page whose body is
    # unchanged is not sanitized again (a no-op run then needs no sanitizer at all,
    # issue 18's no-op target).
    path = site / "deleted" / "index.html"
    stamp = _digest(["deleted", body])
    if not _stamped(path, stamp):
        front = _front(words["deleted_articles"], f"{_STAMP_KEY}: {stamp}\n")
        put(path, front + _page(body) + "\n", failed)
    put(site / "changes.xml", _atom(versions, shown, changes, titles, words), failed)


def _versions_page(
    versions: Versions,
    row: RecheckRow,
    entry: dict[str, Any],
    title: str,
    words: dict[str, str],
    stamp: str,
) -> str:
    parts = [f"<p>{_links(row, '../', words, _posted(versions, row))}</p>"]
    previous: str | None = None
    # An article deleted without an edit has no version kept: its text as archived.
    kept = versions.list(row.filename)
    if not kept:
        kept = [(row.archived, versions.post_text(row.filename) or "")]
    for when, text in kept:
        parts.append(f"<h2>{format_utc(when)}</h2>")
        if previous is None:
            body = html.escape(text).replace("\n", "<br>\n")
        else:
            body = diff_html(previous, text)
        parts.append(f'<div class="version">{body}</div>')
        previous = text
    if row.deleted_at is not None and row.status == "deleted":
        gone = html.escape(entry.get("deleted", ""))
        parts.append(f"<h2>{gone}</h2><p>{html.escape(words['deleted'])}</p>")
    front = _front(f"{words['versions']} · {title}", f"{_STAMP_KEY}: {stamp}\n")
    return front + _page("\n".join(parts)) + "\n"


# The front matter key of a versions page that says what it was made from (_inputs);
# PAGE_FORMAT changes when the pages' making does, so that they are all made again.
_STAMP_KEY = "rssarchive_inputs"
PAGE_FORMAT = 3  # 2: unchanged paragraphs folded in the diffs; 3: no noise marked


def _inputs(
    versions: Versions, row: RecheckRow, entry: dict[str, Any], title: str, words: dict[str, str]
) -> str:
    """A digest of everything a versions page is made from: the record, the title and
    words, and each version file's name, size and time (or the post's, when the page
    shows the post's text)."""
    from rssarchive.publish.posts import POSTS
    from rssarchive.publish.versions import _version_time, stem

    files: list[tuple[str, int, int]] = []
    folder = versions.root / stem(row.filename)
    for path in [*sorted(folder.iterdir())] if folder.is_dir() else []:
        if _version_time(path) is None:
            continue  # not a version: not on the page
        try:
            info = path.stat()
        except OSError:
            continue
        files.append((path.name, info.st_size, info.st_mtime_ns))
    if not files:
        try:
            info = (versions.site_dir / POSTS / row.filename).stat()
            files.append(("", info.st_size, info.st_mtime_ns))
        except OSError:
            pass
    data: list[Any] = [row.url, row.status, row.archived.isoformat(), entry, title, words]
    data += [row.filename, _posted(versions, row)]
    data.append(files)
    return _digest(data)


def _digest(data: list[Any]) -> str:
    """A page's stamp: the digest of what it is made from and of the page format."""
    import hashlib
    import json

    text = json.dumps([PAGE_FORMAT, *data], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _stamped(path: Path, stamp: str) -> bool:
    """Whether the page at ``path`` exists and was made from inputs with this digest."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return False
    return f"\n{_STAMP_KEY}: {stamp}\n".encode() in head


def _events(versions: Versions, row: RecheckRow) -> list[tuple[datetime, str]]:
    """Every change of one article the site knows: each edit (each kept version after
    the first, but one kept when it came back, which is its restoration), its deletion
    (kept after it came back) and its restoration."""
    found: list[tuple[datetime, str]] = []
    for when in versions.times(row.filename)[1:]:
        if when != row.restored_at:
            found.append((when, "edited"))
    if row.edited_at is not None and not any(when == row.edited_at for when, _ in found):
        found.append((row.edited_at, "edited"))  # its version file is gone
    if row.deleted_at is not None and row.status in ("deleted", "restored"):
        found.append((row.deleted_at, "deleted"))
    if row.restored_at is not None:
        found.append((row.restored_at, "restored"))
    return found


def _atom(
    versions: Versions,
    rows: Sequence[RecheckRow],
    changes: dict[str, dict[str, Any]],
    titles: dict[str, str],
    words: dict[str, str],
) -> str:
    """An Atom feed (RFC 4287) of the changes, newest first, the latest FEED_ENTRIES."""
    events = [(when, event, row) for row in rows for when, event in _events(versions, row)]
    events.sort(key=lambda e: (e[0], e[1], e[2].filename), reverse=True)
    events = events[:FEED_ENTRIES]
    updated = events[0][0] if events else datetime(1970, 1, 1, tzinfo=UTC)
    config = _site_config(versions.site_dir)
    name = str(config.get("title") or "rssarchive")
    base = site_base(config)
    site = _site_key(versions.site_dir, base, name)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{html.escape(words['changes_feed'])}</title>",
        f"<id>{_uuid('feed', site)}</id>",
        f"<updated>{utc_stamp(updated)}</updated>",
        f"<author><name>{html.escape(name)}</name></author>",
        f'<link rel="self" type="application/atom+xml" href="{html.escape(base)}changes.xml"/>',
    ]
    for when, event, row in events:
        entry = changes[f"_posts/{row.filename}"]
        archived = archived_link(row.filename, base) if _posted(versions, row) else None
        versions_page = base + entry["versions"].lstrip("/")
        out += [
            "<entry>",
            # A stable id per event and per site (two archives of one feed share post
            # names), valid whatever the post's name holds.
            f"<id>{_uuid(event, site, row.filename, utc_stamp(when))}</id>",
            f"<title>{html.escape(words[event])}: {html.escape(titles[row.filename])}</title>",
            f"<updated>{utc_stamp(when)}</updated>",
            f'<link rel="alternate" type="text/html" href="{html.escape(versions_page)}"/>',
        ]
        if archived is not None:
            out.append(f'<link rel="related" href="{html.escape(archived)}"/>')
        out += [
            f'<link rel="via" href="{html.escape(row.url)}"/>',
            f'<category term="{event}"/>',
            "</entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def site_base(config: dict[str, Any]) -> str:
    """The site's address with a trailing slash, from ``url:`` and ``baseurl:`` in its
    ``_config.yml`` (as Jekyll's absolute_url makes it), so that the feed's links work
    in readers that do not resolve them against the feed's own address; "" when ``url:``
    is not an http(s) address: the links are then relative to the site's root, where
    the feed is."""
    url = str(config.get("url") or "").strip().rstrip("/")
    if not url.lower().startswith(("http://", "https://")) or any(c in url for c in ' "<>'):
        return ""
    baseurl = str(config.get("baseurl") or "").strip().strip("/")
    return f"{url}/{quote(baseurl, safe='/')}/" if baseurl else f"{url}/"


def _site_key(site: Path, base: str, title: str) -> str:
    """What tells this archive from any other in its feed's ids: the site's id (kept in
    ``.rssarchive/site-id`` by every run: siteid.py), else its address, else its title."""
    from rssarchive.store.siteid import ID_FILE

    try:
        found = (site / ID_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        found = ""
    return found or base or title


def _uuid(*parts: str) -> str:
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, "rssarchive:" + "\n".join(parts)).urn


def _site_config(site: Path) -> dict[str, Any]:
    from rssarchive.core import yamlsafe

    try:
        data = yamlsafe.safe_load((site / "_config.yml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yamlsafe.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}
