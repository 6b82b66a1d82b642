"""Tests of source_lib.plotting."""

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from source_lib import plotting  # noqa: E402


def test_plot_curves_draws_one_line_per_curve_with_a_legend():
    ax = plotting.plot_curves({"a": [1, 2, 3], "b": (np.array([0, 2]), [1, 0])}, logy=True)
    assert len(ax.lines) == 2 and ax.get_legend() is not None and ax.get_yscale() == "log"
    plt.close("all")


def test_show_images_makes_a_grid():
    fig = plotting.show_images([np.eye(3)] * 5, titles=list("abcde"), ncols=3)
    assert len(fig.axes) == 6  # 2 rows of 3, the last one blank
    plt.close(fig)


def test_headless_interact_draws_once_with_the_initial_values(monkeypatch):
    monkeypatch.setenv(plotting.HEADLESS, "1")
    calls = []
    def show(lr, steps=30, mode="a"):
        calls.append((lr, steps, mode))

    cases = [dict(lr=ipywidgets.FloatSlider(value=0.25), steps=(10, 300, 10), mode=["b", "c"]),
             dict(lr=ipywidgets.FloatSlider(value=0.5), steps=(10, 20, 1))]
    for controls in cases:
        plotting.interact(show, **controls)
    plotting.interact(show, manual=True, lr=ipywidgets.FloatSlider(value=1.0))
    headless, calls[:] = list(calls), []
    for controls in cases:  # what ipywidgets itself starts from (it calls show once)
        ipywidgets.interactive(show, **controls)
    assert headless == calls and len(calls) == 2


def test_live_interact_is_ipywidgets_interact(monkeypatch):
    monkeypatch.delenv(plotting.HEADLESS, raising=False)
    seen = []
    monkeypatch.setattr(ipywidgets, "interact", lambda f, **kw: seen.append(("interact", kw)))
    monkeypatch.setattr(ipywidgets, "interact_manual", lambda f, **kw: seen.append(("manual", kw)))
    plotting.interact(print, x=1)
    plotting.interact(print, manual=True, x=2)
    assert seen == [("interact", {"x": 1}), ("manual", {"x": 2})]
