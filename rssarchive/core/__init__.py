"""The pure core: types, errors, URLs, dates, encodings, identity, the HTML policy and every decision of a run (no network, disk or clock)."""
