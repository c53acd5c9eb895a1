"""Which site a state database belongs to (issue 16).

Two configs that share one ``state_path`` but name different ``site_dir``s (a config
copied, its site_dir changed, its state_path forgotten) would make the second site get
nothing: every article is known to the state already. So the state remembers its site:
an id kept in the site's own ``.rssarchive/site-id`` file and in the state's meta table
(with the site's last path). Moving the site directory moves its id file with it, and
keeps working; a state whose site is another is refused (exit 2), naming both.

No schema change: the meta key/value table holds ``site_id`` and ``site_dir``."""

from __future__ import annotations

import uuid
from pathlib import Path

from rssarchive.core.errors import ConfigError
from rssarchive.store.state import State

ID_FILE = ".rssarchive/site-id"


def _read_id(site_dir: Path) -> str | None:
    try:
        text = (site_dir / ID_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def check_site(state: State, site_dir: Path, *, claim: bool) -> None:
    """Refuse (ConfigError) a state database that belongs to another site than
    ``site_dir``. With ``claim`` (a run that writes), a state that belongs to no site
    yet, or to this one, is recorded as this site's, and the site gets its id file.

    The state's site is another when this site carries another id, or when this site
    has none and the state's recorded site still exists with the state's id: two live
    sites. A site without an id whose recorded one is gone is the same site moved
    (or its id file lost): it is taken as the state's."""
    site_dir = site_dir.resolve()
    owner_id, owner_dir = state.meta_value("site_id"), state.meta_value("site_dir")
    here = _read_id(site_dir)
    if owner_id is not None and here != owner_id:
        elsewhere = Path(owner_dir) if owner_dir else None
        if here is not None or (
            elsewhere is not None and elsewhere != site_dir and _read_id(elsewhere) == owner_id
        ):
            raise ConfigError(
                f"{state.path}: this state database belongs to the site {owner_dir}, "
                f"not to {site_dir}; give each site its own state_path"
            )
    if not claim:
        return
    site_id = here or owner_id or uuid.uuid4().hex
    if here != site_id:
        try:
            (site_dir / ID_FILE).parent.mkdir(parents=True, exist_ok=True)
            (site_dir / ID_FILE).write_text(site_id + "\n", encoding="utf-8")
        except OSError:
            return  # a site that cannot be written fails on its own, said elsewhere
    if owner_id != site_id or owner_dir != str(site_dir):
        state.set_meta({"site_id": site_id, "site_dir": str(site_dir)})
