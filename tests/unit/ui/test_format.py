"""Text from a person on screen: plain, with matched words in bold that every font shows."""

from lib.ui.format import bold_words


def test_matched_words_are_bold_and_the_rest_stays_plain_text():
    assert bold_words("Brudna szatnia", ["brudna"]) == "**Brudna** szatnia"
    assert bold_words("Hinnad on liiga kõrged", ["hinnad", "kõrged"]) == "**Hinnad** on liiga **kõrged**"
    marked = bold_words("<b>kallis</b> *hind* [x](http://a.ee)", ["kallis", "hind"])
    assert marked == "\\<b\\>**kallis**\\</b\\> \\***hind**\\* \\[x\\](http\u2060\\://a.ee)"
    assert "【" not in bold_words("Kallis", ["kallis"])  # no signs a font may lack
    assert bold_words(None, ["x"]) == ""


def test_a_line_break_in_a_text_cannot_start_a_list_or_a_heading():
    assert (
        bold_words("Bardzo drogo\n1. szatnia\n---\n# nagłówek", ["drogo"])
        == "Bardzo **drogo** 1. szatnia --- \\# nagłówek"
    )
