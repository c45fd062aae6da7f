"""Benchmark: `validate` over many content files, beside parsing them with libyaml alone.

    python3 bench/bench_validate.py [--files 1000]

The files are copies of the shipped scenarios under new ids (and the systems register
they share, once). The floor is a process that
only composes each file with yaml.CSafeLoader (no checks, no models).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from timing import timed

ROOT = Path(__file__).resolve().parents[1]
FLOOR = """
import pathlib, sys, yaml
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.yaml")):
    yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    count = parser.parse_args().files
    shared = [p for p in sorted((ROOT / "scenarios").glob("*.yaml"))
              if "\nkind: systems" in p.read_text(encoding="utf-8")]
    sources = [p for p in sorted((ROOT / "scenarios").glob("*.yaml")) if p not in shared]
    folder = Path(tempfile.mkdtemp(prefix="bcp-validate-"))
    try:
        for register in shared:  # the systems register the scenarios name, once, under its own id
            shutil.copy(register, folder / register.name)
        for number in range(count - len(shared)):
            source = sources[number % len(sources)]
            text = re.sub(r"(?m)^id: (\S+)", rf"id: \1-{number:05d}", source.read_text(encoding="utf-8"), count=1)
            (folder / f"{number:05d}-{source.name}").write_text(text, encoding="utf-8")
        floor = timed([sys.executable, "-c", FLOOR, str(folder)])
        ours = timed([sys.executable, "-m", "bcp_drill", "validate", str(folder)])
        print(f"{count} files  yaml.CSafeLoader compose {floor:.2f} s  validate {ours:.2f} s  ratio {ours / floor:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
