"""What is timed: every primitive of the slice, at lecture sizes and at one larger size.

A :class:`Case` builds, for one backend and dtype, a function of no arguments that
makes one call of the primitive on ready inputs (forward results and caches that a
backward call needs are made beforehand, outside the timing). ``torch`` builds the
same computation from PyTorch operations (forward ops, and the backward written
out with PyTorch's own backward kernels), when PyTorch is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import data as D


@dataclass
class Case:
    name: str                 # the primitive
    size: str                 # "lecture" or "large"
    shape: str                # what the inputs are, in words
    prim: Callable            # prim(B, dtype) -> fn() calling backend B's primitive
    torch: Callable | None    # torch(T, dtype) -> fn() doing the same with PyTorch

    @property
    def label(self) -> str:
        return f"{self.name} [{self.shape}]"


def _dev(B, *arrays):
    """The arrays on ``B``'s device (the identity on the CPU backends)."""
    out = tuple(B.to_device(np.ascontiguousarray(a)) if isinstance(a, np.ndarray) else a for a in arrays)
    return out if len(out) > 1 else out[0]


# --------------------------------------------------------------------------- activations

_ACT_TORCH = {
    # name: (forward(T, z), backward(T, da, a, z))
    "sigmoid": (lambda T, z: T.sigmoid(z),
                lambda T, da, a, z: T.ops.aten.sigmoid_backward(da, a)),
    "relu": (lambda T, z: T.relu(z),
             lambda T, da, a, z: T.ops.aten.threshold_backward(da, z, 0)),
    "hard_sigmoid": (lambda T, z: T.clamp(z, 0, 1),
                     lambda T, da, a, z: T.ops.aten.hardtanh_backward(da, z, 0.0, 1.0)),
    "linear": (lambda T, z: z, lambda T, da, a, z: da),
}


def _activation_cases(act, shape, size):
    fwd, bwd = f"{act}_forward", f"{act}_backward"
    desc = f"{shape[0]}×{shape[1]}"

    def prim_f(B, dt):
        z = _dev(B, D.normal(shape, dt, scale=3))
        f = getattr(B, fwd)
        return lambda: f(z)

    def prim_b(B, dt):
        z, da = _dev(B, D.normal(shape, dt, scale=3), D.normal(shape, dt, seed=1))
        _, cache = getattr(B, fwd)(z)
        f = getattr(B, bwd)
        return lambda: f(da, cache)

    def torch_f(T, dt):
        z = T.tensor(D.normal(shape, dt, scale=3))
        f = _ACT_TORCH[act][0]
        return lambda: f(T, z)

    def torch_b(T, dt):
        z, da = T.tensor(D.normal(shape, dt, scale=3)), T.tensor(D.normal(shape, dt, seed=1))
        f, b = _ACT_TORCH[act]
        a = f(T, z)
        return lambda: b(T, da, a, z)

    return [Case(fwd, size, desc, prim_f, torch_f), Case(bwd, size, desc, prim_b, torch_b)]


# --------------------------------------------------------------------------- linear model

def _linear_cases(n, d, size):
    desc = f"N={n}, D={d}"

    def prim_f(B, dt):
        x, y = D.features(n, d, dt)
        x, w = _dev(B, x, D.normal(d, dt, scale=1 / d))
        return lambda: B.linear_forward(x, w, 0.1)

    def prim_b(B, dt):
        x, y = D.features(n, d, dt)
        x, w, dy = _dev(B, x, D.normal(d, dt, scale=1 / d), D.normal(n, dt, seed=1))
        _, cache = B.linear_forward(x, w, 0.1)
        return lambda: B.linear_backward(dy, cache)

    def torch_f(T, dt):
        x, y = D.features(n, d, dt)
        x, w = T.tensor(x), T.tensor(D.normal(d, dt, scale=1 / d))
        b = T.tensor(0.1, dtype=x.dtype)
        return lambda: T.addmv(b, x, w)

    def torch_b(T, dt):
        x, y = D.features(n, d, dt)
        x, w, dy = T.tensor(x), T.tensor(D.normal(d, dt, scale=1 / d)), T.tensor(D.normal(n, dt, seed=1))
        return lambda: (T.outer(dy, w), T.mv(x.T, dy), dy.sum())

    return [Case("linear_forward", size, desc, prim_f, torch_f),
            Case("linear_backward", size, desc, prim_b, torch_b)]


# --------------------------------------------------------------------------- losses

def _loss_cases(n, size):
    desc = f"N={n}"
    out = []
    for loss in ("mse", "mae"):
        def prim(B, dt, loss=loss):
            y, yh = _dev(B, D.normal(n, dt), D.normal(n, dt, seed=1))
            f = getattr(B, loss)
            return lambda: f(y, yh)

        def torch(T, dt, loss=loss):
            y, yh = T.tensor(D.normal(n, dt)), T.tensor(D.normal(n, dt, seed=1))
            if loss == "mse":
                def f():
                    d = y - yh
                    return (d * d).mean(), 2 * d / n
            else:
                def f():
                    d = y - yh
                    return d.abs().mean(), T.sign(d) / n
            return f

        out.append(Case(loss, size, desc, prim, torch))
    return out


def _surface_case(n, grid, size, table=False):
    desc = f"{grid}×{grid} grid, N={n}" + (" (2021 table)" if table else "")

    def inputs(dt):
        if table:
            x1, yh = D.views_2021()
        else:
            x, yh = D.views_training()
            x1, yh = x[:n, 0] * 1000, yh[:n] * 1000
        w = np.linspace(-0.5, 2.0, grid)
        b = np.linspace(-2000, 2000, grid)
        return [a.astype(dt) for a in (x1, yh, w, b)]

    def prim(B, dt):
        x1, yh, w, b = _dev(B, *inputs(dt))
        return lambda: B.loss_surface(x1, yh, w, b)

    def torch(T, dt):
        x1, yh, w, b = (T.tensor(a) for a in inputs(dt))

        def f():
            # one (W, N) slab per b: the whole (B, W, N) cube would not fit a cache
            return T.stack([((bi + w[:, None] * x1[None, :]) - yh).square().mean(1) for bi in b])
        return f

    return Case("loss_surface", size, desc, prim, torch)


# --------------------------------------------------------------------------- dense layers and networks

def _dense_cases(n, d, h, act, size):
    desc = f"N={n}, {d}→{h}, {act}"

    def prim_f(B, dt):
        x, W, b = _dev(B, D.normal((n, d), dt), D.normal((h, d), dt, 1, 1 / np.sqrt(d)), D.normal(h, dt, 2, 0.1))
        return lambda: B.dense_forward(x, W, b, act)

    def prim_b(B, dt):
        x, W, b, da = _dev(B, D.normal((n, d), dt), D.normal((h, d), dt, 1, 1 / np.sqrt(d)),
                           D.normal(h, dt, 2, 0.1), D.normal((n, h), dt, 3))
        _, cache = B.dense_forward(x, W, b, act)
        return lambda: B.dense_backward(da, cache)

    def torch_f(T, dt):
        x, W, b = (T.tensor(a) for a in (D.normal((n, d), dt), D.normal((h, d), dt, 1, 1 / np.sqrt(d)),
                                         D.normal(h, dt, 2, 0.1)))
        f = _ACT_TORCH[act][0]
        return lambda: f(T, T.addmm(b, x, W.T))

    def torch_b(T, dt):
        x, W, b, da = (T.tensor(a) for a in (D.normal((n, d), dt), D.normal((h, d), dt, 1, 1 / np.sqrt(d)),
                                             D.normal(h, dt, 2, 0.1), D.normal((n, h), dt, 3)))
        f, bw = _ACT_TORCH[act]
        r = T.addmm(b, x, W.T)
        a = f(T, r)

        def g():
            dr = bw(T, da, a, r)
            return dr @ W, dr.T @ x, dr.sum(0)
        return g

    return [Case("dense_forward", size, desc, prim_f, torch_f), Case("dense_backward", size, desc, prim_b, torch_b)]


def _torch_network(T, x, params):
    """Forward through ReLU layers and the read-out, keeping what the backward needs."""
    *hidden, c, b = params
    outs = [x]
    a = x
    for W, bl in zip(hidden[0::2], hidden[1::2]):
        a = T.relu(T.addmm(bl, a, W.T))
        outs.append(a)
    return T.addmv(b, a, c), outs


def _torch_network_backward(T, dy, params, outs):
    *hidden, c, b = params
    grads = [T.mv(outs[-1].T, dy), dy.sum()]
    da = T.outer(dy, c)
    for l in range(len(hidden) // 2, 0, -1):
        W = hidden[2 * l - 2]
        dr = T.ops.aten.threshold_backward(da, outs[l], 0)
        grads[:0] = [dr.T @ outs[l - 1], dr.sum(0)]
        da = dr @ W
    return (da, *grads)


def _network_cases(n, sizes, size):
    desc = f"N={n}, {sizes[0]}→{'→'.join(str(s) for s in sizes[1:])}→1, relu"

    def inputs(dt):
        x, yh = D.features(n, sizes[0], dt)
        return x, yh, D.init(sizes, dt)

    def prim_f(B, dt):
        x, _, p = inputs(dt)
        x = _dev(B, x)
        p = tuple(_dev(B, q) for q in p)
        return lambda: B.network_forward(x, *p, activation="relu")

    def prim_b(B, dt):
        x, _, p = inputs(dt)
        x, dy = _dev(B, x, D.normal(n, dt, 5))
        p = tuple(_dev(B, q) for q in p)
        _, cache = B.network_forward(x, *p, activation="relu")
        return lambda: B.network_backward(dy, cache)

    def torch_f(T, dt):
        x, _, p = inputs(dt)
        x, p = T.tensor(x), [T.tensor(np.asarray(q)) for q in p]
        return lambda: _torch_network(T, x, p)

    def torch_b(T, dt):
        x, _, p = inputs(dt)
        x, p, dy = T.tensor(x), [T.tensor(np.asarray(q)) for q in p], T.tensor(D.normal(n, dt, 5))
        _, outs = _torch_network(T, x, p)
        return lambda: _torch_network_backward(T, dy, p, outs)

    return [Case("network_forward", size, desc, prim_f, torch_f),
            Case("network_backward", size, desc, prim_b, torch_b)]


# --------------------------------------------------------------------------- optimization

def _closed_form_case(n, d, size):
    desc = f"N={n}, D={d}"

    def prim(B, dt):
        x, yh = _dev(B, *D.features(n, d, dt))
        return lambda: B.closed_form(x, yh)

    def torch(T, dt):
        x, yh = (T.tensor(a) for a in D.features(n, d, dt))

        def f():
            X = T.cat([x, T.ones(n, 1, dtype=x.dtype)], 1).double()
            XtX, Xty = X.T @ X, X.T @ yh.double()
            if T.linalg.cond(XtX) > 1 / np.finfo(np.float64).eps:
                raise ValueError("singular")
            return T.linalg.solve(XtX, Xty)
        return f

    return Case("closed_form", size, desc, prim, torch)


def _gd_step_case(shape, size):
    desc = "scalar" if shape == () else "×".join(str(s) for s in shape)

    def prim(B, dt):
        th, g = _dev(B, D.normal(shape, dt), D.normal(shape, dt, 1))
        return lambda: B.gd_step(th, g, 0.01)

    def torch(T, dt):
        th, g = T.tensor(D.normal(shape, dt)), T.tensor(D.normal(shape, dt, 1))
        return lambda: th - 0.01 * g

    return Case("gd_step", size, desc, prim, torch)


def _linear_gd_case(n, d, steps, size):
    desc = f"N={n}, D={d}, {steps} steps"
    eta = 1e-3 if d > 1 else 1e-2

    def prim(B, dt):
        x, yh = D.features(n, d, dt)
        x, yh, w = _dev(B, x, yh, np.zeros(d, dt))
        return lambda: B.linear_gd(x, yh, w, 0.0, eta, steps)

    def torch(T, dt):
        x, yh = (T.tensor(a) for a in D.features(n, d, dt))

        def f():
            w = T.zeros(d, dtype=x.dtype)
            b = T.zeros((), dtype=x.dtype)
            w_path, b_path, L_path = [], [], []
            for t in range(steps + 1):
                w_path.append(w)
                b_path.append(b)
                r = T.addmv(b, x, w) - yh
                L_path.append((r * r).mean())
                if t == steps:
                    break
                g = 2 * r / n
                w = w - eta * T.mv(x.T, g)
                b = b - eta * g.sum()
            return T.stack(w_path), T.stack(b_path), T.stack(L_path)
        return f

    return Case("linear_gd", size, desc, prim, torch)


def torch_epoch(T, x, yh, params, order, batch_size, eta):
    """One epoch of mini-batch gradient descent in PyTorch (autograd), ReLU and MSE."""
    params = [p.detach().clone().requires_grad_(True) for p in params]
    n = x.shape[0]
    losses = []
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        y, _ = _torch_network(T, x[idx], params)
        L = (y - yh[idx]).square().mean()
        grads = T.autograd.grad(L, params)
        with T.no_grad():
            for p, g in zip(params, grads):
                p -= eta * g
        losses.append(L.detach())
    return [p.detach() for p in params], T.stack(losses)


def _epoch_case(n, sizes, batch, size):
    desc = f"N={n}, {sizes[0]}→{'→'.join(str(s) for s in sizes[1:])}→1, B={batch}, relu, mse"

    def inputs(dt):
        x, yh = D.features(n, sizes[0], dt)
        return x, yh, D.init(sizes, dt), D.rng(7).permutation(n)

    def prim(B, dt):
        x, yh, p, order = inputs(dt)
        x, yh = _dev(B, x, yh)
        p = tuple(_dev(B, q) for q in p)
        return lambda: B.network_epoch(x, yh, *p, order=order, batch_size=batch, eta=1e-4,
                                       activation="relu", loss="mse")

    def torch(T, dt):
        x, yh, p, order = inputs(dt)
        x, yh, order = T.tensor(x), T.tensor(yh), T.tensor(order)
        p = [T.tensor(np.asarray(q)) for q in p]
        return lambda: torch_epoch(T, x, yh, p, order, batch, 1e-4)

    return Case("network_epoch", size, desc, prim, torch)


# --------------------------------------------------------------------------- creating training images

def _transform_case(shape, size):
    """transform_images on (N, C, H, W) images, each with its own angle (up to 15°) and shift (up to 1 px);
    PyTorch: affine_grid + grid_sample (bilinear, zeros outside, align_corners=True), the same sampling."""
    N, C, H, W = shape
    desc = f"{N}×{C}×{H}×{W} images"
    r = D.rng(7)
    angles, shifts = r.uniform(-15.0, 15.0, N), r.uniform(-1.0, 1.0, (N, 2))

    def prim(B, dt):
        x, a, s = _dev(B, D.normal(shape, dt), angles, shifts)
        return lambda: B.transform_images(x, a, s)

    def torch(T, dt):
        x = T.tensor(D.normal(shape, dt))
        th = np.deg2rad(angles)
        c, s_ = np.cos(th), np.sin(th)
        cy, cx = (H - 1) / 2.0, (W - 1) / 2.0
        dy, dx = shifts[:, 0], shifts[:, 1]
        theta = np.stack([np.stack([c, -s_ * cy / cx, (-c * dx + s_ * dy) / cx], 1),
                          np.stack([s_ * cx / cy, c, (-s_ * dx - c * dy) / cy], 1)], 1)
        theta = T.tensor(theta.astype(dt))
        F = T.nn.functional

        def f():
            grid = F.affine_grid(theta, list(shape), align_corners=True)
            return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True)
        return f

    return Case("transform_images", size, desc, prim, torch)


# --------------------------------------------------------------------------- the list

def all_cases() -> list[Case]:
    N, Dm, H, Bt = D.views_training()[0].shape[0], D.DAYS, D.HIDDEN, D.BATCH
    cases: list[Case] = []
    for act in ("sigmoid", "relu", "hard_sigmoid"):
        cases += _activation_cases(act, (N, H), "lecture")
        cases += _activation_cases(act, (8192, 256), "large")
    cases += _linear_cases(N, Dm, "lecture") + _linear_cases(20000, 256, "large")
    cases += _loss_cases(Bt, "lecture") + _loss_cases(N, "lecture") + _loss_cases(1 << 20, "large")
    cases += [_surface_case(15, 100, "lecture", table=True), _surface_case(N, 100, "lecture"),
              _surface_case(N, 200, "large")]
    for act in ("relu", "sigmoid"):
        cases += _dense_cases(Bt, Dm, H, act, "lecture") + _dense_cases(N, Dm, H, act, "lecture")
    cases += _dense_cases(8192, 256, 256, "relu", "large")
    for sizes in ((Dm, H), (Dm, H, H, H)):
        cases += _network_cases(Bt, sizes, "lecture") + _network_cases(N, sizes, "lecture")
    cases += _network_cases(8192, (Dm, 256, 256), "large")
    cases += [_closed_form_case(N, Dm, "lecture"), _closed_form_case(20000, 128, "large")]
    cases += [_gd_step_case((), "lecture"), _gd_step_case((H, Dm), "lecture"),
              _gd_step_case((1 << 20,), "large")]
    cases += [_linear_gd_case(N, 1, 1000, "lecture"), _linear_gd_case(N, Dm, 100, "lecture"),
              _linear_gd_case(20000, 256, 20, "large")]
    cases += [_epoch_case(N, (Dm, H), Bt, "lecture"), _epoch_case(N, (Dm, H, H, H), Bt, "lecture"),
              _epoch_case(4096, (Dm, 256, 256), 128, "large")]
    cases += [_transform_case((1347, 1, 8, 8), "lecture"), _transform_case((256, 3, 32, 32), "large")]
    return cases
