"""Kalman filter and simulation smoother of linear-Gaussian state-space models.

A model whose latent paths are linear-Gaussian given its parameters can leave those
paths out of the sampler: :func:`kalman_loglik` is the log likelihood of the data with
the states integrated out (a PyTensor Op, for NUTS), and after sampling
:func:`simulate_states` draws the states from their conditional law given each
posterior draw's parameters (NumPy, batched over draws). Both run one compiled filter,
:func:`_forward`; the Op's gradient is its hand-written reverse pass
(:func:`_loglik_and_grad`), which costs about what the filter does.

The model is ``y[t] = Z x[t] + d[t] + e[t]`` with ``e[t] ~ N(0, diag(r))`` and
``x[t + 1] = T x[t] + N n[t]`` with ``n[t] ~ N(0, I)``; ``x[0] ~ N(a0, S0 S0')``. Cells
of ``y`` with a zero ``mask`` are not observed: their row of ``Z`` is dropped, which is
exact (the filter never sees them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, cast

import numba
import numpy as np
import pytensor.tensor as pt
from pytensor.gradient import DisconnectedType, grad_undefined
from pytensor.graph.basic import Apply
from pytensor.graph.op import Op
from pytensor.link.numba.dispatch.basic import register_funcify_default_op_cache_key

from talentflow._typing import FloatArray, Tensor

_LOG_2PI = float(np.log(2.0 * np.pi))
#: Entries of ``draws x time x state x state`` the smoother holds at once (about 400 MB).
_CHUNK_ENTRIES = 50_000_000


def _jit[F: Callable[..., Any]](func: F) -> F:
    """Compile ``func`` with numba in nopython mode, cached on disk."""
    return cast(F, numba.njit(cache=True)(func))


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

    @property
    def n_states(self) -> int:
        """Number of states ``k``."""
        return int(self.transition.shape[-1])


def stack_models(models: list[StateSpace]) -> StateSpace:
    """Stack NumPy models of one shape along a new leading sample axis."""
    return StateSpace(*(np.stack([getattr(s, f.name) for s in models]) for f in fields(StateSpace)))


def _rows(model: StateSpace, rows: slice) -> StateSpace:
    return StateSpace(*(getattr(model, f.name)[rows] for f in fields(StateSpace)))


def _swap(x: Any) -> Any:
    return x.swapaxes(-1, -2)


@_jit
def _cholesky_inverse(f: FloatArray) -> tuple[FloatArray, float, bool]:
    """Inverse and log determinant of a positive-definite ``f``; ``False`` if it is not."""
    n = f.shape[0]
    low = np.zeros((n, n))
    for j in range(n):
        for i in range(j, n):
            s = f[i, j]
            for c in range(j):
                s -= low[i, c] * low[j, c]
            if i == j:
                if not s > 0.0:
                    return low, 0.0, False
                low[j, j] = np.sqrt(s)
            else:
                low[i, j] = s / low[j, j]
    inv_low = np.zeros((n, n))  # low^-1, lower triangular
    for j in range(n):
        inv_low[j, j] = 1.0 / low[j, j]
        for i in range(j + 1, n):
            s = 0.0
            for c in range(j, i):
                s -= low[i, c] * inv_low[c, j]
            inv_low[i, j] = s / low[i, i]
    return inv_low.T @ inv_low, 2.0 * np.log(np.diag(low)).sum(), True


@_jit
def _sparse(a: FloatArray) -> tuple[Any, Any, FloatArray]:
    """Compress the rows of ``a`` into pointers, columns and values.

    The designs and transitions of the models here have one or two entries per row.
    """
    ptr = np.zeros(a.shape[0] + 1, dtype=np.int64)
    for i in range(a.shape[0]):
        ptr[i + 1] = ptr[i] + np.count_nonzero(a[i])
    cols = np.empty(ptr[-1], dtype=np.int64)
    vals = np.empty(ptr[-1])
    for i in range(a.shape[0]):
        cols[ptr[i] : ptr[i + 1]] = np.flatnonzero(a[i])
        vals[ptr[i] : ptr[i + 1]] = a[i][cols[ptr[i] : ptr[i + 1]]]
    return ptr, cols, vals


@_jit
def _times(a: tuple[Any, Any, FloatArray], rows: FloatArray, b: FloatArray) -> FloatArray:
    """``diag(rows) A @ b`` for sparse ``A`` (``b`` of any layout, e.g. a transpose)."""
    ptr, cols, vals = a
    out = np.zeros((rows.size, b.shape[1]))
    for i in range(rows.size):
        if rows[i] != 0.0:
            for e in range(ptr[i], ptr[i + 1]):
                c, scale = cols[e], rows[i] * vals[e]
                for j in range(b.shape[1]):
                    out[i, j] += scale * b[c, j]
    return out


@_jit
def _forward(
    y: FloatArray,
    mask: FloatArray,
    offset: FloatArray,
    design: FloatArray,
    obs_var: FloatArray,
    transition: FloatArray,
    noise: FloatArray,
    start_mean: FloatArray,
    start_noise: FloatArray,
) -> tuple[float, FloatArray, FloatArray, FloatArray, FloatArray, tuple[FloatArray, ...]]:
    """Run the filter over one model.

    Returns the log likelihood (``-inf`` if an innovation covariance is not positive
    definite), each month's predicted state mean and covariance and its filtered mean
    and covariance, and what the reverse pass needs: the inverse innovation
    covariances ``F^-1``, the weighted innovations ``F^-1 v``, ``Z P``, ``F^-1 Z P``
    and ``T P+``.
    """
    n_time, m = y.shape
    k = transition.shape[0]
    z, tr, every = _sparse(design), _sparse(transition), np.ones(k)
    state_cov = noise @ noise.T
    pred_mean, pred_cov = np.empty((n_time, k)), np.empty((n_time, k, k))
    filt_mean, filt_cov = np.empty((n_time, k)), np.empty((n_time, k, k))
    inv_f, weighted = np.empty((n_time, m, m)), np.empty((n_time, m))
    zps, fzps, tps = np.empty((n_time, m, k)), np.empty((n_time, m, k)), np.empty((n_time, k, k))
    saved = (inv_f, weighted, zps, fzps, tps)
    a = start_mean.astype(np.float64)
    p = start_noise @ start_noise.T
    loglik = 0.0
    for t in range(n_time):
        seen = mask[t]
        v = seen * (y[t] - offset[t]) - _times(z, seen, a.reshape((k, 1)))[:, 0].copy()
        zp = _times(z, seen, p)
        f = _times(z, seen, zp.T)
        for i in range(m):
            f[i, i] += obs_var[i] if seen[i] > 0 else 1.0
        fi, logdet, ok = _cholesky_inverse(f)
        if not ok:
            return -np.inf, pred_mean, pred_cov, filt_mean, filt_cov, saved
        w = fi @ v
        fzp = fi @ zp
        loglik += -0.5 * (np.dot(v, w) + logdet + _LOG_2PI * seen.sum())
        pred_mean[t], pred_cov[t], inv_f[t], weighted[t], zps[t], fzps[t] = a, p, fi, w, zp, fzp
        filt_mean[t] = a + zp.T @ w
        filt_cov[t] = p - zp.T @ fzp
        a = _times(tr, every, filt_mean[t].reshape((k, 1)))[:, 0].copy()
        tps[t] = _times(tr, every, filt_cov[t])
        p = _times(tr, every, tps[t].T) + state_cov
        p = 0.5 * (p + p.T)
    return loglik, pred_mean, pred_cov, filt_mean, filt_cov, saved


@_jit
def _loglik_and_grad(
    y: FloatArray,
    mask: FloatArray,
    offset: FloatArray,
    design: FloatArray,
    obs_var: FloatArray,
    transition: FloatArray,
    noise: FloatArray,
    start_mean: FloatArray,
    start_noise: FloatArray,
) -> tuple[
    float, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray
]:
    """Log likelihood and its gradient with respect to every matrix of the model.

    The reverse pass of :func:`_forward`, written out: the adjoints of each month's
    predicted mean and covariance are carried back through its update and prediction.
    Returns the log likelihood, then the gradients with respect to offset, design,
    obs_var, transition, noise, start_mean and start_noise.
    """
    n_time, m = y.shape
    k = transition.shape[0]
    loglik, a_pred, p_pred, a_filt, _, saved = _forward(
        y, mask, offset, design, obs_var, transition, noise, start_mean, start_noise
    )
    inv_f, weighted, zps, fzps, tps = saved
    g_offset, g_design = np.zeros((n_time, m)), np.zeros((m, k))
    g_obs_var, g_transition = np.zeros(m), np.zeros((k, k))
    g_state_cov = np.zeros((k, k))
    g_a, g_p = np.zeros(k), np.zeros((k, k))  # adjoints of next month's predicted state
    if not np.isfinite(loglik):
        return loglik, g_offset, g_design, g_obs_var, g_transition, np.zeros(noise.shape), g_a, g_p
    # Products with Z' and T' use the compressed rows of the transposes.
    z_t, tr_t, every = _sparse(design.T.copy()), _sparse(transition.T.copy()), np.ones(k)
    for t in range(n_time - 1, -1, -1):
        seen, fi, w, zp, fzp = mask[t], inv_f[t], weighted[t], zps[t], fzps[t]
        # prediction: a' = T a+, P' = T P+ T' + Q
        g_transition += np.outer(g_a, a_filt[t]) + 2.0 * (g_p @ tps[t])
        g_state_cov += g_p
        g_a_filt = _times(tr_t, every, g_a.reshape((k, 1)))[:, 0].copy()
        g_p_filt = _times(tr_t, every, _times(tr_t, every, g_p).T)
        # update: a+ = a + (ZP)' w, P+ = P - (ZP)' F^-1 (ZP), log likelihood, w = F^-1 v
        h = fzp @ g_p_filt
        g_zp = np.outer(w, g_a_filt) - 2.0 * h
        fgw = fi @ (zp @ g_a_filt)
        g_v = fgw - w
        cross = np.outer(fgw, w)
        g_f = h @ fzp.T + 0.5 * (np.outer(w, w) - fi - cross - cross.T)
        # F = Z P Z' + diag(r), ZP = Z P, v = mask (y - d) - Z a
        col = seen.reshape((m, 1))  # Z~' b = Z' (mask b) for the masked design Z~
        z_gf = _times(z_t, every, col * g_f)
        g_p_new = g_p_filt + _times(z_t, every, col * z_gf.T) + _times(z_t, every, col * g_zp)
        g_z = 2.0 * (g_f @ zp) + g_zp @ p_pred[t] - np.outer(g_v, a_pred[t])
        g_a = g_a_filt - _times(z_t, every, col * g_v.reshape((m, 1)))[:, 0].copy()
        g_offset[t] = -seen * g_v
        g_obs_var += seen * np.diag(g_f)
        g_design += g_z * col
        g_p = 0.5 * (g_p_new + g_p_new.T)
    g_noise = (g_state_cov + g_state_cov.T) @ noise
    g_start_noise = 2.0 * (g_p @ start_noise)
    return loglik, g_offset, g_design, g_obs_var, g_transition, g_noise, g_a, g_start_noise


class _KalmanLoglik(Op):  # type: ignore[misc]
    """Log likelihood of a state-space model and, as further outputs, its gradient.

    Inputs are ``y``, ``mask`` and the seven matrices of :class:`StateSpace` in field
    order. The gradient outputs are what :meth:`pullback` returns, so a graph that asks for
    both runs the filter once.
    """

    __props__ = ()

    def make_node(self, *inputs: Any) -> Apply:
        tensors = [pt.as_tensor(x).astype("float64") for x in inputs]
        outputs = [pt.dscalar(), *(x.type() for x in tensors[2:])]
        return Apply(self, tensors, outputs)

    def perform(self, node: Apply, inputs: list[Any], output_storage: list[list[Any]]) -> None:
        values = _loglik_and_grad(*(np.ascontiguousarray(x, dtype=np.float64) for x in inputs))
        output_storage[0][0] = np.asarray(values[0])
        for store, value in zip(output_storage[1:], values[1:], strict=True):
            store[0] = value

    def pullback(self, inputs: list[Any], outputs: list[Any], cotangents: list[Any]) -> list[Any]:
        if not all(isinstance(g.type, DisconnectedType) for g in cotangents[1:]):
            raise NotImplementedError("the Kalman filter's likelihood has no second derivative")
        scale = cotangents[0]
        g_offset = scale * outputs[1]
        return [
            -g_offset,
            grad_undefined(self, 1, inputs[1], "the mask is data"),
            g_offset,
            *(scale * g for g in outputs[2:]),
        ]


_kalman_op = _KalmanLoglik()


@_jit
def _kalman_numba(
    y: FloatArray,
    mask: FloatArray,
    offset: FloatArray,
    design: FloatArray,
    obs_var: FloatArray,
    transition: FloatArray,
    noise: FloatArray,
    start_mean: FloatArray,
    start_noise: FloatArray,
) -> tuple[Any, ...]:
    """Compute the Op's outputs inside a numba-compiled graph (nutpie's backend)."""
    c = np.ascontiguousarray
    out = _loglik_and_grad(
        c(y),
        c(mask),
        c(offset),
        c(design),
        c(obs_var),
        c(transition),
        c(noise),
        c(start_mean),
        c(start_noise),
    )
    return (np.asarray(out[0]), out[1], out[2], out[3], out[4], out[5], out[6], out[7])


@register_funcify_default_op_cache_key(_KalmanLoglik)  # type: ignore[untyped-decorator]
def _numba_kalman(op: _KalmanLoglik, node: Apply, **kwargs: Any) -> Callable[..., Any]:
    return cast(Callable[..., Any], _kalman_numba)


def kalman_loglik(y: Tensor, mask: Tensor, model: StateSpace) -> Tensor:
    """Log likelihood of ``y`` ``(time, m)`` under ``model``, the states integrated out.

    A PyTensor Op with a hand-written gradient, for NUTS; ``mask`` ``(time, m)`` is 1
    where a cell is observed and 0 where it is not (its ``y`` is then ignored). The
    value is ``-inf`` where an innovation covariance is not positive definite.

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
    matrices = (getattr(model, f.name) for f in fields(StateSpace))
    return _kalman_op(y, mask, *matrices)[0]


@dataclass(frozen=True)
class _Filtered:
    loglik: FloatArray  # (...,)
    mean: FloatArray  # (..., time, k) filtered
    cov: FloatArray  # (..., time, k, k) filtered
    next_mean: FloatArray  # (..., time - 1, k) predicted for the month after
    next_cov: FloatArray  # (..., time - 1, k, k)


#: Dimensions of one model's field (the rest are leading sample axes), in field order.
_CORE_NDIM = (2, 2, 1, 2, 2, 1, 2)


def _run_filter(y: FloatArray, mask: FloatArray, model: StateSpace) -> _Filtered:
    """Run the filter over the leading sample axes of ``y``, ``mask`` and ``model``."""
    arrays = [np.asarray(y, dtype=np.float64), np.asarray(mask, dtype=np.float64)]
    arrays += [np.asarray(getattr(model, f.name), dtype=np.float64) for f in fields(StateSpace)]
    cores = (2, 2, *_CORE_NDIM)
    lead = np.broadcast_shapes(*(x.shape[: x.ndim - c] for x, c in zip(arrays, cores, strict=True)))
    flat = [
        np.broadcast_to(x, lead + x.shape[x.ndim - c :]).reshape(-1, *x.shape[x.ndim - c :])
        for x, c in zip(arrays, cores, strict=True)
    ]
    runs = [_forward(*(np.ascontiguousarray(x[i]) for x in flat)) for i in range(flat[0].shape[0])]
    loglik, a_pred, p_pred, a_filt, p_filt, _ = zip(*runs, strict=True)

    def stacked(parts: tuple[Any, ...]) -> FloatArray:
        out: FloatArray = np.stack(parts).reshape(lead + np.shape(parts[0]))
        return out

    return _Filtered(
        stacked(loglik),
        stacked(a_filt),
        stacked(p_filt),
        stacked(a_pred)[..., 1:, :],
        stacked(p_pred)[..., 1:, :, :],
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
    for _ in range(n_time):
        drawn.append(x)
        shock = rng.normal(size=(n, model.noise.shape[-1], 1))
        x = (model.transition @ x[..., None] + model.noise @ shock)[..., 0]
    states = np.stack(drawn, axis=1)
    noise = rng.normal(size=(n, n_time, model.obs_var.shape[-1])) * np.sqrt(model.obs_var)[:, None]
    fake = (model.design[:, None] @ states[..., None])[..., 0] + noise
    return states + smoothed_states(y - fake, np.broadcast_to(mask, fake.shape), model)
