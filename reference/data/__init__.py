r"""Data: the tables the slides print, honest synthetic stand-ins, splits and epochs.

Nothing here downloads anything. What ships (see ``README.md`` beside this file):

* ``views_2021.csv`` — the channel's daily likes, new subscribers and views from
  2021-01-26 to 2021-02-10, as printed on the slide "The function we want to find"
  of lecture 1 (``000``);
* ``views_2020.csv`` — the analytics table of 2020-01-01 to 2020-01-14 from the slide
  "Function with Unknown Parameters" (``000``);
* ``gait.csv`` — the 23-row table of the slide "Notations" (``001``).

The channel's four years of daily views (2017–2021) that lecture 1 trains on do not
ship; :func:`synthetic_views` generates an honest stand-in with the same shape
(weekly cycle, trend, noise), and says so.

Handwritten digits: :func:`load_digits` gives scikit-learn's bundled 8×8 digits (real
data, shipped inside scikit-learn); :func:`load_mnist` reads real MNIST IDX files from a
directory you give. :func:`onehot` and :func:`word_hashing` turn labels and words into
vectors. :func:`kfold_indices` gives the folds of N-fold cross-validation, and
:func:`add_gaussian_noise` the noisy test inputs of the recipe against overfitting,
:func:`random_transforms` the shifts and rotations that create more training images, and
:func:`dropout_mask` the masks of dropout (:func:`annealed_dropout_rate` their rate, epoch by epoch).

Randomness always comes from a ``numpy.random.Generator`` the caller passes in.
"""

from .digits import load_digits, load_mnist, read_idx
from .encoding import onehot, word_hashing
from .noise import add_gaussian_noise, annealed_dropout_rate, dropout_mask, random_transforms
from .series import batches, chronological_split, epoch_order, kfold_indices, lag_features, split_indices
from .synthetic import REUTERS_SHAPE, synthetic_documents, synthetic_views
from .tables import GAIT_MISSING, load_gait, load_views

__all__ = ["load_views", "load_gait", "synthetic_views", "synthetic_documents", "REUTERS_SHAPE", "lag_features", "split_indices", "kfold_indices",
           "chronological_split", "epoch_order", "batches", "GAIT_MISSING",
           "onehot", "word_hashing", "load_digits", "read_idx", "load_mnist", "add_gaussian_noise",
           "dropout_mask", "annealed_dropout_rate", "random_transforms"]
