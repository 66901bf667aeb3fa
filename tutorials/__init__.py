"""slidespec's tutorials: one runnable study script per experiment the slides show.

Each tutorial reruns one experiment of the lectures, names the slides it follows and
the data it uses (a table printed on the slides, or an honestly labelled synthetic
stand-in), writes its figures as PNG files, and prints a table that puts the slide's
number beside this run's::

    python -m tutorials.views --backend cpu          # one tutorial
    python -m tutorials --quick                      # the tour: all of them, and a report

Every tutorial takes ``--backend reference|cpu|cuda``, ``--quick``, ``--out DIR`` and
``--seed N``; ``python -m tutorials.<name> --help`` says what it reruns.
"""

#: The tutorials, in the order the tour runs them (module names in this package).
TUTORIALS = ("views", "piecewise", "batch_sizes", "gait", "fc_example", "mlp_neurons", "hello_world",
             "vanishing", "deep_vs_fat", "recipe_flow", "relu_variants", "optimizers", "momentum",
             "adam_vs_sgd",
             # good results on testing data (001's second half, 003's lecture II part II, 004's validation)
             "practice_activation", "practice_sparse", "practice_overfit", "practice_early_stop", "practice_l2",
             "practice_l1", "practice_small_init", "practice_dropout", "practice_variance",
             "lambda_table", "bias_variance", "cross_validation", "panacea", "dropout", "dropout_variants",
             "documents", "f_lazy")

__all__ = ["TUTORIALS"]
