"""Where Jekyll publishes a post, given its file name.

Mirrors Jekyll 4.3 with the permalink of output/_config.yml
(``/:year/:month/:day/:title:output_ext``): ``Utils.slugify(mode: "pretty", cased: true)``
for the title part and ``URL#sanitize_url``. Two different file names can give the same
URL (``Dr. Who?`` and ``Dr. Who!``), and Jekyll then publishes only one of them, so the
archive treats a URL clash like a file-name clash.
"""

from __future__ import annotations

import re
import unicodedata

# Characters "pretty" slugs keep besides letters, marks and digits.
_PRETTY_KEEP = frozenset("._~!$&'()+,;=@")
_POST_NAME = re.compile(r"\A(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)(\.[^.]+)\Z", re.DOTALL)


def jekyll_slug(text: str) -> str:
    """Jekyll's ``Utils.slugify(text, mode: "pretty", cased: true)``."""
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LM" or category == "Nd" or char in _PRETTY_KEEP:
            out.append(char)
        elif not out or out[-1] != "\0":
            out.append("\0")  # one hyphen per run of other characters
    slug = "".join(out).replace("\0", "-")
    return re.sub(r"^-|-$", "", slug)


def post_url(file_name: str) -> str:
    """The (unescaped) URL of a post; ValueError if the name is not a post's."""
    match = _POST_NAME.match(file_name)
    if match is None:
        raise ValueError(f"not a post file name: {file_name!r}")
    year, month, day, title, _ext = match.groups()
    # Document#populate_title: trailing periods are not part of the slug.
    slug = jekyll_slug(re.sub(r"\.*\Z", "", title))
    url = f"/{int(year):04d}/{int(month):02d}/{int(day):02d}/{slug}.html"
    # URL#sanitize_url: ".." becomes "/", "./" is dropped, repeated "/" squeezed.
    url = url.replace("..", "/").replace("./", "")
    return re.sub("/{2,}", "/", url)


def has_clean_url(file_name: str) -> bool:
    """False when Jekyll would give this name an empty slug (a build warning, and a URL
    like ``/2024/01/01/.html``): such a name should take a unique suffix. Odd but
    non-empty slugs (``..`` becomes ``/``) are published where post_url says."""
    match = _POST_NAME.match(file_name)
    if match is None:
        return False
    return bool(jekyll_slug(re.sub(r"\.*\Z", "", match.group(4))))
