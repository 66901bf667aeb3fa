r"""Keras's ``keras.preprocessing.text``: words to integer indices, and texts to bag-of-words rows.

The slides encode a word as a 1-of-N vector over a lexicon, with a dimension for
"other" (003 "1-of-N encoding", "Beyond 1-of-N encoding"). A :class:`Tokenizer` builds
that lexicon from texts (the words ranked by frequency, index 1 the most frequent;
index 0 is never a word, so it can pad) and turns texts into index sequences, ready
for :func:`reference.keras.preprocessing.sequence.pad_sequences`, or into rows of a
matrix (:meth:`Tokenizer.sequences_to_matrix`). :func:`one_hot` hashes words to
indices without a lexicon.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections import OrderedDict, defaultdict

import numpy as np

#: The characters Keras removes from texts by default: punctuation, tab and newline.
DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
#: The matrix modes of :meth:`Tokenizer.sequences_to_matrix`.
MATRIX_MODES = ("binary", "count", "freq", "tfidf")


def base_filter():
    """Keras 1's default ``filters``: :data:`DEFAULT_FILTERS`.

    Concept: data.onehot
    """
    return DEFAULT_FILTERS


def _str(where, name, value):
    if not isinstance(value, str):
        raise ValueError(f"{where}: {name} must be a str; got {type(value).__name__}")
    return value


def _flag(where, name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{where}: {name} must be True or False; got {value!r}")
    return bool(value)


def _split(where, split):
    if not isinstance(split, str) or not split:
        raise ValueError(f"{where}: split must be a non-empty str; got {split!r}")
    return split


def text_to_word_sequence(text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """The words of ``text``: lowercased (``lower``), each character of ``filters`` made a separator, split on ``split``.

    Empty words are dropped. ``text_to_word_sequence("Hello, world!")`` is ``['hello', 'world']``.

    Concept: data.onehot
    """
    where = "text_to_word_sequence"
    text = _str(where, "text", text)
    filters = _str(where, "filters", filters)
    lower = _flag(where, "lower", lower)
    split = _split(where, split)
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in text.split(split) if w]


def _md5(word):
    return int(hashlib.md5(word.encode("utf-8")).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=" "):
    r"""Each word of ``text`` hashed to an index in ``1 .. n-1``: :math:`h(w) \bmod (n - 1) + 1`.

    ``hash_function`` is a callable ``str -> int``, or None or ``'md5'`` for the MD5 of
    the word's UTF-8 bytes. (Keras's default is Python's ``hash``, which changes from
    one run to the next unless ``PYTHONHASHSEED`` is fixed; MD5 gives the same indices
    on every run.) Different words may share an index.

    Concept: data.onehot
    """
    where = "hashing_trick"
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"{where}: n must be an integer >= 2 (indices run 1..n-1); got {n!r}")
    if hash_function is None or hash_function == "md5":
        hash_function = _md5
    elif not callable(hash_function):
        raise ValueError(f"{where}: hash_function must be None, 'md5' or a callable str -> int; "
                         f"got {hash_function!r}")
    return [int(hash_function(w)) % (int(n) - 1) + 1
            for w in text_to_word_sequence(text, filters=filters, lower=lower, split=split)]


def one_hot(text, n, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Keras's ``one_hot``: the words' hashed indices in ``1 .. n-1`` (:func:`hashing_trick` with MD5).

    Concept: data.onehot
    """
    return hashing_trick(text, n, hash_function="md5", filters=filters, lower=lower, split=split)


class Tokenizer:
    r"""A lexicon built from texts: each word an index by frequency, and texts as indices or matrix rows.

    Concept: data.onehot

    Parameters
    ----------
    num_words : int >= 1 or None — keep only indices below ``num_words`` (the
        ``num_words - 1`` most frequent words) when converting texts; None keeps all
    filters : str — characters removed from the texts (:data:`DEFAULT_FILTERS`)
    lower : bool — lowercase the texts
    split : str — the word separator
    char_level : bool — every character is a token
    oov_token : str or None — a token (index 1) that stands for every word outside the
        lexicon when converting texts; None drops those words
    nb_words : Keras 1's name for ``num_words`` (give one of the two)

    Attributes
    ----------
    word_counts : dict word -> occurrences in the fitted texts (in order of first appearance)
    word_docs : dict word -> the number of texts it occurs in
    word_index : dict word -> index (1 the most frequent; ties in order of first appearance)
    index_word : dict index -> word
    index_docs : dict index -> the number of texts the word occurs in
    document_count : int — the number of texts fitted
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ", char_level=False,
                 oov_token=None, *, nb_words=None):
        where = "Tokenizer"
        if nb_words is not None:
            if num_words is not None:
                raise TypeError(f"{where}: give num_words (Keras 2) or nb_words (Keras 1), not both; got "
                                f"num_words={num_words!r}, nb_words={nb_words!r}")
            num_words = nb_words
        if num_words is not None and (isinstance(num_words, (bool, np.bool_))
                                      or not isinstance(num_words, numbers.Integral) or num_words < 1):
            raise ValueError(f"{where}: num_words must be an integer >= 1 or None; got {num_words!r}")
        self.num_words = None if num_words is None else int(num_words)
        self.filters = _str(where, "filters", filters)
        self.lower = _flag(where, "lower", lower)
        self.split = _split(where, split)
        self.char_level = _flag(where, "char_level", char_level)
        if oov_token is not None and not isinstance(oov_token, str):
            raise ValueError(f"{where}: oov_token must be a str or None; got {oov_token!r}")
        self.oov_token = oov_token
        self.word_counts: OrderedDict[str, int] = OrderedDict()
        self.word_docs: dict[str, int] = defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}
        self.index_docs: dict[int, int] = defaultdict(int)
        self.document_count = 0

    @property
    def nb_words(self):
        """Keras 1's name for ``num_words``."""
        return self.num_words

    def _tokens(self, where, i, text):
        if self.char_level or isinstance(text, list):
            if isinstance(text, list):
                if not all(isinstance(t, str) for t in text):
                    raise ValueError(f"{where}: texts[{i}] must be a str or a list of str tokens")
                return [t.lower() for t in text] if self.lower else list(text)
            text = _str(where, f"texts[{i}]", text)
            return list(text.lower() if self.lower else text)
        if not isinstance(text, str):
            raise ValueError(f"{where}: texts[{i}] must be a str (or a list of str tokens); "
                             f"got {type(text).__name__}")
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    @staticmethod
    def _texts(where, texts):
        if isinstance(texts, str):
            raise ValueError(f"{where}: texts must be a list of texts; got one str (write [text])")
        if not hasattr(texts, "__iter__"):
            raise ValueError(f"{where}: texts must be a list of texts; got {type(texts).__name__}")
        return texts

    def fit_on_texts(self, texts):
        """Count the words of ``texts`` (a list of str, or of lists of tokens) and rebuild :attr:`word_index`."""
        where = "Tokenizer.fit_on_texts"
        for i, text in enumerate(self._texts(where, texts)):
            seq = self._tokens(where, i, text)
            self.document_count += 1
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        ranked = sorted(self.word_counts.items(), key=lambda wc: wc[1], reverse=True)  # stable: ties keep order
        vocabulary = ([self.oov_token] if self.oov_token is not None else []) + [w for w, _ in ranked]
        self.word_index = {w: i for i, w in enumerate(vocabulary, start=1)}
        self.index_word = {i: w for w, i in self.word_index.items()}
        self.index_docs = defaultdict(int, {self.word_index[w]: c for w, c in self.word_docs.items()})

    def texts_to_sequences(self, texts):
        """Each text as the list of its words' indices (words outside the lexicon, or at an index
        ``>= num_words``, dropped, or replaced by the ``oov_token``'s index when one is set)."""
        where = "Tokenizer.texts_to_sequences"
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        out = []
        for i, text in enumerate(self._texts(where, texts)):
            seq = []
            for w in self._tokens(where, i, text):
                index = self.word_index.get(w)
                if index is not None and not (self.num_words and index >= self.num_words):
                    seq.append(index)
                elif oov is not None:
                    seq.append(oov)
            out.append(seq)
        return out

    def sequences_to_texts(self, sequences):
        """The inverse of :meth:`texts_to_sequences`: the words of each sequence joined by a space."""
        return [" ".join(self.index_word[j] for j in seq if j in self.index_word
                         and not (self.num_words and j >= self.num_words)) for seq in sequences]

    def texts_to_matrix(self, texts, mode="binary"):
        """:meth:`sequences_to_matrix` of :meth:`texts_to_sequences`."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        r"""One row per sequence, one column per index ``0 .. V-1`` (column 0 stays 0): Keras's formulas.

        With :math:`c_j` the occurrences of index :math:`j` in the sequence, :math:`n`
        its length, :math:`D` the texts fitted and :math:`d_j` the texts holding word
        :math:`j`:

        * ``'binary'``: 1 where :math:`c_j > 0`;
        * ``'count'``: :math:`c_j`;
        * ``'freq'``: :math:`c_j / n`;
        * ``'tfidf'``: :math:`(1 + \ln c_j)\,\ln\bigl(1 + D / (1 + d_j)\bigr)` where :math:`c_j > 0`.

        ``V`` is ``num_words``, or the lexicon's size + 1 without it. Indices ``>= V`` are
        not counted (but still count in :math:`n`, as in Keras).

        Returns
        -------
        ndarray (len(sequences), V) of float64
        """
        where = "Tokenizer.sequences_to_matrix"
        if mode not in MATRIX_MODES:
            raise ValueError(f"{where}: mode must be one of {', '.join(map(repr, MATRIX_MODES))}; got {mode!r}")
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError(f"{where}: the width is unknown: give Tokenizer(num_words=...) or call fit_on_texts "
                             f"first")
        if mode == "tfidf" and not self.document_count:
            raise ValueError(f"{where}: mode 'tfidf' needs the document counts: call fit_on_texts first")
        if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__len__"):
            raise ValueError(f"{where}: sequences must be a list of lists of indices; got {type(sequences).__name__}")
        x = np.zeros((len(sequences), width))
        for i, seq in enumerate(sequences):
            if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
                raise ValueError(f"{where}: sequences[{i}] must be a list of indices; got {type(seq).__name__}")
            counts: dict[int, int] = defaultdict(int)
            for j in seq:
                if isinstance(j, (bool, np.bool_)) or not isinstance(j, numbers.Integral) or j < 0:
                    raise ValueError(f"{where}: sequences[{i}] must hold integer indices >= 0; got {j!r}")
                if j < width:
                    counts[int(j)] += 1
            for j, c in counts.items():
                if mode == "binary":
                    x[i, j] = 1.0
                elif mode == "count":
                    x[i, j] = c
                elif mode == "freq":
                    x[i, j] = c / len(seq)
                else:
                    x[i, j] = (1 + math.log(c)) * math.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
        return x

    def get_config(self):
        """The constructor's arguments (plain data)."""
        return {"num_words": self.num_words, "filters": self.filters, "lower": self.lower, "split": self.split,
                "char_level": self.char_level, "oov_token": self.oov_token}

    def __repr__(self):
        return f"Tokenizer(num_words={self.num_words!r}, {len(self.word_index)} words from {self.document_count} texts)"


__all__ = ["Tokenizer", "text_to_word_sequence", "one_hot", "hashing_trick", "base_filter", "DEFAULT_FILTERS",
           "MATRIX_MODES"]
