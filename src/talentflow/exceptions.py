"""The few error and warning types talentflow raises."""

from collections.abc import Iterable


class DataError(ValueError):
    """Invalid input data; lists every problem found, one per line.

    Parameters
    ----------
    problems : iterable of str
        One sentence per problem, each naming the variable, the coordinate and the rule.

    Examples
    --------
    >>> err = DataError(["outflow: negative count at sector='IT'"])
    >>> err.problems
    ("outflow: negative count at sector='IT'",)
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        n = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the data:\n{lines}")


class ConfigError(ValueError):
    """An invalid model configuration (caught when the config is built)."""


class NotFittedError(RuntimeError):
    """A method that needs a fitted model was called before ``fit``."""


class ModelFileError(ValueError):
    """A saved model file that cannot be loaded as the requested model."""


class ConvergenceWarning(UserWarning):
    """The sampler's diagnostics (R-hat, ESS, divergences) signal an unreliable posterior."""
