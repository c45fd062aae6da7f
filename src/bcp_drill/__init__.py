"""bcp-drill: rehearse an ICT-BCP initial response and review an informatization plan."""

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it from here)


def main() -> int:
    """The `bcp-drill` command: `--version`, and `--help` while its kept text holds, are
    answered before anything else is imported."""
    import sys

    if sys.argv[1:] == ["--version"]:
        print(f"bcp-drill {__version__}")
        return 0
    if sys.argv[1:] in (["--help"], ["-h"]):
        from bcp_drill.help_text import kept_help

        text = kept_help()
        if text is not None:
            sys.stdout.write(text)
            return 0
    from bcp_drill.cli import main as run

    return run()
