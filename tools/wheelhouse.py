"""Build a wheelhouse: one folder with bcp-drill and every package it needs, as wheels, for
PCs with no internet (the LGWAN side of a city's network). Carry the folder (a USB stick),
then install there with no index at all:

    python -m pip install --no-index --find-links <folder> bcp-drill
    python -m pip install --no-index --find-links <folder> "bcp-drill[pdf]"

Run on a PC with internet access, from the repository:

    python tools/wheelhouse.py                          # Windows x64 and Linux x64, Python 3.11-3.13
    python tools/wheelhouse.py --system windows-x64     # only the Windows wheels
    python tools/wheelhouse.py --this-machine --check   # this Python only, then install it offline

Linux x64 means glibc 2.28 or later (RHEL/Alma/Rocky 8+, Ubuntu 20.04+, Debian 10+): the
manylinux wheels of every manylinux_2_x up to 2.28. The folder gets an INSTALL.txt (Japanese
and English) with the commands for the offline PC.

Only the standard library: it runs before anything is installed.
"""

from __future__ import annotations

import sys

if sys.version_info < (3, 11):  # before tomllib is imported: a message, not a traceback
    sys.exit(f"wheelhouse.py needs Python 3.11 or later; this is {sys.version.split()[0]}")

import argparse
import ast
import operator
import os
import platform
import re
import subprocess
import sysconfig
import tempfile
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
EXTRAS = frozenset({"pdf"})  # what the folder must hold besides the base install
GLIBC_FLOOR = 28
# pip has no time limit of its own, and on a target it cannot serve it may backtrack through
# every old release for a very long time: past this a step fails instead of hanging.
STEP_MINUTES = 30
# pip does not widen an explicit --platform manylinux_2_28_x86_64 to the older manylinux_2_x
# tags (it widens only manylinux2014/2010), so every tag a glibc-2.28 system accepts is
# listed, newest first, as pip on such a system ranks them. No linux_x86_64: PyPI has no
# such wheels, and one from a local folder was built for that one machine.
_LEGACY = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
LINUX_PLATFORMS = tuple(tag for minor in range(GLIBC_FLOOR, 4, -1)
                        for tag in (f"manylinux_2_{minor}_x86_64",
                                    *([f"{_LEGACY[minor]}_x86_64"] if minor in _LEGACY else [])))
CPYTHON = {"implementation_name": "cpython", "platform_python_implementation": "CPython"}
SYSTEMS = {
    # name: (platform tags, the markers of such a system)
    "windows-x64": (("win_amd64",), {"sys_platform": "win32", "platform_system": "Windows",
                                     "os_name": "nt", "platform_machine": "AMD64"}),
    "linux-x64": (LINUX_PLATFORMS, {"sys_platform": "linux", "platform_system": "Linux",
                                    "os_name": "posix", "platform_machine": "x86_64"}),
}
INSTALL_TEXT = """bcp-drill offline install / オフライン導入
============================================

This folder holds bcp-drill and every package it needs, as wheels. Nothing is downloaded.
このフォルダーには bcp-drill と必要なパッケージがすべて wheel で入っています。
インターネットには接続しません。

Built {built} for / 対象: {targets}
Use one of these Python versions (python.org). / 上記のいずれかの Python を使ってください。

Windows (Command Prompt / コマンドプロンプト). Replace E:\\wheelhouse with this folder.
E:\\wheelhouse はこのフォルダーの場所に置き換えてください。

    py -m venv %USERPROFILE%\\bcp-drill-venv
    %USERPROFILE%\\bcp-drill-venv\\Scripts\\activate
    python -m pip install --no-index --find-links E:\\wheelhouse bcp-drill
    bcp-drill --version

  PDF reports too / PDF 出力も使う場合 (and the GTK3 runtime: README, section "Windows"
  / GTK3 ランタイムも必要です。README の「Windows」の節を参照):

    python -m pip install --no-index --find-links E:\\wheelhouse "bcp-drill[pdf]"

Linux (glibc 2.{glibc} or later / 以降). Replace /media/usb/wheelhouse with this folder.

    python3 -m venv ~/bcp-drill-venv
    . ~/bcp-drill-venv/bin/activate
    python -m pip install --no-index --find-links /media/usb/wheelhouse bcp-drill
    python -m pip install --no-index --find-links /media/usb/wheelhouse "bcp-drill[pdf]"   # PDF
    bcp-drill --version

Next time, activate the venv again, then run bcp-drill.
次回からは venv を有効化 (activate) してから bcp-drill を実行します。
"""


class Failed(Exception):
    """A step that failed, in words."""


@dataclass(frozen=True)
class Target:
    """A Python on a system the folder must install on. platforms None: this machine."""

    label: str
    python: str  # "3.12"
    platforms: tuple[str, ...] | None
    markers: dict[str, str]

    def pip_options(self) -> list[str]:
        if self.platforms is None:
            return []  # pip's own view of the running interpreter
        # --abi too: otherwise pip takes it from the running interpreter (a 3.13t would ask for cp313t).
        options = ["--python-version", self.python, "--implementation", "cp",
                   "--abi", "cp" + self.python.replace(".", "")]
        for tag in self.platforms:
            options += ["--platform", tag]
        return options


def supported(python: str) -> str | None:
    """Why bcp-drill does not run on PYTHON ("3.10"), from requires-python in pyproject.toml;
    None if it does. pip does not check it for the tool's own wheel and would backtrack for
    a long time through every older release of the dependencies instead."""
    spec = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    version = version_key(python)
    for clause in spec.split(","):
        match = re.fullmatch(r"\s*(>=|<|<=|>|==|!=)\s*([\d.]+)\s*", clause)
        if match and not COMPARISONS_TEXT[match[1]](version, version_key(match[2])):
            return f"bcp-drill needs Python {spec} (pyproject.toml), not {python}"
    return None


def targets_for(systems: list[str], pythons: list[str]) -> list[Target]:
    return [Target(f"{system} Python {python}", python, SYSTEMS[system][0],
                   dict(SYSTEMS[system][1], **CPYTHON, python_version=python,
                        python_full_version=python + ".0", implementation_version=python + ".0"))
            for system in systems for python in pythons]


def this_machine() -> Target:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    full = platform.python_version()
    markers = {"python_version": python, "python_full_version": full, "implementation_version": full,
               "implementation_name": sys.implementation.name,
               "platform_python_implementation": platform.python_implementation(),
               "sys_platform": sys.platform, "os_name": os.name, "platform_system": platform.system(),
               "platform_machine": platform.machine()}
    return Target(f"this machine (Python {python}, {sysconfig.get_platform()})", python, None, markers)


# ---- running pip ----

def run(step: str, command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    """Run one step, print it and its duration; a failure becomes Failed with pip's own error."""
    started = time.monotonic()
    print(f"- {step} ...", flush=True)
    # errors="replace": a Windows console code page must not turn pip's output into a traceback.
    try:
        result: subprocess.CompletedProcess[str] = subprocess.run(  # type: ignore[call-overload]
            command, capture_output=True, text=True, errors="replace", timeout=STEP_MINUTES * 60, **options)
    except subprocess.TimeoutExpired:
        raise Failed(f"{step}: stopped after {STEP_MINUTES} minutes (pip was still resolving):\n  "
                     f"{' '.join(command)}") from None
    if result.returncode != 0:
        lines = (result.stderr + "\n" + result.stdout).strip().splitlines()
        # pip's ERROR lines say what went wrong; of its warnings only a broken connection matters
        # (then "no matching distribution" means that PyPI could not be reached).
        errors = [line for line in lines if line.startswith("ERROR")] or lines[-15:]
        connection = [line for line in lines if "Retrying" in line or "connection broken" in line.lower()]
        errors = connection[-1:] + errors
        raise Failed(f"{step} failed (exit {result.returncode}):\n  {' '.join(command)}\n  "
                     + "\n  ".join(errors))
    print(f"  done in {time.monotonic() - started:.1f} s", flush=True)
    return result


def offline_env() -> dict[str, str]:
    """The environment of a pip that must see the folder only: no PIP_ variables, no pip.conf
    (a configured find-links or extra index would still be read with --no-index), no PYTHONPATH
    (it could put the source tree in front of the installed wheel)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def build_own_wheel(dest: Path) -> Path:
    for old in dest.glob("bcp_drill-*.whl"):
        old.unlink()  # an older build of the tool would be installed if its version is higher
    run("build the bcp-drill wheel", [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dest),
                                      str(REPO)])
    [wheel] = list(dest.glob("bcp_drill-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        bundled = [n for n in archive.namelist() if n.startswith("bcp_drill/bundled/") and not n.endswith("/")]
    if not bundled:
        raise Failed(f"{wheel.name} carries no scenarios or checklists (bcp_drill/bundled/): see "
                     "[tool.hatch.build.targets.wheel.force-include] in pyproject.toml")
    print(f"  {wheel.name}: {len(bundled)} bundled content files")
    return wheel


def download(dest: Path, requirements: list[str], target: Target, why: str = "") -> None:
    command = [sys.executable, "-m", "pip", "download", "-q", "--dest", str(dest), "--only-binary=:all:",
               *target.pip_options(), *requirements]
    try:
        run(f"download {why or 'the dependencies'} for {target.label}", command)
    except Failed as failed:
        if "Retrying" in str(failed):
            hint = f"pip could not reach the package index for {target.label}: check the internet access (proxy)."
        elif "No matching distribution" in str(failed) or "Could not find a version" in str(failed):
            hint = (f"A package above has no wheel for {target.label}. Build one on such a machine "
                    "(pip wheel <package>) and put it in the folder, or leave that target out (--system, --python).")
        else:
            hint = f"pip could not download the wheels for {target.label} (its error is above)."
        raise Failed(f"{failed}\n{hint}") from None


# ---- the folder seen as a target's pip would see it, markers included ----
# pip download --platform/--python-version evaluates environment markers for the machine it runs
# on (a Linux 3.11 here), not for the target: a dependency marked sys_platform == "win32" or
# python_version >= "3.13" would be left out silently. So each target's dependencies are walked
# again here, from the wheels' own metadata, with that target's markers.

WHEEL_NAME = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?"
                        r"-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$")
REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[(?P<extras>[^\]]*)\])?"
                         r"\s*(?P<spec>[^;]*?)\s*(?:;\s*(?P<marker>.*))?$")
VERSION_MARKERS = {"python_version", "python_full_version", "implementation_version"}
COMPARISONS_TEXT = {">=": operator.ge, "<": operator.lt, "<=": operator.le, ">": operator.gt,
                    "==": operator.eq, "!=": operator.ne}
COMPARISONS = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
               ast.Gt: operator.gt, ast.GtE: operator.ge}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0]))


def fits(filename: str, target: Target) -> bool:
    """Whether pip on TARGET would install this wheel (its tags, after PEP 425)."""
    match = WHEEL_NAME.match(filename)
    if not match:
        return False
    minor = int(target.python.split(".")[1])
    for py in match["py"].split("."):
        for abi in match["abi"].split("."):
            for plat in match["plat"].split("."):
                if plat != "any" and target.platforms is not None and plat not in target.platforms:
                    continue
                if py == f"cp3{minor}" and abi in (f"cp3{minor}", "abi3", "none"):
                    return True
                older = re.fullmatch(r"cp3(\d+)", py)
                if older and abi == "abi3" and int(older[1]) <= minor:
                    return True  # the stable ABI of an older 3.x
                pure = re.fullmatch(r"py3(\d*)", py)
                if pure and abi == "none" and (not pure[1] or int(pure[1]) <= minor):
                    return True
    return False


def marker_holds(marker: str, env: dict[str, str]) -> bool | None:
    """Evaluate a PEP 508 marker for ENV; None if it cannot be read. A marker is a Python
    expression but for ~= and ===, read here as >= and ==."""
    try:
        tree = ast.parse(marker.replace("===", "==").replace("~=", ">="), mode="eval").body
    except SyntaxError:
        return None

    def value(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return env.get(node.id, "")
        return None

    def holds(node: ast.expr) -> bool | None:
        if isinstance(node, ast.BoolOp):
            results = [holds(v) for v in node.values]
            if None in results:
                return None
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
            return None
        left, right, op = value(node.left), value(node.comparators[0]), node.ops[0]
        if left is None or right is None:
            return None
        if isinstance(op, ast.In):
            return left in right
        if isinstance(op, ast.NotIn):
            return left not in right
        names = {n.id for n in (node.left, node.comparators[0]) if isinstance(n, ast.Name)}
        a: str | tuple[int, ...] = left
        b: str | tuple[int, ...] = right
        if names & VERSION_MARKERS:
            if right.endswith(".*") or left.endswith(".*"):  # == "3.12.*": a prefix
                stem = (right if right.endswith(".*") else left)[:-2]
                other = left if right.endswith(".*") else right
                equal = version_key(other)[:len(version_key(stem))] == version_key(stem)
                return equal if isinstance(op, ast.Eq) else (not equal if isinstance(op, ast.NotEq) else None)
            a, b = version_key(left), version_key(right)
        compare = COMPARISONS.get(type(op))
        return bool(compare(a, b)) if compare else None

    return holds(tree)


def requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode("utf-8", "replace")
    return [line.split(":", 1)[1].strip() for line in text.split("\n\n")[0].splitlines()
            if line.startswith("Requires-Dist:")]


def walk(dest: Path, target: Target) -> tuple[list[Path], list[str], list[str]]:
    """What TARGET installs from DEST for bcp-drill[pdf]: the wheels it would take, the
    requirements with no fitting wheel in DEST, and markers that could not be read."""
    by_name: dict[str, list[Path]] = {}
    for wheel in dest.glob("*.whl"):
        match = WHEEL_NAME.match(wheel.name)
        if match and fits(wheel.name, target):
            by_name.setdefault(normalize(match["name"]), []).append(wheel)
    chosen: dict[str, Path] = {}
    extras_of: dict[str, set[str]] = {}
    missing: list[str] = []
    unread: list[str] = []
    todo: list[tuple[str, set[str], str]] = [("bcp-drill", set(EXTRAS), "bcp-drill[pdf]")]
    while todo:
        name, extras, requirement = todo.pop()
        if name in extras_of and extras <= extras_of[name]:
            continue
        extras_of.setdefault(name, set()).update(extras)
        if name not in by_name:
            if name == "bcp-drill":  # never fetched from an index: it is the wheel just built
                raise Failed(f"the bcp-drill wheel in {dest} does not fit {target.label}")
            missing.append(requirement)
            continue
        # The newest that fits, as pip would take (a reused folder may hold older ones too).
        wheel = chosen[name] = max(by_name[name], key=lambda w: version_key(WHEEL_NAME.match(w.name)["version"]))  # type: ignore[index]
        for line in requires(wheel):
            parsed = REQUIREMENT.match(line)
            if not parsed:
                unread.append(f"{wheel.name}: {line}")
                continue
            if parsed["marker"]:
                # An extra's requirement counts when that extra was asked for (or none, for plain ones).
                results = [marker_holds(parsed["marker"], dict(target.markers, extra=extra))
                           for extra in ["", *sorted(extras_of[name])]]
                if None in results:
                    unread.append(f"{wheel.name}: {line}")
                    continue
                if not any(results):
                    continue
            dep_extras = {e.strip() for e in (parsed["extras"] or "").split(",") if e.strip()}
            text = parsed["name"] + (f"[{','.join(sorted(dep_extras))}]" if dep_extras else "") + parsed["spec"]
            todo.append((normalize(parsed["name"]), dep_extras, text))
    return sorted(chosen.values()), sorted(set(missing)), unread


def complete(dest: Path, target: Target, wheel: Path) -> list[Path]:
    """Download for TARGET, then fetch what its markers need and pip left out; return its wheels."""
    download(dest, [f"{wheel}[{','.join(sorted(EXTRAS))}]"], target)
    for _ in range(5):  # each round may bring wheels whose own marked dependencies are missing
        used, missing, unread = walk(dest, target)
        for line in unread:
            print(f"  note: could not read the marker of {line}; pip's choice is kept")
        if not missing:
            return used
        download(dest, missing, target, why=f"{', '.join(missing)} (needed by a marker)")
    raise Failed(f"{target.label}: still missing after five rounds: {', '.join(missing)}")


# ---- installing from the folder, offline ----

def check(dest: Path) -> None:
    """Install bcp-drill[pdf] from DEST into a new venv with no index, then run the tool from there."""
    with tempfile.TemporaryDirectory(prefix="bcp-drill-offline-", ignore_cleanup_errors=True) as scratch:
        venv = Path(scratch) / "venv"
        work = Path(scratch) / "work"  # no scenarios/ and no pyproject here: the wheel's content is used
        (work / "home").mkdir(parents=True)
        env = offline_env()
        run("make a new venv", [sys.executable, "-m", "venv", str(venv)], env=env)
        scripts = venv / ("Scripts" if os.name == "nt" else "bin")
        python = scripts / ("python.exe" if os.name == "nt" else "python")
        tool = scripts / ("bcp-drill.exe" if os.name == "nt" else "bcp-drill")
        run("install bcp-drill[pdf] from the folder, no index", [
            str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(dest), "bcp-drill[pdf]"],
            env=env, cwd=work)
        version = run("bcp-drill --version", [str(tool), "--version"], cwd=work, env=env).stdout.strip()
        print(f"  {version}")
        # A user's settings must not change what is checked: config and data folders in the scratch folder.
        home = {name: str(work / "home") for name in ("HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA",
                                                     "XDG_CONFIG_HOME", "XDG_DATA_HOME")}
        env_tool = {k: v for k, v in env.items() if not k.startswith("BCP_DRILL_")} | home
        checked = run("bcp-drill validate (the content in the wheel)", [str(tool), "--lang", "en", "validate"],
                      cwd=work, env=env_tool).stdout.strip()
        print("  " + "\n  ".join(checked.splitlines()[-3:]))
        counted = re.search(r"Checked (\d+) files", checked)
        if counted and counted[1] == "0":
            raise Failed("bcp-drill validate checked no files: the installed wheel carries no content")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="wheelhouse.py", description=__doc__,
        epilog="Each step is printed with its duration; a failure exits 1 and names the target.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dest", type=Path, default=REPO / "wheelhouse",
                        help="the folder to fill (default: wheelhouse/ at the repository's top)")
    parser.add_argument("--system", action="append", choices=sorted(SYSTEMS),
                        help="only this system (repeatable; default: windows-x64 and linux-x64)")
    parser.add_argument("--python", action="append", metavar="X.Y",
                        help=f"only this Python version (repeatable; default: {', '.join(PYTHONS)})")
    parser.add_argument("--this-machine", action="store_true",
                        help="only for the running interpreter and system (what --check installs)")
    parser.add_argument("--clean", action="store_true",
                        help="first remove the folder's wheels (a release: no versions left from earlier builds)")
    parser.add_argument("--check", action="store_true",
                        help="then make a new venv, install bcp-drill[pdf] there from the folder with no index, "
                             "and run bcp-drill --version and bcp-drill validate; this machine must be one of "
                             "the targets")
    args = parser.parse_args(argv)
    pythons = args.python or list(PYTHONS)
    for python in pythons:
        if not re.fullmatch(r"3\.\d+", python):
            parser.error(f"--python {python}: write a version such as 3.12")
        if (why := supported(python)) is not None:
            parser.error(f"--python {python}: {why}")
    if args.this_machine and (args.system or args.python):
        parser.error("--this-machine builds for the running Python only: leave out --system and --python")
    if args.this_machine and (why := supported(f"{sys.version_info.major}.{sys.version_info.minor}")):
        parser.error(why)
    targets = [this_machine()] if args.this_machine else targets_for(args.system or list(SYSTEMS), pythons)

    dest: Path = args.dest.resolve()
    dest.mkdir(parents=True, exist_ok=True)
    if args.clean:
        for old in dest.glob("*.whl"):
            old.unlink()
    started = time.monotonic()
    try:
        wheel = build_own_wheel(dest)
        counts = {target.label: len(complete(dest, target, wheel)) for target in targets}
        # CRLF and a byte-order mark: Notepad on an older Windows shows the Japanese then too.
        (dest / "INSTALL.txt").write_text(
            INSTALL_TEXT.format(built=time.strftime("%Y-%m-%d"), glibc=GLIBC_FLOOR,
                                targets=", ".join(t.label for t in targets)), encoding="utf-8-sig", newline="\r\n")
        wheels = sorted(dest.glob("*.whl"))
        size = sum(w.stat().st_size for w in wheels) / 1e6
        print(f"{len(wheels)} wheels, {size:.0f} MB in {dest} ({time.monotonic() - started:.0f} s); "
              "bcp-drill[pdf] takes, from the folder alone:")
        for label, count in counts.items():
            print(f"  {label}: {count} wheels")
        if args.check:
            check(dest)
            print(f"offline install checked ({time.monotonic() - started:.0f} s in all)")
    except Failed as failed:
        print(f"wheelhouse: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
