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
import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .sanitize import guard_liquid, sanitize_html

if TYPE_CHECKING:
    from .models import Config
    from .state import RecheckRow
    from .versions import Versions

# One token: a CJK character, a word, a run of spaces, or any other character.
_TOKEN = re.compile(
    r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\u3000-\u303f\uff00-\uffef]|\w+|\s+|.", re.S
)
FEED_ENTRIES = 100
# The words of these pages, as the post layout's notice has them; a site's own come from
# its labels (see site_labels).
LABELS = {
    "edited": "已修改",
    "deleted": "已删除",
    "restored": "已恢复",
    "versions": "版本",
    "deleted_articles": "已删除的文章",
    "changes_feed": "已修改和已删除的文章",
}


def site_labels(site: Path) -> dict[str, str]:
    """The words, as the layouts find them: ``labels:`` in ``_config.yml``, else the
    set of the site's language in ``_data/labels.yml`` ("zh-CN" -> zh; English when it
    has none), else LABELS. A file that cannot be read leaves the words below it."""
    from . import yamlsafe

    def read(path: Path) -> dict[str, Any]:
        try:
            data = yamlsafe.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yamlsafe.YAMLError):
            return {}
        return data if isinstance(data, dict) else {}

    config = read(site / "_config.yml")
    sets = read(site / "_data" / "labels.yml")
    lang = str(config.get("lang") or "zh-CN").lower().split("-")[0]
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
    a long article costs little more than its changed paragraphs."""
    a, b = old.split("\n"), new.split("\n")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(html.escape(line) for line in b[j1:j2])
        elif op == "replace":
            out.append(_tokens_diff("\n".join(a[i1:i2]), "\n".join(b[j1:j2])))
        elif op == "delete":
            out.extend(f"<del>{html.escape(line)}</del>" for line in a[i1:i2])
        else:
            out.extend(f"<ins>{html.escape(line)}</ins>" for line in b[j1:j2])
    return "<br>\n".join(out)


def _tokens_diff(old: str, new: str) -> str:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
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
    return guard_liquid(sanitize_html(body))


def write_pages(
    versions: Versions,
    rows: Sequence[RecheckRow],
    changes: dict[str, dict[str, Any]],
    config: Config,
    touched: set[str] | None = None,
) -> None:
    """Write the versions pages of ``touched`` posts (every changed one when None), the
    deleted-articles page and the feed."""
    from .versions import _write, stem

    site = versions.site_dir
    words = site_labels(site)
    shown = [r for r in rows if f"_posts/{r.filename}" in changes]
    for row in shown:
        if touched is not None and row.filename not in touched:
            continue  # its page is as the run that changed it last wrote it
        entry = changes[f"_posts/{row.filename}"]
        parts = [f'<p><a href="{html.escape(row.url)}">{html.escape(row.url)}</a></p>']
        previous: str | None = None
        # An article deleted without an edit has no version kept: its text as archived.
        kept = versions.list(row.filename)
        if not kept:
            kept = [(row.archived, versions.post_text(row.filename) or "")]
        for when, text in kept:
            parts.append(f"<h2>{when.strftime('%Y-%m-%d %H:%M')} UTC</h2>")
            if previous is None:
                body = html.escape(text).replace("\n", "<br>\n")
            else:
                body = diff_html(previous, text)
            parts.append(f'<div class="version">{body}</div>')
            previous = text
        if row.deleted_at is not None and row.status in ("deleted",):
            gone = html.escape(entry.get("deleted", ""))
            parts.append(f"<h2>{gone}</h2><p>{html.escape(words['deleted'])}</p>")
        title = f"{words['versions']} · {stem(row.filename)[11:] or row.filename}"
        path = site / entry["versions"].lstrip("/")
        _write(path, _front(title) + _page("\n".join(parts)) + "\n")
    deleted = sorted(
        (r for r in shown if r.status == "deleted" and r.deleted_at is not None),
        key=lambda r: r.deleted_at or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    items = []
    for r in deleted:
        entry = changes[f"_posts/{r.filename}"]
        # Relative: the site may be served under a baseurl.
        items.append(
            f"<li><time>{html.escape(entry['deleted'])}</time> · "
            f'<a href="..{html.escape(entry["versions"])}">'
            f"{html.escape(stem(r.filename)[11:])}</a> · "
            f'<a href="{html.escape(r.url)}">{html.escape(r.url)}</a></li>'
        )
    body = '<ul class="deleted">\n' + "\n".join(items) + "\n</ul>" if items else "<p>—</p>"
    page = _front(words["deleted_articles"]) + _page(body) + "\n"
    _write(site / "deleted" / "index.html", page)
    _write(site / "changes.xml", _atom(shown, changes, words))


def _atom(
    rows: Sequence[RecheckRow], changes: dict[str, dict[str, Any]], words: dict[str, str]
) -> str:
    from .versions import stem

    events: list[tuple[datetime, str, RecheckRow]] = []
    for row in rows:
        if row.deleted_at is not None and row.status == "deleted":
            events.append((row.deleted_at, "deleted", row))
        if row.edited_at is not None:
            events.append((row.edited_at, "edited", row))
        if row.restored_at is not None:
            events.append((row.restored_at, "restored", row))
    events.sort(key=lambda e: e[0], reverse=True)
    events = events[:FEED_ENTRIES]
    updated = events[0][0] if events else datetime(1970, 1, 1, tzinfo=UTC)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{html.escape(words['changes_feed'])}</title>",
        "<id>urn:rssarchive:changes</id>",
        f"<updated>{_stamp(updated)}</updated>",
    ]
    for when, event, row in events:
        entry = changes[f"_posts/{row.filename}"]
        out += [
            "<entry>",
            f"<id>urn:rssarchive:{event}:{html.escape(stem(row.filename))}:{_stamp(when)}</id>",
            f"<title>{html.escape(words[event])}: {html.escape(stem(row.filename)[11:])}</title>",
            f"<updated>{_stamp(when)}</updated>",
            f'<link href="{html.escape(entry["versions"].lstrip("/"))}"/>',
            f'<link rel="via" href="{html.escape(row.url)}"/>',
            f'<category term="{event}"/>',
            "</entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
