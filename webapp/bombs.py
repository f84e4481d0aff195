"""Decompression bombs in uploaded PDFs, refused before PDFium sees them.

PDFium inflates a page's content streams whole, with no limit: a 1 MB
upload of compressed spaces became 1 GB in memory (2 GB resident) and 12 s
of work when tried here, so a 16 MB one could take the machine down.
Every zlib stream of the file (the data after each `stream` keyword that
starts with a zlib header, chained Flate filters included) is inflated
here in small pieces, counting bytes without keeping them, and the upload
is refused as too large once the total passes INFLATED_LIMIT.

Only Flate is counted: it is the PDF filter with a ratio near 1000:1.
Streams are not told apart by their dictionary (a content stream can call
itself an image: PDFium still runs it as content), so images count too.
"""
from __future__ import annotations

import re
import zlib
from typing import BinaryIO

# The dev corpus inflates to a few KB per file; a legitimate upload (at
# most MAX_CONTENT_LENGTH, Flate ratios of 2 to 50 for scans and text) stays
# well under this, which bounds PDFium to about 1 GB for one analysis.
INFLATED_LIMIT = 512 * 1024 * 1024
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_CHUNK = 64 * 1024
_OUT = 1024 * 1024
_MAX_DEPTH = 4  # /Filter [/FlateDecode /FlateDecode …]


def inflated_size(data: bytes, limit: int = INFLATED_LIMIT) -> int:
    """Total bytes the zlib streams of `data` inflate to; stops counting
    soon after `limit` is passed."""
    total = 0
    view = memoryview(data)
    for match in _STREAM.finditer(data):
        if _looks_like_zlib(view[match.end():match.end() + 2]):
            total += _Counter(limit - total).feed_from(view, match.end())
            if total > limit:
                break
    return total


def exceeds_limit(stream: BinaryIO, limit: int = INFLATED_LIMIT) -> bool:
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    return inflated_size(data, limit) > limit


def _looks_like_zlib(head) -> bool:
    return len(head) == 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and ((head[0] << 8) | head[1]) % 31 == 0


class _Counter:
    """Inflates one zlib stream, and the zlib stream its output may itself
    be, counting the bytes of every level (PDFium keeps each in memory)."""

    def __init__(self, budget: int, depth: int = 1):
        self.budget = budget
        self.depth = depth
        self.inflater = zlib.decompressobj()
        self.count = 0
        self.broken = False
        self.first_bytes = b""  # held until the output's own header can be read
        self.inner: _Counter | None = None
        self.inner_checked = False

    @property
    def total(self) -> int:
        return self.count + (self.inner.total if self.inner else 0)

    @property
    def done(self) -> bool:
        return self.inflater.eof or self.broken or self.total > self.budget

    def feed_from(self, view: memoryview, start: int) -> int:
        position = start
        while position < len(view) and not self.done:
            chunk = bytes(view[position:position + _CHUNK])
            position += len(chunk)
            self.feed(chunk)
        return self.total

    def feed(self, data: bytes) -> None:
        try:
            out = self.inflater.decompress(data, _OUT)
            while True:
                self._take(out)
                if self.done or not self.inflater.unconsumed_tail:
                    break
                out = self.inflater.decompress(self.inflater.unconsumed_tail, _OUT)
        except zlib.error:
            self.broken = True  # not (or no longer) zlib: what was inflated so far counts

    def _take(self, out: bytes) -> None:
        self.count += len(out)
        if not self.inner_checked:
            self.first_bytes += out
            if len(self.first_bytes) < 2:
                return
            self.inner_checked = True
            if self.depth < _MAX_DEPTH and _looks_like_zlib(self.first_bytes[:2]):
                self.inner = _Counter(self.budget, self.depth + 1)
            out, self.first_bytes = self.first_bytes, b""
        if self.inner is not None and not self.inner.done:
            self.inner.feed(out)
