"""As-of and attribution rules that read beyond the number's own sentence: relayed reports,
datelines, carried-over sources. Sentences are our own."""

from salient.dates import find_dates, is_dateline
from salient.extract.claims import extract_article
from salient.ingest.sections import split_sections
from salient.model import Article, PublishedDate

PUBLISHED = PublishedDate("2025-02-12", "manifest", "day", "2025-02-12", "2025-02-12")


def claims_of(body: str, title: str = "Fighting in Kursk goes on"):
    text = f"{title}\n{body}"
    art = Article(
        "a1", "a1.txt", "0" * 64, text, published=PUBLISHED, sections=split_sections(text)
    )
    claims = extract_article(art)
    return claims[(claims.section == "body") & claims.in_scope].reset_index(drop=True)


def test_a_relayed_report_keeps_only_the_month_of_publication():
    c = claims_of(
        "Ukraine's army chief says his troops hold about 600 sq km in Kursk, a news agency "
        "reports, citing his press officers.\n"
        "Russian units lost 300 soldiers near Sudzha."
    )
    assert c.as_of.tolist() == ["2025-02", "2025-02"]
    assert c.as_of_precision.tolist() == ["month", "month"]
    assert (c.as_of_earliest[0], c.as_of_latest[0]) == ("2025-02-01", "2025-02-28")


def test_citing_evidence_rather_than_a_source_is_no_relay():
    c = claims_of(
        "Ukraine's army chief says his troops hold about 600 sq km in Kursk, citing drone "
        "footage from the front."
    )
    assert (c.as_of[0], c.attributed_to[0]) == ("2025-02-12", "Ukraine's army chief")


def test_a_report_of_its_own_keeps_the_publication_day():
    c = claims_of("Ukraine's army chief said his troops hold about 600 sq km in Kursk.")
    assert (c.as_of[0], c.as_of_precision[0]) == ("2025-02-12", "day")


def test_a_relay_cue_beyond_the_lead_does_not_coarsen_the_date():
    c = claims_of(
        "Ukraine's army chief said his troops hold about 600 sq km in Kursk on a wide front.\n"
        "A newspaper wrote about talks later, citing two diplomats."
    )
    assert c.as_of.tolist() == ["2025-02-12"]


def test_a_dated_claim_in_a_relayed_report_keeps_its_own_day():
    c = claims_of(
        "On Monday the governor said 1,200 Ukrainian troops remained in Kursk, the agency "
        "reported, citing his office."
    )
    assert (c.as_of[0], c.as_of_basis[0]) == ("2025-02-10", "explicit")


def test_a_dateline_dates_the_report_not_the_claim():
    c = claims_of(
        "Kyiv, February 11 — Ukraine's army chief said his troops hold about 600 sq km in "
        "Kursk, a wire service reported, citing his aides."
    )
    assert (c.as_of[0], c.as_of_basis[0]) == ("2025-02", "published")


def test_dateline_shapes():
    def flags(text):
        return [is_dateline(text, d) for d in find_dates(text)]

    assert flags("Kyiv, August 13 — the commander said") == [True]
    assert flags("LONDON, Aug 5 (Wire) - talks began") == [True]
    assert flags(" date 2025-10-02 Units advanced") == [True]
    assert flags("On August 13, the commander said") == [False]
    assert flags("The commander said on August 13 that") == [False]


def test_list_items_take_the_source_an_earlier_item_named():
    c = claims_of(
        "Losses\n"
        "- Kyiv lost about 900 soldiers in Kursk over the month, the Russian defence ministry "
        "said.\n"
        "\n"
        "- Over the last day alone Ukrainian units lost 80 soldiers in Kursk.\n"
        "Analysts doubt the count.\n"
        "Ukraine still has 400 soldiers in Kursk."
    )
    assert c.attributed_to.tolist() == [
        "Russian Defence Ministry",
        "Russian Defence Ministry",
        "",
    ]


def test_an_intro_line_ending_in_a_colon_sources_the_list_below_it():
    c = claims_of(
        "The Russian defence ministry reported the following for Kursk:\n"
        "- Ukrainian units lost 80 soldiers.\n"
        "- Russian units took 12 square kilometres near Sudzha."
    )
    assert c.attributed_to.tolist() == ["Russian Defence Ministry"] * 2


def test_a_list_without_a_named_source_stays_unattributed():
    c = claims_of("- Ukrainian units lost 80 soldiers in Kursk.\n- Russian units lost 90 soldiers.")
    assert c.attributed_to.tolist() == ["", ""]


def test_prose_after_an_attributed_sentence_is_the_writers_own():
    c = claims_of(
        "Russia's defence ministry said Kyiv lost 900 soldiers in Kursk.\n"
        "Ukraine still holds 400 square kilometres of the region."
    )
    assert c.attributed_to.tolist() == ["Russian Defence Ministry", ""]


def test_he_refers_to_a_role_written_before_a_name():
    c = claims_of(
        "The president spoke first. Later, army spokesman Ivan Petrenko said 300 Russian "
        "soldiers had been killed in Kursk. On Tuesday he said 200 more were wounded there."
    )
    assert c.attributed_to.tolist() == ["army spokesman Ivan Petrenko"] * 2


def test_describing_a_force_reports_it():
    c = claims_of("Russian officials described the raiding party as some 2,000 soldiers in Kursk.")
    assert c.attributed_to.tolist() == ["Russian officials"]


def test_he_refers_to_a_speaker_who_described_the_situation():
    c = claims_of(
        "The region's governor, Ivan Sidorov, described the fighting as fierce. He added that "
        "Ukrainian units now hold 30 villages in Kursk."
    )
    assert c.attributed_to.tolist() == ["Ivan Sidorov"]


def test_according_to_keeps_a_possessive_source_whole():
    from salient.extract import context

    s = "The raid failed, according to Ukraine's border guard service, which lost 12 men."
    assert context.attribution(s, s.index("12")) == "Ukraine's border guard service"


def test_a_relative_clause_reports_for_its_antecedent():
    c = claims_of(
        "The strike hit a depot in Kursk, according to the regional governor's office, which "
        "says 40 Ukrainian soldiers were wounded."
    )
    assert c.attributed_to.tolist() == ["regional governor's office"]


def test_a_reduced_passive_estimate_names_no_source():
    from salient.extract import context

    s = "Russian reserves, estimated at 9,000 men, reached the front."
    assert context.attribution(s, s.index("9,000")) == ""


def test_the_nearest_earlier_source_wins_whatever_the_pattern_that_found_it():
    from salient.extract import context

    s = "The governor said Moscow sent 9,000 men, and according to analysts, 300 were lost."
    assert context.attribution(s, s.index("9,000")) == "governor"
    assert context.attribution(s, s.index("300")) == "analysts"


def test_he_means_the_reporting_subject_not_the_outlet_that_carried_it():
    c = claims_of(
        "General Ivan Orlov reported to the Kremlin that Kursk was calm, according to a state "
        "news agency. He claimed Ukraine lost 5,000 soldiers in Kursk."
    )
    assert c.attributed_to.tolist() == ["General Ivan Orlov"]


def test_a_source_list_drops_its_examples():
    c = claims_of(
        "Russian units lost 400 soldiers in Kursk, according to the Ukrainian army and several "
        "volunteer mapping groups such as Black Bird and the Field Institute for Maps."
    )
    assert c.attributed_to.tolist() == ["Ukrainian army and several volunteer mapping groups"]


def test_a_dateline_place_is_not_the_source():
    c = claims_of(
        "Kyiv, February 11 — Ukraine's army chief, Ivan Petrenko, has claimed that his troops "
        "now hold at least 700 square kilometres in Kursk."
    )
    assert c.attributed_to.tolist() == ["Ivan Petrenko"]


def test_a_subject_before_a_dash_is_still_a_source():
    c = claims_of(
        "The ministry — never shy of big numbers — said Ukraine lost 7,000 soldiers in Kursk."
    )
    assert c.attributed_to.tolist() == ["ministry"]


def test_a_relayed_report_credits_whom_it_cites_for_figures_it_does_not_attribute():
    c = claims_of(
        "Ukrainian units pushed on near Sudzha overnight. This was reported by a news agency "
        "with reference to the commander of the northern group of forces of Ukraine Ivan Petrenko on "
        "his channel.\n"
        "Russian losses in Kursk reached 900 soldiers over the week.\n"
        "Russia's defence ministry said 40 Russian soldiers were captured in Kursk."
    )
    assert c.attributed_to.tolist() == ["Ivan Petrenko", "Russian Defence Ministry"]


def test_an_unrelayed_report_leaves_the_writers_figures_unattributed():
    c = claims_of(
        "Ukrainian units pushed on near Sudzha overnight, the commander Ivan Petrenko said.\n"
        "Russian losses in Kursk reached 900 soldiers over the week."
    )
    assert c.attributed_to.tolist() == [""]


def test_a_number_in_a_model_name_is_not_a_count():
    c = claims_of("Ukraine sent a Kursk brigade its German-made Leopard 2 tanks last spring.")
    assert c.empty


def test_a_count_after_a_weekday_is_still_a_count():
    c = claims_of("On Sunday 3 Russian tanks were destroyed near Sudzha in Kursk.")
    assert (c.category.tolist(), c.value_best.tolist()) == (["equipment"], [3.0])


def test_a_bare_drone_count_keeps_the_side_of_the_drone_count_before_it():
    c = claims_of(
        "Air defences shot down 60 Ukrainian drones overnight, the ministry said.\n"
        "Another 25 drones were downed over Kursk later in the morning."
    )
    assert c.loc[c.value_best == 25, "side"].tolist() == ["UA"]


def test_a_drone_count_with_no_earlier_side_stays_unknown():
    c = claims_of("Another 25 drones were downed over Kursk later in the morning.")
    assert c.side.tolist() == ["unknown"]


def test_a_total_mostly_over_the_theatre_is_a_multi_region_figure():
    c = claims_of(
        "Air defences destroyed 70 Ukrainian drones overnight, most of them over Kursk region."
    )
    assert c.empty


def test_a_date_in_a_later_clause_dates_that_clause_only():
    c = claims_of(
        "An officer said Ukraine still holds about 450 square kilometres in Kursk and that "
        "his company advanced 3 km on Monday."
    )
    held = c.loc[c.category == "territory"].iloc[0]
    assert (held.as_of, held.as_of_basis) == ("2025-02-12", "published")


def test_a_date_earlier_in_the_sentence_still_dates_the_claim():
    c = claims_of(
        "On Monday the army said Ukraine still holds about 450 square kilometres in Kursk."
    )
    assert c.as_of.tolist() == ["2025-02-10"]


def test_a_date_past_a_comma_tells_of_something_else():
    c = claims_of(
        "Analysts think Kyiv now holds around 300 square kilometres in Kursk, a third of what "
        "it held last August."
    )
    assert c.as_of.tolist() == ["2025-02-12"]


def test_a_reported_or_as_of_date_past_a_comma_still_dates_the_claim():
    c = claims_of(
        "Ukraine lost 900 soldiers in Kursk, the ministry said on Monday.\n"
        "Ukraine held 300 square kilometres in Kursk, as of February 3."
    )
    assert c.as_of.tolist() == ["2025-02-10", "2025-02-03"]


def test_each_count_in_a_list_keeps_its_own_noun():
    c = claims_of(
        "In Kursk two cars, two jeeps and four mortars of the Ukrainian army were destroyed."
    )
    got = sorted(zip(c.quantity_text, c.unit, strict=True))
    assert got == [("four mortars", "mortars"), ("two cars", "vehicles")]


def test_an_inventory_line_labels_each_number_with_the_word_before_it():
    c = claims_of(
        "Russian losses in Kursk this month included: tanks - 9, infantry fighting vehicles - "
        "17, artillery systems - 40, motorcycles and quad bikes - 12."
    )
    got = dict(zip(c.value_best, c.unit, strict=True))
    assert got == {9.0: "tanks", 17.0: "vehicles", 40.0: "artillery systems", 12.0: "motorcycles"}


def test_drones_brought_down_belong_to_the_other_side():
    c = claims_of("A Ukrainian air defence unit said it had brought down 15 drones over Kursk.")
    assert c.side.tolist() == ["RU"]


def test_whose_land_it_is_does_not_make_a_side_its_holder():
    c = claims_of(
        "Kyiv's units still hold about 400 square kilometres of Russian territory in Kursk, "
        "down from some 1,200 square kilometres at the peak."
    )
    assert list(zip(c.value_best, c.side, c.measure, strict=True)) == [
        (400.0, "UA", "held"),
        (1200.0, "UA", "held"),
    ]


def test_an_aside_about_the_speaker_does_not_hide_who_speaks():
    c = claims_of(
        "A Ukrainian officer in Kursk, who asked not to be named, said his unit was down to "
        "300 soldiers. Later he said 40 soldiers had been wounded."
    )
    assert c.attributed_to.tolist() == ["Ukrainian officer", "Ukrainian officer"]


def test_its_forces_are_the_reporting_sides_own():
    c = claims_of(
        "Russia's defence ministry said its forces had captured 15 square kilometres in Kursk."
    )
    assert list(zip(c.side, c.measure, strict=True)) == [("RU", "gained")]


def test_equipment_destroyed_by_its_units_is_the_other_sides():
    c = claims_of(
        "The Ukrainian army said its units had destroyed 12 armoured vehicles in Kursk overnight."
    )
    assert c.side.tolist() == ["RU"]


def test_a_lowercase_service_is_a_source():
    c = claims_of(
        "Ukrainian forces took 45 Russian soldiers prisoner near Sudzha in Kursk, the border "
        "guard service said."
    )
    assert c.attributed_to.tolist() == ["border guard service"]


def test_the_country_entered_is_not_the_holder():
    c = claims_of(
        "Ukrainian troops crossed into Russia's Kursk region and within a week held some "
        "1,000 square kilometres."
    )
    assert c.side.tolist() == ["UA"]


def test_an_estimated_figure_names_no_source():
    c = claims_of("Russia responded by sending an estimated 50,000 troops to Kursk.")
    assert c.attributed_to.tolist() == [""]


def test_a_count_of_the_people_speaking_is_no_claim():
    c = claims_of(
        "The Kursk garrison numbers no more than 3,000 soldiers, two officers told reporters."
    )
    assert (c.value_best.tolist(), c.attributed_to.tolist()) == ([3000.0], ["two officers"])


def test_a_day_earlier_counts_from_the_last_date_given():
    c = claims_of(
        "Russia said on Monday that its troops had entered the town of Sudzha in Kursk.\n"
        "A day earlier the governor said 200 Ukrainian soldiers were surrounded there. He put "
        "Ukraine's losses at 5,000 soldiers.\n"
        "The talks came two days after Kyiv confirmed 40 soldiers were captured in Kursk."
    )
    assert c.as_of.tolist() == ["2025-02-09", "2025-02-09", "2025-02-12"]


def test_shifts_without_an_anchor_day_are_not_dates():
    from salient.dates import shifted_dates

    assert shifted_dates("A day earlier the general spoke.", None) == []


def test_a_source_speaking_in_a_later_relative_clause_does_not_attribute_the_number():
    c = claims_of(
        "Ukraine holds less than 150 sq km in Kursk, a narrow strip that Kyiv says it will hold."
    )
    assert c.attributed_to.tolist() == [""]


def test_a_trailing_attribution_still_names_the_source():
    c = claims_of("Ukraine lost 900 soldiers in Kursk, Russia's defence ministry said.")
    assert c.attributed_to.tolist() == ["Russian Defence Ministry"]


def test_a_quote_closed_by_an_emphasising_speaker_is_theirs():
    c = claims_of(
        '"Our drones hit 30 Russian soldiers near Sudzha in Kursk last week. We need more '
        'of them," emphasizes Ivan Petrenko.'
    )
    assert c.attributed_to.tolist() == ["Ivan Petrenko"]


def test_a_headline_may_end_by_naming_its_source():
    from salient.extract import context

    line = "Russia gathers 90,000 troops near Kursk border: Zelensky"
    assert context.attribution(line, line.index("90,000")) == "Zelensky"
    dash = "Ukrainian units gain ground in Kursk – ISW"
    assert context.attribution(dash, 0) == "ISW"
    place = "War in Ukraine, day 900: Kursk"
    assert context.attribution(place, place.index("900")) == ""


def test_a_source_described_in_the_lead_is_named_in_the_next_sentence():
    c = claims_of(
        "Russian units have retaken 300 square kilometres in Kursk, a senior Russian officer "
        "claimed.\n"
        "Col. Ivan Sidorov, who leads a brigade there, told a newspaper that Ukraine was in "
        "retreat."
    )
    assert c.attributed_to.tolist() == ["Ivan Sidorov"]


def test_a_described_source_stays_when_the_next_sentence_names_nobody():
    c = claims_of(
        "Russian units have retaken 300 square kilometres in Kursk, a senior Russian officer "
        "claimed.\nThe fighting went on through the night."
    )
    assert c.attributed_to.tolist() == ["senior Russian officer"]


def test_an_earlier_statement_keeps_only_the_publication_month():
    c = claims_of(
        "The mapping group released its report on Monday, 10 February.\n"
        "The governor had claimed that 40 settlements in Kursk were under enemy control."
    )
    assert c.as_of.tolist() == ["2025-02"]
