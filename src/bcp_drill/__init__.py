"""bcp-drill: rehearse an ICT-BCP initial response and review an informatization plan."""

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it from here)
