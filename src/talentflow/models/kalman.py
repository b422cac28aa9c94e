"""Kalman filter and simulation smoother of linear-Gaussian state-space models.

A model whose latent paths are linear-Gaussian given its parameters can leave those
paths out of the sampler: :func:`kalman_loglik` is the log likelihood of the data with
the states integrated out (a PyTensor graph, for NUTS), and after sampling
:func:`simulate_states` draws the states from their conditional law given each
posterior draw's parameters (NumPy, batched over draws). Both run the one filter step
of :func:`_filter_step`.

The model is ``y[t] = Z x[t] + d[t] + e[t]`` with ``e[t] ~ N(0, diag(r g[t]^2))`` and
``x[t + 1] = T x[t] + diag(s[t]) N n[t]`` with ``n[t] ~ N(0, I)``, where ``g[t]`` and
``s[t]`` are known scales of each cell's observation noise and each state's disturbance
(1 unless given); ``x[0] ~ N(a0, S0 S0')``. Cells
of ``y`` with a zero ``mask`` are not observed: their row of ``Z`` is dropped, which is
exact (the filter never sees them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pytensor
import pytensor.tensor as pt

from talentflow._typing import FloatArray, Tensor

_LOG_2PI = float(np.log(2.0 * np.pi))
#: Entries of ``draws x time x state x state`` the smoother holds at once (about 400 MB).
_CHUNK_ENTRIES = 50_000_000


@dataclass(frozen=True)
class StateSpace:
    """Matrices of a linear-Gaussian state-space model (NumPy arrays or PyTensor tensors).

    NumPy arrays may carry leading sample axes (one model per posterior draw); the
    shapes below are those of one model, with ``m`` observed cells and ``k`` states.

    Attributes
    ----------
    offset : (time, m)
        Known part of the observations' mean, ``d[t]``.
    design : (m, k)
        How the states enter the observations, ``Z``.
    obs_var : (m,)
        Variance of each cell's observation noise, ``r``.
    transition : (k, k)
        ``T``.
    noise : (k, q)
        Loading ``N`` of the standard normal state disturbances.
    start_mean : (k,)
        Mean of the first month's state, ``a0``.
    start_noise : (k, k)
        A square root ``S0`` of the first month's state covariance.
    noise_scale : (time, k) or None
        Known scale ``s[t]`` of each state's disturbance from month ``t`` to ``t + 1``
        (``None``: 1 throughout).
    obs_scale : (time, m) or None
        Known scale ``g[t]`` of each cell's observation noise sd in month ``t``
        (``None``: 1 throughout).

    Examples
    --------
    >>> ss = StateSpace(np.zeros((3, 1)), np.eye(1), np.ones(1), np.eye(1), np.eye(1),
    ...                 np.zeros(1), np.eye(1))
    >>> ss.n_states
    1
    """

    offset: Any
    design: Any
    obs_var: Any
    transition: Any
    noise: Any
    start_mean: Any
    start_noise: Any
    noise_scale: Any = None
    obs_scale: Any = None

    @property
    def n_states(self) -> int:
        """Number of states ``k``."""
        return int(self.transition.shape[-1])


def stack_models(models: list[StateSpace]) -> StateSpace:
    """Stack NumPy models of one shape along a new leading sample axis."""
    return StateSpace(
        *(
            None
            if getattr(models[0], f.name) is None
            else np.stack([getattr(s, f.name) for s in models])
            for f in fields(StateSpace)
        )
    )


def _rows(model: StateSpace, rows: slice) -> StateSpace:
    return StateSpace(
        *(None if (x := getattr(model, f.name)) is None else x[rows] for f in fields(StateSpace))
    )


def _scaled(state_cov: Any, scale: Any) -> Any:
    """Return the covariance ``diag(scale) Q diag(scale)`` (``scale`` ``None``: ``Q``)."""
    if scale is None:
        return state_cov
    return scale[..., :, None] * state_cov * scale[..., None, :]


def _scaled_var(obs_var: Any, scale: Any) -> Any:
    """Return the variances ``r scale^2`` (``scale`` ``None``: ``r``)."""
    return obs_var if scale is None else obs_var * scale**2


def _at(scale: Any, t: int) -> Any:
    """Return month ``t`` of a ``(..., time, n)`` scale, or ``None``."""
    return None if scale is None else scale[..., t, :]


def _swap(x: Any) -> Any:
    return x.swapaxes(-1, -2)


def _filter_step(
    y: Any,
    mask: Any,
    offset: Any,
    a: Any,
    p: Any,
    design: Any,
    obs_var: Any,
    transition: Any,
    state_cov: Any,
    *,
    xp: Any,
    cholesky: Callable[[Any], Any],
    solve_lower: Callable[[Any, Any], Any],
) -> tuple[Any, Any, Any, Any, Any]:
    """Update the predicted state ``a``, ``p`` with one month's data, then predict the next.

    Works on NumPy arrays with leading sample axes and on PyTensor tensors alike. Returns
    the month's log likelihood, the filtered mean and covariance and the next month's
    predicted mean and covariance.
    """
    z = mask[..., :, None] * design
    r = xp.where(mask > 0, obs_var, 1.0)
    v = mask * (y - offset - (z @ a[..., None])[..., 0])
    pz = p @ _swap(z)
    f = z @ pz + r[..., :, None] * xp.eye(r.shape[-1])
    chol = cholesky(f)
    u = solve_lower(chol, v[..., None])
    gain = solve_lower(chol, _swap(pz))  # chol^-1 Z P
    loglik = (
        -0.5 * (u**2).sum(axis=(-2, -1))
        - xp.log(xp.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1)
        - 0.5 * _LOG_2PI * mask.sum(axis=-1)
    )
    a_post = a + (_swap(gain) @ u)[..., 0]
    p_post = p - _swap(gain) @ gain
    if transition is None:  # the identity: skip its two products
        a_next, p_next = a_post, p_post + state_cov
    else:
        a_next = (transition @ a_post[..., None])[..., 0]
        p_next = transition @ p_post @ _swap(transition) + state_cov
    p_next = 0.5 * (p_next + _swap(p_next))
    return loglik, a_post, p_post, a_next, p_next


def _solve_lower_pt(chol: Tensor, b: Tensor) -> Tensor:
    return pt.linalg.solve_triangular(chol, b, lower=True, b_ndim=2)


def kalman_loglik(
    y: Tensor, mask: Tensor, model: StateSpace, *, identity_transition: bool = False
) -> Tensor:
    """Log likelihood of ``y`` ``(time, m)`` under ``model``, the states integrated out.

    A PyTensor graph (a ``scan`` over months) whose gradient NUTS follows; ``mask``
    ``(time, m)`` is 1 where a cell is observed and 0 where it is not (its ``y`` is then
    ignored). Pass ``identity_transition=True`` when the transition is the identity (a
    random walk in every state): the filter then skips its two products with it, which
    makes each gradient of the vacancy model's local level about 1.6x cheaper.

    Examples
    --------
    >>> from scipy import stats
    >>> ss = StateSpace(np.zeros((2, 1)), np.eye(1), np.ones(1), np.eye(1), np.eye(1),
    ...                 np.zeros(1), np.eye(1))
    >>> y = np.array([[0.5], [1.0]])
    >>> got = float(kalman_loglik(pt.as_tensor(y), pt.ones((2, 1)), ss).eval())
    >>> want = stats.multivariate_normal(cov=[[2.0, 1.0], [1.0, 3.0]]).logpdf(y[:, 0])
    >>> bool(np.isclose(got, want))
    True
    """
    noise = pt.as_tensor(model.noise)
    start = pt.as_tensor(model.start_noise)
    matrices = [
        pt.as_tensor(model.design),
        pt.as_tensor(model.obs_var),
        pt.as_tensor(model.transition),
        noise @ noise.T,
    ]
    # A scan takes each outer tensor once (the design may be the transition matrix).
    unique = list(dict.fromkeys(matrices))
    where = [unique.index(m) for m in matrices]

    sequences = [pt.as_tensor(y), pt.as_tensor(mask), pt.as_tensor(model.offset)]
    scales = [model.noise_scale, model.obs_scale]
    sequences += [pt.as_tensor(x) for x in scales if x is not None]
    n_seq = len(sequences)

    def step(*args: Tensor) -> Any:
        y_t, m_t, d_t = args[:3]
        given = iter(args[3:n_seq])
        s_t, g_t = (None if x is None else next(given) for x in scales)
        a, p, *inner = args[n_seq:]
        design, obs_var, transition, state_cov = (inner[i] for i in where)
        if identity_transition:
            transition = None
        loglik, _, _, a_next, p_next = _filter_step(
            y_t,
            m_t,
            d_t,
            a,
            p,
            design,
            _scaled_var(obs_var, g_t),
            transition,
            _scaled(state_cov, s_t),
            xp=pt,
            cholesky=pt.linalg.cholesky,
            solve_lower=_solve_lower_pt,
        )
        return a_next, p_next, loglik

    _, _, per_month = pytensor.scan(
        step,
        sequences=sequences,
        outputs_info=[pt.as_tensor(model.start_mean), start @ start.T, None],
        non_sequences=unique,
        strict=True,
        return_updates=False,
    )
    return per_month.sum()


@dataclass(frozen=True)
class _Filtered:
    loglik: FloatArray  # (...,)
    mean: FloatArray  # (..., time, k) filtered
    cov: FloatArray  # (..., time, k, k) filtered
    next_mean: FloatArray  # (..., time, k) predicted for the month after
    next_cov: FloatArray  # (..., time, k, k)


def _run_filter(y: FloatArray, mask: FloatArray, model: StateSpace) -> _Filtered:
    """Run the filter in NumPy over the leading sample axes of ``model``."""
    state_cov = model.noise @ _swap(model.noise)
    a = np.asarray(model.start_mean, dtype=np.float64)
    p = model.start_noise @ _swap(model.start_noise)
    out: list[tuple[FloatArray, ...]] = []
    for t in range(y.shape[-2]):
        step = _filter_step(
            y[..., t, :],
            mask[..., t, :],
            model.offset[..., t, :],
            a,
            p,
            model.design,
            _scaled_var(model.obs_var, _at(model.obs_scale, t)),
            model.transition,
            _scaled(state_cov, _at(model.noise_scale, t)),
            xp=np,
            cholesky=np.linalg.cholesky,
            solve_lower=np.linalg.solve,
        )
        out.append(step)
        a, p = step[3], step[4]
    loglik, mean, cov, next_mean, next_cov = zip(*out, strict=True)
    return _Filtered(
        np.sum(loglik, axis=0),
        np.stack(mean, axis=-2),
        np.stack(cov, axis=-3),
        np.stack(next_mean, axis=-2),
        np.stack(next_cov, axis=-3),
    )


def filter_loglik(y: FloatArray, mask: FloatArray, model: StateSpace) -> FloatArray:
    """Return the log likelihood of :func:`kalman_loglik` in NumPy, per leading sample.

    Examples
    --------
    >>> ss = StateSpace(np.zeros((2, 1)), np.eye(1), np.ones(1), np.eye(1), np.eye(1),
    ...                 np.zeros(1), np.eye(1))
    >>> round(float(filter_loglik(np.array([[0.5], [1.0]]), np.ones((2, 1)), ss)), 6)
    -2.817596
    """
    return _run_filter(y, mask, model).loglik


def smoothed_states(y: FloatArray, mask: FloatArray, model: StateSpace) -> FloatArray:
    """Mean of the states given all of ``y`` (fixed-interval smoother), ``(..., time, k)``.

    Examples
    --------
    >>> ss = StateSpace(np.zeros((2, 1)), np.eye(1), np.ones(1), np.eye(1), np.eye(1),
    ...                 np.zeros(1), np.eye(1))
    >>> smoothed_states(np.array([[0.0], [3.0]]), np.array([[0.0], [1.0]]), ss).ravel()
    array([1., 2.])
    """
    run = _run_filter(y, mask, model)
    states = [run.mean[..., -1, :]]
    for t in range(y.shape[-2] - 2, -1, -1):
        # gain' = P[t+1|t]^-1 T P[t|t]
        gain_t = np.linalg.solve(
            run.next_cov[..., t, :, :], model.transition @ run.cov[..., t, :, :]
        )
        ahead = states[-1] - run.next_mean[..., t, :]
        states.append(run.mean[..., t, :] + (_swap(gain_t) @ ahead[..., None])[..., 0])
    return np.stack(states[::-1], axis=-2)


def simulate_states(
    y: FloatArray, mask: FloatArray, model: StateSpace, rng: np.random.Generator
) -> FloatArray:
    """Draw the states given ``y``, one path per model of the stack ``model`` ``(n, ...)``.

    The simulation smoother of Durbin and Koopman (2002): a path and data drawn from
    the model with zero means, plus the smoothed mean given the data minus the drawn
    data. Models are processed in chunks that keep memory bounded. Returns ``(n, time,
    k)``.

    Examples
    --------
    >>> ss = StateSpace(np.zeros((2, 1)), np.eye(1), np.full(1, 1e-12), np.eye(1),
    ...                 np.eye(1), np.zeros(1), np.eye(1))
    >>> y = np.array([[0.5], [1.0]])
    >>> draws = simulate_states(y, np.ones((2, 1)), stack_models([ss]), np.random.default_rng(0))
    >>> np.round(draws, 4).ravel()
    array([0.5, 1. ])
    """
    n, n_time, k = model.transition.shape[0], y.shape[-2], model.n_states
    size = max(1, _CHUNK_ENTRIES // (n_time * k * k))
    paths = [
        _simulate_chunk(y, mask, _rows(model, slice(lo, lo + size)), rng)
        for lo in range(0, n, size)
    ]
    out: FloatArray = np.concatenate(paths)
    return out


def _simulate_chunk(
    y: FloatArray, mask: FloatArray, model: StateSpace, rng: np.random.Generator
) -> FloatArray:
    n, n_time = model.transition.shape[0], y.shape[-2]
    x = (model.start_noise @ rng.normal(size=(n, model.n_states, 1)))[..., 0]
    drawn = []
    for t in range(n_time):
        drawn.append(x)
        shock = (model.noise @ rng.normal(size=(n, model.noise.shape[-1], 1)))[..., 0]
        if model.noise_scale is not None:
            shock = _at(model.noise_scale, t) * shock
        x = (model.transition @ x[..., None])[..., 0] + shock
    states = np.stack(drawn, axis=1)
    noise = rng.normal(size=(n, n_time, model.obs_var.shape[-1])) * np.sqrt(model.obs_var)[:, None]
    if model.obs_scale is not None:
        noise = noise * model.obs_scale
    fake = (model.design[:, None] @ states[..., None])[..., 0] + noise
    return states + smoothed_states(y - fake, np.broadcast_to(mask, fake.shape), model)
