"""Reading a corpus folder: encodings, bad files, HTML bodies, the manifest and the tables."""

import doctest
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import salient.ingest.corpus
from hypothesis import given, settings
from hypothesis import strategies as st
from salient.ingest.corpus import CorpusError, articles_table, load_corpus, read_article
from salient.schemas import ARTICLES, INGEST

FIXTURES = Path(__file__).parent / "fixtures"
MIXED = FIXTURES / "corpus_mixed"
BOILERPLATE = FIXTURES / "corpus_boilerplate"
DEVSET = Path("/work/shared/devset")

BODY = "Crews repaired the northern road on Monday after a week of shelling, officials said.\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def ingest_row(corpus, file: str) -> dict:
    rows = corpus.ingest[corpus.ingest["file"] == file]
    assert len(rows) == 1, file
    return rows.iloc[0].to_dict()


def only_article(corpus):
    assert len(corpus.articles) == 1
    return corpus.articles[0]


def test_docstring_examples_hold():
    assert doctest.testmod(salient.ingest.corpus).failed == 0


# --- the readable fixture corpus -------------------------------------------------------------


def test_fixture_corpus_ingest_table():
    corpus = load_corpus(MIXED)
    INGEST.validate(corpus.ingest)
    table = corpus.ingest[["file", "article_id", "status", "reason", "format"]]
    assert table.to_dict("records") == [
        {
            "file": "analyst_thread.md",
            "article_id": "analyst_thread",
            "status": "parsed_with_warnings",
            "reason": "bad manifest date '20/01/2025'",
            "format": "md",
        },
        {
            "file": "bridge_feature.html",
            "article_id": "bridge_feature",
            "status": "parsed",
            "reason": "",
            "format": "html",
        },
        {
            "file": "harbour_report.txt",
            "article_id": "harbour_report",
            "status": "parsed",
            "reason": "",
            "format": "txt",
        },
        {
            "file": "missing_story.txt",
            "article_id": "",
            "status": "skipped",
            "reason": "listed in manifest but missing",
            "format": "",
        },
    ]
    assert [a.file for a in corpus.articles] == [
        "analyst_thread.md",
        "bridge_feature.html",
        "harbour_report.txt",
    ]


def test_manifest_fields_win_and_extra_columns_are_ignored():
    article = next(a for a in load_corpus(MIXED).articles if a.article_id == "harbour_report")
    assert article.title == "Harbour reopens after mine clearance"
    assert article.outlet == "Coastal Bulletin"
    assert article.url == "https://example.org/harbour"
    published = article.published
    assert (published.value, published.basis, published.precision) == (
        "2025-01-20",
        "manifest",
        "day",
    )
    assert (published.earliest, published.latest) == ("2025-01-20", "2025-01-20")
    raw = (MIXED / "harbour_report.txt").read_bytes()
    assert article.sha256 == hashlib.sha256(raw).hexdigest()
    assert article.sections[0].label == "title"


def test_bad_manifest_date_warns_and_falls_back_to_the_text():
    article = next(a for a in load_corpus(MIXED).articles if a.article_id == "analyst_thread")
    assert article.warnings == ("bad manifest date '20/01/2025'",)
    assert article.published.basis == "text"
    assert article.published.value == "2025-01-18"
    assert article.title == "Three notes on the northern front"  # from the markdown heading


def test_html_body_title_outlet_and_meta_date():
    article = next(a for a in load_corpus(MIXED).articles if a.article_id == "bridge_feature")
    assert article.source_format == "html"
    assert article.text.startswith("Night shift on the bridge\nRepair crews work only after dark")
    for leaked in ("Home", "Sport", "Lottery", "9 million", "All rights reserved", "Most read"):
        assert leaked not in article.text
    assert "team of 30 replaced six spans" in article.text
    assert article.title == "Night shift on the bridge"
    assert article.outlet == "Riverside Review"
    published = article.published
    assert (published.value, published.basis, published.precision) == (
        "2025-01-19",
        "html_meta",
        "day",
    )
    assert [s.label for s in article.sections] == ["title", "body"]


def test_articles_table_counts_body_and_boilerplate_sentences():
    corpus = load_corpus(BOILERPLATE)
    table = articles_table(corpus.articles).set_index("article_id")
    ARTICLES.validate(table.reset_index())
    # the title counts as neither; each comment line and author line is a sentence
    assert table.loc["comments_widget", "n_body_sentences"] == 2
    assert table.loc["comments_widget", "n_boilerplate_sentences"] == 6
    assert table.loc["read_more_list", "n_body_sentences"] == 2
    assert table.loc["read_more_list", "n_boilerplate_sentences"] == 3
    assert table.loc["subscription_plea", "n_body_sentences"] == 2
    assert table.loc["subscription_plea", "title"] == "Air defence crews report a quiet night"
    assert table.loc["subscription_plea", "n_chars"] == len(
        (BOILERPLATE / "subscription_plea.txt").read_text(encoding="utf-8")
    )


def test_articles_table_of_nothing_is_an_empty_valid_frame():
    table = articles_table([])
    assert list(table.columns) == list(ARTICLES.columns)
    assert len(table) == 0


# --- bad inputs, one by one ------------------------------------------------------------------


def test_empty_and_whitespace_only_files_are_skipped(tmp_path):
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "blank.md", " \n\t\r\n")
    corpus = load_corpus(tmp_path)
    assert corpus.articles == []
    assert ingest_row(corpus, "empty.txt")["reason"] == "empty file"
    assert ingest_row(corpus, "blank.md")["status"] == "skipped"
    assert ingest_row(corpus, "blank.md")["reason"] == "empty file"


def test_binary_files_are_skipped(tmp_path):
    write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path, "noise.md", bytes(range(1, 9)) * 40 + b"some words")
    corpus = load_corpus(tmp_path)
    assert corpus.articles == []
    for name in ("image.txt", "noise.md"):
        assert ingest_row(corpus, name)["reason"] == "binary file"


def test_cp1252_file_is_decoded_with_a_warning(tmp_path):
    text = "Troops fell back \u201c10\u201312 km\u201d, a spokesman\u2019s note said.\n"
    write(tmp_path, "legacy.txt", ("Lines hold near the river\n" + text).encode("cp1252"))
    corpus = load_corpus(tmp_path)
    article = only_article(corpus)
    assert article.encoding == "cp1252"
    assert "\u201c10\u201312 km\u201d" in article.text
    assert "spokesman\u2019s" in article.text
    assert article.warnings == ("decoded as cp1252",)
    row = ingest_row(corpus, "legacy.txt")
    assert (row["status"], row["reason"], row["encoding"]) == (
        "parsed_with_warnings",
        "decoded as cp1252",
        "cp1252",
    )


def test_bytes_that_are_not_cp1252_fall_back_to_latin1(tmp_path):
    write(tmp_path, "odd.txt", b"Caf\xe9 owners counted \x81 losses.\n")
    article = only_article(load_corpus(tmp_path))
    assert article.encoding == "latin-1"
    assert article.text.startswith("Caf\u00e9")
    assert article.warnings == ("decoded as latin-1",)


def test_bom_is_stripped(tmp_path):
    write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + ("Bridge reopens\n" + BODY).encode("utf-8"))
    article = only_article(load_corpus(tmp_path))
    assert article.encoding == "utf-8-sig"
    assert article.text.startswith("Bridge reopens\n")
    assert article.title == "Bridge reopens"
    assert article.warnings == ()


def test_utf16_with_a_bom_is_text_not_binary(tmp_path):
    write(tmp_path, "notepad.txt", ("Bridge reopens\r\n" + BODY).encode("utf-16"))
    article = only_article(load_corpus(tmp_path))
    assert article.encoding == "utf-16"
    assert article.text == "Bridge reopens\n" + BODY
    assert article.warnings == ()


def test_crlf_line_ends_become_lf(tmp_path):
    write(tmp_path, "windows.txt", b"Bridge reopens\r\n\r\n" + BODY.encode() + b"Second line.\r")
    article = only_article(load_corpus(tmp_path))
    assert "\r" not in article.text
    assert article.text.startswith("Bridge reopens\n\nCrews repaired")


def test_too_large_file_is_skipped_without_being_read(tmp_path, monkeypatch):
    write(tmp_path, "huge.txt", "Bridge reopens\n" + BODY * 20)
    size = (tmp_path / "huge.txt").stat().st_size
    original_open = Path.open

    def guarded_open(self, *args, **kwargs):
        assert self.name != "huge.txt", "a too-large file was opened"
        return original_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded_open)
    corpus = load_corpus(tmp_path, max_bytes=100)
    row = ingest_row(corpus, "huge.txt")
    assert row["status"] == "skipped"
    assert row["reason"] == f"file too large ({size} bytes > 100)"
    assert row["n_bytes"] == size


def test_unsupported_extensions_hidden_files_and_folders(tmp_path):
    write(tmp_path, "scan.pdf", b"%PDF-1.7 ...")
    write(tmp_path, ".draft.txt", "Hidden draft\n" + BODY)
    (tmp_path / "archive").mkdir()
    write(tmp_path / "archive", "old.txt", "Old story\n" + BODY)
    write(tmp_path, "README.md", "# About this folder\n" + BODY)
    corpus = load_corpus(tmp_path)
    assert list(corpus.ingest["file"]) == ["README.md", "scan.pdf"]
    row = ingest_row(corpus, "scan.pdf")
    assert (row["status"], row["reason"], row["n_bytes"]) == (
        "skipped",
        "unsupported extension",
        12,
    )
    assert corpus.articles == []
    readme = ingest_row(corpus, "README.md")
    assert (readme["status"], readme["reason"]) == ("skipped", "documentation file, not an article")


def test_unreadable_files_are_skipped_with_the_os_message(tmp_path, monkeypatch):
    write(tmp_path, "locked.txt", "Locked story\n" + BODY)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    original_open = Path.open

    def refusing_open(self, *args, **kwargs):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return original_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing_open)
    corpus = load_corpus(tmp_path)
    assert corpus.articles == []
    assert ingest_row(corpus, "locked.txt")["reason"] == "cannot read file: Permission denied"
    assert (
        ingest_row(corpus, "dangling.txt")["reason"]
        == "cannot read file: No such file or directory"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_file_without_read_permission_is_skipped(tmp_path):
    path = write(tmp_path, "locked.txt", "Locked story\n" + BODY)
    path.chmod(0)
    try:
        corpus = load_corpus(tmp_path)
    finally:
        path.chmod(0o644)
    assert ingest_row(corpus, "locked.txt")["reason"] == "cannot read file: Permission denied"


def test_html_without_an_article_body_is_skipped(tmp_path):
    page = "<html><body><nav><a href='/'>Home</a> | <a href='/w'>World</a></nav></body></html>"
    write(tmp_path, "menu.html", page)
    row = ingest_row(load_corpus(tmp_path), "menu.html")
    assert (row["status"], row["reason"], row["format"]) == (
        "skipped",
        "no article body found in HTML",
        "html",
    )


def test_txt_file_holding_html_goes_through_the_html_path(tmp_path):
    page = (
        "<!DOCTYPE html><html><head><title>Ferry back in service</title></head><body>"
        "<nav>Home | World</nav><article><h1>Ferry back in service</h1>"
        f"<p>{BODY}</p><p>{BODY}</p></article><footer>Contact us</footer></body></html>"
    )
    write(tmp_path, "saved_page.txt", page)
    corpus = load_corpus(tmp_path)
    article = only_article(corpus)
    assert article.source_format == "html"
    assert article.text.startswith("Ferry back in service\nCrews repaired")
    assert "<" not in article.text and "Contact us" not in article.text
    assert article.warnings == ("HTML content in a .txt file, read as HTML",)
    assert ingest_row(corpus, "saved_page.txt")["status"] == "parsed_with_warnings"


def test_manifest_month_date_and_missing_file_column(tmp_path):
    write(tmp_path, "story.txt", "Bridge reopens\n" + BODY)
    write(tmp_path, "manifest.csv", "File,Published,Outlet\nstory.txt,2025-02,Daily Example\n")
    article = only_article(load_corpus(tmp_path))
    published = article.published
    assert (published.value, published.precision) == ("2025-02", "month")
    assert (published.earliest, published.latest) == ("2025-02-01", "2025-02-28")
    assert article.outlet == "Daily Example"

    write(tmp_path, "manifest.csv", "name,published\nstory.txt,2025-02-03\n")
    corpus = load_corpus(tmp_path)
    row = ingest_row(corpus, "manifest.csv")
    assert (row["status"], row["reason"]) == ("skipped", "manifest has no 'file' column; ignored")
    assert only_article(corpus).published.basis != "manifest"


def test_missing_corpus_folder_raises_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")
    write(tmp_path, "story.txt", BODY)
    with pytest.raises(CorpusError, match="is not a folder"):
        load_corpus(tmp_path / "story.txt")


def test_folder_with_nothing_readable_gives_an_empty_corpus(tmp_path):
    corpus = load_corpus(tmp_path)
    assert corpus.articles == []
    assert len(corpus.ingest) == 0
    assert list(corpus.ingest.columns) == list(INGEST.columns)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ),
    st.sampled_from([".txt", ".md", ".html"]),
)
def test_any_bytes_give_an_article_or_a_skip_row_never_an_exception(raw, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random{suffix}"
        path.write_bytes(raw)
        article, row = read_article(path)
    assert row["status"] in {"parsed", "parsed_with_warnings", "skipped"}
    assert (article is None) == (row["status"] == "skipped")
    if article is not None:
        assert article.text.strip()
        assert "\r" not in article.text
        assert article.sections[0].start == 0 and article.sections[-1].end == len(article.text)


def test_read_article_alone_never_raises_for_a_bad_file(tmp_path):
    article, row = read_article(tmp_path / "absent.txt")
    assert article is None
    assert row["status"] == "skipped"


# --- the dev set's HTML page and the seeds -----------------------------------------------------


@pytest.mark.skipif(not DEVSET.is_dir(), reason="dev set not available")
def test_devset_d05_html_keeps_only_the_article(tmp_path):
    shutil.copy(DEVSET / "d05_drone_feature.html", tmp_path)
    article = only_article(load_corpus(tmp_path))  # no manifest: the date comes from the page
    assert article.published.value == "2025-02-18"
    assert article.published.basis == "html_meta"
    body = article.text
    assert body.rstrip().endswith("Drivers now travel at night, one or two vehicles at a time.")
    for leaked in ("143 drones", "£52m", "Most read", "Newsletters", "All rights reserved"):
        assert leaked not in body
    assert "112 destroyed or abandoned vehicles" in body


@pytest.mark.skipif(not DEVSET.is_dir(), reason="dev set not available")
def test_devset_d07_is_read_as_cp1252(tmp_path):
    shutil.copy(DEVSET / "d07_cp1252.txt", tmp_path)
    article = only_article(load_corpus(tmp_path))
    assert article.encoding == "cp1252"
    assert "\u2013" in article.text and "\ufffd" not in article.text


def test_seed_corpus_reads_cleanly():
    corpus = load_corpus(Path(__file__).parents[1] / "seeds")
    assert list(corpus.ingest["status"]) == ["parsed"] * 5
    table = articles_table(corpus.articles)
    assert table["n_boilerplate_sentences"].gt(0).tolist() == [True, False, True, True, False]
    by_id = table.set_index("article_id")
    assert by_id.loc["003_6cad6c47854ec21f", "outlet"] == "Kyiv Independent"
    assert pd.isna(by_id.loc["000_6cef81237ad4168d", "title"])


def test_a_crashing_html_parser_skips_the_file(tmp_path, monkeypatch):
    import trafilatura

    def crash(*args, **kwargs):
        raise ValueError("tree too deep")

    monkeypatch.setattr(trafilatura, "bare_extraction", crash)
    write(tmp_path, "page.html", "<html><body><p>" + BODY + "</p></body></html>")
    row = ingest_row(load_corpus(tmp_path), "page.html")
    assert (row["status"], row["reason"]) == ("skipped", "HTML could not be parsed: tree too deep")
