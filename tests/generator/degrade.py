"""Scanner and phone-camera simulation of rendered pages (Pillow + numpy).

`page_rotations` in the returned metadata are the clockwise degrees by which
each page's content was turned: a reader must turn it back by as much.
"""
from __future__ import annotations

import io
import random
import time

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from tests.generator.render import image_bytes

_EPOCH = time.gmtime(946684800)  # 2000-01-01


def _turn(img: Image.Image, clockwise: int) -> Image.Image:
    return img.rotate(-clockwise, expand=True) if clockwise else img


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(63))


def _page_turns(rng: random.Random, n: int, choices: tuple[int, ...], p: float) -> list[int]:
    return [rng.choice(choices) if rng.random() < p else 0 for _ in range(n)]


# ---------------------------------------------------------------- scan

def scan(pages: list[Image.Image], rng: random.Random, *, dpi: int, grey: bool) -> tuple[bytes, dict]:
    """An image-only PDF as a desktop scanner makes it: skew, noise, JPEG.
    Pillow's C operations only (point tables, tiles): a 300 dpi page is 8.7 Mpx."""
    nrng = _np_rng(rng)
    quality = rng.randint(35, 75)
    turns = _page_turns(rng, len(pages), (180, 180, 90, 270), 0.15)
    landscape = [img.width > img.height for img in pages]
    if any(landscape):
        # A landscape page is printed across a portrait sheet, and the sheet goes through the scanner
        # upright about half the time: the page comes out portrait, its content turned a quarter.
        # (Drawn only for landscape pages, so portrait layouts keep their bytes for a seed.)
        turns = [rng.choice((90, 270)) if wide and not turn and rng.random() < 0.5 else turn
                 for wide, turn in zip(landscape, turns)]
    skews, out = [], []
    mode = "L" if grey else "RGB"
    for img, turn in zip(pages, turns):
        img = img.convert(mode)
        w, h = img.size
        skew = round(rng.uniform(-2.0, 2.0), 2)
        skews.append(skew)
        paper = rng.randint(232, 250)
        # Paper tone: white becomes the paper's grey.
        img = img.point(lambda v, p=paper: min(v, p))
        img = img.rotate(skew, resample=Image.BILINEAR, expand=False, fillcolor=paper if grey else (paper,) * 3)
        img = img.filter(ImageFilter.BoxBlur(rng.uniform(0.3, 0.7)))
        # Sensor noise from a seeded tile; dust specks.
        tile = _noise_tile(nrng, rng.uniform(3, 9))
        noise = Image.new("L", (w, h))
        for x in range(0, w, tile.width):
            for y in range(0, h, tile.height):
                noise.paste(tile, (x, y))
        img = ImageChops.add(img, noise if grey else Image.merge("RGB", [noise] * 3), 1.0, -64)
        draw = ImageDraw.Draw(img)
        for _ in range(int(w * h * rng.uniform(0.00001, 0.00006))):
            x, y, r = rng.randrange(w), rng.randrange(h), rng.choice([1, 1, 2])
            ink = rng.randint(0, 90)
            draw.ellipse([x, y, x + r, y + r], fill=ink if grey else (ink,) * 3)
        # Lid shadow along one edge: a ramp subtracted from the page.
        edge = rng.choice(["left", "right", "top", "none"])
        if edge != "none":
            depth = rng.uniform(60, 120)
            span = max(2, int((w if edge != "top" else h) * rng.uniform(0.01, 0.03)))
            ramp = np.linspace(depth, 0, span).astype(np.uint8)
            shade = Image.new("L", (w, h), 0)
            if edge == "left":
                shade.paste(Image.fromarray(np.tile(ramp, (h, 1)), "L"), (0, 0))
            elif edge == "right":
                shade.paste(Image.fromarray(np.tile(ramp[::-1], (h, 1)), "L"), (w - span, 0))
            else:
                shade.paste(Image.fromarray(np.tile(ramp[:, None], (1, w)), "L"), (0, 0))
            img = ImageChops.subtract(img, shade if grey else Image.merge("RGB", [shade] * 3))
        out.append(_turn(img, turn))
    buf = io.BytesIO()
    # A fixed date keeps the file identical for a seed (Pillow would stamp "now").
    out[0].save(buf, "PDF", save_all=True, append_images=out[1:], resolution=float(dpi), quality=quality,
                creationDate=_EPOCH, modDate=_EPOCH, producer="Scanner", creator="Scan to PDF")
    meta = {"dpi": dpi, "grey": grey, "jpeg_quality": quality, "page_rotations": turns, "skew_deg": skews}
    if any(landscape):
        meta["landscape_pages"] = landscape
    return buf.getvalue(), meta


def _noise_tile(nrng: np.random.Generator, sigma: float, size: int = 256) -> Image.Image:
    """Sensor noise as an L image centred on 64, tiled by the caller (fast, and seeded)."""
    tile = np.clip(64 + nrng.normal(0, sigma, (size, size)), 0, 128).astype(np.uint8)
    return Image.fromarray(tile, "L")


# ---------------------------------------------------------------- photo

def _perspective_coeffs(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE): they map output (dst) points to input (src) points."""
    a, b = [], []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.extend([u, v])
    return list(np.linalg.solve(np.array(a, dtype=float), np.array(b, dtype=float)))


def _background(rng: random.Random, nrng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    """A table or fabric: a base colour with a low-frequency texture (drawn small, then enlarged)."""
    w, h = size
    base = np.array(rng.choice([(120, 86, 58), (150, 112, 76), (70, 70, 74), (180, 178, 170), (40, 52, 70),
                                (196, 170, 140)]), dtype=np.float32)
    sw, sh = max(8, w // 6), max(8, h // 6)
    grain = nrng.normal(0, 1, (max(2, sh // 8), max(2, sw // 2))).astype(np.float32)
    grain = np.asarray(Image.fromarray(((grain - grain.min()) / (np.ptp(grain) + 1e-6) * 255).astype(np.uint8))
                       .resize((sw, sh), Image.BICUBIC), dtype=np.float32) / 255 - 0.5
    arr = base[None, None, :] * (1 + 0.25 * grain[..., None]) + nrng.normal(0, 3, (sh, sw, 1)).astype(np.float32)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB").resize((w, h), Image.BILINEAR)


def _light_map(rng: random.Random, size: tuple[int, int], sheet_mask: Image.Image) -> np.ndarray:
    """Multiplicative light (h, w): gradient, vignette, a hand/phone shadow, the
    sheet's drop shadow on the table. Computed at 1/8 scale: it is smooth."""
    cw, ch = size
    w, h = max(8, cw // 8), max(8, ch // 8)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = rng.uniform(-0.25, 0.25), rng.uniform(-0.25, 0.25)
    light = 1 + gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
    cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
    light *= 1 - rng.uniform(0.1, 0.25) * np.sqrt(((xx - cx) / w) ** 2 + ((yy - cy) / h) ** 2)
    if rng.random() < 0.7:
        blob = Image.new("L", (w, h), 0)
        corner_x, corner_y = rng.choice([0, w]), rng.choice([0, h])
        rx, ry = w * rng.uniform(0.3, 0.6), h * rng.uniform(0.25, 0.5)
        ImageDraw.Draw(blob).ellipse([corner_x - rx, corner_y - ry, corner_x + rx, corner_y + ry], fill=255)
        blob = blob.filter(ImageFilter.GaussianBlur(w * 0.06))
        light *= 1 - rng.uniform(0.12, 0.28) * (np.asarray(blob, dtype=np.float32) / 255)
    # Outside the sheet, a faint drop shadow next to its edges.
    small_mask = np.asarray(sheet_mask.resize((w, h), Image.BILINEAR), dtype=np.float32) / 255
    halo = np.asarray(sheet_mask.resize((w, h), Image.BILINEAR).filter(ImageFilter.GaussianBlur(max(1.0, w * 0.012))),
                      dtype=np.float32) / 255
    light *= 1 - 0.35 * np.clip(halo - small_mask, 0, 1)
    return light.astype(np.float32)



def photo(pages: list[Image.Image], rng: random.Random) -> tuple[list[tuple[bytes, str]], dict]:
    """Phone pictures of the printed pages: perspective, table around the sheet,
    uneven light, a shadow, blur; some pictures taken sideways or upside down."""
    nrng = _np_rng(rng)
    image_format = "png" if rng.random() < 0.25 else "jpeg"
    grey_png = image_format == "png" and rng.random() < 0.5
    turns = _page_turns(rng, len(pages), (90, 180, 270), 0.25)
    files, meta_quality = [], rng.randint(72, 92)
    for img, turn in zip(pages, turns):
        img = img.convert("RGB")
        pw, ph = img.size
        margin = rng.uniform(0.06, 0.14)
        cw, ch = int(pw * (1 + 2 * margin)), int(ph * (1 + 2 * margin))
        canvas = _background(rng, nrng, (cw, ch))
        ox, oy = (cw - pw) / 2, (ch - ph) / 2
        j = lambda s: rng.uniform(-s, s)
        k = rng.uniform(0.02, 0.055)
        dst = [(ox + j(pw * k), oy + j(ph * k)), (ox + pw + j(pw * k), oy + j(ph * k)),
               (ox + pw + j(pw * k), oy + ph + j(ph * k)), (ox + j(pw * k), oy + ph + j(ph * k))]
        # Keeping the top edge narrower than the bottom one mimics a phone held above the sheet.
        tilt = rng.uniform(0, pw * 0.04)
        dst[0] = (dst[0][0] + tilt, dst[0][1])
        dst[1] = (dst[1][0] - tilt, dst[1][1])
        src = [(0, 0), (pw, 0), (pw, ph), (0, ph)]
        coeffs = _perspective_coeffs(src, dst)
        warped = img.transform((cw, ch), Image.PERSPECTIVE, coeffs, Image.BILINEAR, fillcolor=(0, 0, 0))
        mask = Image.new("L", (pw, ph), 255).transform((cw, ch), Image.PERSPECTIVE, coeffs, Image.NEAREST, fillcolor=0)
        canvas.paste(warped, (0, 0), mask)
        # Light and colour cast applied with Pillow's C loops: the maps are small and smooth.
        light = _light_map(rng, (cw, ch), mask) * 0.97
        cast = (1.0, rng.uniform(0.96, 1.0), rng.uniform(0.86, 0.97))
        bands = [Image.fromarray(np.clip(light * c * 255, 0, 255).astype(np.uint8), "L").resize((cw, ch), Image.BILINEAR)
                 for c in cast]
        shot = ImageChops.multiply(canvas, Image.merge("RGB", bands))
        tile = _noise_tile(nrng, rng.uniform(2, 5))
        noise = Image.new("L", (cw, ch))
        for x in range(0, cw, tile.width):
            for y in range(0, ch, tile.height):
                noise.paste(tile, (x, y))
        shot = ImageChops.add(shot, Image.merge("RGB", [noise] * 3), 1.0, -64)
        shot = shot.filter(ImageFilter.BoxBlur(rng.uniform(0.5, 1.0)))
        shot = _turn(shot, turn)
        if grey_png:
            shot = shot.convert("L")
        files.append((image_bytes(shot, image_format, quality=meta_quality), "png" if image_format == "png" else "jpg"))
    meta = {"page_rotations": turns, "image_format": image_format}
    landscape = [img.width > img.height for img in pages]
    if any(landscape):  # a landscape layout: the phone is held sideways
        meta["landscape_pages"] = landscape
    if image_format == "jpeg":
        meta["jpeg_quality"] = meta_quality
    return files, meta
