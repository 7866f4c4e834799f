"""Write the hostile upload corpus (sparse ranges, zip bombs, XML entities, NUL bytes, ...) to a
directory: `python scripts/hostile_corpus.py /tmp/hostile`. The tests build the same files."""

import sys
from pathlib import Path

from lindung.core.tests.hostile_corpus import write

if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for path in write(target):
        print(f"{path.stat().st_size:>12,} {path}")
