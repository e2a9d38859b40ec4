"""Themes in the customers' own words: inflected forms, compounds, missing diacritics; NPS, CSAT, language."""

import copy

import pandas as pd
import pytest

from lib.analysis.feedback import csat, nps, theme_counts, theme_feedback, theme_rows
from lib.analysis.theme_matching import ThemeMatcher, detect_language, sentiment_of_text
from lib.themes import THEMES, default_dictionary
from tests.conftest import AS_OF, write_xlsx
from tests.unit.history import read

# (text as a customer writes it, theme it must hit)
INFLECTED = {
    "et": [
        ("Hinnad on liiga kõrged", "price"),
        ("Natuke kallim kui mujal", "price"),
        ("Teenindajad olid abivalmid", "staff"),
        ("Klienditeenindus oli aeglane", "staff"),
        ("Riietusruumid olid mustad", "cleanliness"),
        ("Kõik oli väga puhtad", "cleanliness"),
        ("Palun avage varem", "opening_hours"),
        ("Broneeringut ei saanud teha", "booking"),
        ("Pidin kaua ootama", "waiting_time"),
        ("Jooksulindid on katki", "equipment"),
        ("Parkimiskohti pole", "parking"),
        ("Päevituskreemi kvaliteet on hea", "product_quality"),
        ("Mõnus õhkkond", "atmosphere"),
        ("Kuukaardihind tõusis", "price"),
        ("Hinnad on mõistlikud ja teenindus hea", "staff"),
    ],
    "fi": [
        ("Hintoja pitäisi laskea", "price"),
        ("Liian kallista", "price"),
        ("Asiakaspalvelu oli ystävällistä", "staff"),
        ("Valmentajat ovat osaavia", "staff"),
        ("Pukuhuoneet olivat likaisia", "cleanliness"),
        ("Aukioloajat ovat liian lyhyet", "opening_hours"),
        ("Ajanvarausjärjestelmä ei toimi", "booking"),
        ("Jouduin odottamaan pitkään", "waiting_time"),
        ("Juoksumatot ovat rikki", "equipment"),
        ("Pysäköintipaikkoja on vähän", "parking"),
        ("Voiteen laatu on huono", "product_quality"),
        ("Tunnelma on rento", "atmosphere"),
        ("Hinnat nousivat", "price"),
    ],
    "lt": [
        ("Kainos per didelės", "price"),
        ("Labai brangu", "price"),
        ("Darbuotojai malonūs", "staff"),
        ("Treneriai nemandagūs", "staff"),
        ("Persirengimo kambariai nešvarūs", "cleanliness"),
        ("Prašau savaitgaliais atsidaryti anksčiau", "opening_hours"),
        ("Rezervacijos sistema neveikia", "booking"),
        ("Teko ilgai laukti", "waiting_time"),
        ("Treniruokliai sugedę", "equipment"),
        ("Nėra kur pastatyti automobilio", "parking"),
        ("Kremo kokybė puiki", "product_quality"),
        ("Jauki atmosfera", "atmosphere"),
        ("Kaina per didele", "price"),
        ("Svarus kabinos", "cleanliness"),
    ],
    "pl": [
        ("Ceny są za wysokie", "price"),
        ("Za drogo", "price"),
        ("Obsługa była niemiła", "staff"),
        ("Trenerzy są pomocni", "staff"),
        ("Szatnie były brudne", "cleanliness"),
        ("Proszę otwierać wcześniej", "opening_hours"),
        ("Rezerwacji nie da się zrobić", "booking"),
        ("Długo czekałam", "waiting_time"),
        ("Bieżnie są zepsute", "equipment"),
        ("Nie ma gdzie zaparkować", "parking"),
        ("Jakość kremu świetna", "product_quality"),
        ("Przyjemna atmosfera", "atmosphere"),
        ("Jakosc kremu slaba", "product_quality"),
        ("Cenami jestem zawiedziona", "price"),
    ],
}


@pytest.fixture(scope="module")
def matcher():
    return ThemeMatcher(default_dictionary())


@pytest.mark.parametrize("lang", ["et", "fi", "lt", "pl"])
def test_inflected_forms_hit_their_theme(matcher, lang):
    missed = [
        (text, theme, matcher.match(text, lang))
        for text, theme in INFLECTED[lang]
        if theme not in dict(matcher.match(text, lang))
    ]
    assert len(INFLECTED[lang]) >= 10
    assert not missed


def answers(ratings, scale):
    """Answers to one question on a given scale, as `theme_feedback` gives them."""
    return pd.DataFrame({"rating": pd.Series(ratings, dtype="float64"), "scale": scale})


def test_nps_counts_promoters_minus_detractors_and_a_seven_is_passive():
    ratings = [10, 9, 9, 8, 7, 7, 6, 3, 0, 10]
    # promoters 4 (10, 9, 9, 10), passives 3 (8, 7, 7), detractors 3 (6, 3, 0): (4 - 3) / 10
    assert nps(answers(ratings, "0-10")) == 10.0
    assert nps(answers([7, 7, 9, 10], "0-10")) == 50.0  # sevens are not detractors
    assert nps(answers([4, 5, 3], "1-5")) is None  # a 1–5 survey has no NPS
    assert nps(answers([], "0-10")) is None


def test_csat_is_the_share_of_fours_and_fives():
    assert csat(answers([5, 4, 3, 2, 1, None], "1-5")) == 40.0
    assert csat(answers([9, 10], "0-10")) is None


def test_the_scale_belongs_to_the_question_not_to_a_group_of_its_answers(tmp_path):
    """A class whose 0–10 answers happen to be low still gets an NPS, not a CSAT; one 0 among 1–5 answers
    is the question's scale showing; Settings corrects a question whose answers cannot show it."""
    from lib.analysis.feedback import question_scales, scores_by

    customers = [["Customer id", "Name", "Relationship"], ["A", "Ann", "loyal"], ["B", "Ben", "former"]]
    nps_sheet = [["Customer id", "Date", "Rating", "Text"]]
    nps_sheet += [["A", AS_OF, r, None] for r in (9, 10, 0, 8)] + [["B", AS_OF, r, None] for r in (2, 3, 5, 4)]
    survey = [["Customer id", "Date", "Rating"], ["A", AS_OF, 5], ["B", AS_OF, 4], ["B", AS_OF, 2]]
    path = write_xlsx(tmp_path / "two.xlsx", {"Customers": customers, "Recommend": nps_sheet, "Survey": survey})
    register = read(path)
    assert question_scales(register.feedback) == {"Recommend": "0-10", "Survey": "1-5"}
    items = theme_feedback(register, default_dictionary())
    former = items[items["customer_id"] == "B"]
    by_class = scores_by(items.assign(cls=items["customer_id"].map({"A": "loyal", "B": "former"})), "cls")
    row = by_class.set_index("cls").loc["former"]
    assert row["nps"] == -100.0  # 2, 3, 5, 4 on a 0–10 question are all detractors, not "CSAT 50 %"
    assert row["csat"] == 50.0  # the survey's 4 and 2
    assert set(former.loc[former["sheet"] == "Recommend", "sentiment"]) == {"negative"}
    survey_five = items[(items["sheet"] == "Survey") & (items["rating"] == 5)]
    assert survey_five["sentiment"].tolist() == ["positive"]  # the 0 on another question does not touch it
    corrected = theme_feedback(register, default_dictionary(), {"Survey": "0-10"})
    assert corrected.loc[corrected["sheet"] == "Survey", "scale"].unique().tolist() == ["0-10"]


def test_two_word_texts_take_the_customers_language():
    assert detect_language("Liian kallis", "fi") == ("fi", "customer")
    assert detect_language("Super!", "lt") == ("lt", "customer")
    assert detect_language("Za drogo", None) == ("unknown", "unknown")
    assert detect_language("Treener oli ebaviisakas ega kuulanud mind.", "pl") == ("et", "detected")


def test_missing_diacritics_only_for_exact_words(matcher):
    assert dict(matcher.match("Jakosc kremu", "pl"))["product_quality"] == "jakosc"
    assert dict(matcher.match("Cena ok", "pl"))["price"] == "cena"
    assert matcher.match("zolw", "pl") == []


def test_compounds_match_their_last_part_within_length_limits(matcher):
    assert dict(matcher.match("Klienditeenindus", "et"))["staff"] == "klienditeenindus"
    assert dict(matcher.match("asiakaspalvelu", "fi"))["staff"] == "asiakaspalvelu"
    assert matcher.match("tauto", "fi") == []  # 'auto' needs a head of three letters in front
    assert "price" not in dict(matcher.match("hinta", "lt"))  # compounds only in Estonian and Finnish


def test_an_exclusion_stops_a_wrong_hit():
    dictionary = default_dictionary()
    frame = dictionary.to_frame()
    assert "price" in dict(ThemeMatcher(dictionary).match("Treening oli tasuta", "et"))
    frame.loc[(frame["theme"] == "price") & (frame["language"] == "et"), "exclude"] = "tasuta"
    edited = type(dictionary).from_frame(frame)
    assert "price" not in dict(ThemeMatcher(edited).match("Treening oli tasuta", "et"))
    assert edited.to_json() != dictionary.to_json()


def test_a_complaint_is_never_positive_and_a_wish_is_neutral_by_default():
    assert sentiment_of_text(2, 0, "complaint") == "negative"
    assert sentiment_of_text(0, 0, "complaint") == "negative"
    assert sentiment_of_text(0, 0, "wish") == "neutral"
    assert sentiment_of_text(0, 1, "wish") == "negative"
    assert sentiment_of_text(0, 0, "opinion") == "unknown"
    assert sentiment_of_text(1, 1, None) == "neutral"


@pytest.fixture(scope="module")
def _sample_items_once(_sample_register_once):
    register, _ = _sample_register_once
    return theme_feedback(register, default_dictionary())


@pytest.fixture
def sample_items(_sample_items_once):
    """The sample's themed feedback, a copy of the test's own (themed once per module)."""
    return copy.deepcopy(_sample_items_once)


def test_every_default_theme_is_found_in_every_language_of_the_sample(sample_items):
    rows = theme_rows(sample_items)
    languages = set(sample_items["language"])
    assert languages == {"en", "et", "fi", "lt", "pl"}
    found = set(zip(rows["theme"], rows["language"], strict=True))
    missing = [(theme, lang) for theme in THEMES for lang in languages if (theme, lang) not in found]
    assert not missing


def test_sample_sentiment_is_known_for_most_items_and_ratings_decide(sample_items):
    assert (sample_items["sentiment"] != "unknown").mean() > 0.95
    rated = sample_items[sample_items["rating"].notna()]
    assert (rated["sentiment_source"] == "rating").all()
    assert set(rated.loc[rated["rating"] <= 2, "sentiment"]) == {"negative"}
    complaints = sample_items[sample_items["kind"] == "complaint"]
    assert set(complaints["sentiment"]) == {"negative"}
    counts = theme_counts(sample_items, default_dictionary())
    assert list(counts) == list(THEMES) and all(counts.values())


def test_unmatched_texts_suggest_new_themes():
    from lib.analysis.feedback import suggest_themes

    texts = [
        "The sauna was too cold again",
        "Please heat the sauna properly",
        "Sauna temperature is low",
        "Cold sauna in the evening",
        "I miss a hot sauna after training",
        "The sauna heater seems broken",
        "Sauna stones are not hot",
        "Could you make the sauna warmer",
        "Towels are missing in the locker room",
        "No towels again",
        "Please bring fresh towels",
        "Towel service is bad",
        "Where are the towels",
        "Towels were wet",
        "I had no towel",
        "Need more towels",
    ]
    items = pd.DataFrame({"text": texts, "language": "en", "themes": [[] for _ in texts]})
    suggestions = suggest_themes(items, min_items=4)
    assert {s.words[0] for s in suggestions[:2]} == {"towel", "sauna"}
    assert all(s.language == "en" and s.examples for s in suggestions)


def test_a_suggestion_becomes_a_theme_of_the_dictionary():
    dictionary = default_dictionary().with_theme("Sauna!", "environment", "en", ["sauna", "heater"])
    assert dictionary.theme_keys()[-1] == "sauna"
    assert dict(ThemeMatcher(dictionary).match("The saunas were cold", "en"))["sauna"] == "saunas"


def test_a_partly_blank_language_column_is_filled_by_detection_or_the_customer(tmp_path):
    from tests.conftest import AS_OF, write_xlsx
    from tests.unit.history import read

    customers = [["Customer id", "Name", "Language"], ["1", "Mari", "eesti"], ["2", "Aino", "FI"], ["3", "Ola", None]]
    feedback = [
        ["Customer id", "Date", "Type", "Text", "Language", "Rating"],
        ["1", AS_OF, "opinion", "Hinnad on liiga kõrged ja teenindajad ebaviisakad", "et", None],
        ["1", AS_OF, "opinion", "Kuukaardi hinnad on liiga kõrged, mõtlen lahkuda.", None, None],
        ["2", AS_OF, "complaint", "Liian kallis", None, None],
        ["3", AS_OF, "survey", "Super", None, 5],
    ]
    register = read(write_xlsx(tmp_path / "languages.xlsx", {"Customers": customers, "Feedback": feedback}))
    items = theme_feedback(register, default_dictionary())
    assert items["language"].tolist() == ["et", "et", "fi", "unknown"]
    assert items["language_source"].tolist() == ["register", "detected", "customer", "unknown"]
    assert items["themes"].tolist()[:3] == [["price", "staff"], ["price"], ["price"]]
    assert items["sentiment"].astype(str).tolist() == ["negative", "negative", "negative", "positive"]
    assert items["row"].tolist() == [2, 3, 4, 5]


def test_scores_per_group():
    from lib.analysis.feedback import scores_by

    items = pd.DataFrame(
        {"branch": ["A", "A", "A", "B", "B"], "rating": [5, 4, 1, 2, None], "scale": ["1-5"] * 4 + [None]}
    )
    table = scores_by(items, "branch").set_index("branch")
    assert table.loc["A", "csat"] == pytest.approx(66.7) and table.loc["B", "csat"] == 0.0
    assert table.loc["B", "items"] == 2 and table["nps"].isna().all()
