"""``python full_disk_cli.py BYTES ARGS...``: the real CLI on a "full disk".

No file this process (or a worker it starts) writes can grow beyond BYTES: a write past
the limit fails with EFBIG ("File too large"), as a write to a full disk fails with
ENOSPC, for posts, images, the state database, its write-ahead log and its COMMIT alike.
The kernel would send SIGXFSZ first, which kills; it is ignored here (an ignored
disposition survives into the worker processes), so the write fails instead.

A limit of the process rather than a small mounted filesystem: it needs no privileges,
fails exactly the writes that cross it, and goes away with the process.
"""

from __future__ import annotations

import resource
import signal
import sys


def main() -> int:
    limit = int(sys.argv[1])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from rssarchive.cli import main as cli_main

    return cli_main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
