"""The one home of the CJK ranges (rssarchive/core/scripts.py), and its callers agreeing
on them: a Han character beyond the BMP is Han everywhere, and a word never runs on
into a character of a script written without spaces (issue 18)."""

from __future__ import annotations

import re

import pytest

from rssarchive.core.recheck_tokens import tokens
from rssarchive.core.scripts import HAN, WIDE, han_char, has_han, wide_char
from rssarchive.publish.sitepages import diff_html


@pytest.mark.parametrize(
    ("char", "han", "wide"),
    [
        ("中", True, True),  # U+4E2D, unified
        ("㐀", True, True),  # U+3400, extension A
        ("廊", True, True),  # U+F928, a compatibility ideograph
        ("𠵱", True, True),  # U+20D71, extension B
        ("𨋢", True, True),  # U+282E2, extension B
        ("、", False, True),  # U+3001, CJK punctuation
        ("\u3000", False, True),  # the ideographic space
        ("か", False, True),  # hiragana
        ("カ", False, True),  # katakana
        ("ㄅ", False, True),  # bopomofo
        ("한", False, True),  # a hangul syllable
        ("，", False, True),  # a full-width comma
        ("ｶ", False, True),  # a half-width katakana
        ("a", False, False),
        ("é", False, False),
        ("Я", False, False),
        (" ", False, False),
        ("1", False, False),
    ],
)
def test_ranges(char: str, han: bool, wide: bool) -> None:
    assert bool(han_char().fullmatch(char)) is han
    assert has_han(f"x{char}y") is han
    assert bool(wide_char().fullmatch(char)) is wide
    # Every Han character is written without spaces; the bodies embed in a class.
    assert bool(re.fullmatch(f"[{WIDE}]", char)) is wide
    assert bool(re.fullmatch(f"[{HAN}x]", char)) is han


def test_recheck_tokens_split_a_han_character_beyond_the_bmp_from_a_word() -> None:
    assert tokens("𠵱abc") == ["𠵱", "abc", "\n"]
    assert tokens("iphone手机") == ["iphone", "手", "机", "\n"]


def test_a_diff_marks_characters_beyond_the_bmp_and_after_a_word() -> None:
    # The diff pages once took "𠵱家好" and "iPhone手机" for one word each.
    assert diff_html("𠵱家好", "𠵱家唔好") == "𠵱家<ins>唔</ins>好"
    assert diff_html("iPhone手机", "iPhone电话") == "iPhone<del>手机</del><ins>电话</ins>"
