"""How often an article that failed is tried again, and when it is given up (issue 16):
the values of decide.ARTICLE_RETRIES, which applies them.

Attempts are spaced in time: a run a minute after a failure does not spend another
attempt on a page that is down for five minutes. The next attempt waits a growing
delay after the last failure (or the server's Retry-After, when that is later), so the
ATTEMPTS an article gets before it is given up span more than a day whatever the
cron interval; and giving up also requires that day to have passed since the article
was first recorded, so that no schedule of runs can spend them faster."""

from __future__ import annotations

from datetime import timedelta

# Attempts in all before an article is given up (state.MAX_ATTEMPTS).
ATTEMPTS = 5
# The wait after the 1st, 2nd, 3rd, 4th… failed attempt (the last one repeats).
BACKOFF = (
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
)
# An article is given up only once this much time has passed since it was recorded.
GIVE_UP_SPAN = timedelta(days=1)
