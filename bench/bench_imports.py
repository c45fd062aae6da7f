"""Benchmark: `injects import` and `measures import` on real-sized and hostile spreadsheets.

    python3 bench/bench_imports.py [--keep DIR]

It makes its own files (nothing large is kept in the repository):

- a real-sized injects sheet (300 rows) and a real-sized measures sheet (300 measures, the
  pillar merged down as cities keep it), both imported;
- one cell at XFD1048576 (a 7 KB file that once took 2.4 GB);
- a sheet of 2,000,000 rows that declares them, and the same without a declared dimension
  (every row is counted as it is read);
- a sheet of 200,000 rows × 50 columns, refused by its size, and again with import_max_bytes
  raised so that its rows are read (and counted) up to the row limit;
- a sheet followed by 30 million empty tags (a 120 KB file);
- a 7 MB CSV (70,000 rows) and a CSV with one 200 KiB field.

Each figure is one whole process (start-up included): wall time and peak memory (max RSS, by
os.wait4), beside `bcp-drill --version` as the floor. The files are made by a separate process
first, so no figure includes the memory of making them. Every hostile file should be refused
(exit 1) within seconds and near the floor's memory, with the limit and its setting named.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Callable, Iterator

import timing

ROOT = Path(__file__).resolve().parents[1]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def letters(column: int) -> str:
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def streamed_workbook(path: Path, rows: int, columns: int, declare: bool) -> None:
    """An XLSX of ROWS × COLUMNS small numbers, its sheet XML streamed into the zip (never
    held whole), with or without a <dimension> saying how large it is."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
                                        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="Sheet" '
                                            'sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" Type="{RELS}/worksheet" '
                         'Target="worksheets/sheet1.xml"/></Relationships>')
        names = [letters(c) for c in range(1, columns + 1)]
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}">'.encode())
            if declare:
                sheet.write(f'<dimension ref="A1:{names[-1]}{rows}"/>'.encode())
            sheet.write(b"<sheetData>")
            batch: list[str] = []
            for number in range(1, rows + 1):
                batch.append(f'<row r="{number}">' + "".join(f'<c r="{name}{number}"><v>{number % 97}</v></c>'
                                                            for name in names) + "</row>")
                if len(batch) == 5000:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())


def tags_workbook(path: Path) -> None:
    """A small sheet followed by 30 million empty tags: each costs a call, none a cell."""
    streamed_workbook(path, 2, 2, True)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts.pop("xl/worksheets/sheet1.xml").replace(b"</worksheet>", b"")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(sheet)
            for _ in range(30):
                out.write(b"<x/>" * (1 << 20))
            out.write(b"</worksheet>")


def injects_sheet(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "状況付与表"
    sheet.append(["付与番号", "付与時刻", "発信元", "付与先", "伝達手段", "付与内容", "期待される対応行動"])
    for n in range(1, rows + 1):
        sheet.append([f"x{n:03d}", f"{n // 60}:{n % 60:02d}", "気象庁", "ICT部門責任者（情報政策課長）", "電話",
                      f"状況付与 {n}: サーバ室の空調が停止し、室温が上昇している。", "担当者を現地に向かわせる"])
    book.save(path)


def measures_sheet(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "詳細別紙"
    sheet.append(["施策番号", "具体的施策", "基本施策", "所管課", "平成30年度評価", "令和元年度評価", "目標"])
    per_pillar = 30
    for n in range(rows):
        pillar, number = divmod(n, per_pillar)
        sheet.append([f"{pillar + 1}-{number + 1}", f"施策{pillar + 1}-{number + 1}",
                      f"({pillar + 1}) 基本施策" if number == 0 else None, "情報政策課", "実施中", "目標通り（継続中）",
                      "指標"])
        if number == 0:
            sheet.merge_cells(f"C{n + 2}:C{n + 1 + per_pillar}")  # the pillar merged down, as the city keeps it
    book.save(path)


def far_cell(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active["XFD1048576"] = "x"
    book.save(path)


def csv_lines(rows: int) -> Iterator[str]:
    yield "付与番号,付与時刻,発信元,付与先,伝達手段,付与内容,期待される対応行動\r\n"
    for n in range(1, rows + 1):
        yield f"x{n},{n // 60}:{n % 60:02d},気象庁,インフラ担当,電話,状況付与 {n} サーバ室の空調,現地確認\r\n"


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak memory (MiB), exit code and output of one process."""
    return timing.measure(command, cwd, env)


# (what, file, how it is made, whether it imports, settings for its run)
CASES: list[tuple[str, str, Callable[[Path], object], bool, dict[str, str]]] = [
    ("injects, 300 rows", "injects-300.xlsx", lambda p: injects_sheet(p, 300), True, {}),
    ("measures, 300 rows (merged pillars)", "measures-300.xlsx", lambda p: measures_sheet(p, 300), True, {}),
    ("one cell at XFD1048576", "xfd.xlsx", far_cell, False, {}),
    ("2,000,000 rows, declared", "rows-2m.xlsx", lambda p: streamed_workbook(p, 2_000_000, 1, True), False, {}),
    ("2,000,000 rows, no dimension", "rows-2m-nodim.xlsx", lambda p: streamed_workbook(p, 2_000_000, 1, False),
     False, {}),
    ("200,000 x 50, declared", "wide-200k-50.xlsx", lambda p: streamed_workbook(p, 200_000, 50, True), False, {}),
    ("200,000 x 50, no dimension, 64 MiB allowed", "wide-200k-50-nodim.xlsx",
     lambda p: streamed_workbook(p, 200_000, 50, False), False, {"BCP_DRILL_IMPORT_MAX_BYTES": str(64 << 20)}),
    ("30 million empty tags (120 MiB unpacked)", "tags.xlsx", tags_workbook, False, {}),
    ("7 MB CSV (70,000 rows)", "injects-7mb.csv", lambda p: p.write_text("".join(csv_lines(70_000)),
                                                                         encoding="utf-8"), False, {}),
    ("CSV with a 200 KiB field", "field-200k.csv",
     lambda p: p.write_text("付与番号,付与内容\r\nx1," + "あ" * 200 * 1024 + "\r\n", encoding="utf-8"), False, {}),
]


def make_files(work: Path) -> None:
    for _, name, make, _, _ in CASES:
        if not (work / name).exists():
            make(work / name)


def run(keep: Path | None) -> int:
    work = keep or Path(tempfile.mkdtemp(prefix="bcp-bench-imports-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        shutil.rmtree(work / "scenarios", ignore_errors=True)
        shutil.copytree(ROOT / "scenarios", work / "scenarios")
        base_env = dict(os.environ, BCP_DRILL_LANG="en", XDG_CONFIG_HOME=str(work / "config"),
                        BCP_DRILL_RECORDS=str(work / "records"))
        python = sys.executable
        made = time.perf_counter()
        # In another process: the max RSS of a child counts its parent's pages until it execs.
        subprocess.run([python, __file__, "--make", str(work)], check=True)
        print(f"made the files in {time.perf_counter() - made:.1f} s ({work})")
        cases = [(what, work / name, ok, dict(base_env, **extra)) for what, name, _, ok, extra in CASES]
        floor, floor_memory, _, _ = measure([python, "-m", "bcp_drill", "--version"], work, base_env)
        print(f"{'file':<44} {'size':>9} {'command':<15} {'exit':>4} {'seconds':>8} {'peak MiB':>9}  message")
        print(f"{'(floor: bcp-drill --version)':<44} {'':>9} {'':<15} {0:>4} {floor:>8.2f} {floor_memory:>9.0f}")
        failed = 0
        for what, path, ok, env in cases:
            size = path.stat().st_size
            shown = f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
            for label, args in (("injects import", ["injects", "import", path.name, "--scenario",
                                                    "earthquake-offhours", "-o", "out-scenario.yaml", "--force"]),
                                ("measures import", ["measures", "import", path.name, "-o", "out-measures.yaml",
                                                     "--force"])):
                if ok and (label == "injects import") != ("injects" in path.name):
                    continue  # a real sheet is imported by its own command
                wall, memory, code, output = measure([python, "-m", "bcp_drill", *args], work, env)
                message = output.strip().splitlines()[-1] if output.strip() else ""
                message = message.replace("bcp-drill: error: ", "")
                print(f"{what:<44} {shown:>9} {label:<15} {code:>4} {wall:>8.2f} {memory:>9.0f}  {message[:110]}")
                if not ok:  # the goal: a hostile sheet refused within 5 s and 200 MB
                    timing.summary_row("hostile sheet refused", f"{what} ({shown}), {label}",
                                       f"{wall:.2f} s, {memory:.0f} MiB", f"{floor:.2f} s, {floor_memory:.0f} MiB",
                                       "<= 5 s and 200 MB, refused", wall <= 5 and memory <= 200 and code == 1)
                if code != (0 if ok else 1) or "Traceback" in output or "internal error" in output:
                    failed += 1
                    print(f"  ! unexpected: {output[-500:]}")
        return 1 if failed else 0
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="make the files here and keep them (made once, reused)")
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)  # (the process that makes the files)
    args = parser.parse_args()
    if args.make:
        make_files(args.make)
        return 0
    return run(args.keep)


if __name__ == "__main__":
    sys.exit(main())
