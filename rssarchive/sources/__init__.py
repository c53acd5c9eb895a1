"""Where articles are found: feeds, sitemaps and RFC 5005 archives, page kinds."""
