"""The customer: name without civility, postal address, consumption address.

The recipient block is found from its last line ("postcode city") and read
upwards in the same column up to the civility line. Names and addresses
printed in capitals are re-cased the French way (`128 boulevard Jean
Jaurès`), or copied from a mixed-case printing of the same text elsewhere
on the bill.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from tasks.extract.labels import _right_candidates, find_labels, is_label_text, is_speck, value_spots, vocabulary
from tasks.extract.layout import BULLET_MARKS, SPECK_MARKS, Document, Segment, placed
from tasks.extract.numbers import clean, fold, respell, spelled_as_always, words_of
from tasks.extract.places import checked_town, postcode_with_unread_digit, serves
from tasks.extract.store import Candidate, from_segment, vote


@lru_cache(maxsize=1)
def _vocab() -> dict:
    return vocabulary("address")


@lru_cache(maxsize=1)
def _civility_re() -> re.Pattern:
    v = _vocab()
    civ = "|".join(sorted(map(re.escape, v["civilities"]), key=len, reverse=True))
    join = "|".join(map(re.escape, v["civility_joiners"]))
    return re.compile(rf"^(?:(?:{civ})\.?(?:\s+(?:{join})\s+|\s+|$))+", re.I)


# `33000 BORDEAUX`, or `33000-BORDEAUX` (a space read as a dash).
_POSTCODE_CITY = re.compile(r"^(?:f-?\s?)?(\d{5})(?:\s+|-(?=[a-z]))([a-z][a-z' \-]*[a-z])(?:\s+\d{1,2})?$")


def strip_civility(name: str) -> tuple[str, bool]:
    """`M. et Mme Jean-Pierre MEYER` → (`Jean-Pierre MEYER`, True)."""
    name = clean(name).strip().lstrip(SPECK_MARKS + BULLET_MARKS + '" ')  # a bullet or speck before the name
    folded = _civility_misread(fold(name))
    m = _civility_re().match(folded)
    if m and m.end() > 0:
        rest = name[m.end():].strip(" ,.-")
        if rest or folded.strip(" .") in _vocab()["civilities"] or " " in folded.strip():
            return rest, True
    return name, False


def _civility_misread(folded: str) -> str:
    """`Mrne`, `Madarne`, `Monsleur`: a civility whose `m` OCR read `rn`, or
    a long one with one letter misread, spelt right, the rest of the name
    kept to its length. `M,` or `M:` is an abbreviation whose point OCR read
    as a comma or a colon (a written-out civility before a comma opens a
    letter: « Madame, Monsieur, »). `Monsieur-Mathéo`: a written-out civility OCR
    glued to the name by a dash (no name starts with one)."""
    first, sep, rest = folded.partition(" ")
    if first.endswith((",", ":", ";")) and len(first) <= 5 and first[:-1] in _vocab()["civilities"]:
        return first[:-1] + "." + sep + rest
    head, dash, tail = first.partition("-")
    if dash and tail and len(head) >= 5 and head in _vocab()["civilities"]:
        return head + " " + tail + sep + rest
    word = first.replace("rn", "m")
    if word != first and word.rstrip(".") in _vocab()["civilities"]:  # `Mrne`
        return word + " " * (len(first) - len(word)) + sep + rest
    if len(word) >= 6:
        for civility in _vocab()["civilities"]:
            if len(civility) >= 6 and len(civility) == len(word) and sum(a != b for a, b in zip(civility, word)) <= 1:
                return civility + " " * (len(first) - len(civility)) + sep + rest
    return folded


def _is_caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def title_word(word: str, *, particles: frozenset[str] = frozenset()) -> str:
    """`JEAN-PIERRE` → `Jean-Pierre`, `D'ARTAGNAN` → `D'Artagnan`,
    `CHALON-SUR-SAÔNE` → `Chalon-sur-Saône`."""
    parts = re.split(r"([-'])", word)
    out = []
    for i, p in enumerate(parts):
        if p in "-'" or not p:
            out.append(p)
        elif i > 0 and fold(p) in particles:
            out.append(p.lower())
        else:
            out.append(_cap(p))
    return "".join(out)


_PLACE_PARTICLES = frozenset({"sur", "sous", "le", "la", "les", "de", "du", "des", "en", "et", "lès", "lez",
                              "aux", "au", "d", "l"})


_NOT_IN_NAMES = re.compile(r"[\d!?|/\\@#{}\[\]<>=+*%$€§]")


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    return frozenset(vocabulary("first_names")["first_names"])


def _given(word: str) -> bool:
    parts = fold(word).strip(".,").split("-")
    return all(part in _first_names() for part in parts)


@lru_cache(maxsize=1)
def _frequent_surnames() -> frozenset[str]:
    return frozenset(vocabulary("frequent_surnames")["frequent_surnames"])


def _surname(word: str) -> bool:
    return fold(word).strip(".,") in _frequent_surnames()


def given_name_last(words: list[str]) -> bool:
    """Whether a name whose case says nothing of its order (all capitals)
    ends with the given name: its last word is a known given name and its
    first is none (`LE GOFF GREGOIRE`), or both are given names and only the
    first is also a frequent surname (`LAURENT MARIE-CLAIRE`). Names that
    stay ambiguous (`RICHARD THOMAS`) keep the order as printed."""
    if len(words) < 2 or not _given(words[-1]):
        return False
    return not _given(words[0]) or (_surname(words[0]) and not _surname(words[-1]))


def format_name(raw: str, *, given_first: bool = True) -> str | None:
    """First name(s) then surname, without civility, in normal case; None
    for a caption or a label (`Titulaire :`, `Vos références`). With
    `given_first`, a name all in capitals whose given name comes last
    (`MENARD HELENE`) is turned round."""
    name, _ = strip_civility(raw)
    name = re.sub(r"\s+", " ", name).strip(" ,.")
    words = name.split(" ")
    if not words or not any(c.isalpha() for c in name) or ":" in name or is_label_text(name) \
            or fold(words[0]).strip(".") in _vocab()["complement_words"]:
        return None  # a caption, or an address line (`Bât. B`) whose name line OCR lost
    if _NOT_IN_NAMES.search(name):
        return None  # `Ilsabe!le Martin`: a letter OCR read as a mark no name holds
    caps = [_is_caps(w) for w in words]
    if all(caps) and given_first and given_name_last(words):
        # `MENARD HELENE`: all in capitals, the given name last.
        words, caps = words[-1:] + words[:-1], caps[-1:] + caps[:-1]
    if any(caps) and not all(caps):
        if caps[0] and not caps[-1]:
            # `DUPONT Laurent`: the surname in capitals comes first.
            k = caps.index(False)
            words = words[k:] + words[:k]
            caps = caps[k:] + caps[:k]
    return " ".join(title_word(w, particles=frozenset({"de", "du", "des", "le", "la"})) if c
                    else _capitalised(w) for w, c in zip(words, caps))


def _capitalised(word: str) -> str:
    """`julien` (OCR read the capital J small) is Julien; particles stay small."""
    return word[0].upper() + word[1:] if word[:1].islower() and word not in _vocab()["name_particles"] else word


def format_address_line(line: str, *, first_upper: bool = True) -> str:
    """Re-case one address line printed in capitals."""
    v = _vocab()
    types = set(v["street_types"]) - set(v["street_types_capitalised"])
    particles = set(v["particles"])
    place_types = set(v.get("place_name_types", []))
    words = clean(line).lstrip(" -–—•·*|").split()  # a bullet or speck before the line is no part of it
    out = []
    for i, w in enumerate(words):
        if not _is_caps(w) and not w.isupper():
            out.append(w)
            continue
        f = fold(w).strip(",.")
        after_place_type = i > 0 and fold(words[i - 1]).strip(",.") in place_types
        if any(c.isdigit() for c in w):
            out.append(w)
        elif i == 0 and first_upper and not out:
            out.append(title_word(w, particles=_PLACE_PARTICLES | {"dit"}))
        elif after_place_type:
            out.append(title_word(w, particles=_PLACE_PARTICLES))
        elif f in types or f in particles:
            out.append(w.lower())
        elif re.fullmatch(r"[dl]'.+", f):
            head, tail = w[:2], w[2:]
            out.append(head.lower() + title_word(tail, particles=_PLACE_PARTICLES))
        else:
            out.append(title_word(w, particles=_PLACE_PARTICLES))
    return " ".join(out)


def format_city_line(line: str) -> str:
    m = re.match(r"^\s*(?:F-?\s?)?(\d{5})(?:\s+|-(?=[A-Za-zÀ-ÿ]))(.*)$", clean(line))
    if not m:
        return format_address_line(line)
    city = m.group(2).strip(" .,")
    if _is_caps(city.replace(" ", "")):
        words = city.split()
        city = " ".join(title_word(w, particles=_PLACE_PARTICLES) if i == 0 or fold(w) not in _PLACE_PARTICLES
                        else w.lower() for i, w in enumerate(words))
    return f"{m.group(1)} {city}"


def _city_line(text: str, *, ocr: bool) -> str | None:
    """The postcode and town line re-cased; read by OCR, checked against
    the communes its postcode serves (tasks/extract/places.py): None for
    a town misread."""
    line = format_city_line(text)
    m = re.fullmatch(r"(\d{5}) (.+)", line)
    if ocr and m:
        checked = checked_town(*m.groups())
        return " ".join(checked) if checked else None
    return line


@dataclass
class Block:
    name_seg: Segment | None
    lines: list[Segment]  # address lines, top to bottom, ending with postcode + city
    score: float


# `19003 kKWh`, `11422 kWh`: a quantity of a table row, not a postcode and its town.
# A unit or a reading's nature after a number is no town (`21773 ‖ Estimé`: an index).
_UNIT_TOWN = re.compile(r"^k*\s?w\s?h|^k\s?va\b|^m3\b|^jours?\b|^mois\b|^litres?\b|^(?:estimee?|reel(?:le)?|releve)\b")


# What OCR reads around an address line's ends: punctuation and specks (`Toulouse?`).
_SPECKS = " ,.:;?!"


def _address_text(seg: Segment) -> str:
    """An address line's text without the specks OCR read around it, a
    dash before it included (`- 24000 PÉRIGUEUX`), an l read as `!` put back."""
    text = seg.text.strip(_SPECKS)
    if not seg.ocr:
        return text
    # `Brive-!a-Gaillarde`: an l read as `!` inside a word.
    return _BANG_FOR_L.sub("l", text.lstrip(SPECK_MARKS + BULLET_MARKS + " "))


_BANG_FOR_L = re.compile(r"(?<=[A-Za-zÀ-ÿ-])!(?=[A-Za-zÀ-ÿ])")


def _is_postcode_city(seg: Segment) -> bool:
    text = fold(_address_text(seg))
    if "cedex" in text:
        return False
    m = _POSTCODE_CITY.match(text)
    return bool(m) and not _UNIT_TOWN.match(m.group(2))


def _supplierish(text: str) -> bool:
    f = fold(text)
    return any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", f) for w in _vocab()["supplier_address_words"])


def _looks_like_label(seg: Segment) -> bool:
    f = fold(seg.text)
    opening = f.lstrip(SPECK_MARKS + BULLET_MARKS + " ")[:1]  # past a speck before the line (`- 143 impasse …`)
    if seg.ocr and opening.isdigit():
        f = _GLUED_SPECK.sub(" ", f)  # `46 boulevard:-Anatole France`
    first = f.lstrip(SPECK_MARKS + BULLET_MARKS + " ").split(" ")[0].strip(".")
    if seg.ocr and f.endswith(":") and (opening.isdigit() or first in _vocab()["complement_words"]
                                        or re.search(r"\s:$", f) and not is_label_text(f)):
        # A speck read as `:` after an address line (`164 RUE DE BRETAGNE :`,
        # `RÉSIDENCE LES ÉRABLES :`, `PORTE 5:`) makes no label.
        f = f.rstrip(" :")
    return ":" in f or bool(re.search(r"\b(?:n°|no|facture|client|reference|date|montant|total|contrat|page)\b", f))


def find_blocks(doc: Document) -> list[Block]:
    blocks = []
    for seg in doc.segments:
        seg = _with_read_postcode(_with_town(doc, seg))
        if not _is_postcode_city(seg):
            continue
        lines = [seg]
        name_seg = None
        current = seg
        for _ in range(5):
            above = _segment_above(doc, current)
            if above is None:
                break
            stripped, had_civility = strip_civility(above.text)
            if had_civility:
                name_seg = above
                beside = doc.right_of(above)[:1]
                if not stripped and beside and beside[0].x0 - above.x1 < 4 * above.height:
                    # `M.  ‖ Karim Laurent`: a photo's wider gap cut the civility from the name.
                    name_seg = placed(above.words + beside[0].words, above)
                break
            if _looks_like_label(above) or _supplierish(above.text) or not re.search(r"[A-Za-z]", above.text) \
                    or _other_captions_value(doc, above):
                break
            lines.insert(0, above)
            current = above
        if name_seg is not None and not strip_civility(name_seg.text)[0]:
            # The civility alone on its line (OCR split): the name is the next line.
            if len(lines) >= 3 and not any(c.isdigit() for c in lines[0].text):
                name_line = lines.pop(0)
                name_seg = placed(name_seg.words + name_line.words, name_line)
        elif name_seg is None and len(lines) >= 3 and not any(c.isdigit() for c in lines[0].text):
            name_seg = lines.pop(0)  # a block without civility (company, co-holders)
        if len(lines) < 2:
            continue
        score = 0.0
        score += 2.0 if name_seg is not None and strip_civility(name_seg.text)[1] else 0.0
        score += 1.0 if name_seg is not None else 0.0
        score += 1.0 if seg.page == doc.lines[0].page else 0.0
        score += 0.5 if seg.y0 < doc.page_height(seg.page) / 2 else 0.0
        if any(_supplierish(s.text) for s in lines):
            score -= 3.0
        blocks.append(Block(name_seg, lines, score))
    return blocks


# A caption naming an address: its value may be a line of an address block.
_ADDRESS_CAPTION = re.compile(r"\b(?:adresse|lieu|site|livraison|consommation|fourniture)\b")


def _other_captions_value(doc: Document, seg: Segment) -> bool:
    """`Offre ‖ Plüm Duo Coopératif Fixe` over `Lieu de consommation ‖ 47
    boulevard du Château,`: a value beside a caption naming no address (the
    caption ending the segment left of it, which OCR may have run into the
    next column's amount: `244,81 € HT Offre`) is a row of a table of
    captions and values, which no address block runs up into."""
    if seg.line < 0 or seg.col == 0 or seg.col >= len(doc.lines[seg.line].segments) \
            or doc.lines[seg.line].segments[seg.col].x0 != seg.x0:
        return False
    left = doc.lines[seg.line].segments[seg.col - 1]
    words = left.text.split()
    for n in (1, 2, 3):
        tail = " ".join(words[-n:])
        if len(words) >= n and is_label_text(tail):
            return not _ADDRESS_CAPTION.search(fold(tail)) and not _wrapped_sentence(doc, left) \
                and not (is_label_text(left.text) and _value_under(doc, left))
    return False


def _wrapped_sentence(doc: Document, seg: Segment) -> bool:
    """`Numéro client 8295011 · Contrat électricité 8295011-01 · Contrat` over
    `gaz naturel 8295011-02`: a sentence going on at the start of the next
    line, in small letters; its last caption's value is there, not beside it."""
    under = doc.below(seg, max_lines=1, max_dy=1.5)
    return bool(under) and abs(under[0].x0 - seg.x0) < seg.height and under[0].text[:1].islower()


def _value_under(doc: Document, caption: Segment) -> bool:
    """`DATE DE FACTURE` over `11 février 2026`, a column of captions each over
    its value beside the address block: the caption's value is the line under
    it, and the address line beside it on its line is no value of it."""
    under = doc.below(caption, max_lines=1, max_dy=1.5)
    return len(under) == 1 and not is_label_text(under[0].text) and not _looks_like_label(under[0])


def _with_town(doc: Document, seg: Segment) -> Segment:
    """A postcode alone in its segment joined with the town printed next to
    it on its line (`02100 ‖ SAINT-QUENTIN`, split by OCR); a town cut
    after its article (`43000 Le ‖ Puy-en-Velay`, the rest a line lower on
    a photo) likewise; a speck before the postcode (`.29200 ‖ Brest`) aside."""
    text = _address_text(seg)
    cut = re.fullmatch(r"\d{5}\s+(?:.*\s)?(?:le|la|les|l'|saint|sainte)|\d{5}\s+.*-", text, re.I)
    if not (re.fullmatch(r"\d{5}", text) or cut):
        return seg
    right = _right_candidates(doc, seg)
    gap = 1.0 if cut else 3.0  # a cut town's rest follows at a word's space
    if not right or right[0].x0 - seg.x1 > gap * seg.height or not re.match(r"[A-Za-zÀ-ÿ]", right[0].text):
        return seg
    # The block is looked for above both pieces.
    return placed(seg.words + right[0].words, min((seg, right[0]), key=lambda s: s.line))


def _with_read_postcode(seg: Segment) -> Segment:
    """A postcode one of whose characters OCR read as no digit (`8/000
    Limoges`) put right, when only one digit there makes a postcode
    serving the town read after it; a postcode OCR cut in two (`8 4000
    Avignon`) or split by a speck (`37.000 Tours`) joined, when it serves
    the town."""
    if not seg.ocr:
        return seg
    cut = re.fullmatch(r"(\d{1,4}) (\d{1,4})\s+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' -]+)", seg.text.strip())
    if cut and len(seg.words) > 2 and seg.words[0].text + seg.words[1].text == cut.group(1) + cut.group(2) \
            and len(postcode := cut.group(1) + cut.group(2)) == 5 and serves(postcode, cut.group(3)):
        joined = replace(seg.words[0], text=postcode, x1=seg.words[1].x1)
        return placed([joined, *seg.words[2:]], seg)
    glued = re.fullmatch(r"(\d{5})[.,:;'`·]\s+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' -]+)", seg.text.strip())
    if glued and seg.words[0].text[:5] == glued.group(1) and len(seg.words[0].text) == 6 \
            and serves(glued.group(1), glued.group(2)):
        # `84000: Avignon`: a speck read glued after the postcode.
        return placed([replace(seg.words[0], text=glued.group(1)), *seg.words[1:]], seg)
    specked = re.fullmatch(r"(\d{1,4})[.,'`·](\d{1,4})\s+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' -]+)", seg.text.strip())
    if specked and len(postcode := specked.group(1) + specked.group(2)) == 5 \
            and seg.words[0].text == seg.text.strip().split()[0] and serves(postcode, specked.group(3)):
        # `37.000 TOURS`: a speck read between the postcode's digits.
        return placed([replace(seg.words[0], text=postcode), *seg.words[1:]], seg)
    m = re.fullmatch(r"(\S{5})\s+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' -]+)", seg.text.strip())
    if not m or seg.words[0].text != m.group(1):
        return seg
    postcode = postcode_with_unread_digit(*m.groups())
    return placed([replace(seg.words[0], text=postcode), *seg.words[1:]], seg) if postcode else seg


def _segment_above(doc: Document, seg: Segment) -> Segment | None:
    """The segment right above `seg` in the same column (left edges aligned)."""
    h = seg.height
    for line in reversed(doc.lines[:seg.line]):
        if line.page != seg.page:
            return None
        if seg.y0 - line.y1 > 2.2 * h:
            return None
        for other in line.segments:
            if _speck_between_lines(other):
                continue
            if abs(other.x0 - seg.x0) < 1.5 * h or (abs(other.x0 - seg.x0) < 4 * h and
                                                     min(other.x1, seg.x1) - max(other.x0, seg.x0) > 0):
                return other
    return None


def _speck_between_lines(seg: Segment) -> bool:
    """A speck read as `:`, `A` or a letter or three (`pu`) between a block's
    lines; `M.` is a civility."""
    if not any(c.isalnum() for c in seg.text):
        return True
    return seg.ocr and (is_speck(seg) or (len(seg.text.strip()) <= 3 and seg.conf < 0.3)) \
        and not strip_civility(seg.text)[1]


def _mixed_case_version(doc: Document, text: str) -> str | None:
    """The same words printed elsewhere in normal case (e.g. the consumption
    address), which is better than re-casing capitals. Of several, one
    whose letters are the capitals' own (`square du Moulin` for `SQUARE DU
    MOULIN`, not a scan's `square dü Moulin`)."""
    target = re.sub(r"[\s,]+", " ", fold(text)).strip()
    if len(target) < 6:
        return None
    found = []
    for seg in doc.segments:
        if _is_caps(seg.text.replace(" ", "")):
            continue
        norm, index = [], []
        prev_space = False
        for i, c in enumerate(seg.folded):
            if c in " ,":
                if prev_space:
                    continue
                norm.append(" ")
                index.append(i)
                prev_space = True
            else:
                norm.append(c)
                index.append(i)
                prev_space = False
        joined = "".join(norm)
        pos = joined.find(target)
        if pos < 0 or joined[pos - 1:pos].isalnum() or joined[pos + len(target):pos + len(target) + 1].isalnum():
            continue  # whole words only
        start = index[pos]
        end = index[pos + len(target) - 1] + 1
        candidate = seg.text[start:end]
        if any(c.islower() for c in candidate):
            # `boulevard dé l'Industrie`: a speck's accent
            found.append(_spelled(candidate) if seg.ocr else candidate)
    capitals = re.sub(r"[\s,]+", " ", text).strip()
    own = [c for c in found if re.sub(r"[\s,]+", " ", c).strip().upper() == capitals]
    return (own or found or [None])[0]


def _nameless_street(text: str) -> bool:
    """`84 rue`, `square`, `106 ter`: a street type, after its number or
    alone, or a number alone, with the street's name lost (OCR put it on
    another row); `ter chemin du Maréchal Foch`: the street's number lost.
    Such an address is not the customer's."""
    words = fold(text).strip(" ,.:;").split()
    if words[:1] in (["bis"], ["ter"]) and len(words) > 1 and words[1] in _vocab()["street_types"]:
        return True
    number = bool(words) and words[0][:1].isdigit()
    if number and len(words) == 2 and words[1] in ("bis", "ter"):
        return True  # `106 ter`: the street went to another row
    return 1 + number <= len(words) <= 3 and words[-1] in _vocab()["street_types"] \
        and all(w in ("bis", "ter") for w in words[number:-1])


def _cut_before_town(lines: list[Segment]) -> bool:
    """`11 allée de` over `14000 Caen`: the street's name OCR lost after its
    particle (a name wrapped after one goes on on the next line, not the town's)."""
    return len(lines) >= 2 and bool(_WRAPPED_AFTER.search(fold(lines[-2].text).strip(" ,.:;")))


def _misread_name(name: str) -> bool:
    """A name as OCR garbled it: a word whose capital it read as another
    small letter (`tean-Baptiste` for Jean-Baptiste; `julien` is only J
    read small), a letter no French name spells (`Baäptiste`), or a vowel
    after a diaeresis (`Maëelle`, `Noëémie`: a speck read as a letter)."""
    return bool(re.search(r"[äö]|ë[aeéèêiouy]", name, re.I)) or any(
        _lost_capital(w, _vocab()["name_particles"], SAME_SHAPE_CAPITALS) for w in name.split())


def _lost_capital(word: str, particles: list[str], read_small: str = "j") -> bool:
    """A word of a name in small letters that is no particle: OCR read its
    capital as another small letter (`tean`, `laurés`); a `j` is only J
    read small (`julien`), and in a person's name every letter whose capital
    has its small shape (`isabelle`, `olivier`: `read_small`)."""
    return word[:1].islower() and word[:1] not in read_small and fold(word).strip(",.") not in particles


# Letters whose capital OCR reads as their small letter (the same shape, or `I` for `i`).
SAME_SHAPE_CAPITALS = "cijosuvwxz"


# Articles that French elides before a vowel: one in full before a vowel lost what followed it.
_UNELIDED = frozenset({"de", "du", "le", "la"})


def _misread_street(seg: Segment) -> bool:
    """`167 ter quai Jean laurés` (« Jaurès », its J read as an l): in a
    street's name printed with capitals, a word in small letters that is no
    particle (`de la`, `d'`) nor a date's month (`rue du 8 mai 1945`) lost
    its capital to OCR, and maybe more; `jules` is only its J read small.
    A lone letter OCR was unsure of, and no building's or stair's, is a
    speck on a line it may have damaged further."""
    if not seg.ocr:
        return False
    words = _address_text(seg).split()
    if words and any(c.isdigit() for c in words[0]) and re.search(r"[+*#§@!?|=<>]", words[0]):
        return True  # `+4 S3 boulevard …`: a house number holding a mark is a guess
    folded = [fold(w).strip(",.") for w in words]
    at = next((i for i, f in enumerate(folded) if f in _vocab()["street_types"]), None)
    if at is None:
        return False
    if any(len(w.text) == 1 and w.text.isalpha() and w.conf < UNSURE_LETTER_CONF and k
           and fold(seg.words[k - 1].text).strip(".") not in _vocab()["complement_words"]
           for k, w in enumerate(seg.words)):
        return True  # `48 ter À place Jules Fer` (« Ferry »): a speck read as a letter, a damaged line
    if any(a in _UNELIDED and re.match(r"[aeiouy]", b) for a, b in zip(folded[at + 1:], folded[at + 2:])):
        return True  # `place de industrie`: the « l' » of « de l'Industrie » lost
    name = words[at + 1:]
    small = [w for k, w in enumerate(name) if _lost_capital(w, _vocab()["particles"])
             and not re.match(r"[dl]'", fold(w)) and not (k and name[k - 1][:1].isdigit())]
    return bool(small) and any(w[:1].isupper() for w in name)


# Under this confidence a letter standing alone in a street's line is a speck OCR read.
UNSURE_LETTER_CONF = 0.5
# Below this confidence OCR did not read a word but guessed it (`Porte PAU` for « Porte 5 »).
UNREAD_WORD_CONF = 0.2


def _unread_word(seg: Segment) -> bool:
    """An address line holding a word OCR could not read: the address would
    be another's. A street type read whole but for a speck over a letter
    (`avenüe`, its confidence sunk by the speck) was read."""
    return seg.ocr and any(w.conf < UNREAD_WORD_CONF and any(c.isalnum() for c in w.text)
                           and fold(w.text.strip(_SPECKS)) not in _street_type_names() for w in seg.words)


@lru_cache(maxsize=1)
def _street_type_names() -> frozenset[str]:
    return frozenset(fold(t) for t in _vocab()["street_types"] if len(t) >= 4)


def _bare_complement(text: str) -> bool:
    """`Bât.` alone: a building's letter lost (OCR), so the address would be
    another's; it is left unread rather than given wrong."""
    words = fold(text).strip(" ,.:;").replace(".", " ").split()
    return len(words) == 1 and words[0] in _vocab()["complement_words"]


def _unglued_street_type(text: str) -> str:
    """`boulevarddu Port` is « boulevard du Port »: OCR lost the space after the street type."""
    return _glued_street_type().sub(r"\1 \2", text)


@lru_cache(maxsize=1)
def _glued_street_type() -> re.Pattern:
    types = "|".join(sorted((t for t in _vocab()["street_types"] if len(t) >= 4), key=len, reverse=True))
    return re.compile(rf"(?i)\b({types})(du|des|de|la|le|les|d'|l')(?=\s)")


def _unglued_ordinal(text: str) -> str:
    """`3eétage` is « 3e étage »: OCR lost the space between an ordinal and
    the building word it numbers."""
    def split(m: re.Match) -> str:
        return f"{m.group(1)} {m.group(2)}" if fold(m.group(2)) in _vocab()["complement_words"] else m.group(0)
    return _GLUED_ORDINAL.sub(split, text)


def _unglued_designator(text: str) -> str:
    """`BâtimentC` is « Bâtiment C »: OCR lost the space before the letter or number it names."""
    return _GLUED_DESIGNATOR.sub(lambda m: f"{m.group(1)} {m.group(2)}" if fold(m.group(1)).strip(".")
                                 in _vocab()["complement_words"] else m.group(0), text)


_GLUED_DESIGNATOR = re.compile(r"\b([A-Za-zÀ-ÿ]{3,}\.?)([A-Z]|\d{1,3})\b")


def _unaccented_designator(text: str) -> str:
    """`ESCALIER À` is stair A: a speck over the letter that names a
    building, stair or door read as a grave accent."""
    def letter(m: re.Match) -> str:
        return m.group(1) + "A" if fold(m.group(2)) in _vocab()["complement_words"] else m.group(0)
    return _DESIGNATOR_A.sub(letter, text)


_DESIGNATOR_A = re.compile(r"(\b([A-Za-zÀ-ÿ]+)\.?\s+)À(?![\w'’])")
# `Bât B`: a complement word before the letter or number it names; whether it is cut short, the vocabulary says.
_CUT_COMPLEMENT = re.compile(r"\b([A-Za-zÀ-ÿ]{2,4})(?=\s+(?:[A-Z]|\d{1,3})\b)")
# `Cäen`: specks over a letter read as an umlaut no French place name carries.
_FOREIGN_UMLAUTS = str.maketrans("äöÄÖ", "aoAO")
# `boulevard:-Anatole`: a speck read as marks glued between two words (no address prints a colon so).
_GLUED_SPECK = re.compile(r"(?<=[A-Za-zÀ-ÿ])[:;][-–.]?(?=[A-Za-zÀ-ÿ])")
# `45. ter avenue des Hirondelles`, `45.ter`: a speck after the house number (no address prints a mark there).
_NUMBER_SPECK = re.compile(r"^(\d{1,4})[.,:;'’](?:\s+|(?=(?:bis|ter|quater)\b|[A-Za-zÀ-ÿ]{3,}))", re.I)
_GLUED_ORDINAL = re.compile(r"\b(\d{1,2}(?:er|ère|ere|ème|eme|e))([A-Za-zÀ-ÿ]{3,})\b")


@lru_cache(maxsize=1)
def _street_words() -> dict[int, frozenset[str]]:
    """Street types and the words spelled as they always are: `avenve` is `avenue`."""
    return words_of([fold(w) for w in _vocab()["street_types"] + _vocab()["spelled_words"]], min_len=5)


def _garbled_town(seg: Segment) -> bool:
    """`67000 SHRAoUrs`: a town OCR could not read, a capital after a small
    letter inside a word (no town is spelled so); `33000 tours` for 37000
    Tours: a town whose capital OCR lost, read unsure, its postcode with it;
    `21000 Di`: a town cut short."""
    m = re.match(r"^\D*\d{5}\s+(.*)$", clean(seg.text))
    if not m:
        return False
    town = m.group(1)
    # `21000 Di` over `ijon`: two letters read unsure are a town cut short (`Eu`, `Y` are read surely).
    unsure = seg.ocr and seg.conf_between(m.start(1), len(seg.text)) < 0.6
    return bool(re.search(r"[a-zà-ÿ][A-ZÀ-Ý]", town)) or (unsure and (town[:1].islower() or len(town.strip()) <= 2))


@lru_cache(maxsize=1)
def _fixed_spellings() -> tuple[dict[str, str], frozenset[str]]:
    return {fold(w): w for w in _vocab()["spelled_words"] + _vocab()["spelled_names"]}, frozenset(_vocab()["particles"])


@lru_cache(maxsize=1)
def _spelled_names() -> dict[str, str]:
    return {fold(w): w for w in _vocab()["spelled_names"]}


@lru_cache(maxsize=1)
def _name_words() -> dict[int, frozenset[str]]:
    return words_of([fold(w) for w in _vocab()["spelled_names"]], min_len=5)


def _as_spelled(name: str, seg: Segment) -> str:
    """An OCR name's words as they are always spelled: `Elodie` (its É
    read without its accent) is Élodie; `Grévoire`, read unsure and a
    letter off only « Grégoire », is Grégoire."""
    confs = {w.text.strip(",."): w.conf for w in seg.words}
    name = respell(name, _name_words(), min_len=5, doubtful=lambda a, b: confs.get(name[a:b], 1.0) < 0.9)
    return spelled_as_always(name, _spelled_names())


def _spelled(text: str) -> str:
    """`avenué` → `avenue`, `Bat.` → `Bât.`, `lés` → `lès` (`les` is a word of its own)."""
    known, particles = _fixed_spellings()
    return spelled_as_always(text, known, keep=particles)


def _as_printed(text: str, seg: Segment) -> str:
    """An OCR address line with what OCR does to addresses undone: a speck
    read as a quote (`146 avenue du Général de ‘`), as a mark after the
    house number (`45. ter`, `22'chemin`), as an umlaut (`Cäen`) or as the accent of a
    stair's letter (`Escalier À`), the point of a complement cut short lost
    (`Bât B`), an ordinal glued to its building word (`3eétage`) or a street
    type to its particle (`boulevarddu`) or `de` to `l'` (`del'Industrie`), words misread by a letter or an accent."""
    text = _GLUED_SPECK.sub(" ", _NUMBER_SPECK.sub(r"\1 ", _LONE_QUOTE.sub("", text)))
    text = _unglued_designator(_unglued_street_type(_unglued_ordinal(_GLUED_ARTICLE.sub("de l'", text))))
    text = _unaccented_designator(text.translate(_FOREIGN_UMLAUTS))
    text = _CUT_COMPLEMENT.sub(lambda m: m.group(1) + "." if fold(m.group(1)) in _vocab()["cut_complement_words"]
                               else m.group(0), text)
    text = respell(text, _street_words(), min_len=5, doubtful=lambda a, b: seg.conf_between(a, b) < 0.9)
    return _spelled(_street_type_respelled(text))


# `cours del'Industrie`: OCR lost the space between `de` and `l'` (no French word is `del'`).
_GLUED_ARTICLE = re.compile(r"\bdel'(?=[A-ZÀ-Ý])")

_AFTER_NUMBER = re.compile(r"^(\d{1,4}\s*(?:bis|ter|quater)?\s+)([A-Za-zÀ-ÿ]{4,})\b", re.I)


def _street_type_respelled(text: str) -> str:
    """`166 piace des Peupliers`: after the house number comes the street
    type; a word there one letter off the only type it can be is that type,
    however sure OCR was of it."""
    m = _AFTER_NUMBER.match(text)
    if not m or m.group(2).istitle():  # `12 Plage des Mouettes`: a name, capitalised as types are not
        return text
    return text[:m.start(2)] + respell(m.group(2), _street_types(), min_len=4) + text[m.end(2):]


@lru_cache(maxsize=1)
def _street_types() -> dict[int, frozenset[str]]:
    return words_of([fold(t) for t in _vocab()["street_types"]], min_len=4)


def _format_block_address(doc: Document, lines: list[Segment]) -> str | None:
    """The block's lines as one address; None when OCR misread its town or
    read one of its lines over two (a box twice as tall as the others:
    `Joël` over the name's line and the lost `Bât. B` under it)."""
    if _line_read_over_two(lines):
        return None
    parts = []
    for i, seg in enumerate(lines):
        text = _address_text(seg)
        if seg.ocr:
            text = _as_printed(text, seg)
        mixed = _mixed_case_version(doc, text) if _is_caps(text.replace(" ", "")) else None
        if i == len(lines) - 1:
            city = _city_line(mixed or text, ocr=seg.ocr)
            if city is None:
                return None
            parts.append(city)
        elif mixed:
            parts.append(mixed)
        else:
            parts.append(format_address_line(text))
    out = parts[:1]
    for part in parts[1:]:
        if _WRAPPED_AFTER.search(fold(out[-1])):
            out[-1] += " " + part  # `… du Général de` / `Gaulle`: a street name wrapped in a narrow block
        else:
            out.append(part)
    return ", ".join(out)


def _line_read_over_two(lines: list[Segment]) -> bool:
    streets = lines[:-1]  # the town's line may be two pieces joined (`43000 Le` / `Puy-en-Velay`)
    for i, seg in enumerate(streets):
        others = sorted(s.height for j, s in enumerate(streets) if j != i)
        if seg.ocr and others and seg.height > MERGED_LINE_HEIGHT * others[len(others) // 2]:
            return True
    return False


# A block's line this many times as tall as its others holds two lines.
MERGED_LINE_HEIGHT = 1.5


# A quote standing alone between words: a speck, no apostrophe (`d'` holds its letter).
_LONE_QUOTE = re.compile(r"^[‘’`']+\s+|\s+[‘’`']+(?=\s|$)")
# A line ending with a particle is cut in the middle of a name.
_WRAPPED_AFTER = re.compile(r"(?:^|\s)(?:de|du|des|la|le|les|sur|sous|en|aux?)$|\b[dl]'$")


def _block_name(doc: Document, seg: Segment) -> str | None:
    """The name over an address block, or None for an OCR remnant or a name OCR garbled."""
    name = format_name(seg.text)
    raw, had_civility = strip_civility(seg.text)
    if not name or (seg.ocr and (_misread_name(raw) or _runs_into_unread(doc, seg))):
        return None
    if seg.ocr:
        name = _as_spelled(name, seg)
    # Without a civility to vouch for it, one word over an address is an OCR
    # remnant (`Re` for « Mme Amina Caron »), not a name.
    if not had_civility and len(name.split()) <= 1:
        return None
    if _is_caps(raw.replace(" ", "")):
        # `GREGOIRE DA SILVA` re-cased lacks the accents `Débiteur : Grégoire Da Silva` prints;
        # `HADDAD LUCIE` printed `HADDAD Lucie` elsewhere says which word is the surname.
        # A name turned round (`MENARD HELENE`) may be printed elsewhere in its own order.
        as_printed = format_name(raw, given_first=False) or name
        mixed = _mixed_case_version(doc, name) or (as_printed != name and _mixed_case_version(doc, as_printed))
        return (format_name(mixed) or mixed) if mixed else name
    return name


def _runs_into_unread(doc: Document, seg: Segment) -> bool:
    """`Mme Amina Hen` and, touching its last word, a box OCR could not read
    (`d:` at 4 %, the name's `ry`): the name's end was not read."""
    last = seg.words[-1]
    h = last.y1 - last.y0
    return any(w is not last and w.conf < UNREAD_WORD_CONF and 0 <= w.x0 - last.x1 < 0.5 * h
               and min(w.y1, last.y1) - max(w.y0, last.y0) > 0.5 * h
               for line in doc.page_lines(seg.page) for other in line.segments for w in other.words)


def _after_civility(seg: Segment) -> tuple[int, int] | None:
    """Where the name starts after its civility (`M. Raphaël Girard`): how
    surely OCR read the name is its own words', not a pale `M.`'s."""
    rest, had_civility = strip_civility(seg.text)
    pos = seg.text.find(rest.split()[0]) if had_civility and rest.split() else -1
    return (pos, len(seg.text)) if pos > 0 else None


def extract_customer(doc: Document) -> dict[str, Candidate | None]:
    """`name`, `address` and `delivery_address` candidates."""
    blocks = sorted(find_blocks(doc), key=lambda b: b.score, reverse=True)
    names, addresses = [], []
    if blocks:
        best = blocks[0]
        for block in blocks:
            if block.score < best.score - 2.5:
                continue
            base = 0.55 + 0.1 * block.score
            if block.name_seg is not None and (name := _block_name(doc, block.name_seg)):
                names.append(from_segment(name, block.name_seg, base, "block", span=_after_civility(block.name_seg)))
            # Its town line is checked against the communes of its postcode instead.
            if not any(_nameless_street(seg.text) or _bare_complement(seg.text) or _unread_word(seg)
                       or _misread_street(seg) for seg in block.lines[:-1]) \
                    and not _garbled_town(block.lines[-1]) and not _cut_before_town(block.lines):
                address = _format_block_address(doc, block.lines)
                if address:
                    addresses.append(from_segment(address, block.lines[-1], base, "block"))
    addresses = _with_complement(addresses)
    for hit in find_labels(doc, "customer_name"):
        for spot in value_spots(doc, hit, below_lines=1):
            name = format_name(spot.text)
            if name and spot.seg.ocr:
                name = _as_spelled(name, spot.seg)
            if name and 1 < len(name.split()) <= 6:  # format_name refuses digits
                names.append(from_segment(name, spot.seg, 0.8, "label"))
                break
    delivery = []
    for hit in find_labels(doc, "delivery_address"):
        text = _read_address_spot(doc, hit)
        if text:
            delivery.append(from_segment(text, hit.seg, 0.85, "label"))
    address = vote(addresses, key=lambda v: re.sub(r"[\s,]+", " ", fold(v)))
    place = vote(delivery, key=lambda v: re.sub(r"[\s,]+", " ", fold(v)))
    if address and place and address.value != place.value:
        a, b = (re.sub(r"[\s,]+", " ", fold(x.value)) for x in (address, place))
        if a.endswith(b) or b.endswith(a) or difflib.SequenceMatcher(None, a, b).ratio() >= 0.9:
            # Two printings of the same address: they confirm each other, and
            # the better read one wins a disagreement (OCR misread).
            if a == b or a.endswith(b):
                address = address.with_conf(address.conf + 0.1)
            elif place.conf > address.conf and len(b) >= len(a) - 2:
                address = place.with_conf(place.conf)
    return {"name": vote(names, key=lambda v: fold(v)), "address": address, "delivery_address": place}


def _with_complement(addresses: list[Candidate]) -> list[Candidate]:
    """One address printed twice, once with a complement line before its
    street (`Appt 12, 151 quai …`) and once without (a payment slip's short
    copy): the two agree, on the fuller one."""
    def key(c: Candidate) -> str:
        return re.sub(r"[\s,]+", " ", fold(c.value)).strip()

    out = []
    for c in addresses:
        fuller = [o for o in addresses if o.value.count(",") == c.value.count(",") + 1
                  and key(o).endswith(" " + key(c)) and o.value.endswith(", " + c.value)]
        out.append(replace(c, value=fuller[0].value) if len(fuller) == 1 else c)
    return out


_POSTCODE_INLINE = re.compile(r"(?<!\d)(\d{5})\s+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' \-]*)$")


def _read_address_spot(doc: Document, hit) -> str | None:
    for spot in value_spots(doc, hit, below_lines=2):
        text = spot.text.strip(" .")
        m = _POSTCODE_INLINE.search(text)
        if not m:
            # The postcode and city may be on the next line of the same column.
            nxt = doc.below(spot.seg, max_lines=1)
            if nxt and _is_postcode_city(nxt[0]) and re.search(r"\d", text):
                text = f"{text}, {nxt[0].text.strip(' .')}"
                m = _POSTCODE_INLINE.search(text)
        if not m:
            continue
        street = text[:m.start()].strip(" ,")
        if not street:
            continue
        city_line = f"{m.group(1)} {m.group(2)}"
        if _is_caps(street.replace(" ", "")):
            mixed = _mixed_case_version(doc, street)
            street = mixed or format_address_line(street)
        city = _city_line(city_line, ocr=spot.seg.ocr)
        return f"{street}, {city}" if city else None
    return None
