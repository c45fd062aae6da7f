"""The `bcp-drill` command's entry point, apart from the package itself: every module may read
`bcp_drill.__version__` without importing the command line."""

from bcp_drill import __version__


def main() -> int:
    """The `bcp-drill` command: `--version`, and `--help` while its kept text holds, are
    answered before anything else is imported."""
    import sys

    if sys.argv[1:] == ["--version"]:
        print(f"bcp-drill {__version__}")
        return 0
    if sys.argv[1:] in (["--help"], ["-h"]):
        from bcp_drill.startup.help_text import kept_help

        text = kept_help()
        if text is not None:
            sys.stdout.write(text)
            return 0
    from bcp_drill.cli import main as run

    return run()
