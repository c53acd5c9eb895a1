"""What a ``recheck`` (or a run's re-checks) found, as counted, listed and said: the
report the command line prints (run/printing.py) and ``--json`` gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the comparison's modules: a run with nothing due imports none of them
    from rssarchive.core import recheck as rules
    from rssarchive.core.recheck_confirm import Evidence


@dataclass
class RecheckReport:
    checked: int = 0
    unchanged: int = 0
    edited: int = 0
    # Checks that left their article suspected: new suspicions and, of them,
    # ``still_suspected``, those suspected before that this check did not decide.
    suspected: int = 0
    still_suspected: int = 0
    # Of ``suspected``: those a login or subscription wall showed without the article
    # (recheck.WALLED), never confirmed deleted by such a page.
    walled: int = 0
    deleted: int = 0
    restored: int = 0
    outages: int = 0
    # Checks whose finding could not be recorded (a version that could not be written):
    # the article is left as it was, due, and checked again by the next run.
    failed: int = 0
    still_due: int = 0
    # (event, article URL, post file) of each edit, deletion and restoration found.
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Versions not kept, by cause: said once per cause when the run is over.
    _unkept: dict[str, int] = field(default_factory=dict, repr=False)

    def count(
        self, event: rules.Event, status: rules.Status, url: str, post: str, edited: bool = False
    ) -> None:
        """One recorded check: its event counted, and an edit, a deletion or a
        restoration listed in ``changes``. ``edited``: a restoration whose text changed
        meanwhile (a new version kept), counted and listed as an edit as well."""
        self.checked += 1
        if edited and event == "restored":
            self.edited += 1
            self.changes.append(("edited", url, post))
        if event == "outage":
            self.outages += 1
        elif event in ("edited", "restored", "deleted", "suspected"):
            setattr(self, event, getattr(self, event) + 1)
        elif status == "suspected":
            # Suspected still (within the hour of the suspicion, or a page without the
            # article and no evidence): no "unchanged" (review 19c, F10).
            self.suspected += 1
            self.still_suspected += 1
        else:
            self.unchanged += 1
        if event in ("edited", "restored", "deleted"):
            self.changes.append((event, url, post))

    def not_kept(self, root: Path, exc: OSError) -> None:
        """A check whose new version could not be written: a failure, said once per
        cause (:meth:`said`)."""
        self.failed += 1
        cause = _write_cause(root, exc)
        self._unkept[cause] = self._unkept.get(cause, 0) + 1

    def said(self) -> None:
        """The versions not kept, one warning per cause."""
        for cause, n in self._unkept.items():
            self.warnings.append(
                f"re-checks: {n} change(s) not recorded: cannot keep their versions in"
                f" {cause}; the articles stay due and are checked again by the next run"
            )
        self._unkept.clear()

    def summary(self) -> str:
        failed = f", failed: {self.failed}" if self.failed else ""
        walled = f" ({self.walled} walled)" if self.walled else ""
        return (
            f"re-checked: {self.checked}, edited: {self.edited}, deleted: {self.deleted}, "
            f"restored: {self.restored}, suspected: {self.suspected}{walled}, "
            f"unreachable: {self.outages}{failed}, still due: {self.still_due}"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "unchanged": self.unchanged,
            "edited": self.edited,
            "suspected": self.suspected,
            "still_suspected": self.still_suspected,
            "walled": self.walled,
            "deleted": self.deleted,
            "restored": self.restored,
            "unreachable": self.outages,
            "failed": self.failed,
            "still_due": self.still_due,
            "changes": [{"event": e, "url": u, "post": p} for e, u, p in self.changes],
            "warnings": self.warnings,
        }


def _write_cause(root: Path, exc: OSError) -> str:
    """Why versions cannot be written under ``root``, the same for every article it
    fails for: a part of the path that is a file ("not a directory"), else the error
    and the versions folder (full disk, no permission)."""
    if exc.filename:
        path = Path(exc.filename)
        for part in (path, *path.parents):
            if part == root.parent:
                break
            if part.exists() and not part.is_dir():
                return f"{root} ({part} is not a directory)"
    return f"{root} ({exc.strerror or exc})"


def unconfirmed(host: str, needs: list[Evidence]) -> str:
    """The report's one line for a host's suspected deletions left unconfirmed."""
    if "articles" in needs:
        why = (
            "the page answers without the article, but no other article of the site could"
            " be seen served (a bot wall or an error page?)"
        )
    else:
        why = (
            "the page answers 404 (or 410, 451), but neither the site's front page nor"
            " another of its articles answered normally (a broken site, a parked domain?)"
        )
    return f"{host}: {len(needs)} suspected deletion(s) not confirmed: {why}; checked again later"


def host_wide(host: str, checked: int) -> str:
    """The report's one line for a host all of whose ``checked`` articles answered a gone
    status while its front page answered (recheck_confirm.host_wide_gone): a firewall or
    a broken route, its suspected deletions held."""
    return (
        f"re-checks: host {host}: all {checked} checked articles answer 404 while its front"
        " page answers; deletions not confirmed"
    )
