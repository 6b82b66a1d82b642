"""A lesson as a learner meets it: JupyterLab in a real browser (headless Chromium).

JupyterLab, from the course's environment and with `make lab`'s configuration, serves a
copy of one lesson's release and of its solved notebook; Playwright drives Debian's
``chromium`` (``make system`` installs it) through one JupyterLab page, as a learner
would: the release opened from its address, the solved notebook from the file browser,
Run > Run All Cells in each. One test checks that

1. opening a notebook marks nothing modified (it stores the kernel and language
   metadata JupyterLab would add);
2. Run All on the untouched release runs every code cell in order: JupyterLab goes on
   past each cell tagged ``raises-exception`` (the test cells, the quiz), which shows
   its failure, and no other cell shows an error or writes to stderr; every demo shows
   its figure, every ``interact(...)`` its widgets;
3. moving a slider of an interactive demo redraws its figure;
4. Run All on the solved notebook ends without an error, every test cell printing its
   pass line and the self-check passing.

Screenshots of each state go to /tmp/browser-*.png. The lesson is ``LESSON``; point it
at another lesson to try that one. Widgets are live here: ``COURSE_HEADLESS`` is *not*
set for the server or its kernels.

A second test does the same for the capstone (``CAPSTONE``, whose demos train networks
live): its release opened in a JupyterLab of its own, Run All, only the tagged test cells
failing, every figure drawn, a slider redrawing its figure (screenshots in
/tmp/browser-capstone-*.png).
"""

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from source_lib.checks import GRADING
from source_lib.plotting import HEADLESS

LESSON = "04_information_theory"

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# `make lab`'s configuration: the students' JupyterLab, without nbgrader's instructor tools
STUDENT_CONFIG = ROOT / "jupyter" / "student"
SOLVED = f"{LESSON}_solved.ipynb"
RELEASE = f"{LESSON}.ipynb"
CAPSTONE = "13_training_doctor"
SCREENSHOTS = Path("/tmp")

# Generous limits: the machines that run the suite are often busy. The whole test
# normally takes well under two minutes.
SERVER_TIMEOUT = 120        # s, until JupyterLab answers
OPEN_TIMEOUT = 120          # s, until the notebook shows and its kernel is idle
RUN_TIMEOUT = 240           # s, for Run All
SETTLE_TIMEOUT = 60         # s, for widgets and figures to appear, a slider's figure to change

# JupyterLab user settings: every cell in the DOM (no windowed rendering), no news
# prompt; the rest as a learner's fresh installation has it.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}


# --------------------------------------------------------------------------- #
# The notebooks, as stored
# --------------------------------------------------------------------------- #

def code_cells(path):
    """(index among all cells, source, tags) of each code cell of the notebook at path."""
    nb = json.loads(Path(path).read_text())
    return len(nb["cells"]), [
        (i, "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
         set(c.get("metadata", {}).get("tags", [])))
        for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def draws_figure(source):
    """A demo that shows a figure: it calls plt.show() or makes an interact(...) widget."""
    return "plt.show()" in source or "interact(" in source


def is_check(source):
    return "checks.run(" in source


# --------------------------------------------------------------------------- #
# JupyterLab and the browser
# --------------------------------------------------------------------------- #

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server on a scratch copy of the lesson, with its own settings."""

    def __init__(self, root, lesson=LESSON):
        self.root, self.token, self.port = root, uuid.uuid4().hex, free_port()
        self.notebooks = root / "notebooks"
        shutil.copytree(ROOT / "course" / lesson, self.notebooks)
        shutil.copy(ROOT / "solutions" / lesson / f"{lesson}.ipynb",
                    self.notebooks / f"{lesson}_solved.ipynb")
        for name, value in SETTINGS.items():
            path = root / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        # the environment of a learner's `make lab`: its configuration, widgets live, no
        # grading mode, the kernel's own matplotlib backend; scratch user directories
        env = {k: v for k, v in os.environ.items()
               if k not in (HEADLESS, GRADING, "MPLBACKEND", "JUPYTER_CONFIG_PATH")}
        if STUDENT_CONFIG.is_dir():
            env["JUPYTER_CONFIG_PATH"] = str(STUDENT_CONFIG)
        env.update(
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            JUPYTERLAB_SETTINGS_DIR=str(root / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(root / "workspaces"),
            JUPYTER_CONFIG_DIR=str(root / "config"),
            JUPYTER_DATA_DIR=str(root / "data"),
            JUPYTER_RUNTIME_DIR=str(root / "runtime"),
            IPYTHONDIR=str(root / "ipython"),
        )
        self.log = root / "jupyter.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root",
                 "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0",
                 f"--IdentityProvider.token={self.token}",
                 f"--ServerApp.root_dir={self.notebooks}",
                 # no network: no announcements, update checks or extension index
                 "--LabApp.news_url=None",
                 "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                 "--LabApp.extension_manager=readonly"],
                cwd=self.notebooks, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        self.started = time.monotonic()

    def wait(self):
        deadline = time.monotonic() + SERVER_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                url = f"{self.base}/api/status?token={self.token}"
                with urllib.request.urlopen(url, timeout=5):
                    return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"jupyter lab did not answer within {SERVER_TIMEOUT} s:\n{self.log_tail()}")

    def url(self, notebook):
        return f"{self.base}/lab/tree/{notebook}?token={self.token}"

    def log_tail(self, lines=40):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        """Stop the server (it shuts its kernels down), then anything left of its session."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.send_signal(signal.SIGINT)    # twice: no confirmation prompt
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)    # its own session: kernels it left
        except ProcessLookupError:
            pass


# The notebook panels are found by id (a notebook's tab carries its panel's id).
# Everything the checks need to know about one notebook, in notebook order: for each
# cell its kind, input prompt, stderr text (errors render as stderr), stdout text,
# rendered images (their sources) and widgets.
CELLS_JS = """(id) => {
  const panel = document.getElementById(id);
  if (!panel) return null;
  const text = (cell, mime) => [...cell.querySelectorAll(
      `.jp-OutputArea-output[data-mime-type="${mime}"]`)].map(o => o.textContent).join('\\n');
  return [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell => ({
    code: cell.classList.contains('jp-CodeCell'),
    prompt: cell.querySelector('.jp-InputPrompt')?.textContent.trim() ?? '',
    stderr: text(cell, 'application/vnd.jupyter.stderr'),
    stdout: text(cell, 'application/vnd.jupyter.stdout'),
    images: [...cell.querySelectorAll('.jp-OutputArea-output img')].map(i => i.src),
    widgets: cell.querySelectorAll('.jp-OutputArea-output .jupyter-widgets').length,
  }));
}"""

# The kernel of the current notebook, in the status bar: "Python 3 (ipykernel) | Idle".
KERNEL_STATUS_JS = """() => document.querySelector(
  '#jp-main-statusbar .jp-StatusBar-TextItem[title^="Change kernel"]')?.textContent ?? ''"""

# The current notebook is open: "idle" once all its cells are on the page and its kernel
# is idle, or the text of a dialog that JupyterLab shows instead.
OPEN_JS = f"""([id, n]) => {{
  const dialog = document.querySelector('.jp-Dialog');
  if (dialog) return dialog.innerText.replace(/\\s+/g, ' ');
  const cells = ({CELLS_JS})(id);
  return cells?.length === n && ({KERNEL_STATUS_JS})().endsWith('| Idle') && 'idle';
}}"""

# The notebook's kernel is idle (as its toolbar shows).
IDLE_JS = """(id) => document.getElementById(id)
  ?.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle'"""

# Run All has finished: the notebook's kernel is idle, some cell has run, none is queued.
RUN_DONE_JS = """(id) => {
  const panel = document.getElementById(id);
  const status = panel?.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status;
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent);
  return status === 'idle' && prompts.some(p => /\\d/.test(p))
    && !prompts.some(p => p.includes('*'));
}"""


class Notebook:
    """One notebook open in JupyterLab, in a tab of the page."""

    def __init__(self, page, lab, name, shots="browser"):
        self.page, self.name, self.path = page, name, lab.notebooks / name
        self.shots = shots          # screenshots go to /tmp/<shots>-<what>.png
        self.n_cells, self.code = code_cells(self.path)
        self.panel = None
        self.started = time.monotonic()

    def wait_open(self):
        """Until the notebook is the current tab, all its cells are on the page and its
        kernel is idle; fails if a dialog shows instead (JupyterLab asks for a kernel when
        the notebook names none)."""
        try:
            self.tab().wait_for(timeout=OPEN_TIMEOUT * 1000)
            self.panel = self.tab().get_attribute("data-id")
            state = self.page.wait_for_function(OPEN_JS, arg=[self.panel, self.n_cells],
                                                polling=500, timeout=OPEN_TIMEOUT * 1000)
            state = state.json_value()
        except Exception as err:
            self.screenshot(f"timeout-{Path(self.name).stem}")
            status = self.page.evaluate(KERNEL_STATUS_JS)
            pytest.fail(f"{self.name} did not open with an idle kernel within {OPEN_TIMEOUT} s "
                        f"({type(err).__name__}); kernel status: {status!r}", pytrace=False)
        if state != "idle":
            self.screenshot(f"dialog-{Path(self.name).stem}")
            pytest.fail(f"opening {self.name} shows a dialog: {state}", pytrace=False)
        self.page.wait_for_timeout(1000)    # the kernel's language info comes with the idle state
        return self

    def tab(self):
        label = self.page.locator(".lm-TabBar-tabLabel",
                                  has_text=re.compile(f"^{re.escape(self.name)}$"))
        return self.page.locator("#jp-main-dock-panel .lm-TabBar-tab").filter(has=label)

    def activate(self):
        self.tab().click()
        self.page.locator(f"#{self.panel}:not(.lm-mod-hidden)").wait_for()
        return self

    def modified(self):
        return "jp-mod-dirty" in (self.tab().get_attribute("class") or "")

    def run_all(self):
        """Run > Run All Cells, as a learner does."""
        self.activate()
        self.page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        self.page.locator(".lm-Menu-itemLabel:visible",
                          has_text=re.compile(r"^Run All Cells$")).first.click()
        self.run_started = time.monotonic()
        return self

    def wait_run(self):
        try:
            self.page.wait_for_function(RUN_DONE_JS, arg=self.panel, polling=500,
                                        timeout=RUN_TIMEOUT * 1000)
        except Exception as err:
            self.screenshot(f"timeout-{Path(self.name).stem}")
            prompts = [c["prompt"] for c in self.cells() if c["code"]]
            pytest.fail(f"Run All in {self.name} did not finish within {RUN_TIMEOUT} s "
                        f"({type(err).__name__}); prompts: {prompts}", pytrace=False)
        self.run_seconds = time.monotonic() - self.run_started
        return self

    def wait_figures(self):
        """Until every figure-making code cell shows an image (widgets render after the
        kernel is idle); returns quietly on time-out, the checks then say which is missing."""
        wanted = json.dumps([i for i, src, _ in self.code if draws_figure(src)])
        try:
            self.page.wait_for_function(
                f"(id) => {{ const c = ({CELLS_JS})(id); "
                f"return {wanted}.every(i => c[i].images.length); }}",
                arg=self.panel, timeout=SETTLE_TIMEOUT * 1000, polling=500)
        except Exception:
            pass
        return self

    def wait_settled(self, index, before):
        """Until cell index shows other images than before, the same for a second, with the
        kernel idle (each step of a slider redraws the figure); quietly gives up in time."""
        deadline, last, same = time.monotonic() + SETTLE_TIMEOUT, None, 0
        while time.monotonic() < deadline:
            images = self.cells()[index]["images"]
            idle = self.page.evaluate(IDLE_JS, self.panel)
            same = same + 1 if images == last and idle else 0
            if same >= 4 and images and images != before:
                return
            last = images
            self.page.wait_for_timeout(250)

    def cells(self):
        return self.page.evaluate(CELLS_JS, self.panel)

    def cell(self, index):
        return self.page.locator(f"#{self.panel} .jp-Notebook .jp-Cell").nth(index)

    def screenshot(self, what, cell=None):
        if cell is not None:
            self.activate()
            self.cell(cell).scroll_into_view_if_needed()
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.shots}-{what}.png"))


def require_chromium():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium is not installed ({CHROMIUM} is missing): the browser test needs "
                    "Debian's `chromium` package; run `make system` (as root: apt-get install "
                    "chromium)", pytrace=False)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The JupyterLab server, started (the browser starts meanwhile; `notebooks` waits)."""
    require_chromium()
    server = Lab(tmp_path_factory.mktemp("browser"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package playwright is missing: run `make setup`", pytrace=False)
    with sync_playwright() as pw:
        try:
            instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS, timeout=120_000)
        except Exception as err:
            pytest.fail(f"Chromium ({CHROMIUM}) did not start: {err}", pytrace=False)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="module")
def notebooks(lab, browser):
    """The release, opened from its address, and the solved notebook, opened from the file
    browser, in one JupyterLab page; Run All in each as soon as it is open (whether it
    shows modified as opened is recorded), so both run at once."""
    lab.wait()
    times = {"server": time.monotonic() - lab.started}
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(SETTLE_TIMEOUT * 1000)
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    release = Notebook(page, lab, RELEASE)
    page.goto(lab.url(RELEASE), timeout=OPEN_TIMEOUT * 1000)
    release.wait_open()
    times["open"] = time.monotonic() - release.started
    release.opened_modified = release.modified()
    release.screenshot("opened-release")
    release.run_all()
    solved = Notebook(page, lab, SOLVED)
    # a double click on its icon (on a selected name, a click starts renaming)
    page.locator(".jp-DirListing-item", has=page.get_by_text(SOLVED, exact=True)) \
        .locator(".jp-DirListing-itemIcon").dblclick()
    solved.wait_open()
    solved.opened_modified = solved.modified()
    solved.screenshot("opened-solved")
    solved.run_all()
    for nb in (release, solved):
        nb.wait_run().wait_figures()
    times["run all"] = time.monotonic() - release.run_started
    return release, solved, times, errors


# --------------------------------------------------------------------------- #
# What is checked: each function lists the problems it finds
# --------------------------------------------------------------------------- #

def opening_problems(nb):
    if not nb.opened_modified:
        return []
    stored = json.loads(nb.path.read_text())["metadata"].get("language_info", {}).get("version")
    return [f"JupyterLab marks {nb.name} modified as soon as it opens it (the kernel is idle, "
            "nothing has run): its kernelspec or language_info differs from what JupyterLab "
            f"writes (stored Python version {stored!r}, the kernel's "
            f"{platform.python_version()!r}); "
            "run `make clean-notebooks` and `make release`"]


def ran(cell):
    return any(ch.isdigit() for ch in cell["prompt"])


def ran_every_cell(nb, cells):
    prompts = [cells[i]["prompt"] for i, _, _ in nb.code]
    if prompts == [f"[{n}]:" for n in range(1, len(nb.code) + 1)]:
        return []
    done = [i for i, _, _ in nb.code if ran(cells[i])]
    if len(done) < len(nb.code):
        return [f"Run All in {nb.name} ran {len(done)} of {len(nb.code)} code cells, up to cell "
                f"{done[-1] if done else None} (JupyterLab stops at a failing cell unless it is "
                "tagged raises-exception); the cells after it are not checked"]
    return [f"Run All in {nb.name} did not run the code cells once each, in order: "
            f"prompts {prompts}"]


def shown(text, lines=12):
    """The end of an output, where the error is."""
    kept = text.strip().splitlines()
    return "\n".join((["..."] if len(kept) > lines else []) + kept[-lines:])


def release_problems(nb):
    """Run All on the untouched release: every cell ran; each cell tagged raises-exception
    (the test cells, the quiz) shows its failure, no other cell an error or stderr; every
    demo shows its figure, every interact(...) its widgets."""
    cells = nb.cells()
    problems = ran_every_cell(nb, cells)
    tagged = [i for i, _, tags in nb.code if "raises-exception" in tags]
    if not any(is_check(src) for i, src, _ in nb.code if i in tagged):
        problems.append("no test cell (calling checks.run and tagged raises-exception) found")
    for i, src, tags in nb.code:
        out = cells[i]
        if is_check(src) and "raises-exception" not in tags:
            problems.append(f"cell {i} runs checks but is not tagged raises-exception: Run All "
                            f"stops there while the exercise is unsolved:\n{src}")
        if not ran(out):
            continue
        if "raises-exception" in tags:
            if "Traceback" not in out["stderr"] and "ExerciseFailure" not in out["stderr"]:
                problems.append(f"cell {i}, tagged raises-exception, shows no failure in the "
                                f"untouched release:\n{src}\n--- stdout:\n{out['stdout']}")
        elif out["stderr"]:
            problems.append(f"cell {i} shows an error or writes to stderr:\n{src}\n---\n"
                            f"{shown(out['stderr'])}")
    demos = [i for i, src, _ in nb.code if draws_figure(src)]
    if not demos:
        problems.append("no figure-making cell (plt.show() or interact(...)) found")
    demos = [i for i in demos if ran(cells[i])]
    missing = [i for i in demos if not cells[i]["images"]]
    if missing:
        problems.append(f"cells {missing} draw a figure but show none after Run All")
    figures = sum(len(cells[i]["images"]) for i, _, _ in nb.code if i not in tagged)
    if figures < len(demos):
        problems.append(f"{figures} figures shown for {len(demos)} figure-making cells")
    no_widget = [i for i, src, _ in nb.code if "interact(" in src and ran(cells[i])
                 and not cells[i]["widgets"]]
    if no_widget:
        problems.append(f"cells {no_widget} make an interact(...) widget but show none")
    if tagged:
        nb.screenshot("release-test-cell", cell=tagged[0])
    if demos:
        nb.screenshot("release-figure", cell=demos[0])
    return problems


def slider_problems(nb):
    """Pressing the right arrow on the first interact(...) slider redraws its figure."""
    widgets = [i for i, src, _ in nb.code if "interact(" in src]
    if not widgets:
        return []
    index = widgets[0]
    nb.activate()
    cell = nb.cell(index)
    if not ran(nb.cells()[index]):
        return [f"cell {index} did not run: no slider to move"]
    before = nb.cells()[index]["images"]
    if not before:
        return [f"cell {index} shows no figure before its slider moves"]
    handle = cell.locator(".widget-slider .noUi-handle").first
    readout = cell.locator(".widget-slider .widget-readout").first
    if not handle.count():
        return [f"cell {index} shows no slider"]
    handle.scroll_into_view_if_needed()
    value = readout.text_content()
    nb.screenshot("slider-before")
    handle.click()
    for _ in range(3):
        handle.press("ArrowRight")
    nb.wait_settled(index, before)
    nb.screenshot("slider-after")
    out, moved = nb.cells()[index], readout.text_content()
    problems = []
    if moved == value:
        problems.append(f"the slider of cell {index} stayed at {value} after three presses of "
                        "the right arrow")
    elif not out["images"] or out["images"] == before:
        problems.append(f"moving the slider of cell {index} from {value} to {moved} did not "
                        "change its figure")
    if out["stderr"]:
        problems.append(f"moving the slider of cell {index} gives an error:\n"
                        f"{shown(out['stderr'])}")
    return problems


def solved_problems(nb):
    """Run All on the solved notebook: every cell ran, no error or stderr anywhere, each
    test cell prints its pass line, the self-check passes, every demo shows its figure."""
    cells = nb.cells()
    problems = ran_every_cell(nb, cells)
    for i, src, _ in nb.code:
        out = cells[i]
        if not ran(out):
            continue
        if out["stderr"]:
            problems.append(f"cell {i} shows an error or writes to stderr:\n{src}\n---\n"
                            f"{shown(out['stderr'])}")
        if is_check(src) and "✓" not in out["stdout"]:
            problems.append(f"test cell {i} prints no pass line:\n{src}\n--- stdout:\n"
                            f"{out['stdout']}")
        if "self_check(" in src and ("✗" in out["stdout"] or "✓" not in out["stdout"]):
            problems.append(f"the self-check does not pass:\n{out['stdout']}")
    missing = [i for i, src, _ in nb.code
               if draws_figure(src) and ran(cells[i]) and not cells[i]["images"]]
    if missing:
        problems.append(f"cells {missing} draw a figure but show none after Run All")
    nb.screenshot("solved", cell=nb.code[-1][0])
    return problems


# --------------------------------------------------------------------------- #
# The test
# --------------------------------------------------------------------------- #

# One test, not one per check: with pytest 9.2 and pytest-xdist 3.8, `--dist loadgroup`
# does not keep an xdist_group on one worker (pytest-dev/pytest-xdist#1386), and each
# worker would start its own JupyterLab and browser. Every check runs; all the problems
# found are reported together.
@pytest.mark.xdist_group("browser")
def test_lesson_in_jupyterlab(notebooks, lab):
    release, solved, times, errors = notebooks
    sections = {
        "opening the notebooks": opening_problems(release) + opening_problems(solved),
        f"Run All on the untouched release {RELEASE}": release_problems(release),
        "moving a slider": slider_problems(release),
        f"Run All on the solved notebook (solutions/{LESSON}/{RELEASE})": solved_problems(solved),
        "the browser": [f"JavaScript error: {err}" for err in errors],
    }
    report = [f"{what}:\n" + "\n".join(f"  - {p}" for p in problems)
              for what, problems in sections.items() if problems]
    times["in all"] = time.monotonic() - lab.started
    print(", ".join(f"{what} {seconds:.0f} s" for what, seconds in times.items()),
          "(both notebooks at once); screenshots in /tmp/browser-*.png")
    if report:
        pytest.fail(f"{LESSON} in JupyterLab (screenshots in /tmp/browser-*.png):\n"
                    + "\n".join(report), pytrace=False)


# --------------------------------------------------------------------------- #
# The capstone
# --------------------------------------------------------------------------- #

@pytest.fixture(scope="module")
def capstone_lab(tmp_path_factory):
    """A JupyterLab server of its own on a scratch copy of the capstone."""
    require_chromium()
    server = Lab(tmp_path_factory.mktemp("browser-capstone"), CAPSTONE)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.xdist_group("browser")
def test_capstone_in_jupyterlab(capstone_lab, browser):
    """The capstone's untouched release, as a learner meets it: opening it marks nothing
    modified; Run All runs every cell, only the tagged test cells (and the quiz) fail, every
    demo draws its figure (the networks train in the kernel, with widgets live); moving the
    first slider (the learning rate of "break it yourself") trains again and redraws."""
    lab = capstone_lab
    lab.wait()
    times = {"server": time.monotonic() - lab.started}
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(SETTLE_TIMEOUT * 1000)
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        release = Notebook(page, lab, f"{CAPSTONE}.ipynb", shots="browser-capstone")
        page.goto(lab.url(release.name), timeout=OPEN_TIMEOUT * 1000)
        release.wait_open()
        release.opened_modified = release.modified()
        release.screenshot("opened-release")
        release.run_all()
        release.wait_run().wait_figures()
        times["run all"] = time.monotonic() - release.run_started
        sections = {
            "opening the notebook": opening_problems(release),
            f"Run All on the untouched release {release.name}": release_problems(release),
            "moving a slider": slider_problems(release),
            "the browser": [f"JavaScript error: {err}" for err in errors],
        }
    finally:
        page.close()
    report = [f"{what}:\n" + "\n".join(f"  - {p}" for p in problems)
              for what, problems in sections.items() if problems]
    times["in all"] = time.monotonic() - lab.started
    print(", ".join(f"{what} {seconds:.0f} s" for what, seconds in times.items()),
          "; screenshots in /tmp/browser-capstone-*.png")
    if report:
        pytest.fail(f"{CAPSTONE} in JupyterLab (screenshots in /tmp/browser-capstone-*.png):\n"
                    + "\n".join(report), pytrace=False)
