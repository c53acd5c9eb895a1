"""Rendering: front matter that YAML (and so Jekyll) reads back exactly, dates, names."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import yaml

from rssarchive.core.errors import WriteError
from rssarchive.core.models import Post
from rssarchive.publish.render import (
    MAX_NAME_BYTES,
    epoch_ms,
    format_date,
    post_filename,
    render_post,
    yaml_value,
)

NOW = datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC)
URL = "https://news.example/a/story.html"


def render(
    title: str = "标题",
    *,
    url: str = URL,
    published: datetime | None = None,
    author: str = "自由亚洲电台",
    tags: Sequence[str] = ("自由亚洲电台",),
    categories: Sequence[str] = ("自由亚洲电台",),
    body: str = "<p>x</p>",
) -> Post:
    return render_post(
        title=title,
        url=url,
        published=published,
        archived_at=NOW,
        author=author,
        tags=tags,
        categories=categories,
        body_html=body,
    )


def front_matter(text: str) -> dict[str, Any]:
    """What Jekyll reads: the YAML between the first two lines that are exactly ---."""
    lines = text.split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    data = yaml.safe_load("\n".join(lines[1:end]))
    assert isinstance(data, dict)
    return data


TRICKY = [
    "plain",
    "key: value",
    'say "hi"',
    '"quoted"',
    "back\\slash \\n \\\\",
    "# not a comment",
    "a #hash",
    "@handle",
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "|literal",
    ">folded",
    "[list]",
    "{map}",
    "- dash",
    "? question",
    ":symbol",
    "trailing:",
    "`tick`",
    "'single'",
    "yes",
    "No",
    "TRUE",
    "off",
    "null",
    "~",
    "123",
    "1,000",
    "0x1F",
    "1e3",
    ".inf",
    "2021-01-01",
    "12:30:00",
    "+1",
    " leading space",
    "trailing space ",
    "",
    "emoji 🎉👩‍👩‍👧",
    "中" * 100,
    "a, b",
    "line\u2028separator\u2029paragraph",
    "bom\ufeffinside",
    "tab\tand\nnewline",
    "Line one\nline two",
    "x\npermalink: /index.html",
    "lone \ud800 surrogate",
    "{{ site | jsonify }} {% include ../x %}",
    "<script>alert(1)</script>",
]


def expected_value(value: str) -> str:
    """Control characters removed; lone surrogates become U+FFFD."""
    value = re.sub(r"[\x00-\x1f\x7f-\x9f]", "", value)
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def expected_title(value: str) -> str:
    """In a title (an author, a tag), a control character between words is a space
    (issue 16; look16f s22 for the author)."""
    value = re.sub(r"(?<=\S)[\x00-\x1f\x7f-\x9f]+(?=\S)", " ", value)
    return expected_value(value)


@pytest.mark.parametrize("value", TRICKY, ids=[repr(v) for v in TRICKY])
def test_front_matter_values_read_back_exactly(value: str) -> None:
    post = render(value, author=value, tags=[value, "b"], categories=[value])
    data = front_matter(post.text)
    expected = expected_title(value)  # author, tags: a control between words, a space
    assert data["title"] == expected_title(value)
    assert data["author"] == expected
    assert data["tags"] == [expected, "b"]
    assert data["categories"] == [expected]
    assert set(data) == {
        "layout",
        "title",
        "date",
        "author",
        "from",
        "tags",
        "comments",
        "categories",
    }
    assert data["comments"] is True
    assert data["from"] == URL
    assert data["date"] == NOW
    post.text.encode("utf-8")  # valid UTF-8, or this raises


def test_plain_values_are_written_bare_like_the_seeds() -> None:
    lines = render("标题", author="自由亚洲电台").text.split("\n")
    assert lines[4:9] == [
        "author: 自由亚洲电台",
        f"from: {URL}",
        "tags: [ 自由亚洲电台 ]",
        "comments: True",
        "categories: [ 自由亚洲电台 ]",
    ]
    for value in ("BBC 中文", "Solidot", "x@example.com", "C#", "it's", "a-b", "zh-CN", "rate 5%"):
        assert yaml_value(value) == value


def test_several_and_no_tags() -> None:
    data = front_matter(render(tags=["a", "b c"], categories=[]).text)
    assert data["tags"] == ["a", "b c"]
    assert data["categories"] == []


def test_title_escapes_only_backslash_and_quote() -> None:
    assert render('a "b" \\ c').text.split("\n")[2] == 'title: "a \\"b\\" \\\\ c"'


def test_layout_line_by_line() -> None:
    post = render("  Title  ", body="\n  <p>x</p>\n  ")
    assert post.text == (
        '---\nlayout: post\ntitle: "  Title  "\ndate: 2024-07-24T01:45:53.725Z\n'
        f"author: 自由亚洲电台\nfrom: {URL}\ntags: [ 自由亚洲电台 ]\ncomments: True\n"
        "categories: [ 自由亚洲电台 ]\n---\n<!--NaN-->\n"
        f"[Title]({URL})\n------\n\n<div>\n<p>x</p>\n</div>\n"
    )
    assert post.url == URL


def test_newline_in_title_makes_no_new_key_and_heading_stays_one_line() -> None:
    post = render("x\npermalink: /index.html")
    assert "permalink" not in front_matter(post.text)
    assert post.text.count("\n") == render("x").text.count("\n")


def test_heading_is_liquid_guarded_and_cannot_escape_the_link() -> None:
    post = render("{{ site | jsonify }} [a](javascript:x) <img src=x onerror=y> &amp; \\")
    heading = post.text.split("\n")[11]
    assert heading == (
        "[&#123;&#123; site | jsonify &#125;&#125; \\[a\\](javascript:x) "
        f"&lt;img src=x onerror=y> &amp;amp; \\\\]({URL})"
    )
    assert front_matter(post.text)["title"].startswith("{{ site | jsonify }}")


def test_heading_url_cannot_break_the_link() -> None:
    url = "https://news.example/a (b)/{{x}}"
    post = render(url=url)
    assert post.text.split("\n")[11] == "[标题](https://news.example/a%20%28b%29/%7B%7Bx%7D%7D)"
    assert front_matter(post.text)["from"] == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        # urls.http_url_problem's rule, not only the prefix
        "https://example.org/a\nlayout: evil",
        "https://example.org:99999/a",
        "https:///a",
    ],
)
def test_non_http_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        render(url=url)


def test_body_is_one_sanitised_line() -> None:
    post = render(body="\n<p>a\tb</p>\r\n<script>x</script><img src='https://i.example/p.png'>\n")
    body = post.text.split("\n<div>\n", 1)[1].removesuffix("\n</div>\n")
    assert body == '<p>ab</p><img src="https://i.example/p.png" referrerpolicy="no-referrer">'


# --- dates ------------------------------------------------------------------------------


def test_no_publication_time_uses_the_archive_time() -> None:
    lines = render(published=None).text.split("\n")
    assert lines[3] == "date: 2024-07-24T01:45:53.725Z"
    assert lines[10] == "<!--NaN-->"


def test_publication_time_is_used_in_utc() -> None:
    published = datetime(2024, 7, 23, 13, 32, 27, 123456, tzinfo=timezone(timedelta(hours=-4)))
    lines = render(published=published).text.split("\n")
    assert lines[3] == "date: 2024-07-23T17:32:27.123Z"
    assert lines[10] == "<!--1721755947123-->"


def test_future_publication_time_is_not_used_for_the_date() -> None:
    published = datetime(2099, 1, 1, tzinfo=UTC)
    lines = render(published=published).text.split("\n")
    assert lines[3] == "date: 2024-07-24T01:45:53.725Z"
    assert lines[10] == f"<!--{epoch_ms(published)}-->"


def test_date_formatting() -> None:
    assert format_date(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2024-01-02T03:04:05.000Z"
    assert format_date(datetime(2024, 1, 2, 3, 4, 5, 999999)) == "2024-01-02T03:04:05.999Z"
    late = datetime(2024, 1, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert format_date(late) == "2024-01-02T04:30:00.000Z"
    assert epoch_ms(datetime(1970, 1, 1, 0, 0, 1, 500, tzinfo=UTC)) == 1000
    assert epoch_ms(datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC)) == 1721785553725


# --- file names -------------------------------------------------------------------------


def test_seed_names() -> None:
    assert (
        post_filename(
            "2024-07-24T01:45:53.725Z", "应对中俄朝？ 美日将举行2+2安全会谈讨论核威慑问题", URL
        )
        == "2024-07-24-应对中俄朝？ 美日将举行2+2安全会谈讨论核威慑问题.md"
    )


def test_name_takes_fifty_characters_and_replaces_slashes() -> None:
    title = "a/b" + "x" * 60
    assert post_filename("2024-01-01", title, URL) == "2024-01-01-a--b" + "x" * 47 + ".md"
    assert post_filename("2024-01-01", 'He said "no"', URL) == '2024-01-01-He said "no".md'


@pytest.mark.parametrize(
    "title",
    [
        "../../etc/x",
        "/abs",
        "..",
        ".hidden",
        "back\\slash\\..\\x",
        "tab\there\nnew\x00nul",
        "中" * 100,
        "🎉" * 80,
        "/" * 200,
        "",
        "\ud800",
    ],
)
def test_names_are_plain_and_short(title: str) -> None:
    name = post_filename("2024-07-24T01:45:53.725Z", title, URL)
    assert name.startswith("2024-07-24-") and name.endswith(".md")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", name)
    assert not name.startswith(".")
    assert ".." not in name.split("/")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    name.encode("utf-8")


@pytest.mark.parametrize(
    ("title", "name"),
    [
        # A URL for a title: no ":" (Windows refuses it, macOS shows it as "/").
        ("http://127.0.0.1:8801/sm_as_html", "2024-01-01-http-----127.0.0.1-8801--sm_as_html.md"),
        ("Colon: yes # hash", "2024-01-01-Colon- yes # hash.md"),
        # Invisible format characters are not part of the name.
        ("Emoji 😀 and RTL \u202e text", "2024-01-01-Emoji 😀 and RTL  text.md"),
        ("zero\u200bwidth\u200e\u2066marks\u2069", "2024-01-01-zerowidthmarks.md"),
        ("line\u2028separator", "2024-01-01-line separator.md"),
    ],
)
def test_name_has_no_colon_and_no_invisible_characters(title: str, name: str) -> None:
    assert post_filename("2024-01-01", title, URL) == name


@pytest.mark.parametrize(
    ("title", "part"),
    [
        # look16f s30: a name part starting with "." publishes at a dot-file URL, which
        # servers refuse and deploy tools skip: its leading dots go, and a part left
        # empty takes the URL's hash, as an empty one does.
        (".", None),
        ("...", None),
        ("./x", "--x"),
        (".NET 9 released", "NET 9 released"),
        ("Dr. Who?", "Dr. Who?"),
    ],
)
def test_a_name_part_never_starts_with_a_dot(title: str, part: str | None) -> None:
    digest = hashlib.sha1(URL.encode("utf-8")).hexdigest()
    expected = part if part is not None else digest[:8]
    assert post_filename("2024-01-01", title, URL) == f"2024-01-01-{expected}.md"


def test_format_characters_stay_in_the_title() -> None:
    post = render_post(
        title="RTL \u202e text",
        url=URL,
        published=None,
        archived_at=NOW,
        author="a",
        tags=(),
        categories=(),
        body_html="<p>x</p>",
    )
    assert post.filename == "2024-07-24-RTL  text.md"
    assert 'title: "RTL \u202e text"' in post.text


def test_name_of_300_bytes_of_cjk_title() -> None:
    title = "中文标题" * 25  # 300 bytes
    name = post_filename("2024-07-24", title, URL)
    assert name == "2024-07-24-" + title[:50] + ".md"
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


def test_collision_is_resolved_from_the_url() -> None:
    taken = {"2024-07-24-同名.md"}
    first = post_filename("2024-07-24", "同名", "https://a.example/1", taken.__contains__)
    second = post_filename("2024-07-24", "同名", "https://a.example/2", taken.__contains__)
    assert first != second
    assert re.fullmatch(r"2024-07-24-同名-[0-9a-f]{8}\.md", first)
    # Deterministic: the same URL always gets the same name.
    assert first == post_filename("2024-07-24", "同名", "https://a.example/1", taken.__contains__)
    # Free names are used as they are.
    assert post_filename("2024-07-24", "同名", "https://a.example/1", lambda _: False) == (
        "2024-07-24-同名.md"
    )


def test_collision_that_cannot_be_resolved_is_an_error() -> None:
    with pytest.raises(WriteError):
        post_filename("2024-07-24", "t", URL, lambda _: True)


def test_render_post_passes_taken_on() -> None:
    post = render_post(
        title="t",
        url=URL,
        published=None,
        archived_at=NOW,
        author="a",
        tags=(),
        categories=(),
        body_html="<p>x</p>",
        taken={"2024-07-24-t.md"}.__contains__,
    )
    assert re.fullmatch(r"2024-07-24-t-[0-9a-f]{8}\.md", post.filename)


def test_bad_date_text_is_refused() -> None:
    with pytest.raises(ValueError):
        post_filename("../2024", "t", URL)


@pytest.mark.parametrize(
    ("title", "heading"),
    [
        ("[Chinese] 美日2+2安全磋商", "[Chinese] 美日2+2安全磋商"),  # balanced: as it is
        ("a [[nested] pair]", "a [[nested] pair]"),
        ("open [ only", "open \\[ only"),  # would leave the link open
        ("close ] only", "close \\] only"),  # would end the link early
        ("[[a]", "\\[[a]"),
        ("[a]b]", "[a]b\\]"),
        ("see [this](x) now", "see \\[this\\](x) now"),  # a link inside the link
        ("a[b][c]", "a\\[b\\][c]"),  # a reference inside the link
        ("back \\ slash <b>", "back \\\\ slash &lt;b>"),
    ],
)
def test_heading_escapes_only_what_would_break_the_link(title: str, heading: str) -> None:
    post = render(title)
    assert post.text.split("\n")[11] == f"[{heading}]({URL})"
    assert front_matter(post.text)["title"] == title
