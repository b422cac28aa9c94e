"""Config helpers: the JSON round trip of config dataclasses and the argument checks.

Save/load and the model id use this one walker, so no config is ever written out
field by field; every count setting (draws, horizon, paths, ...) goes through
:func:`check_count`, and every ``random_seed`` that may be a generator through
:func:`as_generator` (the backtest's, an int it adds the cutoff's index to, is a count).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from typing import Any, get_args, get_origin, get_type_hints

import numpy as np

from talentflow._typing import RandomSeed
from talentflow.exceptions import ConfigError


def check_count(name: str, value: object, *, minimum: int = 1, unit: str = "") -> int:
    """Return ``value`` as an ``int``; raise ``ConfigError`` unless it is an integer >= ``minimum``.

    ``bool`` is refused although Python counts it as an ``int``.

    Examples
    --------
    >>> check_count("draws", np.int64(50))
    50
    >>> check_count("draws", 0)
    Traceback (most recent call last):
    ...
    talentflow.exceptions.ConfigError: draws must be a positive integer, got 0
    >>> check_count("tune", 2.5, minimum=0)
    Traceback (most recent call last):
    ...
    talentflow.exceptions.ConfigError: tune must be a non-negative integer, got 2.5
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        rule = {0: "a non-negative integer", 1: "a positive integer"}.get(
            minimum, f"an integer >= {minimum}"
        )
        raise ConfigError(f"{name} must be {rule}{unit}, got {value!r}")
    return int(value)


def as_generator(random_seed: RandomSeed | None) -> np.random.Generator:
    """Return the NumPy generator a ``random_seed`` argument stands for.

    A generator is used as it is (and advanced by the draws); a non-negative integer
    seeds a new one; ``None`` takes fresh entropy from the operating system. Anything
    else raises ``ConfigError``.

    Examples
    --------
    >>> float(as_generator(1).random()) == float(np.random.default_rng(1).random())
    True
    >>> as_generator(-1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    talentflow.exceptions.ConfigError: random_seed must be ... or None, got -1
    """
    if random_seed is None or isinstance(random_seed, np.random.Generator):
        return np.random.default_rng(random_seed)
    seed: object = random_seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ConfigError(
            f"random_seed must be a non-negative int, a numpy Generator or None, got {seed!r}"
        )
    return np.random.default_rng(int(seed))


def to_dict(obj: Any) -> Any:
    """Convert a (nested) config dataclass into JSON-able builtins.

    Examples
    --------
    >>> from talentflow.priors import Normal
    >>> to_dict(Normal(mu=1.0, sigma=2.0))
    {'mu': 1.0, 'sigma': 2.0}
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    return obj


def from_dict[T](cls: type[T], data: Any) -> T:
    """Rebuild a config dataclass of type ``cls`` from :func:`to_dict` output.

    Unknown or missing keys raise :class:`ConfigError`.

    Examples
    --------
    >>> from talentflow.priors import Normal
    >>> from_dict(Normal, {"mu": 1.0, "sigma": 2.0})
    Normal(mu=1.0, sigma=2.0)
    """
    return typing.cast(T, _build(cls, data, cls.__name__))


def _build(tp: Any, data: Any, where: str) -> Any:
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: expected a mapping, got {type(data).__name__}")
        hints = get_type_hints(tp)
        names = {f.name for f in dataclasses.fields(tp) if f.init}
        unknown = set(data) - names
        if unknown:
            raise ConfigError(f"{where}: unknown field(s) {sorted(unknown)}")
        kwargs = {k: _build(hints[k], v, f"{where}.{k}") for k, v in data.items()}
        return tp(**kwargs)
    origin = get_origin(tp)
    if origin is tuple:
        args = get_args(tp)
        item = args[0]
        if not isinstance(data, list | tuple):
            raise ConfigError(f"{where}: expected a list, got {type(data).__name__}")
        return tuple(_build(item, v, f"{where}[{i}]") for i, v in enumerate(data))
    if origin in (types.UnionType, typing.Union):
        if data is None:
            return None
        options = [a for a in get_args(tp) if a is not type(None)]
        return _build(options[0], data, where) if len(options) == 1 else data
    return data


def config_hash(kind: str, config: Any) -> str:
    """Return a stable id of a model class and its configuration.

    Examples
    --------
    >>> from talentflow.priors import Normal
    >>> len(config_hash("Example", Normal()))
    16
    """
    payload = json.dumps({"kind": kind, "config": to_dict(config)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
