"""The package version, read from the installed metadata."""

from importlib.metadata import version

__version__: str = version("talentflow")
