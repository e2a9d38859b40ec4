"""Values as people type them: dates, amounts, yes/no words, ids, e-mails and phones.

Every parser takes a column of text (as read from the workbook) and returns the typed
column plus a mask of cells that held something but could not be read, so the caller
can report exactly which cells need attention. Parsers never raise on data.

>>> parse_numbers(pd.Series(["1 234,50 €", "12.5", "x"]))[0].tolist()
[1234.5, 12.5, nan]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from email_validator import EmailNotValidError, validate_email

from lib import i18n
from lib.schema import LANGUAGES, NO_WORDS, VOCABULARIES, YES_WORDS

_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%y %H:%M", "%m/%d/%y %H:%M:%S")
"""How US tools write a day (a Google Forms timestamp ``11/23/2026 14:05:00``): read first in a column
whose slashed dates are month first, else last, when the day-first reading was impossible (13/… → …/13)."""
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",  # how the reader renders a real Excel date cell
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H.%M.%S",  # a Finnish clock
    "%d.%m.%Y %H.%M",
    "%d.%m.%y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%Y.%m.%d",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%b-%y",  # a review export's 31-Jul-26
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    *_MONTH_FIRST,
)
_CLOCK_DETAIL = r"(?<=\d:\d\d)(?:\.\d+)?\s*(?:Z|UTC|GMT|[+-]\d\d:?\d\d)$"
"""Fractions of a second and a time zone after a time (a shop's ``2026-10-01 10:02:11 +0300``): the day as
written is the day of the purchase."""
_TWELVE_HOUR = r"\s+\d{1,2}:\d\d(?::\d\d)?\s*[AaPp]\.?[Mm]\.?(?:\s.*)?$"
"""A time on the twelve-hour clock and whatever zone follows (a Google Forms download's ``2026/10/03 9:14:22
AM GMT+3``): dropped, the day is what is read."""
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SERIAL_RANGE = (1, 2_958_465)  # Excel's 1900-01-01 … 9999-12-31
_CURRENCY = r"(?i)(€|\$|£|zł|zl|pln|eur|usd|gbp|sek|nok|dkk|kr\.?|euro)"


def _text(values: pd.Series) -> pd.Series:
    """Strip the cells and turn blanks into missing values, keeping the index."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read dates written as Excel dates, ISO text, ``31.10.2026``, ``31/10/2026`` or serials.

    Returns (datetime64 column, mask of unreadable non-blank cells). Day-first readings win,
    as everywhere in Europe, unless the column itself shows it is written month first (a US
    tool's export); a serial number (``45231``) is read as Excel counts days.
    """
    text = _text(values)
    result = _arrow_dates(text)  # Excel date cells and ISO text, the bulk of any register, at C speed
    todo = result.isna() & text.notna()
    if todo.any():  # the rest the slower way: only those cells
        result.loc[todo] = _typed_dates(text[todo])
    return result.dt.normalize(), result.isna() & text.notna()


def _typed_dates(text: pd.Series) -> pd.Series:
    """Dates as people type them (with a trailing dot, a clock, a zone, month first, a serial number)."""
    text = text.str.rstrip(".").str.replace(_CLOCK_DETAIL, "", regex=True)
    result = _arrow_dates(text)
    formats: tuple[str, ...] = _DATE_FORMATS[2:]
    if result.isna().any():
        text = text.where(result.notna(), text.str.replace(_TWELVE_HOUR, "", regex=True))
    if result.isna().any() and _month_first(text[result.isna()]):
        formats = (*_MONTH_FIRST, *(f for f in formats if f not in _MONTH_FIRST))
    for fmt in formats:
        todo = result.isna() & text.notna()
        if not todo.any():
            break
        result.loc[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    todo = result.isna() & text.notna() & text.str.fullmatch(r"\d{1,7}(\.\d+)?").fillna(False)
    if todo.any():
        serial = pd.to_numeric(text[todo], errors="coerce")
        in_range = serial.between(*_SERIAL_RANGE)
        days = pd.to_timedelta(serial[in_range].round(), unit="D")
        result.loc[days.index] = _EXCEL_EPOCH + days
    return result


def _month_first(text: pd.Series) -> bool:
    """Whether a column's slashed dates are written month first: some cell can only be read that way
    (``11/23/2026``) and none only day first (``23/11/2026``). A column whose every cell reads both ways
    (``03/04/2026``) is read day first, as everywhere in Europe."""
    parts = text.str.extract(r"^\s*(\d{1,2})/(\d{1,2})/\d{2,4}\b")
    first, second = (pd.to_numeric(parts[n], errors="coerce") for n in (0, 1))
    return bool((second > 12).any() and not (first > 12).any())


def _arrow_dates(text: pd.Series) -> pd.Series:
    cells = pa.array(text, type=pa.string(), from_pandas=True)
    found = pc.strptime(cells, format=_DATE_FORMATS[0], unit="us", error_is_null=True)
    found = pc.coalesce(found, pc.strptime(cells, format=_DATE_FORMATS[1], unit="us", error_is_null=True))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=text.index, dtype="datetime64[us]")


_PLAIN_NUMBER = r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$"


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read amounts with decimal commas, thousand separators and currency signs.

    ``1 234,50 €``, ``1.234,50``, ``1,234.50``, ``12,5``, ``(12,50)`` and ``-12.5 zł`` all
    read as numbers. A lone comma is a decimal comma (European registers); a lone dot is a
    decimal point. Returns (float column, mask of unreadable non-blank cells).
    """
    text = _text(values)
    cells = pa.array(text, type=pa.string(), from_pandas=True)
    plain = pc.fill_null(pc.match_substring_regex(cells, _PLAIN_NUMBER), False)
    numbers = pd.Series(  # number cells as the reader renders them, the bulk of any register: at C speed
        pc.cast(pc.if_else(plain, cells, None), pa.float64()).to_numpy(zero_copy_only=False), index=text.index
    )
    rest = text.notna() & ~plain.to_numpy(zero_copy_only=False)
    if rest.any():
        numbers.loc[rest] = _typed_numbers(text[rest])
    return numbers, numbers.isna() & text.notna()


def _typed_numbers(text: pd.Series) -> pd.Series:
    """Numbers as people type them: the slower way, for the cells that need it."""
    clean = (
        text.str.replace(_CURRENCY, "", regex=True)
        .str.replace(r"[\s\u00a0\u202f'’%]", "", regex=True)
        .str.replace("−", "-", regex=False)
    )
    negative = clean.str.fullmatch(r"\(.*\)").fillna(False)
    clean = clean.where(~negative, "-" + clean.str.strip("()"))
    last_comma = clean.str.rfind(",")
    last_dot = clean.str.rfind(".")
    both = (last_comma >= 0) & (last_dot >= 0)
    comma_decimal = (both & (last_comma > last_dot)) | (~both & (last_comma >= 0) & (clean.str.count(",") == 1))
    clean = clean.where(~comma_decimal, clean.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    clean = clean.where(comma_decimal, clean.str.replace(",", "", regex=False))
    several_dots = clean.str.count(r"\.") > 1
    clean = clean.where(~several_dots.fillna(False), clean.str.replace(".", "", regex=False))
    return pd.to_numeric(clean, errors="coerce").astype("float64")


def normalise_word(text: str) -> str:
    """Case- and accent-insensitive form of a word: ``Kyllä`` → ``kylla``, ``Łódź`` → ``lodz``."""
    text = text.casefold().replace("ł", "l").replace("ß", "ss").replace("ø", "o").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _word_table(groups: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {normalise_word(word): code for code, words in groups.items() for word in words}


_BOOL_WORDS = _word_table({"yes": YES_WORDS, "no": NO_WORDS})


def _vocabulary_words(name: str) -> dict[str, str]:
    """People's words for a vocabulary's values, then the app's own labels for them in every language
    (what it writes into a register: "Telefon", "Puhelu"), so what the app writes reads back."""
    table = _word_table(VOCABULARIES[name])
    for lang in LANGUAGES:
        for code in VOCABULARIES[name]:
            table.setdefault(normalise_word(i18n.vocabulary_label(name, code, lang)), code)
    return table


_VOCABULARY_WORDS = {name: _vocabulary_words(name) for name in VOCABULARIES}


def _lookup(text: pd.Series, table: dict[str, str]) -> pd.Series:
    """Each cell's code in ``table`` by its normalised word; each distinct word normalised once."""
    codes = {word: table.get(normalise_word(word)) for word in text.dropna().unique()}
    return text.map(codes, na_action="ignore")


def parse_bools(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read yes/no words in every supported language (TAK/NIE, jah/ei, kyllä/ei, taip/ne, x, 1/0).

    A date in a consent column (``consent given 03.01.2025``) counts as yes.
    """
    text = _text(values)
    words = _lookup(text, _BOOL_WORDS)
    result = words.map({"yes": True, "no": False}, na_action="ignore").astype("boolean")
    unread = result.isna() & text.notna()
    if unread.any():
        dates, bad = parse_dates(text[unread])
        result.loc[dates.index[~bad]] = True
    return result, result.isna() & text.notna()


def parse_choices(values: pd.Series, vocabulary: str) -> tuple[pd.Series, pd.Series]:
    """Map people's words for a vocabulary value (``püsiklient``, ``stały klient``) to its code.

    Unknown words are kept as typed (lower case) and flagged, so nothing the user wrote is lost.
    """
    text = _text(values)
    # As objects: a column holding only unknown words maps to nothing at all, which Arrow would type as null.
    codes = _lookup(text, _VOCABULARY_WORDS[vocabulary]).astype(object)
    unknown = codes.isna() & text.notna()
    return codes.fillna(text.str.lower()).astype("string"), unknown


def parse_ids(values: pd.Series) -> pd.Series:
    """Ids are text, always: ``100001.0`` (a number cell) becomes ``100001``; ``00123`` stays; Excel's text
    mark (``'92591``) is not part of the id."""
    text = _text(values)
    marked = (text.str.startswith("'") | text.str.contains(".", regex=False)).fillna(False)
    if marked.any():  # the patterns only for the cells they may change: most ids have neither mark
        changed = text[marked].str.replace(r"^'(?=\S)", "", regex=True).str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
        text = text.mask(marked, changed)
    return text


def damaged_ids(values: pd.Series) -> pd.Series:
    """Ids Excel rounded into scientific notation when the file was saved (``7.02255E+12``): the digits that
    told two customers apart are gone, so such an id names nobody for sure."""
    return _text(values).str.fullmatch(r"-?\d(?:[.,]\d+)?[eE]\+?\d+").fillna(False).astype(bool)


def parse_counts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers such as a purchase count; fractions and text are flagged."""
    numbers, bad = parse_numbers(values)
    fractional = numbers.notna() & (numbers != numbers.round())
    return numbers.where(~fractional).round().astype("Int64"), bad | fractional


_EMAIL = (
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
"""Plain ASCII addresses as RFC 5322 allows them in practice; checked for the whole column at once."""


def invalid_emails(values: pd.Series) -> pd.Series:
    """Mask of non-blank e-mail addresses whose syntax is wrong (no mail is sent to check).

    Plain ASCII addresses are checked by one pattern over the whole column (100,000 in well
    under a second); the rest, such as ``jüri@näide.ee``, by email-validator's full rules.
    """
    text = _text(values)
    plain = text.str.fullmatch(_EMAIL).fillna(False).astype(bool)
    rest = text[text.notna() & ~plain]
    bad = pd.Series(False, index=values.index)
    if len(rest):
        verdict = {address: not _email_ok(address) for address in rest.unique()}
        bad.loc[rest.index] = [verdict[address] for address in rest]
    return bad


def _email_ok(address: str) -> bool:
    if address.isascii():  # an ASCII address the pattern refused is wrong
        return False
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


_PHONE_PUNCTUATION = "[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000().\\-/]"
"""Every kind of space (no-break and narrow no-break too), brackets, dots, dashes and slashes, spelled out
rather than as ``\\s``: a pattern Arrow's own engine runs (pandas runs ``\\s`` in Python, cell by cell)."""


def unreadable_phones(values: pd.Series) -> pd.Series:
    """Mask of non-blank phone numbers that cannot be read as one.

    Readable: digits with the usual spaces, dashes, dots and brackets, an optional ``+`` or
    ``00`` country prefix, 7–15 digits with a country code (E.164) or 5–15 without.
    Checked for the whole column at once.
    """
    text = _text(values)
    compact = text.str.replace(_PHONE_PUNCTUATION, "", regex=True)
    international = compact.str.fullmatch(r"(?:\+|00)\d{7,15}").fillna(False)
    local = compact.str.fullmatch(r"\d{5,15}").fillna(False)
    return (text.notna() & ~(international | local)).astype(bool)


def positions_in(values: pd.Series, candidates: pd.Series) -> np.ndarray:
    """Where each text value occurs among unique candidates (-1 when missing or not there).

    Arrow's ``index_in`` hashes the candidates once: at 500,000 values against 100,000
    ids it takes milliseconds, where pandas' ``get_indexer`` on text takes a tenth of a second.
    """
    found = pc.index_in(
        pa.array(values.astype("string"), pa.string()), value_set=pa.array(candidates.astype("string"), pa.string())
    )
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
