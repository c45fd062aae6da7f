"""Build a wheelhouse: one folder with bcp-drill and every package it needs, as wheels, for
PCs with no internet (the LGWAN side of a city's network). Carry the folder (a USB stick),
then install there with no index at all:

    python -m pip install --no-index --find-links <folder> bcp-drill

Run on a PC with internet access:

    python tools/wheelhouse.py                       # Windows x64 and Linux x64, Python 3.11-3.13
    python tools/wheelhouse.py --this-machine        # only this interpreter and platform
    python tools/wheelhouse.py --this-machine --check   # then install it offline into a new venv

Only the standard library: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
# pip takes a wheel tagged for any of these; several manylinux tags, as projects publish under each.
PLATFORMS = {
    "windows-x64": ["win_amd64"],
    "linux-x64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "linux_x86_64"],
}
INSTALL_TEXT = """bcp-drill offline install / オフライン導入
============================================

This folder holds bcp-drill and every package it needs. No internet is used.
このフォルダーには bcp-drill と必要なパッケージがすべて入っています。インターネットは使いません。

Windows (コマンドプロンプト / Command Prompt), Python 3.11 or later installed:
    py -m venv %USERPROFILE%\\bcp-drill-venv
    %USERPROFILE%\\bcp-drill-venv\\Scripts\\activate
    python -m pip install --no-index --find-links "<this folder>" bcp-drill
    (PDF reports too / PDF も使うとき: python -m pip install --no-index --find-links "<this folder>" "bcp-drill[pdf]"
     and the GTK3 runtime, see the README's section "Windows")
    bcp-drill

Linux:
    python3 -m venv ~/bcp-drill-venv
    . ~/bcp-drill-venv/bin/activate
    python -m pip install --no-index --find-links "<this folder>" bcp-drill
    (PDF: python -m pip install --no-index --find-links "<this folder>" "bcp-drill[pdf]")
    bcp-drill

Built {built} for: {targets}
"""


class Failed(Exception):
    """A step that failed, in words."""


def run(step: str, command: list[str], **options: object) -> subprocess.CompletedProcess:
    started = time.monotonic()
    print(f"- {step} ...", flush=True)
    result = subprocess.run(command, capture_output=True, text=True, **options)  # type: ignore[call-overload]
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise Failed(f"{step} failed (exit {result.returncode}):\n  {' '.join(command)}\n{tail}")
    print(f"  done in {time.monotonic() - started:.1f} s", flush=True)
    return result


def build_own_wheel(dest: Path) -> Path:
    before = set(dest.glob("bcp_drill-*.whl"))
    for old in before:
        old.unlink()
    run("build the bcp-drill wheel", [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dest),
                                      str(REPO)])
    [wheel] = list(dest.glob("bcp_drill-*.whl"))
    return wheel


def download(dest: Path, wheel: Path, target: str | None, python: str | None) -> None:
    """Every dependency of WHEEL (with the pdf extra) as wheels into DEST: for TARGET and PYTHON,
    or, with neither, for the running interpreter."""
    command = [sys.executable, "-m", "pip", "download", "-q", "--dest", str(dest), "--only-binary=:all:",
               f"{wheel}[pdf]"]
    if target is not None and python is not None:
        command += ["--python-version", python, "--implementation", "cp"]
        for platform in PLATFORMS[target]:
            command += ["--platform", platform]
    label = f"{target} Python {python}" if target else "this machine"
    try:
        run(f"download the dependencies for {label}", command)
    except Failed as failed:
        raise Failed(f"{failed}\nA package has no wheel for {label}: build one on such a machine "
                     "(pip wheel <package>) and put it in the folder, or leave that target out.") from None


def check(dest: Path) -> None:
    """Install from DEST into a new venv with no index, then run the tool from there."""
    with tempfile.TemporaryDirectory(prefix="bcp-drill-offline-") as scratch:
        venv = Path(scratch) / "venv"
        run("make a new venv", [sys.executable, "-m", "venv", str(venv)])
        scripts = venv / ("Scripts" if os.name == "nt" else "bin")
        python = scripts / ("python.exe" if os.name == "nt" else "python")
        tool = scripts / ("bcp-drill.exe" if os.name == "nt" else "bcp-drill")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        env["PIP_NO_INDEX"] = "1"  # and no configured index either: the folder only
        run("install bcp-drill[pdf] from the folder, no index", [
            str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(dest), "bcp-drill[pdf]"],
            env=env)
        work = Path(scratch) / "work"  # no scenarios/ here: validate reads what the wheel carries
        work.mkdir()
        version = run("bcp-drill --version", [str(tool), "--version"], cwd=work, env=env).stdout.strip()
        print(f"  {version}")
        checked = run("bcp-drill validate (the bundled content)", [str(tool), "validate", "--lang", "en"],
                      cwd=work, env=dict(env, XDG_CONFIG_HOME=str(work / "cfg"), HOME=str(work)))
        print("  " + "\n  ".join(checked.stdout.strip().splitlines()[-3:]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dest", type=Path, default=REPO / "wheelhouse", help="the folder to fill (default: ./wheelhouse)")
    parser.add_argument("--this-machine", action="store_true",
                        help="only for this interpreter and platform (what the offline check installs)")
    parser.add_argument("--check", action="store_true",
                        help="then install from the folder into a new venv with no index and run the tool")
    args = parser.parse_args(argv)
    dest: Path = args.dest.resolve()
    dest.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        wheel = build_own_wheel(dest)
        targets = ["this machine"]
        if args.this_machine:
            download(dest, wheel, None, None)
        else:
            targets = []
            for target in PLATFORMS:
                for python in PYTHONS:
                    download(dest, wheel, target, python)
                    targets.append(f"{target} Python {python}")
        (dest / "INSTALL.txt").write_text(INSTALL_TEXT.format(built=time.strftime("%Y-%m-%d"),
                                                              targets=", ".join(targets)), encoding="utf-8")
        wheels = sorted(dest.glob("*.whl"))
        size = sum(w.stat().st_size for w in wheels) / 1e6
        print(f"{len(wheels)} wheels, {size:.0f} MB in {dest} ({time.monotonic() - started:.0f} s)")
        if args.check:
            check(dest)
            print(f"offline install checked ({time.monotonic() - started:.0f} s in all)")
    except Failed as failed:
        print(f"wheelhouse: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
