"""Tests of source_lib.grading.submission: a submission as input to sanitise."""

import os

import nbformat
import pytest

from source_lib.grading import submission


def test_links_devices_and_fifos_leave_the_folder(tmp_path):
    folder = tmp_path / "submitted" / "mallory" / "03_probability"
    folder.mkdir(parents=True)
    (folder / "03_probability.ipynb").write_text("{}")
    secret = tmp_path / "gradebook.db"
    secret.write_text("grades")
    (folder / "grades.db").symlink_to(secret)
    (folder / "sub").mkdir()
    (folder / "sub" / "alice.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")
    os.mkfifo(folder / "pipe")
    report = submission.clean_folder(folder)
    assert sorted(p.name for p in folder.rglob("*")) == ["03_probability.ipynb", "sub"]
    assert len(report) == 3 and any("symbolic link" in r for r in report) \
        and any("FIFO" in r for r in report)
    assert secret.read_text() == "grades"


def test_a_folder_that_is_a_link_is_removed_not_followed(tmp_path):
    real = tmp_path / "alice"
    real.mkdir()
    (real / "nb.ipynb").write_text("{}")
    parent = tmp_path / "submitted" / "mallory"
    parent.mkdir(parents=True)
    (parent / "03_probability").symlink_to(real)
    report = submission.clean_folder(parent / "03_probability")
    assert "symbolic link" in report[0] and (real / "nb.ipynb").exists()
    assert not (parent / "03_probability").exists()


def test_a_notebook_too_big_is_set_aside(tmp_path, monkeypatch):
    monkeypatch.setattr(submission, "MAX_NOTEBOOK_BYTES", 1000)
    folder = tmp_path / "s" / "l"
    folder.mkdir(parents=True)
    (folder / "l.ipynb").write_text("x" * 2000)
    report = submission.clean_folder(folder)
    assert "set aside" in report[0] and (folder.parent / ".l.set-aside" / "l.ipynb").exists()
    assert not (folder / "l.ipynb").exists()


def test_hard_links_and_bulk_leave_the_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(submission, "MAX_EXTRA_FILES", 3)
    folder = tmp_path / "submitted" / "mallory" / "l"
    folder.mkdir(parents=True)
    (folder / "l.ipynb").write_text("{}")
    gradebook = tmp_path / "gradebook.db"
    gradebook.write_text("grades")
    os.link(gradebook, folder / "copy.db")
    for i in range(5):
        (folder / f"data{i}.txt").write_text("x" * i)
    report = submission.clean_folder(folder)
    assert not (folder / "copy.db").exists() and gradebook.read_text() == "grades"
    assert not list(folder.glob("data*")) and len(report) == 2   # too many: all set aside


def cell(source, **meta):
    c = nbformat.v4.new_code_cell(source)
    if meta:
        c.metadata["nbgrader"] = dict({"schema_version": 3, "solution": False, "grade": False,
                                       "locked": False, "task": False}, **meta)
    return c


def test_metadata_that_would_stop_nbgrader_is_repaired():
    test = dict(grade=True, locked=True, grade_id="test_f", points=3)
    nb = nbformat.v4.new_notebook(cells=[
        cell("def f(): ...", solution=True, grade_id="f"),
        cell("checks.run('f')", **test),
        cell("checks.run('f')", **test),                               # pasted twice
        cell("x = 1", grade=True, grade_id="no_points", locked=True),  # no points
        cell("y = 2", grade_id="old", schema_version=1),               # another nbgrader's
    ])
    notes = submission.repair_metadata(nb)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert ids == ["f", "test_f", None, None] and len(notes) == 3   # the earlier copy is dropped
    from nbgrader.nbgraderformat import MetadataValidator
    MetadataValidator().validate_nb(nb)


def test_outputs_keep_text_and_images_and_lose_active_content():
    c = cell("plot()")
    c.outputs = [
        nbformat.v4.new_output("display_data", data={
            "text/html": "<script>steal()</script>", "image/svg+xml": "<svg onload=x()>",
            "application/javascript": "steal()", "image/png": "iVBORw0KGgo=",
            "text/plain": "<Figure>"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<b>only html</b>"}),
        nbformat.v4.new_output("stream", name="stdout", text="x" * (1 << 20)),
    ]
    md = nbformat.v4.new_markdown_cell("Hi <script>alert(1)</script> [x](javascript:alert(2)) $a<b$")
    kept = nbformat.v4.new_markdown_cell("The lesson's own <b>bold</b> text.")
    nb = nbformat.v4.new_notebook(cells=[c, md, kept], metadata={"widgets": {"state": "<script>"}})
    notes = submission.sanitize_notebook(nb, instructor_markdown={kept.source})
    out = nb.cells[0].outputs
    assert [sorted(o.get("data", {})) for o in out[:1]] == [["image/png", "text/plain"]]
    assert len(out) == 2 and len(out[1]["text"]) < submission.MAX_OUTPUT_BYTES
    assert "<script" not in md.source and "javascript:" not in md.source and "&lt;script" in md.source
    assert kept.source == "The lesson's own <b>bold</b> text."
    assert "widgets" not in nb.metadata and notes


def test_the_outputs_of_a_notebook_are_capped_as_a_whole(monkeypatch):
    monkeypatch.setattr(submission, "MAX_OUTPUTS_BYTES", 10_000)
    cells = []
    for _ in range(10):
        c = cell("print(...)")
        c.outputs = [nbformat.v4.new_output("stream", name="stdout", text="y" * 3000)]
        cells.append(c)
    nb = nbformat.v4.new_notebook(cells=cells)
    submission.sanitize_notebook(nb)
    assert sum(len(o["text"]) for c in nb.cells for o in c.outputs) <= 10_000


def test_outputs_alone_are_sanitised_after_the_demos_run_again():
    """Fresh demo outputs get the outputs' treatment; the markdown (the instructor's, with
    its math) is left as the first pass left it."""
    c = cell("plot()")
    c.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": "<script>steal()</script>", "image/png": "iVBORw0KGgo="})]
    md = nbformat.v4.new_markdown_cell(r"The sum $\sum_{j<k} x_j$ over <b>earlier</b> blocks.")
    nb = nbformat.v4.new_notebook(cells=[c, md])
    notes = submission.sanitize_outputs(nb)
    assert sorted(nb.cells[0].outputs[0]["data"]) == ["image/png"] and notes
    assert md.source == r"The sum $\sum_{j<k} x_j$ over <b>earlier</b> blocks."


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "<iframe src='//evil'>",
                                  "[a](JavaScript:alert(1))", "<a href='javascript:x'>y</a>",
                                  "[a](javascript&#58;alert(1))", "![i](data:text/html;base64,PHNj)",
                                  "[r]\n\n[r]: javascript:alert(1)", "<svg onload=alert(1)>",
                                  "[x](<javascript:alert(1)>)"])
def test_markdown_cannot_carry_script(text):
    """As rendered (nbconvert's markdown, as Formgrader and the feedback render it): no
    element that can run a script, no link with a script scheme."""
    from html.parser import HTMLParser

    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    submission.sanitize_notebook(nb)
    found = []

    class Elements(HTMLParser):
        def handle_starttag(self, tag, attrs):   # attribute values as a browser reads them
            found.append((tag, {k: (v or "").strip().lower() for k, v in attrs}))

    Elements().feed(markdown2html_mistune(nb.cells[0].source))
    for tag, attrs in found:
        assert tag in ("p", "a", "code", "em", "strong"), (text, tag)
        assert not any(v.startswith(("javascript", "vbscript", "data")) for v in attrs.values()), (text, attrs)


def test_a_reference_to_a_removed_attachment_keeps_its_text():
    md = nbformat.v4.new_markdown_cell("see ![a picture](attachment:pic.svg) and ![ok](attachment:ok.png)")
    md.attachments = {"pic.svg": {"image/svg+xml": "<svg/>"}, "ok.png": {"image/png": "iVBO"}}
    nb = nbformat.v4.new_notebook(cells=[md])
    submission.sanitize_notebook(nb)
    assert md.source == "see a picture and ![ok](attachment:ok.png)" and list(md.attachments) == ["ok.png"]
