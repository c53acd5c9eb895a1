"""Whether a page differs from its reference by an edit, on two fetches of the page:
pure, no I/O (README, "Re-checks"; tested as tables in tests/core/test_recheck_tokens.py and
tests/recheck_verdicts/).

The texts are compared as lines (normalised paragraphs, recheck_text.normalize_line)
and, within the lines that differ, as tokens: a character of a script written without
spaces (Han, kana, hangul), a word, or a run of punctuation. Lines are aligned first so
that a long article costs a line-level comparison, and tokens are compared only where
lines differ.

Of the first fetch A, a token is *steady* when the second fetch B (moments later) has it
at the same place, else *volatile* (a counter, a rotating line, an A/B variant). A
difference between the reference R and A is an edit when B confirms it:

- A's differing span holds a steady token (A and B agree on the new text), or
- it deletes R's tokens where B has nothing instead either (B lacks them too), or
- A's span (or B's) is volatile there but shorter than R's: a counter's earlier value is
  explained by a counter, a whole retracted paragraph is not explained by a short
  rotating line standing where it stood.

Lines that A and B both hold but in another order (a "most read" box shuffled on every
request) are compared as a set: that block of lines is put in one order in R, A and B
alike (:func:`confirm`), so the shuffle is no edit while a box whose entries changed,
or a plain reorder that A and B agree on, is one.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from rssarchive.core import recheck_text as texts
from rssarchive.core.scripts import WIDE

# A token: one character of a script written without spaces, a word, or a run of
# punctuation (the normalised text has no spaces beside the first and the last).
_TOKEN = re.compile(rf"[{WIDE}]|[^\W{WIDE}]+|[^\w\s]+")
# Ends every line's tokens: a paragraph break is a token too (a line removed is its
# words and its break).
_BREAK = "\n"
# Token lists longer than this (both sides together) are aligned with difflib's
# heuristic for popular tokens: exact alignment is quadratic on common characters, and a
# region this large differs by more than a counter anyway.
_EXACT_UP_TO = 4000
# A block of lines shuffled between the two fetches is compared as a set only when it is
# a box (a few lines), not a page whose paragraphs two fetches order differently.
SHUFFLE_MAX_LINES = 12


def keys(text: str, norm_line: Callable[[str], str]) -> list[str]:
    """A text's lines as compared (normalised, those left empty dropped)."""
    return [key for key in map(norm_line, text.splitlines()) if key]


def tokens(line: str) -> list[str]:
    """A normalised line's tokens, its break last."""
    return [*_TOKEN.findall(line), _BREAK]


Opcode = tuple[str, int, int, int, int]


def _opcodes(x: Sequence[str], y: Sequence[str]) -> Iterator[Opcode]:
    """Token-level opcodes (on the token positions of the whole texts) of two texts given
    as normalised lines: lines aligned first, tokens within the lines that differ."""
    xt, yt = [tokens(line) for line in x], [tokens(line) for line in y]
    xo, yo = _offsets(xt), _offsets(yt)
    lines = difflib.SequenceMatcher(None, list(x), list(y), autojunk=False)
    for op, i1, i2, j1, j2 in lines.get_opcodes():
        if op == "equal":
            yield "equal", xo[i1], xo[i2], yo[j1], yo[j2]
        elif op == "insert":
            # Whole lines y has and x lacks (edited() tells them from words added).
            yield "insert_lines", xo[i1], xo[i1], yo[j1], yo[j2]
        else:
            yield from _block(x, y, xt, yt, xo, yo, (i1, i2, j1, j2))


def _block(
    x: Sequence[str],
    y: Sequence[str],
    xt: Sequence[Sequence[str]],
    yt: Sequence[Sequence[str]],
    xo: Sequence[int],
    yo: Sequence[int],
    span: tuple[int, int, int, int],
) -> Iterator[Opcode]:
    """The token opcodes of lines x[i1:i2] replaced by y[j1:j2]. A block small enough is
    compared token by token at once; a larger one (every paragraph carries a counter, so
    no line is equal) is cut first: its lines aligned on their forms without digits, or
    else paired in order when both sides have as many, each piece compared on its own. Token
    alignment is quadratic in the tokens compared at once: a 150 KB Chinese article
    compared whole took minutes, line by line it takes milliseconds."""
    i1, i2, j1, j2 = span
    size = xo[i2] - xo[i1] + yo[j2] - yo[j1]
    if size <= _EXACT_UP_TO or i2 - i1 <= 1 or j2 - j1 <= 1:
        yield from _tokens(xt[i1:i2], yt[j1:j2], xo[i1], yo[j1], size)
        return
    fx = [_DIGITS.sub("0", line) for line in x[i1:i2]]
    fy = [_DIGITS.sub("0", line) for line in y[j1:j2]]
    cut = difflib.SequenceMatcher(None, fx, fy, autojunk=False).get_opcodes()
    if len(cut) == 1:
        if (i2 - i1) == (j2 - j1):
            # As many lines on each side, none alike without digits: paired in order.
            for n in range(i2 - i1):
                pair = (i1 + n, i1 + n + 1, j1 + n, j1 + n + 1)
                yield from _block(x, y, xt, yt, xo, yo, pair)
            return
        # Nothing to pair: compared whole, with difflib's heuristic for popular tokens.
        yield from _tokens(xt[i1:i2], yt[j1:j2], xo[i1], yo[j1], size)
        return
    for op, k1, k2, l1, l2 in cut:
        if op == "insert":
            yield "insert_lines", xo[i1 + k1], xo[i1 + k1], yo[j1 + l1], yo[j1 + l2]
        else:
            yield from _block(x, y, xt, yt, xo, yo, (i1 + k1, i1 + k2, j1 + l1, j1 + l2))


def _tokens(
    xl: Sequence[Sequence[str]], yl: Sequence[Sequence[str]], a0: int, b0: int, size: int
) -> Iterator[Opcode]:
    xa = [t for line in xl for t in line]
    ya = [t for line in yl for t in line]
    inner = difflib.SequenceMatcher(None, xa, ya, autojunk=size > _EXACT_UP_TO)
    for op, p1, p2, q1, q2 in inner.get_opcodes():
        yield op, a0 + p1, a0 + p2, b0 + q1, b0 + q2


def _offsets(lines: Sequence[Sequence[str]]) -> list[int]:
    out = [0]
    for line in lines:
        out.append(out[-1] + len(line))
    return out


@dataclass(frozen=True)
class Mask:
    """What the second fetch B says of the first fetch A's tokens."""

    # Per A token: A and B agree on it.
    steady: tuple[bool, ...]
    # Per A token: the volatile group it belongs to (-1: steady).
    group: tuple[int, ...]
    # Per group: its size, the longer of A's and B's tokens there.
    sizes: tuple[int, ...]
    # A token position -> the group of B's tokens standing before it where A has none.
    inserted: dict[int, int]
    # Per A line: whether it holds a steady token (kept in a version).
    kept: tuple[bool, ...]


def mask(a: Sequence[str], b: Sequence[str]) -> Mask:
    """Which of A's tokens B confirms (A, B: normalised lines)."""
    total = sum(len(tokens(line)) for line in a)
    steady = [False] * total
    group = [-1] * total
    sizes: list[int] = []
    inserted: dict[int, int] = {}
    # Aligned as B to A, the direction R is aligned to A in (edited): where R is one of
    # the two variants (an A/B lede), both alignments find the same differences.
    for op, b0, b1, a0, a1 in _opcodes(b, a):
        if op == "equal":
            steady[a0:a1] = [True] * (a1 - a0)
            continue
        number = len(sizes)
        sizes.append(max(a1 - a0, b1 - b0))
        if a1 > a0:
            group[a0:a1] = [number] * (a1 - a0)
        else:
            inserted[a0] = number
    kept = []
    at = 0
    for line in a:
        size = len(tokens(line))
        # A line's break alone agreeing is no agreement on the line; a line more than a
        # tenth of whose tokens vary per request ("1037 people are reading this now")
        # is furniture, left out of a version unless it holds an edit (confirm()); a
        # paragraph holding such a counter is kept.
        words = range(at, at + size - 1)
        varying = sum(group[k] >= 0 for k in words)
        kept.append(any(steady[k] for k in words) and varying * 10 <= len(words))
        at += size
    return Mask(tuple(steady), tuple(group), tuple(sizes), inserted, tuple(kept))


def _explained(m: Mask, r0: int, r1: int, a0: int, a1: int) -> bool:
    """Whether a difference (R's tokens r0:r1 where A has a0:a1) is only volatility."""
    if any(m.steady[a0:a1]):
        return False  # A's new text is confirmed by B
    groups = {m.group[k] for k in range(a0, a1)}
    # B's tokens where A has none, where A's span starts or ends (for a deletion, at
    # its place, give or take a token of an equal run): A and B disagree there too. A
    # deletion is explained only so: beside a volatile token of A is not enough (R's
    # "Y 1000" where A has "1037" and B "1074" lost Y in both).
    for at in range(a0 - 1 if a0 == a1 else a0, a1 + 2 if a0 == a1 else a1 + 1):
        if at in m.inserted:
            groups.add(m.inserted[at])
    groups.discard(-1)
    if not groups:
        return False  # a deletion B confirms
    return r1 - r0 <= sum(m.sizes[g] for g in groups)


def edits(r: Sequence[str], a: Sequence[str], m: Mask) -> list[tuple[int, int]]:
    """Where A differs from R by an edit that B (its :class:`Mask` ``m``) confirms: A's
    token ranges (an empty one where A deleted R's text)."""
    out = []
    for op, r0, r1, a0, a1 in _opcodes(r, a):
        if op == "insert_lines" and any(m.group[k] >= 0 for k in range(a0, a1)):
            # Lines the reference never had that the two fetches show differently (a
            # "5 readers now", a "Sponsored: 1037" box added to the page): furniture
            # that changes per request, not the article's text, which lost nothing.
            continue
        if op != "equal" and not _explained(m, r0, r1, a0, a1):
            out.append((a0, a1))
    return out


def edited(r: Sequence[str], a: Sequence[str], m: Mask) -> bool:
    """Whether A differs from R by an edit that B (its :class:`Mask` ``m``) confirms."""
    return bool(edits(r, a, m))


# A variant longer than this (characters) is not remembered: a box or an ad line is
# short, a paragraph that differed between two fetches because of a counter never
# comes back the same.
VARIANT_MAX_CHARS = 300
# Two texts sharing at least this share of their tokens (difflib's ratio) are versions
# of one text: a sentence with a word or a figure changed keeps most of its tokens (over
# 0.9 on news sentences, 0.77 on a short headline), while a box's or an ad's rotating
# entries share their label at most ("Most read:", "Advertisement:": under 0.5).
ONE_TEXT_FROM = 0.6
# Variants remembered per article, the latest kept.
VARIANTS_KEPT = 32
_NO_WORDS = re.compile(r"[\d\W]*")
_DIGITS = re.compile(r"\d+")


def _one_text(x: str, y: str) -> bool:
    """Whether two regions (normalised lines) are versions of one text (ONE_TEXT_FROM)."""
    tx, ty = _TOKEN.findall(x), _TOKEN.findall(y)  # line breaks are no shared text
    return difflib.SequenceMatcher(None, tx, ty, autojunk=False).ratio() >= ONE_TEXT_FROM


def variants(a: Sequence[str], b: Sequence[str]) -> list[str]:
    """What two fetches of a page disagree on, remembered for the article's later
    checks: the lines of each region where they differ, per fetch, when that is what a
    rotating box or ad looks like (review 19e, M2). A remembered variant makes a later
    difference no edit, so only what is plausibly volatile is kept: a short region
    with words (not a counter alone: a number never comes back; not a long region: a
    paragraph) where BOTH fetches show something, and texts that are not versions of one
    text. A region only one fetch shows is as likely a paragraph loaded late or added
    between the two fetches as an ad, and a sentence one fetch shows edited was edited
    between them: remembered, either would hide that paragraph's later removal or
    that sentence's edit for good, which costs more than an ad seen once making a
    false version."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, list(a), list(b), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace":
            continue  # equal, or lines one fetch lacks
        pair = ["\n".join(a[i1:i2]), "\n".join(b[j1:j2])]
        if _DIGITS.sub("0", pair[0]) == _DIGITS.sub("0", pair[1]):
            continue  # a counter in a line: its values never come back
        # Lengths first: a long region is never compared token by token here.
        if any(len(v) > VARIANT_MAX_CHARS or _NO_WORDS.fullmatch(v) for v in pair):
            continue
        if not _one_text(*pair):
            out.extend(v for v in pair if v not in out)
    return out


def learned(
    volatile: Sequence[str], reference: str | None, text: str, second: str
) -> tuple[str, ...]:
    """An article's volatile variants after a check whose two fetches were ``text`` and
    ``second`` (kept texts: headline and body): those it had (``volatile``), and what
    the fetches disagreed on (headline, as "# " and its normalised text, and lines),
    the latest VARIANTS_KEPT."""
    norm, norm_line = texts.normalizers(texts.folds(reference, text, second))
    headline, body = texts.split_headline(text)
    again, other = texts.split_headline(second)
    found = variants(keys(body, norm_line), keys(other, norm_line))
    if headline is not None and again is not None:
        # By the body's rules: a counter on the headline's line is not remembered.
        found += variants([texts.HEADLINE + norm(headline)], [texts.HEADLINE + norm(again)])
    kept = [v for v in volatile if v not in found] + found
    return tuple(kept[-VARIANTS_KEPT:])


def _folded(line: str) -> str:
    return _DIGITS.sub("0", line)


def headline(
    heads: Sequence[str | None],
    first: str,
    again: str | None,
    volatile: Sequence[str],
    norm_line: Callable[[str], str],
) -> str | None:
    """The page's headline as its check compares it (``first``, its second fetch's:
    ``again``) with the reference's (``heads[0]``; the kept versions' after it): the
    headline to compare, or None when it is not compared (the reference's is kept).

    The two fetches' headlines differing in words are an A/B test when the archive has
    one of them (numbers aside), else a changed headline (both variants new: review 19d,
    4). Otherwise the headline is one more line of the body (review 19e, H1): only what
    both fetches show differs by an edit, so a counter on its line ("Title — 1,037
    views", "标题 阅读 1037") is none while a word changed beside it is one, and a variant
    an earlier check saw (``volatile``, as "# " and the normalised headline) is none."""
    if again is None:
        return None  # the second fetch shows none: nothing confirms the first's
    a, b = norm_line(first), norm_line(again)
    if _folded(a) != _folded(b):
        shown = {_folded(a), _folded(b)}
        if any(h is not None and _folded(norm_line(h)) in shown for h in heads):
            return None
        return first
    old = heads[0] if heads else None
    if old is None:
        return first  # no headline to compare with: the page's is taken
    line = [texts.HEADLINE + norm_line(old)]
    found = confirm(line, [texts.HEADLINE + a], [texts.HEADLINE + b], frozenset(volatile))
    return first if found.edited else None


def _known_swapped(
    r: Sequence[str], a: Sequence[str], b: Sequence[str], known: frozenset[str]
) -> list[str]:
    """R as compared with A, given the variants earlier checks saw (``known``): a region
    of R that is a known variant, where A shows in its place either a known variant too
    (a random two-variant ad both fetches agree on, review 19d, 10) or lines that B
    lacks while neither fetch shows R's (a box rotating among more variants than two
    fetches show, the archived one in neither: review 19e, H4), is replaced by A's lines.

    A remembered variant never hides a change of the reference's text in its place
    (review 19e, M2): R's region and A's must not be versions of one text (a sentence
    edited, even if a state written before that rule remembered both versions), and a
    known variant removed with nothing in its place, or replaced by a text both
    fetches show that is not known, is compared as any line (an edit)."""
    known = known - {""}  # kept for a line one fetch lacked before review 19e, M2
    shown = set(a) | set(b)

    def is_known(lines: Sequence[str]) -> bool:
        return "\n".join(lines) in known or all(line in known for line in lines)

    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, list(r), list(a), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        ours, theirs = r[i1:i2], a[j1:j2]
        swapped = (
            op == "replace"
            and is_known(ours)
            and not _one_text("\n".join(ours), "\n".join(theirs))
            and (
                is_known(theirs)
                or (not shown.intersection(ours) and not set(theirs).intersection(b))
            )
        )
        out.extend(theirs if swapped else ours)
    return out


@dataclass(frozen=True)
class Confirmed:
    """A page judged on its two fetches."""

    # A differs from the reference by an edit B confirms.
    edited: bool
    # Per line of A (as given): kept in a version (holds a text both fetches show).
    kept: tuple[bool, ...]


def confirm(
    r: Sequence[str] | None,
    a: Sequence[str],
    b: Sequence[str],
    known: frozenset[str] = frozenset(),
) -> Confirmed:
    """The verdict on the first fetch ``a`` of a page against the reference ``r``, with
    the second fetch ``b`` (all as normalised lines; ``r`` None: no reference).
    ``known``: the variants earlier checks of the article saw volatile (:func:`variants`):
    where R and A differ only by lines both of which are such variants, A's are taken
    for R's (a random two-variant ad both fetches happen to agree on), and R's that
    neither fetch shows are left out (:func:`_known_swapped`)."""
    if r is not None and known:
        r = _known_swapped(r, a, b, known)
    block = shuffled(a, b)
    if block:
        r = None if r is None else _sorted_runs(r, block)
        a_cmp, b_cmp = _sorted_runs(a, block), _sorted_runs(b, block)
    else:
        a_cmp, b_cmp = list(a), list(b)
    m = mask(a_cmp, b_cmp)
    found = [] if r is None else edits(r, a_cmp, m)
    if found:
        # A line holding an edit is kept in the version, however much of it varies.
        starts = _offsets([tokens(line) for line in a_cmp])
        lines = [
            n
            for n in range(len(a_cmp))
            if any(a0 < starts[n + 1] and a1 > starts[n] for a0, a1 in found if a1 > a0)
        ]
        m = replace(m, kept=tuple(keep or n in lines for n, keep in enumerate(m.kept)))
    kept = tuple(
        line in block or keep for line, keep in zip(a, _kept_in_order(a, a_cmp, m), strict=True)
    )
    return Confirmed(bool(found), kept)


def _kept_in_order(a: Sequence[str], a_cmp: Sequence[str], m: Mask) -> list[bool]:
    """The mask's kept lines (of ``a_cmp``) mapped back to ``a``'s lines: a shuffled
    block was sorted, its lines are kept anyway (by the caller)."""
    if list(a) == list(a_cmp):
        return list(m.kept)
    by_line: dict[str, list[bool]] = {}
    for line, keep in zip(a_cmp, m.kept, strict=True):
        by_line.setdefault(line, []).append(keep)
    return [by_line[line].pop(0) for line in a]


def shuffled(a: Sequence[str], b: Sequence[str]) -> frozenset[str]:
    """The lines of the blocks that A and B hold both, in another order (a shuffled
    box): where the fetches differ (differences fewer than SHUFFLE_MAX_LINES lines apart
    taken together), a block of at most SHUFFLE_MAX_LINES lines holding the same lines
    in both; none elsewhere (a counter, a line changed)."""
    matcher = difflib.SequenceMatcher(None, list(a), list(b), autojunk=False)
    clusters: list[list[int]] = []  # [a from, a to, b from, b to]
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        last = clusters[-1] if clusters else None
        if last is not None and i1 - last[1] <= SHUFFLE_MAX_LINES:
            last[1], last[3] = i2, j2
        else:
            clusters.append([i1, i2, j1, j2])
    block: set[str] = set()
    for i1, i2, j1, j2 in clusters:
        in_a, in_b = list(a[i1:i2]), list(b[j1:j2])
        if 1 < len(in_a) <= SHUFFLE_MAX_LINES and Counter(in_a) == Counter(in_b):
            block.update(in_a)
    return frozenset(block)


def _sorted_runs(lines: Sequence[str], block: frozenset[str]) -> list[str]:
    """``lines`` with each run of lines of ``block`` in one (sorted) order."""
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, None]:
        if line is not None and line in block:
            run.append(line)
            continue
        out.extend(sorted(run))
        run = []
        if line is not None:
            out.append(line)
    return out
