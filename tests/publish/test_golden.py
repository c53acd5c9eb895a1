"""The seeds, byte for byte: rebuilt inputs -> extract_article -> render_post == the seed.

The inputs come from tests/seedkit.py (the same kit the end-to-end test serves over
HTTP), so this checks the pure core; test_e2e checks the whole run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from seedkit import SeedCase, rebuild_seed

from rssarchive.core.sanitize import sanitize_html
from rssarchive.extract.article import extract_article
from rssarchive.publish.render import post_filename, render_post

SEED_DIR = Path(__file__).parent.parent / "golden" / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
# Their names in the existing archive (docs/post-format.md).
NAMES = {
    "000_9964acb28bb7b17c.txt": "2024-07-24-应对中俄朝？ 美日将举行2+2安全会谈讨论核威慑问题.md",
    "001_7d7e8ccb8e4aa8ab.txt": "2024-07-28-美日2+2安全磋商 加强驻日美军军事指挥权.md",
}
FEED_NAME = "自由亚洲电台"
LOCAL_URL = "http://127.0.0.1:8123/mandarin/yataibaodao/junshiwaijiao/story-07232024133227.html"


@pytest.fixture(params=sorted(NAMES), ids=lambda name: name[:3])
def seed(request: pytest.FixtureRequest) -> Path:
    path = SEED_DIR / request.param
    assert isinstance(path, Path)
    return path


def build(case: SeedCase, url: str) -> str:
    article = extract_article(case.page_html, url, content_type="text/html")
    assert article.source == "rule"
    assert article.title == case.title
    post = render_post(
        title=case.title,
        url=url,
        published=None,
        archived_at=case.now,
        author=FEED_NAME,
        tags=[FEED_NAME],
        categories=[FEED_NAME],
        body_html=article.body_html,
    )
    assert post.filename == NAMES[case.seed_name]
    return post.text


def test_seed_rebuilt_byte_for_byte(seed: Path) -> None:
    case = rebuild_seed(seed, LOCAL_URL)
    assert case.feed_name == FEED_NAME
    assert build(case, LOCAL_URL) == case.expected_text


def test_seed_at_its_original_url_is_the_seed_file_itself(seed: Path) -> None:
    original = rebuild_seed(seed, "https://x.example/").original_url
    case = rebuild_seed(seed, original)
    assert case.expected_text.encode("utf-8") == seed.read_bytes()
    assert build(case, original).encode("utf-8") == seed.read_bytes()


def test_seed_file_name(seed: Path) -> None:
    case = rebuild_seed(seed, LOCAL_URL)
    assert case.filename == NAMES[seed.name]
    assert post_filename(case.now.isoformat(), case.title, LOCAL_URL) == NAMES[seed.name]


def test_seed_body_is_a_fixed_point_of_the_policy(seed: Path) -> None:
    body = rebuild_seed(seed, LOCAL_URL).body
    assert body.startswith("<img ") and body.endswith("</p>")
    assert sanitize_html(body) == body


def test_the_page_is_not_the_answer(seed: Path) -> None:
    # The rebuilt page must make the extractor work: no referrerpolicy, lines wrapped.
    case = rebuild_seed(seed, LOCAL_URL)
    page = case.page_html.decode("utf-8")
    assert "referrerpolicy" not in page
    assert case.body not in page
    assert page.count("\n") > 20
    assert "<!-- END storytext-->" in page


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="shared/ not beside the repository")
def test_golden_seeds_are_the_shared_seeds_unchanged() -> None:
    for name in NAMES:
        assert (SEED_DIR / name).read_bytes() == (SHARED_SEEDS / name).read_bytes()
