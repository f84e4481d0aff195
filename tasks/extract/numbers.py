"""French numbers, amounts, unit prices, percentages and dates as printed on bills.

Everything here works on plain strings so that it is the same for a PDF text
layer and for OCR output; OCR misreads that are unambiguous inside a number
(O for 0, l or I for 1) are repaired only where digits surround them.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Callable

from tasks.settings import ASSETS

SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


_ONE_KIND = str.maketrans({**{ch: " " for ch in SPACES},
                           **{ch: "–" if ch in "\u2013\u2014\u2015" else "-" for ch in _DASHES},
                           "\u2019": "'", "\u02bc": "'", "`": "'"})


def clean(text: str) -> str:
    """Unicode-normalised text with one kind of space, dash and apostrophe."""
    if not text.isascii():  # NFKC leaves ASCII as it is; most words are
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_ONE_KIND)


def fold(text: str) -> str:
    """Lower case without accents, one character for one: positions found in
    the folded text are positions in `clean(text)`."""
    return clean(text).translate(_FOLDED)


class _FoldTable(dict):
    """`str.translate`'s table for `fold`, filled on first sight of a character."""

    def __missing__(self, code: int) -> str:
        low = chr(code).lower()
        if len(low) == 1:
            base = "".join(x for x in unicodedata.normalize("NFD", low) if unicodedata.category(x) != "Mn")
            folded = base if len(base) == 1 else low
        else:
            folded = chr(code)
        self[code] = folded
        return folded


_FOLDED = _FoldTable()


def words_of(patterns, *, min_len: int) -> dict[int, frozenset[str]]:
    """The literal words (`min_len` letters or more) of regular expressions
    on folded text, by length: a vocabulary to put OCR misreads right by."""
    words: set[str] = set()
    for p in patterns:
        words.update(re.findall(rf"[a-z]{{{min_len},}}", re.sub(r"\\[a-zA-Z]", " ", p)))
    by_length: dict[int, set[str]] = {}
    for w in words:
        by_length.setdefault(len(w), set()).add(w)
    return {n: frozenset(ws) for n, ws in by_length.items()}


# Thin strokes OCR takes for one another even when sure of the word
# (`Heures Pieines`): (as read, as printed).
THIN_SWAPS = frozenset({("i", "l"), ("l", "i"), ("t", "l"), ("l", "t")})


def respell(text: str, known: dict[int, frozenset[str]], *, min_len: int,
            doubtful: Callable[[int, int], bool] | None = None, thin_swaps: bool = False) -> str:
    """`text` with each word that OCR misread by one letter put right, when
    one known word of its length (and only one) differs from it by that
    letter: `relahce` → `relance`. The letter is replaced in place, so the
    text keeps its length, its other accents and its case. `doubtful(start,
    end)` says which words OCR was unsure of; others are as read, unless
    `thin_swaps` and the letter is one of THIN_SWAPS."""
    def fix(m: re.Match) -> str:
        word = m.group(0)
        folded = fold(word)
        same_length = known.get(len(folded), frozenset())
        sure = doubtful is not None and not doubtful(m.start(), m.end())
        if len(folded) != len(word) or folded in same_length or (sure and not thin_swaps):
            return word
        if sure and not any(folded[:i] + to + folded[i + 1:] in same_length
                            for i, c in enumerate(folded) for read, to in THIN_SWAPS if c == read):
            return word  # most words: no thin stroke swapped makes a known word, no need to compare them all
        near = [k for k in same_length if sum(a != b for a, b in zip(k, folded)) == 1]
        if len(near) != 1:
            return word
        i = next(i for i, (a, b) in enumerate(zip(near[0], folded)) if a != b)
        if sure and (folded[i], near[0][i]) not in THIN_SWAPS:
            return word
        return word[:i] + (near[0][i].upper() if word[i].isupper() else near[0][i]) + word[i + 1:]
    return re.sub(rf"[A-Za-zÀ-ÿ]{{{min_len},}}", fix, text)


# A long word OCR garbled in two places (`Recrence`, `Ré‘#rence` for
# « Référence », `Aborinement` for « Abonnement »): two edits from one long
# known word, and one only, is that word. Shorter words are two edits from
# too many others (`lecture`, `facture`).
LONG_WORD = 8


def long_words(known: dict[int, frozenset[str]]) -> tuple[str, ...]:
    """The words of a vocabulary (`words_of`) long enough to be put right by `garbled_long_words`."""
    return tuple(sorted(w for n, ws in known.items() if n >= LONG_WORD for w in ws))


def garbled_long_words(folded: str, known: tuple[str, ...], *,
                       doubtful: Callable[[int, int], bool]) -> list[tuple[int, int, str]]:
    """`(start, end, word)` for each long word of `folded` text that OCR was
    unsure of (`doubtful(start, end)`) and that is two edits at most from
    one of the `known` long words and no other."""
    fixes = []
    for m in _GARBLED_WORD.finditer(folded):
        word = m.group(1)
        if len(word) < LONG_WORD or word in known or not doubtful(m.start(1), m.end(1)):
            continue
        near = one_known_within(word, known, 2)
        if near is not None:
            fixes.append((m.start(1), m.end(1), near))
    return fixes


@lru_cache(maxsize=4096)
def one_known_within(word: str, known: tuple[str, ...], edits: int) -> str | None:
    """The one word of `known` at most `edits` letters away from `word`
    (inserted, dropped or replaced); None when none or several are."""
    close = [w for w in known if abs(len(w) - len(word)) <= edits and edit_distance(w, word, limit=edits) <= edits]
    return close[0] if len(close) == 1 else None


# A word as OCR may garble it: letters and the marks it reads for letters
# (`ré‘#rence`, `re'érence`), between spaces and brackets, after an elided
# article (`d'émission`).
_GARBLED_WORD = re.compile(r"(?<![^\s()\[\]:;,.])(?:(?:qu|[dljmnst])['’])?([a-z][^\s()\[\]:;,.]*[a-z])")


def edit_distance(a: str, b: str, *, limit: int | None = None) -> int:
    """Levenshtein distance: letters inserted, dropped or replaced (past
    `limit`, some number over it: the count stops there)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        if limit is not None and min(row) > limit:
            return min(row)
    return row[-1]


def spelled_as_always(text: str, known: dict[str, str], *, keep: frozenset[str] = frozenset()) -> str:
    """`text` with each word whose spelling is fixed (`known`: folded → as
    always spelled) written so, whatever accents OCR gave it (`avenué` →
    `avenue`, `Creusés` → `Creuses`), keeping its case; words in `keep`
    are words of their own, not misreadings."""
    def fix(m: re.Match) -> str:
        word = m.group(0)
        right = known.get(fold(word))
        if right is None or right == word.lower() or word.lower() in keep:
            return word
        if len(word) > 1 and word.isupper():
            return right.upper()  # a word in capitals stays in capitals, to be re-cased with its line
        return right.capitalize() if word[0].isupper() else right
    return re.sub(r"[A-Za-zÀ-ÿ]+", fix, text)


# --- numbers -----------------------------------------------------------------

# Letters OCR puts in place of digits; only trusted between digits.
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1",
                             "S": "5", "B": "8", "Z": "2"})
_OCR_FIX = re.compile(
    r"(?<=\d)[OoDlI|iSBZ](?=[\d,.]\d)"  # between digits: any look-alike
    r"|(?<=[\d,.])[OoDlI|iSBZ](?=\d)"
    r"|(?<=[\d,.]\d)[OolI|](?=[\s€%]|$)"  # at the end of a number: the unambiguous ones
    r"|(?<![\w])[OlI|](?=[,.]?\d)"  # at the start
)

_NUM = re.compile(
    r"(?<![\w.,/-])"
    r"(?P<sign>[-+]\s?)?"
    r"(?P<int>\d{1,3}(?:[ .]\d{3})+|\d+)"
    r"(?:(?P<sep>[,.])(?P<dec>\d+))?"
    r"(?![\d/])"
)


@dataclass(frozen=True, slots=True)
class Number:
    value: float
    start: int
    end: int
    text: str
    decimals: int  # digits after the decimal separator (0 for an integer)


def repair_ocr_digits(text: str) -> str:
    """`1 O5O,2l` → `1 050,21`: letters that stand between digits become digits."""
    previous = None
    while previous != text:
        previous = text
        text = _OCR_FIX.sub(lambda m: m.group(0).translate(_OCR_DIGITS), text)
    return text


_OCR_LOST_COMMA = re.compile(r"(?<![\d,.])(\d{1,3}) (\d{2})(?=\s?€)")
_OCR_LEADING_NOISE = re.compile(r"(?:(?<=[\s:;])|^)[.,;:|'‘’](?=\d)")


# A space OCR put after an amount's decimal comma (moved after its cents);
# a speck read beside the comma as a point.
_OCR_SPACED_CENTS = re.compile(r"(?<=\d),\s(\d{2})(?=\s?€)")
_OCR_DOUBLED_COMMA = re.compile(r"(?<![\d,.])(\d{1,3})(?:\.,|,\.)(\d{2,5})(?![\d,.])")


def repair_ocr_number_text(text: str) -> str:
    """OCR damage around numbers that keeps positions: `327 41 €` (lost
    comma) reads `327,41 €`, a stray `.` or `|` glued before a number goes."""
    text = repair_ocr_digits(text)
    text = re.sub(r"(?<=\d);(?=\d{1,2}\b)", ",", text)  # `3;13` is `3,13`
    text = _OCR_SPACED_CENTS.sub(r",\1 ", text)  # `264, 76 €` is `264,76 €`
    text = _OCR_DOUBLED_COMMA.sub(r"\1,\2 ", text)  # `0.,09860` is `0,09860`
    text = _OCR_LOST_COMMA.sub(lambda m: f"{m.group(1)},{m.group(2)}", text)
    return _OCR_LEADING_NOISE.sub(" ", text)


def find_numbers(text: str, *, ocr: bool = False) -> list[Number]:
    """Every number in `text`, French style (`1 234,56`, `0,1905`, `-12,00`)."""
    text = clean(text)
    if ocr:
        text = repair_ocr_number_text(text)
    found = []
    for m in _NUM.finditer(text):
        int_part, sep, dec = m.group("int"), m.group("sep"), m.group("dec")
        if "." in int_part and sep == ".":
            continue  # `1.234.5` is not a number we can trust
        if sep == "." and " " in int_part:
            continue
        digits = int_part.replace(" ", "").replace(".", "")
        if "." in int_part and sep is None and not _dot_thousands_plausible(int_part):
            # `0.165` style: a dot decimal, not a thousands separator
            head, _, tail = int_part.partition(".")
            if "." in tail or " " in int_part:
                continue  # `0 800.112 212` (a phone number) mixes separators: no number
            digits, dec, sep = head, tail, "."
        value = float(digits + ("." + dec if dec else ""))
        if m.group("sign") and m.group("sign").strip() == "-":
            value = -value
        found.append(Number(value, m.start(), m.end(), m.group(0), len(dec) if dec else 0))
    return found


def _dot_thousands_plausible(int_part: str) -> bool:
    # `1.234` reads as one thousand two hundred...: only when it is not `0.xxx`
    # and has more than one dot or is followed by a comma decimal elsewhere.
    return int_part.count(".") > 1 or not int_part.startswith("0")


def parse_number(text: str, *, ocr: bool = False) -> float | None:
    """The number `text` holds, when it holds exactly one (units allowed around it)."""
    nums = find_numbers(text, ocr=ocr)
    if len(nums) != 1:
        return None
    return nums[0].value


_EURO = re.compile(r"€|\beur(?:os?)?\b", re.I)


def parse_amount(text: str, *, ocr: bool = False) -> float | None:
    """`1 479,85 €`, `-12,00 €`, `12,00 € en votre faveur` → euros (credits negative)."""
    t = clean(text)
    nums = [n for n in find_numbers(t, ocr=ocr)]
    if not nums:
        return None
    n = nums[-1] if _EURO.search(t[nums[-1].end:nums[-1].end + 3] or "") else nums[0]
    if len(nums) > 1 and not _EURO.search(t):
        return None
    value = n.value
    if value > 0 and re.search(r"en votre faveur|\bcr[ée]dit", t, re.I):
        value = -value
    return round(value, 2) if n.decimals <= 2 else value


_CENTS = re.compile(r"c\s?€|cts?\b|centimes?", re.I)


def parse_unit_price(text: str, *, ocr: bool = False) -> float | None:
    """`10,470 c€/kWh` → 0.1047, `0,1905 €/kWh` → 0.1905, `0,1905` → 0.1905."""
    t = clean(text)
    nums = find_numbers(t, ocr=ocr)
    if not nums:
        return None
    n = nums[0]
    value = n.value
    if _CENTS.search(t[n.end:n.end + 6]):
        value = value / 100
    return round(value, 6)


_PERCENT = re.compile(r"(?<![\d,.])(\d{1,2}(?:[,.]\d{1,2})?)\s?%")
# `5,5 Yo`: a percent sign OCR read as two letters (the same length, so positions hold).
PERCENT_MISREADS = r"Yo|%o"
# `(TVA 20.%)`: a speck between a rate and its sign.
_SPECK_BEFORE_PERCENT = re.compile(r"(?<=\d)[.,](?=\s?%)")
_PERCENT_MISREAD = re.compile(rf"(?:(?<=\d)|(?<=\d\s))(?:{PERCENT_MISREADS})(?!\w)")


def find_percents(text: str, *, ocr: bool = False) -> list[tuple[float, int, int]]:
    t = clean(text)
    if ocr:
        t = _PERCENT_MISREAD.sub("% ", repair_ocr_digits(t))
        t = _SPECK_BEFORE_PERCENT.sub(" ", t)
    return [(float(m.group(1).replace(",", ".")), m.start(), m.end()) for m in _PERCENT.finditer(t)
            if not _IN_DATE.search(t[:m.start()]) or not _IN_DATE_AFTER.match(t[m.end():])]


# `30/0%/2024`: a date's month OCR read with a percent sign, no rate.
_IN_DATE = re.compile(r"\d\s?/\s?$")
_IN_DATE_AFTER = re.compile(r"\s?/\s?\d")


# --- dates -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    data = json.loads((ASSETS / "labels" / "dates.json").read_text(encoding="utf-8"))
    return data["months"]


# A month's name this long read whole is no chance garbling of other print.
SURE_MONTH_LEN = 5


def spelled_month(word: str) -> bool:
    """A word spelled whole as a month's name (`novembre`, `Juillet,`):
    read right whatever Tesseract's confidence in it (pale or grained print
    lowers it; a garbled word is no month's exact spelling). Short names
    and abbreviations (`mai`, `oct`) could be a scrap read by chance."""
    folded = fold(word).strip(".,;:")
    return len(folded) >= SURE_MONTH_LEN and folded in _months()


def ends_with_day_month(text: str) -> bool:
    """`vendredi 7 novembre`: a written date whose year is not on its line
    (a narrow cell wrapped it onto the next)."""
    return re.search(r"(?<![\w])" + _day_month() + r"\s*$", fold(text).strip(), re.I) is not None


@lru_cache(maxsize=1)
def _day_month() -> str:
    """`1er févr.`, `17 août`: a written day and month (two groups); the
    1 of `1er` read as a letter by OCR (`ler juin`)."""
    names = sorted(_months(), key=len, reverse=True)
    return r"([1lI]\s?er|[0-3]?\d)\s*(" + "|".join(names) + r")\.?"


def _day(text: str) -> int:
    return 1 if text.replace(" ", "")[1:] == "er" else int(text)


@lru_cache(maxsize=1)
def _date_patterns() -> tuple[re.Pattern, re.Pattern]:
    numeric = re.compile(r"(?<![\d/])(\d{1,2})\s?[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{4}|\d{2})(?![\d/])")
    written = re.compile(r"(?<![\w])" + _day_month() + r"\s*((?:19|20)\d{2}(?!\d)|" + _SHORT_YEAR + ")", re.I)
    return numeric, written


# `01 mars 24`, `15 sept. 25`: a written month with its year cut to two
# digits, after a space and followed by no digit, decimal or unit (so that
# `15 mars 24,50 €` or `1er mars 12 kWh` are no dates).
_SHORT_YEAR = r"(?<=\s)\d{2}(?![\d,.a-z]|\s?(?:€|%|kwh|kva|kw\b|m3|m³|h\b|j\b|jours))"


@dataclass(frozen=True, slots=True)
class DateMatch:
    value: date
    start: int
    end: int


def _year(y: str) -> int:
    year = int(y)
    return year + 2000 if year < 100 else year


def find_dates(text: str, *, ocr: bool = False) -> list[DateMatch]:
    """`17/04/2024`, `17/04/24`, `1er févr. 2024`, `17 août 2023` (with accents or not)."""
    t = fold(text)
    if ocr:
        t = re.sub(r"(?<![a-z])[l|i]er(?=\s)", "1er", t)  # `ler janv.` is 1er
        t = repair_ocr_digits(t)
    numeric, written = _date_patterns()
    found: list[DateMatch] = []
    for m in numeric.finditer(t):
        d = _make_date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            found.append(DateMatch(d, m.start(), m.end()))
    months = _months()
    for m in written.finditer(t):
        d = _make_date(_year(m.group(3)), months[m.group(2).lower()], _day(m.group(1)))
        if d:
            found.append(DateMatch(d, m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    return found


def cents(x: float) -> float:
    """Rounded half away from zero to the cent, as billing systems round (not half to even)."""
    return math.copysign(math.floor(abs(x) * 100 + 0.5 + 1e-9) / 100, x)


# A French phone number as printed: ten digits in pairs, the first a zero.
PHONE = re.compile(r"(?<![\d.,])0[1-9](?:[ .]\d{2}){4}(?![\d,])")


def blank_dates(text: str, *, ocr: bool = False) -> str:
    """`text` with its dates blanked out (same length), so that their digits
    are read as no number."""
    chars = list(text)
    for d in find_dates(text, ocr=ocr):
        chars[d.start:d.end] = " " * (d.end - d.start)
    return "".join(chars)


def _make_date(year: int, month: int, day: int) -> date | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, *, ocr: bool = False) -> date | None:
    dates = find_dates(text, ocr=ocr)
    return dates[0].value if dates else None


# An arrow between the dates (`01/02/2024 → 29/02/2024`), in any of its glyphs
# or as OCR spells it out (`->`, `=>`, `—>`).
_RANGE_SEP = re.compile(r"^\s*(?:au|a|-|–|—|>|[-–—=]+>|[→➜➔➙➛➝➞➟➠⟶⇒⇨]|jusqu'au|et le)?\s*$", re.I)
# On a scan, a speck glued to a date before the word (`du 30/12/2024.au 18/02/2025`).
_RANGE_SEP_SPECK = re.compile(r"^\s*[.,'‘’`]\s*(?:au|a|jusqu'au)\s*$", re.I)
# On a scan, an arrow read as another sign (`01/08/2024 + 31/08/2024`, `»`, `=`).
_RANGE_ARROW_OCR = re.compile(r"^\s*(?:\+|»|>>|=|[-–—=]+\s*>?)\s*$")


def find_date_ranges(text: str, *, ocr: bool = False) -> list[tuple[date, date, int, int]]:
    """`du 01/06/2024 au 31/08/2024`, `25/03/2023 - 25/04/2023` → (start, end, pos, pos)."""
    dates = find_dates(text, ocr=ocr)
    t = fold(text)
    ranges = []
    for a, b in zip(dates, dates[1:]):
        between = t[a.end:b.start]
        if (_RANGE_SEP.match(between) or ocr and (_RANGE_SEP_SPECK.match(between) or _RANGE_ARROW_OCR.match(between))) \
                and a.value <= b.value:
            ranges.append((a.value, b.value, a.start, b.end))
    if not ranges:
        ranges = _yearless_range(t)
    return ranges


@lru_cache(maxsize=1)
def _written_range() -> re.Pattern:
    day = _day_month() + r"(?:\s*((?:19|20)\d{2}))?"
    return re.compile(r"(?<![\w])du\s+" + day + r"\s+au\s+" + day + r"(?!\d)", re.I)


def _yearless_range(t: str) -> list[tuple[date, date, int, int]]:
    """`du 17 juin au 16 juillet 2024`, or `du 17 juin 2024 au 16 juin`
    (the end's year cut off by OCR): one side's year gives the other's,
    the end falling after the start."""
    months = _months()
    out = []
    for m in _written_range().finditer(t):
        d1, m1, y1, d2, m2, y2 = m.groups()
        if (y1 is None) == (y2 is None):
            continue
        day1, day2 = _day(d1), _day(d2)
        month1, month2 = months[m1.lower()], months[m2.lower()]
        if y1:
            start = _make_date(int(y1), month1, day1)
            end = start and _make_date(start.year, month2, day2)
            if start and end and end < start:
                end = _make_date(start.year + 1, month2, day2)
        else:
            end = _make_date(int(y2), month2, day2)
            start = end and _make_date(end.year, month1, day1)
            if start and end and start > end:
                start = _make_date(end.year - 1, month1, day1)
        if start and end:
            out.append((start, end, m.start(1), m.end()))
    return out
