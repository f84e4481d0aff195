"""Last check of the anonymised PDF before it leaves: fail closed.

Reads the finished file the way a recipient could: the text layer of every
page (pypdfium2), the document information (title, author, subject,
keywords, creator, producer), the outline, annotations and link targets,
attachments, and every text string stored in the file's structure. Any
sensitive term found there, or any XMP packet, attachment or script (the
renderer never writes them, so their presence means something unexpected
went in), raises `AnonymityError`: the report is not released.
"""
from __future__ import annotations

import ctypes
import re
import zlib

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from tasks.errors import AnalysisError
from tasks.pdfium import LOCK
from tasks.render.textnorm import Term, TermMatcher

_EXTERNAL_ACTIONS = (raw.PDFACTION_LAUNCH, raw.PDFACTION_REMOTEGOTO, getattr(raw, "PDFACTION_EMBEDDEDGOTO", -1))
_CID_CONSTANTS = {"Adobe", "Identity", "UCS"}  # CIDSystemInfo strings every CID font carries


class AnonymityError(AnalysisError):
    """The anonymised report still holds something sensitive. `where` says
    which part of the PDF and which kind of term, never the value itself."""

    status, code, title = 500, "internal_error", "Internal Server Error"

    def __init__(self, where: str):
        super().__init__(
            "Le rapport anonymisé n'a pas passé le contrôle d'anonymat et n'a pas été produit."
        )
        self.where = where

    def __str__(self) -> str:
        return f"{self.detail} ({self.where})"

    def __reduce__(self):
        # Raised in the render process (tasks/render/parallel.py), raised again here.
        return AnonymityError, (self.where,)


def pdf_texts(pdf: bytes) -> list[tuple[str, str]]:
    """(where, text) for every place of the PDF a reader or a program can
    see text in. Raises `AnonymityError` for content the report never has."""
    pieces: list[tuple[str, str]] = []
    with LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            for key, value in doc.get_metadata_dict().items():
                if value:
                    pieces.append((f"metadata {key}", value))
            for i, bookmark in enumerate(doc.get_toc()):
                pieces.append((f"outline {i + 1}", bookmark.get_title() or ""))
            if doc.count_attachments():
                raise AnonymityError("attachment")
            for index in range(len(doc)):
                page = doc[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        text = textpage.get_text_bounded()
                    finally:
                        textpage.close()
                    pieces.append((f"page {index + 1} text", text))
                    # A word broken across two lines ("Lefè-" / "vre") is
                    # searched joined as well.
                    pieces.append((f"page {index + 1} text", re.sub(r"-?\r?\n", "", text)))
                    pieces += [(f"page {index + 1} {what}", text) for what, text in _annotations(doc, page)]
                finally:
                    page.close()
        finally:
            doc.close()
    pieces += _structure_strings(pdf)
    return pieces


def check_anonymous_pdf(pdf: bytes, terms: list[Term]) -> None:
    """Raise `AnonymityError` if any term appears anywhere in the PDF."""
    matcher = terms if isinstance(terms, TermMatcher) else TermMatcher(list(terms))
    for where, text in pdf_texts(pdf):
        found = matcher.find(text)
        if found:
            raise AnonymityError(f"{where}: {found[0][2].kind}")


def _annotations(doc: pdfium.PdfDocument, page: pdfium.PdfPage) -> list[tuple[str, str]]:
    found = []
    count = raw.FPDFPage_GetAnnotCount(page.raw)
    for i in range(count):
        annot = raw.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            for key in (b"Contents", b"T", b"TU", b"NM"):
                text = _annot_string(annot, key)
                if text:
                    found.append((f"annotation {i + 1} {key.decode()}", text))
            link = raw.FPDFAnnot_GetLink(annot)
            if link:
                action = raw.FPDFLink_GetAction(link)
                if action:
                    kind = raw.FPDFAction_GetType(action)
                    if kind == raw.PDFACTION_URI:
                        size = raw.FPDFAction_GetURIPath(doc.raw, action, None, 0)
                        buffer = ctypes.create_string_buffer(size)
                        raw.FPDFAction_GetURIPath(doc.raw, action, buffer, size)
                        found.append((f"link {i + 1}", buffer.raw[: max(size - 1, 0)].decode("latin-1")))
                    elif kind in _EXTERNAL_ACTIONS:
                        raise AnonymityError(f"link {i + 1}: external action")
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return found


def _annot_string(annot, key: bytes) -> str:
    size = raw.FPDFAnnot_GetStringValue(annot, key, None, 0)
    if size <= 2:
        return ""
    buffer = (ctypes.c_ushort * (size // 2))()
    raw.FPDFAnnot_GetStringValue(annot, key, buffer, size)
    return bytes(buffer).decode("utf-16-le", errors="ignore").rstrip("\x00")


_STREAM = re.compile(rb"stream\r?\n")
_LITERAL = re.compile(rb"\((?:\\.|[^\\()])*\)", re.DOTALL)
_HEX = re.compile(rb"<(FEFF[0-9A-Fa-f\s]*)>", re.IGNORECASE)


def _structure_strings(pdf: bytes) -> list[tuple[str, str]]:
    """Every string object outside page content and fonts: where metadata,
    link targets and named destinations live, compressed object streams
    included. XMP packets, attached files and scripts are refused outright."""
    chunks: list[bytes] = []
    pos = 0
    for match in _STREAM.finditer(pdf):
        if match.start() < pos:
            continue
        header_start = pdf.rfind(b"obj", 0, match.start())
        header = pdf[header_start:match.start()] if header_start >= 0 else b""
        end = pdf.find(b"endstream", match.end())
        if end < 0:
            break
        chunks.append(pdf[pos:match.start()])
        body = pdf[match.end():end]
        if re.search(rb"/Type\s*/(Metadata|EmbeddedFile)\b|/Subtype\s*/XML\b", header):
            raise AnonymityError("embedded XMP metadata or file")
        if re.search(rb"/Type\s*/ObjStm\b", header):
            try:
                chunks.append(zlib.decompress(body) if b"/FlateDecode" in header else body)
            except zlib.error:
                raise AnonymityError("unreadable object stream") from None
        pos = end + len(b"endstream")
    chunks.append(pdf[pos:])
    structure = b"\n".join(chunks)
    if re.search(rb"/(JavaScript|JS|EmbeddedFiles|Launch|RichMedia)\b", structure):
        raise AnonymityError("script, launch action or embedded files")
    found = []
    for match in _LITERAL.finditer(structure):
        text = _literal(match.group(0)[1:-1])
        if text and text not in _CID_CONSTANTS:
            found.append(("structure string", text))
    for match in _HEX.finditer(structure):
        data = bytes.fromhex(re.sub(rb"\s", b"", match.group(1)).decode())
        found.append(("structure string", data[2:].decode("utf-16-be", errors="ignore")))
    return found


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(data: bytes) -> str:
    def unescape(match: re.Match) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _ESCAPES.get(code, code)

    data = re.sub(rb"\\([nrtbf()\\]|[0-7]{1,3})", unescape, data)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="ignore")
    return data.decode("latin-1")
