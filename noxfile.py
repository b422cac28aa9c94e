"""Developer sessions: `nox -s tests` and `nox -s demo` are the README's two commands."""

from __future__ import annotations

import os
import sys

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "tests"]

# The interpreter that runs nox if it is new enough, else any python3.12 on PATH;
# TALENTFLOW_PYTHON (set by .ci/run) overrides both.
PYTHON = os.environ.get("TALENTFLOW_PYTHON") or (
    sys.executable if sys.version_info >= (3, 12) else "3.12"
)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the whole test suite: unit, property, contract, recovery and doctests.

    Two pytest-xdist workers, each taking whole files: compiling the samplers is
    single-threaded, so two workers halve the wall time on two cores, and a file's
    tests share their worker's fitted fixtures and compiled samplers. Each worker
    holds a few GiB, so the count stays at two on bigger machines; ``-- -n 0`` runs
    in one process.
    """
    session.install("-e", ".[test]")
    session.run(
        "pytest",
        "--doctest-modules",
        "src/talentflow",
        "tests",
        "-p",
        "no:cacheprovider",
        "-n",
        str(min(2, os.cpu_count() or 1)),
        "--dist",
        "loadfile",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Fit the bundled 'relocation 2022' example and write a report to demo-report/."""
    session.install("-e", ".")
    session.run("python", "-m", "talentflow.demo", "--out", "demo-report", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff lint and format check."""
    session.install("ruff>=0.8")
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py", "docs/conf.py")
    session.run("ruff", "format", "--check", "src", "tests", "benchmarks", "noxfile.py")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy strict on src/."""
    session.install("-e", ".[typecheck]")
    session.run("mypy")


@nox.session(python=PYTHON)
def benchmarks(session: nox.Session) -> None:
    """Run the benchmark suite; results go to benchmarks/results/ (shown by the docs)."""
    session.install("-e", ".")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the docs offline (executes the example pages)."""
    session.install("-e", ".[docs]")
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")
