"""The state database: what was archived, each feed's record, the site's identity."""
