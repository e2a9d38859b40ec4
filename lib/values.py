"""Values as people type them: dates, amounts, yes/no words, ids, e-mails and phones.

Every parser takes a column of text (as read from the workbook) and returns the typed
column plus a mask of cells that held something but could not be read, so the caller
can report exactly which cells need attention. Parsers never raise on data.

>>> parse_numbers(pd.Series(["1 234,50 €", "12.5", "x"]))[0].tolist()
[1234.5, 12.5, nan]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import pandas as pd
import phonenumbers
from email_validator import EmailNotValidError, validate_email

from lib.schema import NO_WORDS, VOCABULARIES, YES_WORDS

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",  # how the reader renders a real Excel date cell
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%Y.%m.%d",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y",  # last: only reached when the day-first reading was impossible (13/… → …/13)
)
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
    as everywhere in Europe; a serial number (``45231``) is read as Excel counts days.
    """
    text = _text(values).str.rstrip(".")
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    for fmt in _DATE_FORMATS:
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
    return result.dt.normalize(), result.isna() & text.notna()


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read amounts with decimal commas, thousand separators and currency signs.

    ``1 234,50 €``, ``1.234,50``, ``1,234.50``, ``12,5``, ``(12,50)`` and ``-12.5 zł`` all
    read as numbers. A lone comma is a decimal comma (European registers); a lone dot is a
    decimal point. Returns (float column, mask of unreadable non-blank cells).
    """
    text = _text(values)
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
    comma_decimal = (both & (last_comma > last_dot)) | (
        ~both & (last_comma >= 0) & (clean.str.count(",") == 1)
    )
    clean = clean.where(
        ~comma_decimal, clean.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    clean = clean.where(comma_decimal, clean.str.replace(",", "", regex=False))
    several_dots = clean.str.count(r"\.") > 1
    clean = clean.where(~several_dots.fillna(False), clean.str.replace(".", "", regex=False))
    numbers = pd.to_numeric(clean, errors="coerce").astype("float64")
    return numbers, numbers.isna() & text.notna()


def normalise_word(text: str) -> str:
    """Case- and accent-insensitive form of a word: ``Kyllä`` → ``kylla``, ``Łódź`` → ``lodz``."""
    text = text.casefold().replace("ł", "l").replace("ß", "ss").replace("ø", "o").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _word_table(groups: dict[str, Iterable[str]]) -> dict[str, str]:
    return {normalise_word(word): code for code, words in groups.items() for word in words}


_BOOL_WORDS = _word_table({"yes": YES_WORDS, "no": NO_WORDS})
_VOCABULARY_WORDS = {name: _word_table(groups) for name, groups in VOCABULARIES.items()}


def parse_bools(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read yes/no words in every supported language (TAK/NIE, jah/ei, kyllä/ei, taip/ne, x, 1/0).

    A date in a consent column (``consent given 03.01.2025``) counts as yes.
    """
    text = _text(values)
    words = text.map(normalise_word, na_action="ignore").map(_BOOL_WORDS, na_action="ignore")
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
    normal = text.map(normalise_word, na_action="ignore")
    codes = normal.map(_VOCABULARY_WORDS[vocabulary], na_action="ignore")
    unknown = codes.isna() & text.notna()
    return codes.fillna(text.str.lower()).astype("string"), unknown


def parse_ids(values: pd.Series) -> pd.Series:
    """Ids are text, always: ``100001.0`` (a number cell) becomes ``100001``; ``00123`` stays."""
    text = _text(values)
    return text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


def parse_counts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers such as a purchase count; fractions and text are flagged."""
    numbers, bad = parse_numbers(values)
    fractional = numbers.notna() & (numbers != numbers.round())
    return numbers.where(~fractional).round().astype("Int64"), bad | fractional


def invalid_emails(values: pd.Series) -> pd.Series:
    """Mask of non-blank e-mail addresses whose syntax is wrong (no mail is sent to check)."""
    text = _text(values)
    verdict = {address: not _email_ok(address) for address in text.dropna().unique()}
    return text.map(verdict, na_action="ignore").fillna(False).astype(bool)


def _email_ok(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def unreadable_phones(values: pd.Series, regions: pd.Series | None = None) -> pd.Series:
    """Mask of non-blank phone numbers that cannot be a phone number anywhere.

    With ``+372…``/``00372…`` the country is in the number; otherwise the customer's
    country (two-letter code or name) is used when known, else only the length is checked.
    """
    text = _text(values)
    region = regions.reindex(values.index) if regions is not None else pd.Series(None, index=values.index)
    bad = pd.Series(False, index=values.index)
    for index in text.dropna().index:
        bad.at[index] = not _phone_ok(str(text.at[index]), _region_code(region.at[index]))
    return bad


def _phone_ok(number: str, region: str | None) -> bool:
    digits = "".join(ch for ch in number if ch.isdigit())
    if not 5 <= len(digits) <= 15 or any(ch.isalpha() for ch in number.replace("ext", "")):
        return False
    if number.startswith("00"):
        number = "+" + number[2:]
    if not number.startswith("+") and region is None:
        return True
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(parsed)


_COUNTRY_CODES = _word_table({
    "EE": ("ee", "estonia", "eesti", "viro", "estija", "estonia", "igaunija", "estland"),
    "FI": ("fi", "finland", "soome", "suomi", "suomija", "finlandia", "somija", "finnland"),
    "LT": ("lt", "lithuania", "leedu", "liettua", "lietuva", "litwa", "litauen"),
    "PL": ("pl", "poland", "poola", "puola", "lenkija", "polska", "polija", "polen"),
    "LV": ("lv", "latvia", "läti", "latvia", "latvija", "łotwa", "lettland"),
    "SE": ("se", "sweden", "rootsi", "ruotsi", "švedija", "szwecja", "zviedrija", "sverige"),
    "DE": ("de", "germany", "saksamaa", "saksa", "vokietija", "niemcy", "vācija", "deutschland"),
})


def _region_code(country: object) -> str | None:
    if not isinstance(country, str) or not country.strip():
        return None
    return _COUNTRY_CODES.get(normalise_word(country))

