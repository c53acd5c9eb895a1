"""rssarchive: turn news feeds into a durable Jekyll archive."""

__version__ = "0.1.0"
