"""Extraction: the article out of a page (trafilatura, site selectors), in worker processes."""
