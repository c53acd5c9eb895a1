"""config.yaml -> a validated, typed :class:`Config`.

Every error names the key path (``feeds[2].url: not an http(s) URL``) so that a user can
fix the file without reading code. Relative paths are resolved against the directory of
the config file, so a second config file elsewhere works from any working directory.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from rssarchive.core import recheck_schedule as recheck_rules
from rssarchive.core import yamlsafe
from rssarchive.core.controls import C0_AND_DEL
from rssarchive.core.errors import ConfigError
from rssarchive.core.models import (
    Config,
    ContentMode,
    FeedConfig,
    ImagesMode,
    NetworkConfig,
    Selectors,
)
from rssarchive.core.urls import http_url_problem
from rssarchive.extract.selectors import selector_to_xpath

TOP_KEYS = {"site_dir", "state_path", "feeds", "network", "images", "recheck", "recheck_budget"}
FEED_KEYS = {
    "name",
    "url",
    "content",
    "author",
    "tags",
    "categories",
    "selectors",
    "images",
    "max_items",
    "recheck",
}
RECHECK_BUDGET_KEYS = {"articles", "seconds"}
# At most this many ages, none beyond a year: the backlog stays bounded.
MAX_RECHECK_AGES = 20
MAX_RECHECK_AGE = timedelta(days=366)
NETWORK_KEYS = {
    "timeout",
    "user_agent",
    "allow_private_addresses",
    "per_host_concurrency",
    "per_host_delay",
}
SELECTOR_KEYS = {"body", "image"}
CONTENT_MODES: tuple[ContentMode, ...] = ("auto", "page", "feed")
IMAGES_MODES: tuple[ImagesMode, ...] = ("remote", "local")
# Where the state database lives when the config does not say: inside the site, in a
# dot-directory that Jekyll never publishes, so the state travels with the archive.
DEFAULT_STATE = ".rssarchive/state.sqlite3"
# A request that takes longer than this is not a news page; a smaller one is too eager
# for slow sites on the other side of the world.
MAX_TIMEOUT = 600.0
# More than a few requests in flight to one news site is no longer polite; more than a
# minute between requests makes a backfill of a few hundred pages take all day.
MAX_PER_HOST_CONCURRENCY = 8
MAX_PER_HOST_DELAY = 60.0
# A feed's max_items: at most the items read from one document (feedrepair.READ_ITEMS).
MAX_MAX_ITEMS = 5000


def load_config(path: Path) -> Config:
    """Read and validate ``path``; raise :class:`ConfigError` naming the bad key."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from exc
    try:
        data = yamlsafe.safe_load(text)
    except yamlsafe.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from exc
    try:
        return parse_config(data, base=path.parent)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def parse_config(data: object, *, base: Path) -> Config:
    """Validate an already-loaded YAML document."""
    top = _mapping(data, "config", TOP_KEYS)
    site_dir = base / _str(top.get("site_dir", "output"), "site_dir")
    state = top.get("state_path")
    state_path = site_dir / DEFAULT_STATE if state is None else base / _str(state, "state_path")
    raw_feeds = top.get("feeds")
    if not isinstance(raw_feeds, list) or not raw_feeds:
        raise ConfigError("feeds: must be a non-empty list of feeds")
    images = _images(top.get("images", "remote"), "images", "remote")
    ages = _ages(top.get("recheck"), "recheck", recheck_rules.AGES)
    feeds = tuple(_feed(item, f"feeds[{i}]", images, ages) for i, item in enumerate(raw_feeds))
    seen: dict[str, int] = {}
    for i, feed in enumerate(feeds):
        if feed.name in seen:
            raise ConfigError(f"feeds[{i}].name: {feed.name!r} is already feeds[{seen[feed.name]}]")
        seen[feed.name] = i
    network = _network(top.get("network", {}))
    articles, seconds = _recheck_budget(top.get("recheck_budget"))
    return Config(
        site_dir=site_dir.resolve(),
        state_path=state_path.resolve(),
        feeds=feeds,
        network=network,
        recheck=ages,
        recheck_articles=articles,
        recheck_seconds=seconds,
    )


def _ages(value: object, where: str, default: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
    """``recheck:``: a list of ages (``[1h, 6h, 1d]``), or false for none."""
    if value is None:
        return default
    if value is False:
        return ()
    if value is True:
        return recheck_rules.AGES
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}: must be false or a non-empty list of ages like [1h, 6h, 1d]")
    if len(value) > MAX_RECHECK_AGES:
        raise ConfigError(f"{where}: at most {MAX_RECHECK_AGES} ages")
    ages: list[timedelta] = []
    for i, item in enumerate(value):
        try:
            age = recheck_rules.parse_age(str(item)) if isinstance(item, str) else None
        except ValueError as exc:
            raise ConfigError(f"{where}[{i}]: {exc}") from None
        if age is None:
            raise ConfigError(f"{where}[{i}]: not an age like 30m, 6h, 1d or 2w: {item!r}")
        if not timedelta(0) < age <= MAX_RECHECK_AGE:
            raise ConfigError(f"{where}[{i}]: must be more than 0 and at most 366d")
        if ages and age <= ages[-1]:
            raise ConfigError(f"{where}[{i}]: ages must grow ({item} is not after the one before)")
        ages.append(age)
    return tuple(ages)


def _recheck_budget(value: object) -> tuple[int, float]:
    default = Config.__dataclass_fields__
    articles: object = default["recheck_articles"].default
    seconds: object = default["recheck_seconds"].default
    if value is not None:
        item = _mapping(value, "recheck_budget", RECHECK_BUDGET_KEYS)
        articles = item.get("articles", articles)
        seconds = item.get("seconds", seconds)
    if isinstance(articles, bool) or not isinstance(articles, int) or articles < 0:
        raise ConfigError("recheck_budget.articles: must be a whole number, 0 or more")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise ConfigError("recheck_budget.seconds: must be a number of seconds, 0 or more")
    return articles, float(seconds)


def _mapping(value: object, where: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a mapping of keys to values")
    for key in value:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise ConfigError(f"{_join(where, str(key))}: unknown key (known: {known})")
    return cast(Mapping[str, Any], value)


def _join(where: str, key: str) -> str:
    return key if where == "config" else f"{where}.{key}"


def _str(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: must be a non-empty string")
    return value


def _names(value: object, where: str, default: str) -> tuple[str, ...]:
    if value is None:
        return (default,)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}: must be a string or a non-empty list of strings")
    return tuple(_str(v, f"{where}[{i}]") for i, v in enumerate(value))


def _http_url(value: object, where: str) -> str:
    url = _str(value, where).strip()
    # The one rule of an absolute http(s) URL, as the command line's URLs have it: a tab
    # or a control character inside, or a port out of range, is refused here rather than
    # by every request.
    problem = http_url_problem(url, typed=True)
    if problem is not None:
        raise ConfigError(f"{where}: {problem}: {url!r}")
    return url


def _images(value: object, where: str, default: ImagesMode) -> ImagesMode:
    if value is None:
        return default
    if value not in IMAGES_MODES:
        raise ConfigError(f"{where}: must be remote or local (got {value!r})")
    return value


def _feed(value: object, where: str, images: ImagesMode, ages: tuple[timedelta, ...]) -> FeedConfig:
    item = _mapping(value, where, FEED_KEYS)
    if "name" not in item:
        raise ConfigError(f"{where}.name: missing")
    if "url" not in item:
        raise ConfigError(f"{where}.url: missing")
    name = _str(item["name"], f"{where}.name").strip()
    content = item.get("content", "auto")
    if content not in CONTENT_MODES:
        raise ConfigError(f"{where}.content: must be one of auto, page, feed (got {content!r})")
    author = item.get("author")
    selectors = _selectors(item.get("selectors"), f"{where}.selectors")
    max_items = item.get("max_items", FeedConfig.max_items)
    if isinstance(max_items, bool) or not isinstance(max_items, int):
        raise ConfigError(f"{where}.max_items: must be a whole number")
    if not 1 <= max_items <= MAX_MAX_ITEMS:
        raise ConfigError(f"{where}.max_items: must be between 1 and {MAX_MAX_ITEMS}")
    return FeedConfig(
        name=name,
        url=_http_url(item["url"], f"{where}.url"),
        content=cast(ContentMode, content),
        author=name if author is None else _str(author, f"{where}.author"),
        tags=_names(item.get("tags"), f"{where}.tags", name),
        categories=_names(item.get("categories"), f"{where}.categories", name),
        selectors=selectors,
        images=_images(item.get("images"), f"{where}.images", images),
        max_items=max_items,
        recheck=_ages(item.get("recheck"), f"{where}.recheck", ages),
    )


def _selectors(value: object, where: str) -> Selectors:
    if value is None:
        return Selectors()
    item = _mapping(value, where, SELECTOR_KEYS)
    body = item.get("body")
    image = item.get("image")
    return Selectors(
        body=None if body is None else _css(body, f"{where}.body"),
        image=None if image is None else _css(image, f"{where}.image"),
    )


def _css(value: object, where: str) -> str:
    # Checked here so that a typo stops the run with the key named, instead of failing
    # every article of the feed later.
    selector = _str(value, where)
    try:
        selector_to_xpath(selector)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return selector


def _network(value: object) -> NetworkConfig:
    if value is None:
        return NetworkConfig()
    item = _mapping(value, "network", NETWORK_KEYS)
    default = NetworkConfig()
    timeout = item.get("timeout", default.timeout)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ConfigError("network.timeout: must be a number of seconds")
    if not 0 < timeout <= MAX_TIMEOUT:
        raise ConfigError(f"network.timeout: must be between 0 and {MAX_TIMEOUT:g} seconds")
    user_agent = item.get("user_agent", default.user_agent)
    concurrency = item.get("per_host_concurrency", default.per_host_concurrency)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int):
        raise ConfigError("network.per_host_concurrency: must be a whole number")
    if not 1 <= concurrency <= MAX_PER_HOST_CONCURRENCY:
        raise ConfigError(
            f"network.per_host_concurrency: must be between 1 and {MAX_PER_HOST_CONCURRENCY}"
        )
    delay = item.get("per_host_delay", default.per_host_delay)
    if isinstance(delay, bool) or not isinstance(delay, int | float):
        raise ConfigError("network.per_host_delay: must be a number of seconds")
    if not 0 <= delay <= MAX_PER_HOST_DELAY:
        raise ConfigError(
            f"network.per_host_delay: must be between 0 and {MAX_PER_HOST_DELAY:g} seconds"
        )
    user_agent = _str(user_agent, "network.user_agent")
    if C0_AND_DEL.search(user_agent):
        # A line break would end the header (httpx refuses it on every request).
        raise ConfigError("network.user_agent: must be one line without control characters")
    return NetworkConfig(
        timeout=float(timeout),
        user_agent=user_agent,
        allow_private_addresses=_allow(item.get("allow_private_addresses", False)),
        per_host_concurrency=concurrency,
        per_host_delay=float(delay),
    )


def _allow(value: object) -> bool | tuple[str, ...]:
    where = "network.allow_private_addresses"
    if isinstance(value, bool):
        return value
    if not isinstance(value, list):
        raise ConfigError(f"{where}: must be true, false or a list of addresses/CIDRs")
    out: list[str] = []
    for i, entry in enumerate(value):
        text = _str(entry, f"{where}[{i}]").strip()
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError as exc:
            raise ConfigError(f"{where}[{i}]: not an IP address or CIDR: {text!r}") from exc
        out.append(text)
    return tuple(out)
