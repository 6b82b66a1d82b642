"""The numbers and comparisons of lesson 09's prose, checked against the executed lesson
(see claims.py)."""

from claims import Claims, about, at_most, between, equals, holds

claims = Claims("09_lr_schedules")

# --- section 1: noisy gradient descent (curves[label][t] is the mean loss at step t)
claims.add("The large constant rate (blue) drops fast and then sits on its noise floor",
           "float(curves['constant 1.0'][-100:].mean() / noise_floor(1.0))", about(1.0, abs=0.05))
claims.add("The small rate (orange) would settle 23 times lower",
           "noise_floor(1.0) / noise_floor(0.05)", about(23, abs=0.5))
claims.add("after 800 steps it is still on its way, 7 times above that floor",
           "float(curves['constant 0.05'][-1] / noise_floor(0.05))", about(7, abs=0.5))
claims.add("move by only $\\eta\\lambda = 0.00025$ of their distance per step",
           "0.05 * CURVATURES[0]", about(0.00025, rel=1e-9))
claims.add("step decay in one jump at step 300",
           "[bool(curves['step decay 1.0, x0.1 every 300'][299] >= 0.95 * noise_floor(1.0)), "
           "bool(curves['step decay 1.0, x0.1 every 300'][310] < 0.8 * noise_floor(1.0))]",
           equals([True, True]))
claims.add("cosine gradually, ending lowest of all",
           "min(curves, key=lambda label: curves[label][-1])", equals("cosine 1.0 to 0"))

# --- section 3: the clipped cosine
claims.add("The two curves coincide up to $T = 100$ (the dotted line)",
           "float(np.max(np.abs(clipped[:T_COS + 1] - unclipped[:T_COS + 1])))", at_most(1e-12))
claims.add("while ours stays at $\\eta_\\min = 0.01$",
           "[float(clipped[T_COS:].min()), float(clipped[T_COS:].max())]", equals([0.01, 0.01]))

# --- section 5: reduce on plateau in the toy run (the demo's default sliders)
claims.add("Each step down is smaller than the last",
           "(lambda m, r: bool(np.all(np.diff(-np.diff([m[c - 1] for c in np.flatnonzero(np.diff(r)) + 1]"
           " + [m[-1]])) < 0)))(*toy_run(MyPlateau(0.1, factor=0.5, patience=5, threshold=1e-2, "
           "min_lr=1e-3), 0.1))", holds())

# --- section 6: the range test
claims.add("Below about $10^{-2}$ the moving average only wanders, between 2.9 and 3.4",
           "[round(float(rt_smooth[rt_rates < 1e-2].min()), 1), round(float(rt_smooth[rt_rates < 1e-2].max()), 1)]",
           equals([2.9, 3.4]))
claims.add("falls, fastest between about 0.04 and 0.1",
           "float(rt_rates[np.argmin(np.gradient(rt_smooth, np.log(rt_rates)))])", between(0.035, 0.11))
claims.add("It is lowest at about 0.5", "float(rt_rates[best])", about(0.5, abs=0.05))
claims.add("at about 1.15 the loss blows up and the test stops", "float(rt_rates[-1])",
           about(1.15, abs=0.02))
claims.add("Here that points to a peak between about 0.11 and 0.38",
           "[round(float(rt_rates[-1]) / 10, 2), round(float(rt_rates[-1]) / 3, 2)]", equals([0.11, 0.38]))
claims.add("we take 0.4, just past the bold end", "PEAK_LR > rt_rates[-1] / 3", holds())
claims.add("The range test stopped after 115 steps, less than one epoch (180 steps)",
           "[len(rt_losses), STEPS_PER_EPOCH]", equals([115, 180]))

# --- section 7: schedules on the digits network
claims.add("for 3 epochs (540 steps of 8 images)", "[EPOCHS, TOTAL_STEPS, BATCH]", equals([3, 540, 8]))
claims.add("$\\gamma = 0.2$ every 181 steps (two cuts, after each third of training)",
           "[TOTAL_STEPS // 3 + 1, len(np.unique(histories['step decay']['lr']))]", equals([181, 3]))
claims.add("54 warm-up steps (a tenth of training)", "TOTAL_STEPS // 10", equals(54))
claims.add("here it halves the rate once, late in the run",
           "[sorted(set(histories['reduce on plateau']['lr'])), "
           "int(np.flatnonzero(np.diff(histories['reduce on plateau']['lr']))[0]) > 2 * TOTAL_STEPS // 3]",
           equals([[0.2, 0.4], True]))
claims.add("The cosine schedules finish with the lowest training loss",
           "sorted(histories, key=lambda name: histories[name]['final_loss'])[:2]",
           equals(["cosine", "warm-up + cosine"]))
claims.add("every decaying schedule settles lower",
           "max(h['final_loss'] for name, h in histories.items() if name != 'constant') "
           "< histories['constant']['final_loss']", holds())
claims.add("both cosine schedules finished below the constant rate every time, while step decay and "
           "reduce-on-plateau did not always",
           "(lambda finals: [all(f[n] < f['constant'] for f in finals) for n in runs if n != 'constant'])("
           "[{name: (train(lambda t: PEAK_LR, seed=s) if name == 'constant' else "
           "train(lambda t: ref.step_decay(t, PEAK_LR, 0.2, TOTAL_STEPS // 3 + 1), seed=s) if name == 'step decay' else "
           "train(lambda t: ref.cosine_decay(t, PEAK_LR, TOTAL_STEPS), seed=s) if name == 'cosine' else "
           "train(lambda t: ref.warmup_cosine(t, PEAK_LR, TOTAL_STEPS // 10, TOTAL_STEPS), seed=s) "
           "if name == 'warm-up + cosine' else train(plateau=ref.ReduceLROnPlateau(PEAK_LR, factor=0.5, "
           "patience=1, threshold=1e-2), seed=s))['final_loss'] for name in runs} for s in range(5)])",
           equals([False, True, True, False]))
claims.add("Validation accuracy differs less than the loss",
           "(lambda acc, loss: np.ptp(acc) / max(acc) < np.ptp(loss) / max(loss))("
           "[h['val_acc'] for h in histories.values()], [h['final_loss'] for h in histories.values()])",
           holds())
claims.add("Warm-up made no visible difference here",
           "abs(histories['warm-up + cosine']['final_loss'] - histories['cosine']['final_loss']) "
           "< 0.05 * histories['cosine']['final_loss']", holds())
