"""``python -m lib.read_worker MEMORY_MB``: parse one workbook under a memory limit (see lib.workbook)."""

import sys

from lib.workbook import work

if __name__ == "__main__":
    work(int(sys.argv[1]))
