"""Where articles are found: feeds, sitemaps and RFC 5005 archives, backlogs, and what a page is and says of its date."""
