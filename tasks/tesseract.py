"""The one wrapper around the `tesseract` program.

The image goes in on stdin as uncompressed PGM (encoding a PNG would cost
more than it saves) and the result comes back on stdout: no temporary files.
Tesseract runs single-threaded (`OMP_THREAD_LIMIT=1`): with OpenMP on a page
takes 6 s instead of 0.9 s on two cores, so the OCR stage parallelises
across pages instead.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tasks.errors import StageTimeout

if TYPE_CHECKING:
    from PIL.Image import Image

PROGRAM = "tesseract"


class TesseractError(RuntimeError):
    """Tesseract is missing, crashed or wrote something unreadable. Not the
    user's fault: the caller may retry."""


@dataclass(frozen=True, slots=True)
class TessWord:
    """A word as Tesseract found it, in pixels of the image it was given."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0..100
    block: int
    par: int
    line: int


@dataclass(frozen=True, slots=True)
class Orientation:
    """`--psm 0` result: turn the image `rotate` degrees clockwise to make it
    upright (Tesseract's "Rotate"), with its confidence."""

    rotate: int
    confidence: float
    script: str
    script_confidence: float


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def _pgm(image: "Image") -> memoryview:
    if image.mode != "L":
        image = image.convert("L")
    buffer = io.BytesIO()
    image.save(buffer, "PPM")  # Pillow writes "L" images as binary PGM (P5)
    # A view, not a copy: a 300 dpi page is 9 MB, held while Tesseract reads it.
    return buffer.getbuffer()


def _run(args: list[str], data: bytes | memoryview, timeout_s: float) -> str:
    if shutil.which(PROGRAM) is None:
        raise TesseractError("tesseract is not installed")
    try:
        done = subprocess.run(
            [PROGRAM, "stdin", "stdout", *args],
            input=data,
            capture_output=True,
            timeout=timeout_s,
            env=_env(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed the child before raising.
        raise StageTimeout(
            f"La lecture optique d'une page a dépassé {timeout_s:g} secondes et a été interrompue."
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TesseractError(f"tesseract exited with {done.returncode}: {message[-1] if message else ''}")
    return done.stdout.decode("utf-8", "replace")


def ocr_words(
    image: "Image",
    *,
    lang: str = "fra",
    psm: int = 3,
    timeout_s: float = 60,
    dpi: int | None = None,
    config: dict[str, str] | None = None,
) -> list[TessWord]:
    """Words of `image` with their boxes and confidences (TSV output)."""
    args = ["-l", lang, "--psm", str(psm)]
    if dpi:
        args += ["--dpi", str(int(dpi))]
    for key, value in (config or {}).items():
        args += ["-c", f"{key}={value}"]
    tsv = _run([*args, "tsv"], _pgm(image), timeout_s)
    return parse_tsv(tsv)


def parse_tsv(tsv: str) -> list[TessWord]:
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        try:
            left, top, width, height = (int(v) for v in cols[6:10])
            conf = float(cols[10])
            block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
        except ValueError:
            continue
        words.append(TessWord(text, left, top, width, height, max(conf, 0.0), block, par, line))
    return words


_OSD_FIELDS = {
    "rotate": re.compile(r"^Rotate:\s*(\d+)", re.M),
    "confidence": re.compile(r"^Orientation confidence:\s*([\d.]+)", re.M),
    "script": re.compile(r"^Script:\s*(\S+)", re.M),
    "script_confidence": re.compile(r"^Script confidence:\s*([\d.]+)", re.M),
}


def orientation(image: "Image", *, timeout_s: float = 30, dpi: int | None = None) -> Orientation | None:
    """Orientation and script detection (`--psm 0`); None when Tesseract
    finds too little text to tell (it then exits with an error)."""
    args = ["--psm", "0", "-l", "osd"]
    if dpi:
        args += ["--dpi", str(int(dpi))]
    try:
        out = _run(args, _pgm(image), timeout_s)
    except TesseractError:
        return None
    found = {key: pattern.search(out) for key, pattern in _OSD_FIELDS.items()}
    if found["rotate"] is None or found["confidence"] is None:
        return None
    return Orientation(
        rotate=int(found["rotate"].group(1)) % 360,
        confidence=float(found["confidence"].group(1)),
        script=found["script"].group(1) if found["script"] else "",
        script_confidence=float(found["script_confidence"].group(1)) if found["script_confidence"] else 0.0,
    )


def version() -> str:
    done = subprocess.run([PROGRAM, "--version"], capture_output=True, timeout=10, env=_env(), check=False)
    first = (done.stdout or done.stderr).decode("utf-8", "replace").splitlines()
    return first[0] if first else ""
