"""``python -m lib``: see lib/cli.py."""

import sys

from lib.cli.main import main

sys.exit(main())
