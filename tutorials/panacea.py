r"""Panacea for overfitting: created training digits (shifted, rotated 15°), and noisy test inputs (clean 0.97 vs noisy 0.50).

Reruns two slides of lecture II of the Deep Learning Tutorial (``003_ec86197519796290.txt``):

* 003 "Panacea for Overfitting": "Have more training data"; "*Create* more training
  data (?)" — handwriting recognition, the original training digits and created ones,
  "Shift 15°". The slide shows pictures and prints no accuracy; its claim is that the
  created data help against overfitting.
* 003 "Why Overfitting?": "For experiments, we added some noises to the testing
  data"; testing accuracy clean 0.97, noisy 0.50; "Training is not influenced."

Data: scikit-learn's 8×8 digits (``reference.data.load_digits``: 1,347 training and 450
test images, real handwriting), not MNIST, read as images ``(N, 1, 8, 8)``.

Created data. A small training set, the kind that overfits: ``PER_CLASS`` images of each
digit (50 in all), drawn anew for each of ``SEEDS`` repetitions. Each image gets
``COPIES`` created copies, each rotated by an angle drawn uniformly in ±15° (the slide's)
and shifted by up to ±1 pixel along each axis (``reference.data.random_transforms``;
bilinear sampling by ``transform_images`` of the backend, zero outside the image). The same
network (64-100-10, ReLU, softmax, ``Adam()``, cross entropy, ``batch_size=50``) is trained
on the original images alone and on the originals with their copies, for the same number
of updates (``UPDATES``), from the same initial weights; both are tested on the 450 test
images, and also on the same 450 images each shifted and rotated once by a separate draw of
the same ranges (test digits "written differently": the slide's "Why Overfitting?" says
training and testing data can differ). The verdicts compare the mean accuracies over the
seeds against two standard errors of their difference (over the seeds, and of a test set of
450, added in quadrature).

Noisy test inputs. The slide's noisy ``x_test[0]`` prints 79 of its entries; their sample
standard deviation is 0.99 and their mean 0.03, as from Gaussian noise of standard deviation
1 on pixels in [0, 1]. So this run adds Gaussian noise of standard deviation ``SIGMA = 1.0``
(``reference.data.add_gaussian_noise``) to the test images of a network trained on all 1,347
clean training images (``NOISE_EPOCHS`` epochs, ``batch_size=100``), and also draws the test
accuracy against the noise's standard deviation. The slide's network saw 784 pixels, these
networks 64, so the level of the fall is not comparable; the verdict judges its direction.

``--quick``: 3 images per digit, 2 copies, 2 seeds, a few updates, a smoke test.

Concept: data.augment, data.digits, generalize.overfit

Run: ``python -m tutorials.panacea [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference import data
from reference.keras import Activation, Adam, Dense, Sequential

from ._common import (accuracy_noise, combined_noise, fit, one_blas_thread, pyplot, seed_noise, slide,
                      tutorial_main, verdict)

PER_CLASS = 5               # training images per digit: 50 in all
COPIES = 4                  # created copies per training image
MAX_ANGLE = 15.0            # the slide's
MAX_SHIFT = 1.0             # pixels, along each axis
UPDATES = 1500              # the same number of updates for the original and the enlarged training set
BATCH_SIZE = 50
HIDDEN = 100
SEEDS = 10
SIGMA = 1.0                 # the slide's noise: its printed noisy entries have sd 0.99
SIGMAS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0)
NOISE_EPOCHS = 50
#: The slide's testing accuracies (MNIST), "Why Overfitting?".
SLIDE_NOISE = {"clean": 0.97, "noisy": 0.50}


def build(B, seed, hidden):
    """The small network: 64-hidden-10, ReLU, softmax, Adam, cross entropy."""
    model = Sequential(backend=B, seed=seed)
    model.add(Dense(input_dim=64, output_dim=hidden))
    model.add(Activation('relu'))
    model.add(Dense(output_dim=10))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=Adam(), metrics=['accuracy'])
    return model


def images(x):
    """Rows of 64 pixels as (N, 1, 8, 8) images."""
    return x.reshape(-1, 1, 8, 8)


def created(B, x, copies, rng, max_angle=MAX_ANGLE, max_shift=MAX_SHIFT):
    """``copies`` rotated and shifted copies of every row of ``x`` (image by image, copies adjacent),
    as rows again, with the angles and shifts drawn."""
    angles, shifts = data.random_transforms(rng, x.shape[0] * copies, max_angle, max_shift)
    out = B.to_host(B.transform_images(images(np.repeat(x, copies, axis=0)), angles, shifts))
    return out.reshape(-1, 64), angles, shifts


def small_subset(labels, per_class, rng):
    """``per_class`` indices of each digit, drawn without replacement."""
    return np.concatenate([rng.permutation(np.flatnonzero(labels == d))[:per_class] for d in range(10)])


def run(ctx):
    B = ctx.backend
    (x_train, l_train), (x_test, l_test) = data.load_digits(seed=ctx.seed, dtype=np.float32)
    if ctx.simulated:
        x_test, l_test = x_test[:20], l_test[:20]
        ctx.log("CUDA simulator: 20 test images only")
    y_test = data.onehot(l_test, 10, dtype=np.float32)
    n_test = x_test.shape[0]
    per_class = ctx.sized(PER_CLASS, 3, sim=1)
    copies = ctx.sized(COPIES, 2, sim=1)
    updates = ctx.sized(UPDATES, 60, sim=2)
    hidden = ctx.sized(HIDDEN, 32, sim=4)
    seeds = [ctx.seed + k for k in range(ctx.sized(SEEDS, 2, sim=2))]
    # The test digits "written differently": each shifted and rotated once, by its own generator.
    x_moved, _, _ = created(B, x_test, 1, np.random.default_rng([ctx.seed, 1]))
    ctx.log(f"digits: {per_class} training images per digit, {copies} created copies each "
            f"(±{MAX_ANGLE:g}°, ±{MAX_SHIFT:g} px), {updates} updates, {len(seeds)} seeds; 64-{hidden}-10")

    acc = {key: [] for key in ("original", "created", "original, moved test", "created, moved test")}
    example = None
    for seed in ctx.progress(seeds, "seeds"):
        rng = np.random.default_rng([seed, 0])
        idx = small_subset(l_train, per_class, rng)
        x_small, l_small = x_train[idx], l_train[idx]
        x_new, angles, shifts = created(B, x_small, copies, rng)
        x_big = np.concatenate([x_small, x_new])
        l_big = np.concatenate([l_small, np.repeat(l_small, copies)])
        if example is None:
            example = (x_small, x_new, angles, shifts, l_small)
        for name, x, labels in (("original", x_small, l_small), ("created", x_big, l_big)):
            model = build(B, seed, hidden)
            epochs = max(1, updates // -(-x.shape[0] // BATCH_SIZE))
            fit(ctx, model, x, data.onehot(labels, 10, dtype=np.float32), epochs=epochs, batch_size=BATCH_SIZE,
                desc=f"seed {seed}, {name}", steps=2)
            acc[name].append(model.evaluate(x_test, y_test, verbose=0)[1])
            acc[f"{name}, moved test"].append(model.evaluate(x_moved, y_test, verbose=0)[1])
    mean = {key: float(np.mean(v)) for key, v in acc.items()}
    n_small = 10 * per_class

    where = slide("003-II", "Panacea for Overfitting")
    rows = [[f"{n_small} originals", n_small, mean["original"], mean["original, moved test"]],
            [f"{n_small} originals + {copies * n_small} created", n_small * (copies + 1), mean["created"],
             mean["created, moved test"]]]
    ctx.table(f"{where}: test accuracy, mean over {len(seeds)} seeds, {updates} updates each, backend {B.name}",
              ["training set", "images", "test accuracy (450 test images)", "test images shifted and rotated"],
              rows, note="The slide shows created digits and prints no accuracy. Per seed (original / created): "
                         + "; ".join(f"{a:.3f} / {b:.3f}" for a, b in zip(acc["original"], acc["created"])) + ".")
    for suffix, test_name in (("", "the test images"), (", moved test", "the test images shifted and rotated")):
        a, b = acc[f"original{suffix}"], acc[f"created{suffix}"]
        noise = combined_noise(seed_noise(a, b), accuracy_noise([np.mean(a), np.mean(b)], n_test))
        verdict(ctx, where, f"training on created (shifted, rotated) copies raises the accuracy on {test_name}",
                None, {"original": float(np.mean(a)), "created": float(np.mean(b))}, noise, winner="created")
    gain, moved_gain = mean["created"] - mean["original"], mean["created, moved test"] - mean["original, moved test"]
    ctx.note(f"How to read the two columns: the created copies change the accuracy on the test images by "
             f"{gain:+.3f} and on the same images shifted and rotated by {moved_gain:+.3f}. The test images are "
             f"drawn from the same pool as the training ones, written in the same box and about as centred, so "
             f"they show little of the shifts and turns the copies teach; test digits that do vary so (the "
             f"second column) are where the created data pay. The slide's \"Why Overfitting?\" puts it: "
             f"training and testing data can be different.")

    # ---- noisy test inputs -------------------------------------------------------------------------
    x_full, l_full = (x_train[:20], l_train[:20]) if ctx.simulated else (x_train, l_train)
    model = build(B, ctx.seed, hidden)
    history, _ = fit(ctx, model, x_full, data.onehot(l_full, 10, dtype=np.float32),
                     epochs=ctx.sized(NOISE_EPOCHS, 5, sim=1), batch_size=100, desc="all training images")
    sigmas = SIGMAS if not ctx.simulated else (0.0, SIGMA)
    noise_rng = np.random.default_rng([ctx.seed, 2])
    noisy = {s: data.add_gaussian_noise(x_test, s, noise_rng) for s in sigmas}
    with one_blas_thread():
        by_sigma = {s: float(model.evaluate(noisy[s], y_test, verbose=0)[1]) for s in sigmas}
    train_acc = history["accuracy"][-1]
    where = slide("003-II", "Why Overfitting?")
    ctx.table(f"{where}: test accuracy of one network trained on {x_full.shape[0]} clean images, backend {B.name}",
              ["testing", "slide (MNIST)", "this run", "training accuracy (last epoch)"],
              [["clean", SLIDE_NOISE["clean"], by_sigma[0.0], train_acc],
               [f"noisy (Gaussian, sd {SIGMA:g})", SLIDE_NOISE["noisy"], by_sigma[SIGMA], train_acc]],
              note="Training is not influenced: the same trained network, only the test inputs change. "
                   "Accuracy by noise level: " + ", ".join(f"sd {s:g}: {a:.3f}" for s, a in by_sigma.items()) + ".")
    this = {"clean": by_sigma[0.0], "noisy": by_sigma[SIGMA]}
    verdict(ctx, where, f"noise of sd {SIGMA:g} added to the test inputs lowers the test accuracy", SLIDE_NOISE,
            this, accuracy_noise(list(this.values()), n_test))
    plot_digits(ctx, example, copies)
    plot_noise(ctx, by_sigma, noisy, n_test)


def plot_digits(ctx, example, copies):
    """Original training digits beside their created copies (angle and shift over each)."""
    x_small, x_new, angles, shifts, labels = example
    plt = pyplot()
    picks = [int(np.flatnonzero(labels == d)[0]) for d in range(0, 10, 2)]
    fig, axes = plt.subplots(len(picks), copies + 1, figsize=(1.5 * (copies + 1), 1.6 * len(picks)),
                             squeeze=False)
    for r, i in enumerate(picks):
        axes[r, 0].imshow(x_small[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        axes[r, 0].set_title("original", fontsize=8)
        for c in range(copies):
            k = i * copies + c
            axes[r, c + 1].imshow(x_new[k].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            axes[r, c + 1].set_title(f"{angles[k]:+.0f}°, ({shifts[k, 0]:+.1f}, {shifts[k, 1]:+.1f})", fontsize=7)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(f"{slide('003-II', 'Panacea for Overfitting')}: original and created training digits\n"
                 f"(rotation in degrees, shift (down, right) in pixels)", fontsize=9)
    fig.tight_layout()
    ctx.figure(fig, "panacea_digits.png",
               "Training digits and their created copies: each rotated by up to 15° and shifted by up to one "
               "pixel, sampled bilinearly (zero outside).")


def plot_noise(ctx, by_sigma, noisy, n_test):
    """Test accuracy against the noise's standard deviation, and one test digit at three levels."""
    plt = pyplot()
    fig = plt.figure(figsize=(11, 4.2))
    ax = fig.add_subplot(1, 2, 1)
    s = np.array(list(by_sigma))
    a = np.array(list(by_sigma.values()))
    half = 2.0 * np.sqrt(a * (1 - a) / n_test)
    ax.errorbar(s, a, yerr=half, fmt="o-", color="tab:blue", capsize=3, label="this run (digits, 64 pixels)")
    ax.plot([0.0, SIGMA], [SLIDE_NOISE["clean"], SLIDE_NOISE["noisy"]], "s", color="tab:red",
            label="the slide (MNIST): clean 0.97, noisy 0.50")
    ax.axhline(0.1, color="gray", lw=0.8, ls=":", label="chance (10 digits)")
    ax.set_xlabel("standard deviation of the Gaussian noise added to the test pixels (ink in [0, 1])")
    ax.set_ylabel(f"test accuracy ({n_test} images; bars: two standard errors)")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.set_title(slide("003-II", "Why Overfitting?"), fontsize=9)
    levels = [v for v in (0.0, 0.5, SIGMA) if v in noisy]
    for k, v in enumerate(levels):
        sub = fig.add_subplot(len(levels), 4, 4 * k + 3)
        sub.imshow(noisy[v][0].reshape(8, 8), cmap="gray_r")
        sub.set_title(f"test image 0, noise sd {v:g}", fontsize=8)
        sub.set_xticks([])
        sub.set_yticks([])
    fig.tight_layout()
    ctx.figure(fig, "panacea_noise.png",
               "Test accuracy of one network trained on clean digits, against the standard deviation of the "
               "Gaussian noise added to the test images (the slide's noise has sd about 1).")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
