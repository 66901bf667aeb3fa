"""slidespec's benchmarks: how fast each backend runs the primitives, and lecture 1's training run.

Run ``python -m benchmarks`` (``--help`` lists the options; ``--quick`` takes
seconds). Every primitive of :data:`reference.PRIMITIVES` is timed on each backend
that runs here (:func:`accelerated.available`; the cuda backend only on a real GPU,
never on the simulator) and on PyTorch's CPU operations when ``import torch``
works (PyTorch is never a dependency), at lecture 1's sizes and at one larger
size. The recorded figures and the machine they came from are in
``benchmarks/RESULTS.md``.

Modules: :mod:`benchmarks.cases` (what is timed), :mod:`benchmarks.data` (the
inputs), :mod:`benchmarks.timing` (how), :mod:`benchmarks.training` (the full
training run), :mod:`benchmarks.mlp` (lecture 3's networks: the time of a training
step, against PyTorch and against the machine's matrix-product rate),
:mod:`benchmarks.optimizers` (one update of each optimizer rule, against the machine's
copy bandwidth, the reference and PyTorch), :mod:`benchmarks.machine` (what it ran on).
"""
