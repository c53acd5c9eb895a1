"""core/postformat.py, the one home of the post format: a post's text cut into its parts
and put back together byte for byte, and the front-matter fields read as every reader
of a post (identity, versions, archive, recovery) reads them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rssarchive.core import postformat
from rssarchive.core.identity import post_says_its_date, post_title_and_date
from rssarchive.publish.posts import read_from_line
from rssarchive.publish.render import clean_title, format_date, render_body, render_post

SEEDS = sorted((Path(__file__).parent.parent / "golden" / "seeds").glob("*.txt"))
SEED_URLS = {
    "000": "https://www.rfa.org/mandarin/yataibaodao/junshiwaijiao/"
    "my3-us-japan-2plus2-07232024133227.html",
    "001": "https://www.rfa.org/mandarin/yataibaodao/junshiwaijiao/"
    "tt-us-japan-military-alliance-07282024104813.html",
}
SEED_DATES = {"000": "2024-07-24T01:45:53.725Z", "001": "2024-07-28T16:39:03.674Z"}

# A post in our layout, its head written out once so that the cases below can vary it.
HEAD = "---\nlayout: post\n{front}\n---\n{marker}\n[t](https://n.example/a)\n------\n"


def post(front: str, body: str = "<p>x</p>", marker: str = "<!--NaN-->") -> str:
    return HEAD.format(front=front, marker=marker) + f"\n<div>\n{body}\n</div>\n"


# (case, text, the fields expected). Fields left out are not checked; "body" is the
# body or None.
CASES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "ours, plain",
        post(
            'title: "T"\ndate: 2024-07-24T01:45:53.725Z\nfrom: https://n.example/a',
            marker="<!--1721785553725-->",
        ),
        {
            "title": "T",
            "date": "2024-07-24T01:45:53.725Z",
            "date_time": datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC),
            "from_url": "https://n.example/a",
            "epoch": "1721785553725",
            "published": datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC),
            "body": "<p>x</p>",
            "tail": "",
        },
    ),
    (
        "a quoted title with a colon, quotes and a backslash",
        post('title: "Breaking: he said \\"no\\" \\\\ then left"'),
        {"title": 'Breaking: he said "no" \\ then left', "epoch": "NaN", "published": None},
    ),
    (
        "a single-quoted title and a quoted from: with # and ?",
        post("title: 'It''s 10:30: news'\nfrom: \"https://n.example/a?x=1#y\""),
        {"title": "It's 10:30: news", "from_url": "https://n.example/a?x=1#y"},
    ),
    (
        "a bare title with colons inside",
        post("title: 10:30 news\nauthor: x"),
        {"title": "10:30 news"},
    ),
    ("a number for a title", post("title: 2024"), {"title": "2024"}),
    ("an empty title and from:", post("title:\nfrom:"), {"title": None, "from_url": None}),
    (
        "missing fields: no title, date, from or marker",
        post("layout: post", marker="[no marker]"),
        {"title": None, "date": None, "date_time": None, "from_url": None, "epoch": None},
    ),
    (
        "Jekyll's own date, with a zone",
        post("date: '2024-07-24 09:45:53 +0800'"),
        {
            "date": "'2024-07-24 09:45:53 +0800'",
            "date_time": datetime(2024, 7, 24, 1, 45, 53, tzinfo=UTC),
        },
    ),
    (
        "a date without a zone is UTC; the first date: line counts",
        post("date: 2024-07-24 01:45:53\ndate: 1999-01-01"),
        {"date_time": datetime(2024, 7, 24, 1, 45, 53, tzinfo=UTC)},
    ),
    ("a date that is no time", post("date: soon"), {"date": "soon", "date_time": None}),
    (
        "CRLF line ends: the fields read, no body (its fences are LF ones)",
        post(
            'title: "T"\nfrom: https://n.example/a\ndate: 2024-07-24T01:45:53.000Z',
            marker="<!--0-->",
        ).replace("\n", "\r\n"),
        {
            "title": "T",
            "from_url": "https://n.example/a",
            "date_time": datetime(2024, 7, 24, 1, 45, 53, tzinfo=UTC),
            "epoch": "0",
            "published": datetime(1970, 1, 1, tzinfo=UTC),
            "body": None,
        },
    ),
    (
        "a from: below the front matter is not the post's",
        "---\ntitle: t\n---\nfrom: https://no.example/\n",
        {"title": "t", "from_url": None, "body": None},
    ),
    (
        "no front matter",
        "no front matter\ntitle: x\nfrom: https://no.example/\n",
        {"title": None, "from_url": None, "epoch": None, "body": None},
    ),
    (
        "a front matter never closed (a head cut short) still says what it has",
        '---\ntitle: "T"\nfrom: https://n.example/a\nauthor: someo',
        {"title": "T", "from_url": "https://n.example/a", "body": None},
    ),
    ("empty", "", {"title": None, "from_url": None, "body": None, "tail": ""}),
    (
        "the body runs to the last </div> line; what follows is the tail",
        post("title: t", body="a\n</div>\n<div>\nb") + "footer\n",
        {"body": "a\n</div>\n<div>\nb", "tail": "footer\n"},
    ),
    (
        "a marker no datetime can hold",
        post("title: t", marker="<!--99999999999999999999-->"),
        {"epoch": "99999999999999999999", "published": None},
    ),
    (
        "a marker before 1970",
        post("title: t", marker="<!---1000-->"),
        {"epoch": "-1000", "published": datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)},
    ),
    (
        "a marker inside the body is not the post's",
        "---\ntitle: t\n---\n[t](u)\n------\n\n<div>\n<!--5-->\n</div>\n",
        {"epoch": None, "body": "<!--5-->"},
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse_reads_each_field_and_assemble_gives_the_text_back(
    case: str, text: str, expected: dict[str, Any]
) -> None:
    parsed = postformat.parse(text)
    assert postformat.assemble(parsed) == text, case
    got = {key: getattr(parsed, key) for key in expected}
    assert got == expected, case


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_the_seeds_round_trip_byte_for_byte_and_say_their_fields(seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    parsed = postformat.parse(text)
    assert postformat.assemble(parsed) == text
    number = seed.name[:3]
    assert parsed.from_url == SEED_URLS[number]
    assert parsed.date == SEED_DATES[number]
    assert parsed.epoch == "NaN" and parsed.published is None
    assert parsed.title and parsed.title in parsed.head.split("\n")[11]  # the heading line
    assert parsed.head.endswith("\n------\n") and parsed.tail == ""
    assert parsed.body is not None and parsed.body.startswith("<img ")
    assert "\n" not in parsed.body  # one long line, as docs/post-format.md says
    assert parsed.article == parsed.body
    # A new body goes where the old one was; the rest stays byte for byte.
    rewritten = postformat.assemble(parsed.with_body("<p>new</p>"))
    assert rewritten == text.replace(parsed.body, "<p>new</p>")
    assert postformat.join(parsed.head, parsed.body, parsed.tail) == text


def test_compose_writes_what_parse_reads_back() -> None:
    moment = datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC)
    title = 'Breaking: "2+2" talks \\ today'
    written = render_post(
        title=title,
        url="https://n.example/a?x=1",
        published=moment,
        archived_at=moment,
        author="@desk: night",
        tags=["News"],
        categories=["News"],
        body_html="<p>one</p>\n<p>two</p>",
    )
    parsed = postformat.parse(written.text)
    assert parsed.title == clean_title(title)
    assert parsed.from_url == "https://n.example/a?x=1"
    assert parsed.date == format_date(moment)
    assert parsed.date_time == parsed.published == moment
    assert parsed.body == render_body("<p>one</p>\n<p>two</p>")
    assert postformat.assemble(parsed) == written.text
    # Each field goes on its own line, in the documented order.
    keys = [line.split(":", 1)[0] for line in parsed.front]
    assert keys == ["layout", "title", "date", "author", "from", "tags", "comments", "categories"]


def test_an_article_without_our_body_is_what_follows_its_heading() -> None:
    hand = "---\ntitle: t\n---\n# T\n------\n<p>by hand</p>\n"
    assert postformat.parse(hand).article == "<p>by hand</p>\n"
    assert postformat.parse("<p>just html</p>").article == "<p>just html</p>"


def test_a_post_without_a_body_has_none_to_replace() -> None:
    with pytest.raises(ValueError, match="no body"):
        postformat.parse("---\ntitle: t\n---\n").with_body("<p>x</p>")


def test_the_readers_elsewhere_are_this_module() -> None:
    # identity, archive and recovery read through it: one answer for one text.
    for _, text, _ in CASES:
        parsed = postformat.parse(text)
        assert post_title_and_date(text) == (parsed.title, parsed.published)
        assert post_says_its_date(text) is (parsed.epoch is not None)
        assert read_from_line(text) == parsed.from_url


def test_parts_are_frozen() -> None:
    parsed = postformat.parse(post("title: t"))
    with pytest.raises(AttributeError):
        parsed.body = "x"  # type: ignore[misc]
    assert replace(parsed, body="y").body == "y"


def test_a_post_relinked_names_its_new_url_and_keeps_all_else() -> None:
    moment = datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC)
    fields: dict[str, Any] = {
        "title": "Moved [once] (really)",
        "published": moment,
        "archived_at": moment,
        "author": "desk",
        "tags": ["News"],
        "categories": ["News"],
        "body_html": "<p>one</p>",
    }
    old = render_post(url="https://n.example/a", **fields)
    new = render_post(url="https://n.example/b?x=1&y=(2)", **fields)
    from rssarchive.publish.render import relinked_post

    assert relinked_post(old.text, new.url) == new.text
    assert relinked_post("no post here", new.url) is None
    with pytest.raises(ValueError):
        relinked_post(old.text, "javascript:alert(1)")
