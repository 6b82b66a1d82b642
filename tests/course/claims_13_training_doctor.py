"""Claims of the capstone (13_training_doctor): the numbers and comparisons of its prose,
checked against the executed solution notebook (see claims.py).

The runs of the lesson come from ``ref.make_config`` and ``ref.record_run`` with the notebook's
``rng`` (seed 0): the gallery of six runs (``gallery``, their ``configs``), the four runs of
earlier lessons (``earlier_runs``), the break-it demo's run (``last_run``) and the 30 fresh runs
of the confusion matrix (``confusion``, ``accuracy``).
"""

from claims import Claims, about, at_least, at_most, between, equals, holds

claims = Claims("13_training_doctor")

# --------------------------------------------------------------------------- #
# 2. The loss curve
# --------------------------------------------------------------------------- #

claims.add("the run whose rate is too high (Adam at 1.2)",
           "[configs['lr_too_high']['optimizer'], round(configs['lr_too_high']['lr'], 1)]",
           equals(["adam", 1.2]))
claims.add("leaps from a loss of about 3",
           "float(gallery['lr_too_high']['train_loss'][0])", about(3.0, abs=0.5))
claims.add("to about 2000 in a single step",
           "float(gallery['lr_too_high']['train_loss'][1])", about(2000, rel=0.1))
# "about 2.4 and stays there": the mean of the steps from the tenth on, and none of them
# further than 0.5 from it
claims.add("Within ten steps the loss falls back to about 2.4 and stays there",
           "loss = gallery['lr_too_high']['train_loss'][10:]\n"
           "[round(float(loss.mean()), 1), bool(np.all(np.abs(loss - loss.mean()) < 0.5))]",
           equals([2.4, True]))
claims.add("the explosion has killed every unit of its second hidden layer",
           "float(gallery['lr_too_high']['dead_fraction'][10:, 1].min())", equals(1.0))
# "barely moves": its training loss loses less than 2 % over the run
claims.add("the slow run's barely moves from where it started",
           "loss = gallery['lr_too_low']['train_epoch_loss']\nfloat(loss[-1] / loss[0])",
           between(0.98, 1.0))

# --------------------------------------------------------------------------- #
# 3. The update ratio
# --------------------------------------------------------------------------- #

# "a few times 1e-4, a little under the rule of thumb": every layer's ratio in (1e-4, 1e-3)
claims.add("The healthy run's ratios stay at a few times $10^{-4}$, a little under the rule of thumb",
           "bool(np.all((ref.update_ratio(gallery['healthy']) > 1e-4) "
           "& (ref.update_ratio(gallery['healthy']) < 1e-3)))", holds())
# "some thirty times": 20 to 45 times (medians over the layers)
claims.add("the slow run's are some thirty times smaller",
           "float(np.median(ref.update_ratio(gallery['healthy']))\n"
           "      / np.median(ref.update_ratio(gallery['lr_too_low'])))",
           between(20, 45))
# "near 1e-5": within a factor of about 3
claims.add("near $10^{-5}$: its steps are too small to matter",
           "float(np.median(ref.update_ratio(gallery['lr_too_low'])))", between(3e-6, 3e-5))
# the median over the layers of the ratio, at one of its first three steps
claims.add("The run whose rate is too high starts above 1",
           "rec = gallery['lr_too_high']\n"
           "r = rec['lr'][:3, None] * rec['grad_norms'][:3] / rec['weight_norms'][:3]\n"
           "float(np.max(np.median(r, axis=1)))", at_least(1.0))
claims.add("falls off the plot within a few steps: once its units are dead, its gradients are 0",
           "bool(np.all(gallery['lr_too_high']['grad_norms'][10:, :-1] == 0))", holds())

# --------------------------------------------------------------------------- #
# 4. Gradient norms across the layers
# --------------------------------------------------------------------------- #

claims.add("In the healthy network of 4 layers",
           "gallery['healthy']['grad_norms'].shape[1]", equals(4))
claims.add("the median gradient norms are within 15 % of each other",
           "float(np.median(gallery['healthy']['grad_norms'], axis=0).max() "
           "/ np.median(gallery['healthy']['grad_norms'], axis=0).min())", at_most(1.15))
claims.add("In the 15-layer network started at a quarter of He's scale",
           "[gallery['vanishing_gradients']['grad_norms'].shape[1], "
           "round(configs['vanishing_gradients']['init_scale'], 2)]", equals([15, 0.25]))
# "about 1e-5": within a factor of 2 (on the figure's log scale)
claims.add("the first layer gets about $10^{-5}$ of what the last one gets",
           "float(ref.signals(gallery['vanishing_gradients'])['grad_ratio'])", between(5e-6, 5e-5))
claims.add("nearly five orders of magnitude less",
           "float(-np.log10(ref.signals(gallery['vanishing_gradients'])['grad_ratio']))", between(4.5, 5.0))
# "a roughly constant factor" (a straight line on the log scale): from the last layer down
# to layer 4, the log-norms against the layer index have R^2 above 0.98
claims.add("the gradient shrinks by a roughly constant factor from each layer to the one below",
           "float(np.corrcoef(np.arange(4, 15), np.log(np.median(gallery['vanishing_gradients']"
           "['grad_norms'], axis=0)[4:]))[0, 1] ** 2)", at_least(0.98))

# --------------------------------------------------------------------------- #
# 5. Dead units
# --------------------------------------------------------------------------- #

claims.add("hidden biases start between $-5$ and $-4$",
           "bool(-5 <= configs['dead_relus']['bias_init'] <= -4)", holds())
# "a few percent": at most 5 % of a layer, at any step
claims.add("at most a few percent at a time",
           "float(gallery['healthy']['dead_fraction'].max())", at_most(0.05))
claims.add("about 99 % of the units of layer 1",
           "float(gallery['dead_relus']['dead_fraction'][:, 1].mean())", about(0.99, abs=0.01))
claims.add("about 80 % of those of layer 0 are dead",
           "float(gallery['dead_relus']['dead_fraction'][:, 0].mean())", about(0.80, abs=0.05))
# "from the first step to the last": at the first and at the last step, more than half of
# each hidden layer is dead
claims.add("from the first step to the last",
           "float(gallery['dead_relus']['dead_fraction'][[0, -1], :-1].min())", at_least(0.5))
claims.add("its loss stays at $\\log 10 \\approx 2.30$",
           "float(np.max(np.abs(gallery['dead_relus']['train_epoch_loss'] - np.log(10))))", at_most(0.01))

# --------------------------------------------------------------------------- #
# 6. Validation loss
# --------------------------------------------------------------------------- #

claims.add("is smallest at the last epoch: there is nothing to stop early",
           "ref.best_epoch(gallery['healthy']['val_loss']) == len(gallery['healthy']['val_loss']) - 1",
           holds())
claims.add("The overfitting run learns from 19 images",
           "configs['overfitting']['n_train']", equals(19))
claims.add("its training loss falls below $10^{-5}$",
           "float(gallery['overfitting']['train_epoch_loss'][-1])", at_most(1e-5))
claims.add("its validation loss is smallest at epoch 3",
           "ref.best_epoch(gallery['overfitting']['val_loss'])", equals(3))
claims.add("then climbs to about four times that value",
           "float(gallery['overfitting']['val_loss'][-1] / gallery['overfitting']['val_loss'][3])",
           about(4.0, rel=0.1))

# --------------------------------------------------------------------------- #
# 7. The diagnosis
# --------------------------------------------------------------------------- #

claims.add("the reference names all six right",
           "all(ref.diagnose(rec) == cause for cause, rec in gallery.items())", holds())
claims.add("Notice the overfitting run's tiny update ratio, below $10^{-6}$",
           "ref.signals(gallery['overfitting'])['update_ratio']", at_most(1e-6))
claims.add("its training loss has fallen more than a hundred-thousandfold",
           "ref.signals(gallery['overfitting'])['progress']", at_most(1e-5))
claims.add("the slow run's by almost nothing",
           "ref.signals(gallery['lr_too_low'])['progress']", at_least(0.98))

# --------------------------------------------------------------------------- #
# 8. Break it yourself
# --------------------------------------------------------------------------- #

claims.add("width 48, batches of 128, hidden biases at 0.1",
           "[ref.DEFAULT_CONFIG[k] for k in ('width', 'batch_size', 'bias_init')]",
           equals([48, 128, 0.1]))
# the budget: 60 steps, which is 5 epochs of the 1437 training images (12 batches each)
claims.add("for 60 steps: 5 epochs of the whole training set",
           "[len(last_run['record']['train_loss']), len(last_run['record']['val_loss'])]",
           equals([60, 5]))
claims.add("SGD with momentum at 0.02, He's scale, 2 hidden layers, the\nwhole training set",
           "[ref.DEFAULT_CONFIG[k] for k in ('optimizer', 'lr', 'init_scale', 'depth', 'n_train')]",
           equals(["momentum", 0.02, 1.0, 2, 1437]))
claims.add("the run is healthy", "last_run['verdict']", equals("healthy"))
# "around 1e-3": every layer's ratio within a factor of 3.3 of it
claims.add("the update ratios sit around $10^{-3}$",
           "r = ref.update_ratio(last_run['record'])\nbool(np.all((r > 3e-4) & (r < 3e-3)))",
           holds())
claims.add("the median gradient norms of the three layers are within 20 % of each other",
           "float(np.median(last_run['record']['grad_norms'], axis=0).max() "
           "/ np.median(last_run['record']['grad_norms'], axis=0).min())", at_most(1.2))
claims.add("both losses fall",
           "bool(np.all(np.diff(last_run['record']['val_loss']) < 0) "
           "and np.all(np.diff(last_run['record']['train_epoch_loss']) < 0))", holds())

# --------------------------------------------------------------------------- #
# 9. Runs from earlier lessons
# --------------------------------------------------------------------------- #

claims.add("Each run gets the diagnosis of its lesson",
           "list(earlier_verdicts.values())",
           equals(["vanishing_gradients", "lr_too_low", "lr_too_high", "overfitting"]))
claims.add("its first layer's gradient is more than six orders of magnitude below its last layer's",
           "ref.signals(earlier_runs['06: too-small start'])['grad_ratio']", at_most(1e-6))
# "a tenth": between 0.07 and 0.14
claims.add("the first layer's gradient is a tenth of the last's",
           "ref.signals(earlier_runs['07: plateau'])['grad_ratio']", between(0.07, 0.14))
# "of a reasonable size": the median update ratio within a factor of 5 of a healthy 1e-3
claims.add("the steps are of a reasonable size",
           "ref.signals(earlier_runs['07: plateau'])['update_ratio']", between(2e-4, 1e-3))
claims.add("the training loss is still within 1 % of where it started",
           "abs(1 - ref.signals(earlier_runs['07: plateau'])['progress'])", at_most(0.01))
claims.add("makes the loss grow past $10^{60}$ in one epoch",
           "float(np.nanmax(np.where(np.isfinite(earlier_runs['09: explosion']['train_loss']), "
           "earlier_runs['09: explosion']['train_loss'], np.nan)))", at_least(1e60))
claims.add("reaches its best validation loss at epoch 2",
           "ref.best_epoch(earlier_runs['08: overfitting']['val_loss'])", equals(2))
claims.add("ends more than 40 % above it",
           "ref.signals(earlier_runs['08: overfitting'])['val_rise']", at_least(0.4))

# --------------------------------------------------------------------------- #
# 10. The confusion matrix
# --------------------------------------------------------------------------- #

claims.add("meets 30 fresh runs, 5 of each cause",
           "[len(fresh), int(confusion.sum(axis=1).min()), int(confusion.sum(axis=1).max())]",
           equals([30, 5, 5]))
claims.add("All 30 runs land on the diagonal", "int(np.trace(confusion))", equals(30))

# --------------------------------------------------------------------------- #
# The exercise's text
# --------------------------------------------------------------------------- #

claims.add("records 4 runs of each cause with a seed, 24 in all",
           "[__import__('source_lib.checks.diagnosis', fromlist=['checks']).RUNS_PER_CAUSE, "
           "len(ref.CAUSES) * __import__('source_lib.checks.diagnosis', fromlist=['checks']).RUNS_PER_CAUSE]",
           equals([4, 24]))
