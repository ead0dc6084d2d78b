"""Sentence splitting: abbreviations, quotes, paragraphs, offsets (examples and properties)."""

from hypothesis import given, settings
from hypothesis import strategies as st
from salient.ingest.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_splits_at_sentence_ends_and_keeps_offsets():
    text = "Troops crossed the river. Did they hold it? Yes!"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["Troops crossed the river.", "Did they hold it?", "Yes!"]
    assert [(s.start, s.end) for s in sentences] == [(0, 25), (26, 43), (44, 48)]


def test_abbreviations_do_not_end_sentences():
    text = (
        "Lt. Gen. Ana Kovac met Gov. Reyes in St. Paul on Sept. 4 at 10 a.m. Sunday. "
        "The U.S. State Department and Mr. Lee in Washington, D.C. agreed."
    )
    assert texts(text) == [
        "Lt. Gen. Ana Kovac met Gov. Reyes in St. Paul on Sept. 4 at 10 a.m. Sunday.",
        "The U.S. State Department and Mr. Lee in Washington, D.C. agreed.",
    ]


def test_number_abbreviations_only_before_a_number():
    assert texts("Unit No. 3 moved. The answer was No. Then they left.") == [
        "Unit No. 3 moved.",
        "The answer was No.",
        "Then they left.",
    ]


def test_initials_and_decimals_stay_inside():
    assert texts("John F. Smith measured 3.5 km. Then he rested.") == [
        "John F. Smith measured 3.5 km.",
        "Then he rested.",
    ]


def test_closing_quotes_belong_to_the_sentence():
    text = "\u201cWe are holding,\u201d he said. \u2018It is quiet.\u2019 Next came the rain."
    assert texts(text) == [
        "\u201cWe are holding,\u201d he said.",
        "\u2018It is quiet.\u2019",
        "Next came the rain.",
    ]
    assert texts("'It was over.' Nobody argued.") == ["'It was over.'", "Nobody argued."]


def test_lowercase_after_question_in_quote_is_not_a_break():
    assert texts('"Who is left?" she asked. Nobody answered.') == [
        '"Who is left?" she asked.',
        "Nobody answered.",
    ]


def test_a_sentence_never_crosses_a_newline_and_lines_are_paragraphs():
    text = "The return of President\nDonald Trump changed things.\n\n  \nA new line. Two here.\n"
    sentences = split_sentences(text)
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("The return of President", 0),
        ("Donald Trump changed things.", 1),
        ("A new line.", 2),
        ("Two here.", 2),
    ]


def test_markdown_list_lines_are_sentences_and_enumerators_are_not_cut():
    text = "**2/** From the north. Fewer guns.\n- a short item\n1. First point here. Second one."
    assert texts(text) == [
        "**2/** From the north.",
        "Fewer guns.",
        "- a short item",
        "1. First point here.",
        "Second one.",
    ]


def test_range_keeps_global_paragraph_numbers_and_offsets():
    text = "Title line\n\nFirst para. Still first.\nSecond para here.\nThird."
    start = text.index("Second")
    sentences = split_sentences(text, start, text.index("Third"))
    assert [(s.text, s.paragraph, s.start) for s in sentences] == [("Second para here.", 2, start)]
    # a start in the middle of a line keeps that line's paragraph number
    middle = text.index("Still")
    assert [(s.text, s.paragraph) for s in split_sentences(text, middle, middle + 12)] == [
        ("Still first.", 1)
    ]


def test_empty_and_blank_input():
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n") == []
    assert split_sentences("Some text.", 5, 5) == []


def test_an_overlong_sentence_is_cut_at_spaces_under_the_cap():
    words = "troops held the line near the river " * 100  # 3,600 characters, no sentence end
    sentences = split_sentences(words + "Then rain fell.")
    assert [len(s.text) for s in sentences] == [997, 997, 998, 620]  # cut at the last space
    assert sentences[0].text.endswith(" the line near")
    assert sentences[-1].text.endswith(" river Then rain fell.")
    assert {s.paragraph for s in sentences} == {0}


def test_an_overlong_word_is_cut_at_the_cap_and_runs_of_dots_are_one_piece():
    assert [len(s.text) for s in split_sentences("x" * 2500)] == [1000, 1000, 500]
    dots = "." * 200_000  # a page of leaders: one run, split by the cap only
    assert [len(s.text) for s in split_sentences(dots)] == [1000] * 200
    assert [s.text for s in split_sentences("Wait... " + "." * 30 + " Go.")] == [
        "Wait... " + "." * 30,
        "Go.",
    ]


_pieces = st.sampled_from(
    [
        "The",
        "U.S.",
        "Gen.",
        "a.m.",
        "No.",
        "3",
        "km.",
        "said",
        "A",
        "x",
        ".",
        "?",
        "!",
        "...",
        "\u201d",
        "\u201c",
        "'",
        '"',
        ")",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\t",
        "\r\n",
        "- ",
        "1.",
        "\u2026",
        "\u00a0",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(_pieces, max_size=60).map("".join), st.text(max_size=200)))
def test_sentences_are_ordered_exact_nonempty_and_within_lines(text):
    sentences = split_sentences(text)
    previous_end = 0
    previous_paragraph = -1
    for sentence in sentences:
        assert sentence.start >= previous_end
        assert sentence.start < sentence.end
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        assert "\n" not in sentence.text
        assert sentence.paragraph >= previous_paragraph
        previous_end, previous_paragraph = sentence.end, sentence.paragraph
    # splitting is lossless: every non-space character lands in some sentence
    covered = sum(len("".join(s.text.split())) for s in sentences)
    assert covered == len("".join(text.split()))


@settings(max_examples=200, deadline=None)
@given(st.lists(_pieces, max_size=60).map("".join), st.integers(0, 80), st.integers(0, 80))
def test_a_range_gives_the_sentences_of_that_range(text, a, b):
    start, end = min(a, b), max(a, b)
    for sentence in split_sentences(text, start, end):
        assert start <= sentence.start < sentence.end <= min(end, len(text))
        assert text[sentence.start : sentence.end] == sentence.text
