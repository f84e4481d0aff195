"""Independent checks of what a finished PDF gives away: its text layer,
metadata, XMP, attachments and link targets, searched for sensitive strings
the way an acceptance check would (case- and accent-insensitive; identifiers
on their characters without spaces)."""
from __future__ import annotations

import io
import re
import unicodedata

import pypdfium2 as pdfium
from pypdf import PdfReader


def pdf_text_and_metadata(pdf: bytes) -> str:
    parts = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    reader = PdfReader(io.BytesIO(pdf))
    parts.extend(str(value) for value in (reader.metadata or {}).values())
    xmp = reader.trailer["/Root"].get("/Metadata")
    if xmp is not None:
        parts.append(xmp.get_object().get_data().decode("utf-8", "replace"))
    for name, contents in (reader.attachments or {}).items():
        parts.append(name)
        parts.extend(c.decode("utf-8", "replace") for c in contents)
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            if "/URI" in action:
                parts.append(str(action["/URI"]))
    return "\n".join(parts)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).casefold()


def find_sensitive(text: str, strings: list[str], identifiers: list[str] = ()) -> list[str]:
    folded = fold(text)
    compact = re.sub(r"[^0-9a-z]", "", folded)
    leaks = [s for s in strings if fold(s) in folded]
    for identifier in identifiers:
        key = re.sub(r"[^0-9a-z]", "", fold(identifier))
        if key and key in compact and identifier not in leaks:
            leaks.append(identifier)
    return leaks
