"""bcp-drill: rehearse an ICT-BCP initial response and review an informatization plan."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bcp-drill")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
