"""The pure core: types, errors, URLs, dates, the HTML policy, the run's decisions."""
