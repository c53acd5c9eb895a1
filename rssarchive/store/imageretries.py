"""The posts that still link remote images: State's part for the ``image_retries``
table (a mixin of State, as articles.py, guids.py, rechecks.py and feeds.py are)."""

from __future__ import annotations

from rssarchive.store.base import StateBase, _reads


class ImageRetries(StateBase):
    """Posts whose images could not all be stored yet, retried by the next runs."""

    def image_retry(self, filename: str, page_url: str, *, attempted: bool) -> None:
        """Remember a post that still links remote images (one more attempt if made)."""
        with self._write():
            self._conn.execute(
                "INSERT INTO image_retries (filename, page_url, attempts) VALUES (?, ?, ?)"
                " ON CONFLICT (filename) DO UPDATE SET attempts = attempts + excluded.attempts",
                (filename, page_url, int(attempted)),
            )

    @_reads
    def image_retries(self) -> list[tuple[str, str, int]]:
        rows = self._conn.execute(
            "SELECT filename, page_url, attempts FROM image_retries ORDER BY filename"
        ).fetchall()
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    def image_done(self, filename: str) -> None:
        with self._write():
            self._conn.execute("DELETE FROM image_retries WHERE filename = ?", (filename,))
