"""An honest synthetic stand-in for the channel's daily views (the real series does not ship)."""

from __future__ import annotations

import numpy as np

# The weekly cycle of the 2021 table: views dip on Friday and Saturday.
_WEEKDAY = np.array([1.05, 1.10, 1.08, 1.02, 0.86, 0.84, 0.95])  # Monday … Sunday


def synthetic_views(rng, start="2017-01-01", end="2021-12-31"):
    r"""A synthetic daily-views series shaped like the lecture's channel. **Not real data.**

    The slides train on the channel's daily views of 2017–2020 and test on 2021;
    that series does not ship, so this generates a stand-in with the features the
    lecture talks about: a weekly cycle (the dip on Fridays and Saturdays seen in the
    2021 table), a slow upward trend, a yearly rhythm of the teaching terms,
    occasional bursts after an upload, and day-to-day noise that is correlated from
    one day to the next. Its level (a few thousand views a day) matches the tables
    of :func:`~reference.data.load_views`. Results on it show the *shape* of the lecture's results,
    not its numbers.

    .. math::

        \text{views}_t = \text{level}_t \cdot \text{term}_t \cdot \text{week}_t
                         \cdot \text{burst}_t \cdot e^{\epsilon_t},
        \qquad \epsilon_t = 0.6\,\epsilon_{t-1} + \mathcal{N}(0, 0.09^2)

    Concept: data.views.

    Parameters
    ----------
    rng : numpy.random.Generator
    start, end : str — the first and last date, inclusive (ISO ``YYYY-MM-DD``)

    Returns
    -------
    dict with ``date`` (``datetime64[D]``) and ``views`` (float64, whole numbers)
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"synthetic_views: rng must be a numpy.random.Generator; got {type(rng).__name__}")
    date = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    if date.size < 1:
        raise ValueError(f"synthetic_views: end must not be before start; got {start} … {end}")
    t = np.arange(date.size)
    level = 3000.0 + 1.2 * t                                    # a growing channel
    day_of_year = (date - date.astype("datetime64[Y]")).astype(int)
    term = 1 + 0.18 * np.cos(2 * np.pi * (day_of_year - 100) / 365.25)
    weekday = (date.astype(int) + 3) % 7                       # 1970-01-01 was a Thursday
    week = _WEEKDAY[weekday]
    burst = np.ones(date.size)
    for t0 in np.flatnonzero(rng.random(date.size) < 1 / 45):  # an upload every ~6 weeks
        height = rng.exponential(0.6)
        tail = np.arange(date.size - t0)
        burst[t0:] += height * np.exp(-tail / 3.0)
    eps = np.empty(date.size)
    eps[0] = rng.normal(0, 0.09)
    shocks = rng.normal(0, 0.09, size=date.size)
    for i in range(1, date.size):
        eps[i] = 0.6 * eps[i - 1] + shocks[i]
    views = np.round(level * term * week * burst * np.exp(eps))
    return {"date": date, "views": views}


#: The shape of the slide's Reuters set (003 "Document Classification"): 8,982 training and 2,246 test
#: newswires, 46 topics.
REUTERS_SHAPE = {"train": 8982, "test": 2246, "topics": 46}


def synthetic_documents(rng, n_docs=REUTERS_SHAPE["train"] + REUTERS_SHAPE["test"], *, n_topics=46,
                        vocabulary=10_000, words_per_topic=40, topic_share=0.15, mean_length=145):
    r"""A synthetic bag-of-words corpus shaped like the Reuters newswires of the slide. **Not real data.**

    The slide (003 "Document Classification") classifies Reuters newswires into 46 topics
    from the 1,000 most frequent words; that corpus does not ship, so this draws a
    stand-in of the same shape from an explicit generative model:

    * **words** are integer indices ``1 .. vocabulary`` ranked by overall frequency, as
      Keras's ``reuters.load_data`` gives them (1 the most frequent; 0 is never a word,
      so it can pad): a background distribution :math:`q_j \propto 1/j` (Zipf's law);
    * **topics**: topic :math:`k` has ``words_per_topic`` words of its own, drawn without
      replacement from the indices ``1 .. vocabulary`` with weight :math:`\propto 1/\sqrt j`
      (so most fall among the 1,000 most frequent, some outside); topics share words by
      chance, which makes some pairs hard to tell apart; within a topic, its words'
      probabilities are Zipf-like too (:math:`\propto 1/r` for the word of rank :math:`r`);
    * **labels**: the topic of a document is drawn with probability :math:`\propto 1/k^{1.2}`,
      a few large topics and a long tail (Reuters's two largest topics hold over half of
      its newswires);
    * **a document** of length :math:`n \sim \max(5, \lfloor\mathrm{LogNormal}(\ln \bar n - 0.3, 0.75^2)\rceil)`
      (mean about ``mean_length``) draws each word independently: from its topic's words with
      probability ``topic_share``, else from the background.

    Every number here is this model's, not Reuters's: results show the *shape* of the
    slide's experiment (how much dropout changes the test accuracy of the same network),
    not its numbers.

    Concept: data.onehot

    Parameters
    ----------
    rng : numpy.random.Generator — the only source of randomness
    n_docs : int >= 1 — the number of documents (default: the slide's 8,982 + 2,246)
    n_topics : int >= 2 — the number of topics (the slide's 46)
    vocabulary : int >= ``words_per_topic`` — the number of distinct word indices
    words_per_topic : int >= 1
    topic_share : float in (0, 1] — the probability that a word comes from the topic
    mean_length : float > 5 — the mean number of words of a document

    Returns
    -------
    sequences : list of ``n_docs`` lists of int (word indices in ``1 .. vocabulary``, in order)
    labels : ndarray (n_docs,) of int64 in ``0 .. n_topics - 1``
    """
    fn = "synthetic_documents"
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{fn}: rng must be a numpy.random.Generator; got {type(rng).__name__}")

    def integer(name, value, low):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{fn}: {name} must be an integer >= {low}; got {value!r}")
        return int(value)

    n_docs = integer("n_docs", n_docs, 1)
    n_topics = integer("n_topics", n_topics, 2)
    words_per_topic = integer("words_per_topic", words_per_topic, 1)
    vocabulary = integer("vocabulary", vocabulary, words_per_topic)
    if isinstance(topic_share, (bool, np.bool_)) or not isinstance(topic_share, (int, float, np.floating)) \
            or not 0 < topic_share <= 1:
        raise ValueError(f"{fn}: topic_share must be a number in (0, 1]; got {topic_share!r}")
    if isinstance(mean_length, (bool, np.bool_)) or not isinstance(mean_length, (int, float, np.floating)) \
            or not 5 < mean_length < np.inf:
        raise ValueError(f"{fn}: mean_length must be a finite number > 5; got {mean_length!r}")
    ranks = np.arange(1, vocabulary + 1)
    background = 1.0 / ranks
    background /= background.sum()
    pick = 1.0 / np.sqrt(ranks)
    pick /= pick.sum()
    topic_words = np.stack([rng.choice(ranks, size=words_per_topic, replace=False, p=pick) for _ in range(n_topics)])
    within = 1.0 / np.arange(1, words_per_topic + 1)
    within /= within.sum()
    prior = 1.0 / np.arange(1, n_topics + 1) ** 1.2
    prior /= prior.sum()
    labels = rng.choice(n_topics, size=n_docs, p=prior).astype(np.int64)
    # A log-normal with sigma 0.75 has mean exp(mu + 0.28): mu = ln(mean) - 0.28 gives the mean.
    lengths = np.maximum(5, np.rint(rng.lognormal(np.log(mean_length) - 0.28, 0.75, size=n_docs))).astype(int)
    total = int(lengths.sum())
    from_topic = rng.random(total) < topic_share
    words = rng.choice(ranks, size=total, p=background)
    doc_of = np.repeat(np.arange(n_docs), lengths)
    slot = rng.choice(words_per_topic, size=total, p=within)
    words = np.where(from_topic, topic_words[labels[doc_of], slot], words)
    cuts = np.cumsum(lengths)[:-1]
    return [seq.tolist() for seq in np.split(words.astype(np.int64), cuts)], labels
