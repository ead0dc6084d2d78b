"""Title, body and boilerplate spans: marker data, small hand-written pages, seeds, dev set."""

import doctest
import itertools
from pathlib import Path

import pytest
import salient.ingest.sections
import salient.ingest.sentences
from hypothesis import given, settings
from hypothesis import strategies as st
from salient.ingest.sections import load_markers, match_marker, split_sections
from salient.model import SECTION_LABELS, Section

FIXTURES = Path(__file__).parent / "fixtures" / "corpus_boilerplate"
SEEDS = Path(__file__).parents[1] / "seeds"
DEVSET = Path("/work/shared/devset")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def layout(text: str, **kwargs) -> list[tuple[str, str, str]]:
    """(label, kind, first line of the span) for each section."""
    return [
        (s.label, s.kind, text[s.start : s.end].strip().split("\n")[0])
        for s in split_sections(text, **kwargs)
    ]


def section_at(text: str, needle: str):
    """The section holding the first occurrence of `needle`."""
    offset = text.index(needle)
    return next(s for s in split_sections(text) if s.start <= offset < s.end)


def body_end(text: str, **kwargs) -> int:
    return max(s.end for s in split_sections(text, **kwargs) if s.label == "body")


def test_docstring_examples_hold():
    for module in (salient.ingest.sections, salient.ingest.sentences):
        assert doctest.testmod(module).failed == 0


def test_every_marker_example_matches_its_own_row():
    markers = load_markers()
    assert {m.role for m in markers} == {"terminal", "aside", "story"}
    for marker in markers:
        assert match_marker(marker.example) == marker, marker.example


def test_markers_ignore_markdown_decoration_and_case():
    assert match_marker("## RELATED ARTICLES").kind == "related"
    assert match_marker("**Read more:**").role == "terminal"
    assert match_marker("Read more: How the front moved").role == "aside"
    assert match_marker("Comments (1,204)").kind == "comments"


def test_prose_mentioning_marker_words_is_not_a_marker():
    for line in (
        "Officials declined to make comments on the losses.",
        "Read more about the front in our weekly map, the editor said.",
        "Russia did not subscribe to the terms of the ceasefire, officials said.",
        "Related talks were held in Geneva on Monday.",
    ):
        assert match_marker(line) is None, line


def test_read_more_list_ends_the_body():
    text = fixture("read_more_list.txt")
    assert layout(text) == [
        ("title", "headline", "Engineers rebuild a river crossing under drone fire"),
        (
            "body",
            "body",
            text.split("\n")[2],
        ),
        ("boilerplate", "read_more", "Read more:"),
    ]
    assert section_at(text, "12 bridges").kind == "read_more"


def test_related_articles_with_pasted_stories():
    text = fixture("pasted_related_stories.txt")
    kinds = [(s.label, s.kind) for s in split_sections(text)]
    assert kinds == [
        ("title", "headline"),
        ("body", "body"),
        ("boilerplate", "related"),
        ("boilerplate", "pasted_story"),
    ]
    # the outlet line above the first timestamp already belongs to the pasted story
    assert section_at(text, "Northern Herald").kind == "pasted_story"
    assert section_at(text, "7,777").kind == "pasted_story"
    assert section_at(text, "3,333").kind == "pasted_story"
    assert text[: body_end(text)].rstrip().endswith("kept its positions on the ridge.")


def test_pasted_story_without_a_header_is_still_found_below_the_body():
    text = (
        "Ferry service resumes on the lake\n"
        "The ferry made its first crossing in a month on Monday, carrying 120 passengers.\n"
        "Lakeside Gazette\n"
        "3 hours ago\n"
        "Council approves a new budget\n"
        "The town council approved a budget of 90 million for next year after a long debate.\n"
    )
    assert section_at(text, "Lakeside Gazette").kind == "pasted_story"
    assert section_at(text, "90 million").kind == "pasted_story"
    assert section_at(text, "120 passengers").label == "body"


def test_a_timestamp_under_the_headline_is_not_a_pasted_story():
    text = (
        "Ferry service resumes on the lake\n"
        "2 hours ago\n"
        "The ferry made its first crossing in a month on Monday, carrying 120 passengers.\n"
    )
    assert section_at(text, "120 passengers").label == "body"


def test_comment_widget_stays_comments_despite_timestamps():
    text = fixture("comments_widget.txt")
    assert section_at(text, "Comments (58)").kind == "comments"
    assert section_at(text, "250 trucks").kind == "comments"
    assert section_at(text, "Nine days is a long time").kind == "comments"
    assert text[: body_end(text)].rstrip().endswith("the first delivery in nine days.")


def test_inline_read_also_lets_the_body_resume_and_the_plea_ends_it():
    text = fixture("subscription_plea.txt")
    assert layout(text) == [
        ("title", "headline", "Air defence crews report a quiet night"),
        ("body", "body", text.split("\n")[2]),
        ("boilerplate", "read_more", "Read also: Radar units moved closer to the border"),
        ("body", "body", text.split("\n")[4]),
        ("boilerplate", "subscription", text.split("\n")[5]),
    ]
    assert section_at(text, "31 drones").label == "body"
    assert section_at(text, "9 free articles").kind == "subscription"


def test_non_prose_lines_after_an_aside_stay_boilerplate():
    text = (
        "Power restored in the eastern district\n"
        "Engineers restored power to 40,000 homes in the district on Friday, the utility said.\n"
        "Most read\n"
        "- Lottery ticket worth 5 million found in a coat\n"
        "- Weather: snow expected by Sunday\n"
        "Repairs to the second substation will take another 10 days, the utility added today.\n"
    )
    assert section_at(text, "5 million").kind == "related"
    assert section_at(text, "snow expected").kind == "related"
    assert section_at(text, "10 days").label == "body"


def test_terminal_marker_before_any_body_does_not_swallow_the_article():
    text = (
        "Comments\n"
        "Repair crews reopened the northern road on Wednesday after clearing 12 mines from it.\n"
        "Traffic is expected to return to normal within days, officials said on Thursday.\n"
    )
    assert section_at(text, "12 mines").label == "body"


def test_title_rules():
    body = "The first paragraph reports what happened in several plain words.\n"
    assert layout("Short headline without a period\n" + body)[0][:2] == ("title", "headline")
    assert layout("# A markdown heading\n" + body)[0][:2] == ("title", "headline")
    # a first line that is a sentence is the lede unless the manifest names it as the title
    with_period = "Officials said the troops withdrew from the town.\n" + body
    assert layout(with_period)[0][:2] == ("body", "body")
    title = "Officials said the troops withdrew from the town"
    assert layout(with_period, title=title)[0][:2] == ("title", "headline")
    assert layout("x" * 200 + "\n" + body)[0][:2] == ("body", "body")
    assert layout("Just one line without a period")[0][:2] == ("body", "body")


def test_sections_cover_leading_and_trailing_blank_lines():
    text = "\n\nA headline here\n\nBody text goes on for a while in this sentence.\n\n\n"
    sections = split_sections(text)
    assert sections[0].start == 0 and sections[-1].end == len(text)
    assert split_sections("") == ()
    assert split_sections("  \n ") == (Section(0, 4, "body", "body"),)


_lines = st.sampled_from(
    [
        "A headline",
        "Troops moved 10 km to the north on Monday, the army said in a statement.",
        "Read more:",
        "Read also: a headline",
        "Related Articles",
        "Comments (3)",
        "2 hours ago",
        "Some Outlet",
        "- a list item",
        "Advertisement",
        "",
        "   ",
        "# Heading",
        "Support independent journalism",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_lines, max_size=25).map("\n".join), st.sampled_from([None, "A headline"]))
def test_sections_are_contiguous_and_cover_the_text(text, title):
    sections = split_sections(text, title=title)
    if not text:
        assert sections == ()
        return
    assert sections[0].start == 0
    assert sections[-1].end == len(text)
    for before, after in itertools.pairwise(sections):
        assert before.end == after.start
        assert (before.label, before.kind) != (after.label, after.kind)
    for section in sections:
        assert section.start < section.end
        assert section.label in SECTION_LABELS
    assert [s.label for s in sections].count("title") <= 1


# --- real pages: the seed articles and the dev set ---------------------------------------------


def test_seed_003_boilerplate_starts_after_the_last_quote():
    text = (SEEDS / "003_6cad6c47854ec21f.txt").read_text(encoding="utf-8")
    title = "Ukraine struggles to hold on in Kursk Oblast as Russia strikes back before peace talks"
    sections = split_sections(text, title=title)
    assert sections[0].label == "title"
    end = body_end(text, title=title)
    assert text[:end].rstrip().endswith("'We don't know what will happen next.'")
    assert all(s.label == "boilerplate" for s in sections if s.start >= end)
    assert section_at(text, "Read also:").kind == "read_more"
    assert section_at(text, "Consider supporting").kind == "subscription"
    # figures in the pasted stories below are boilerplate, not body
    for figure in ("6,000", "2 hours ago", "Los Angeles Times"):
        assert text.index(figure) >= end
    assert section_at(text, "6,000").kind == "pasted_story"


def test_seed_000_read_more_list_and_seed_002_comment_prompt():
    text = (SEEDS / "000_6cef81237ad4168d.txt").read_text(encoding="utf-8")
    assert section_at(text, "Read more:").kind == "read_more"
    assert text.index("Read more:") == body_end(text)
    assert split_sections(text)[0].label == "body"  # its long first line is a lede
    text = (SEEDS / "002_167d472fdcc50300.txt").read_text(encoding="utf-8")
    assert section_at(text, "Be First to Comment").kind == "comments"
    assert text.index("Be First to Comment") == body_end(text)


def test_seed_articles_without_boilerplate_are_all_body():
    for name in ("001_a3a7f08c8399e12d.txt", "004_1b30a834d0b510ac.txt"):
        text = (SEEDS / name).read_text(encoding="utf-8")
        assert {s.label for s in split_sections(text)} <= {"title", "body"}, name


@pytest.mark.skipif(not DEVSET.is_dir(), reason="dev set not available")
def test_devset_d08_body_ends_at_read_more():
    text = (DEVSET / "d08_with_boilerplate.txt").read_text(encoding="utf-8")
    end = body_end(text)
    assert end == text.index("Read more:")
    assert text[:end].rstrip().endswith("have been killed or wounded.")
    assert section_at(text, "757").kind == "related"
    assert section_at(text, "Comments (").kind == "comments"
    assert section_at(text, "sure. And how many").kind == "comments"
    assert section_at(text, "free articles").kind == "subscription"
    assert section_at(text, "67,000").label == "body"


def test_other_outlet_layouts_caption_topics_and_standards():
    text = (
        "Troops regroup near the border\n"
        "Soldiers withdrew from two villages overnight and dug in along a river, officers said.\n"
        "Image caption: A column of 40 trucks on the highway near the border\n"
        "The brigade lost 3 tanks in the retreat, according to a battalion commander.\n"
        "Explore more on these topics\n"
        "Borders\n"
        "Reuse this content\n"
        "Most viewed\n"
        "Celebrity couple splits after 12 years\n"
        "Our Standards: The Example Trust Principles.\n"
    )
    assert section_at(text, "40 trucks").kind == "caption"
    assert section_at(text, "3 tanks").label == "body"
    assert section_at(text, "Borders").kind == "related"
    assert section_at(text, "Reuse this content").kind == "footer"
    assert section_at(text, "12 years").label == "boilerplate"
    assert section_at(text, "Our Standards").kind == "footer"
    assert text[: body_end(text)].rstrip().endswith("according to a battalion commander.")
