import sys

from rssarchive.cli import main

sys.exit(main())
