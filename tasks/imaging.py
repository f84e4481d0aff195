"""Image pre-processing before OCR: find and straighten the sheet on a
photo, even out the light, measure and correct skew, turn by quarter turns,
resample to the resolution Tesseract reads best.

Plain functions on greyscale PIL images ("L"), numpy for the arithmetic;
every estimate runs on a reduced copy, only the corrections touch the
full-size image.
"""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps

A4_LONG_SIDE_IN = 297 / 25.4


# ------------------------------------------------------------------ sheet


@dataclass(frozen=True, slots=True)
class Quad:
    """Corners of the sheet in image pixels: top left, top right, bottom
    right, bottom left (as seen in the image)."""

    tl: tuple[float, float]
    tr: tuple[float, float]
    br: tuple[float, float]
    bl: tuple[float, float]

    def points(self) -> list[tuple[float, float]]:
        return [self.tl, self.tr, self.br, self.bl]


def find_sheet(image: Image.Image, *, work_size: int = 480) -> Quad | None:
    """The sheet of paper on a photo, as four corners, or None when the
    image is all sheet (a scan, a tight crop) or no sheet stands out.

    From each border of a reduced copy, every scan line is followed inwards
    to the first strong brightness step: on a photo that is the paper's
    edge (the background is out of focus, the paper's text lies further
    in). A straight line is fitted to each side's steps, ignoring the
    outliers, and the corners are where the lines meet."""
    small, scale = _reduced(image, work_size)
    grey = np.asarray(small.filter(ImageFilter.GaussianBlur(1.2)), dtype=np.float32)
    h, w = grey.shape
    if min(h, w) < 60:
        return None
    sides = {}
    for side in ("top", "bottom", "left", "right"):
        points = _edge_points(grey, side)
        line = _fit_line(points, side, w if side in ("top", "bottom") else h)
        if line is None:
            return None
        sides[side] = line
    corners = []
    for a, b in (("top", "left"), ("top", "right"), ("bottom", "right"), ("bottom", "left")):
        point = _intersect(sides[a], sides[b])
        if point is None:
            return None
        corners.append(point)
    quad = Quad(*[(x * scale, y * scale) for x, y in corners])
    if not _plausible_sheet(quad, image.size):
        return None
    return quad


# A4 (and any ISO sheet): the long side is √2 the short one.
A4_RATIO = 297 / 210
# A sheet found this much squatter than A4 lost a band to the background.
MIN_SHEET_RATIO = 0.93 * A4_RATIO


def complete_sheet(image: Image.Image, quad: Quad) -> Quad:
    """`quad` grown back towards A4 when it is too squat to be the whole
    sheet: `find_sheet` stops at a band of the sheet as dark as the table
    under it (a supplier's header printed white on a dark band), or at a
    dark band inside a sheet laid on a light table. Which end is missing is
    not known, so the sheet grows at both ends along its sides, each as far
    as the photo allows: what lies beyond the true edge is only background
    to the OCR."""
    tl, tr, br, bl = quad.points()
    # Mean lengths of opposite sides: under perspective the nearer side alone
    # (`sheet_size`) makes a whole sheet look squat.
    width = (math.dist(tl, tr) + math.dist(bl, br)) / 2
    height = (math.dist(tl, bl) + math.dist(tr, br)) / 2
    ratio = max(width, height) / min(width, height)
    if ratio >= MIN_SHEET_RATIO:
        return quad
    # Nearly square, the part found says nothing of the sheet's direction:
    # the photo's own is the likelier.
    portrait = height >= width if ratio >= 1.1 else image.height >= image.width
    # The growth is measured on the nearer sides: growing too far only adds
    # background, too little leaves part of the sheet out.
    width, height = sheet_size(quad)
    missing = A4_RATIO * min(width, height) - max(width, height)

    def grow(point, other):
        return _beyond_within(point, other, missing, image.size)

    if portrait:
        return Quad(grow(tl, bl), grow(tr, br), grow(br, tr), grow(bl, tl))
    return Quad(grow(tl, tr), grow(tr, tl), grow(br, bl), grow(bl, br))


# A header or footer band looked for beyond a short end of the sheet, up to
# this share of its long side away.
BAND_REACH = 0.15
# The band: rows darker than the paper by this much (0-255), of one fill
# (their medians within BAND_SPREAD of its first rows'), at least
# MIN_BAND share of the sheet's long side deep, starting within
# BAND_START of it from the edge found (a blurred edge's few rows).
BAND_CONTRAST = 70
BAND_SPREAD = 25
MIN_BAND, BAND_START = 0.015, 0.01
# Print on the band: pixels lighter than its fill by this share of the way
# to the paper's level (a dark table's highlights stay far darker; the light
# may be dimmer at the band than where the paper's level is taken), a share
# of the band's pixels in this range (none is the table; most is paper).
PRINT_LIGHTNESS = 0.7
BAND_PRINT = (0.0003, 0.35)
# A band is turned into dark print on light only when its fill is this dark
# (a share of the paper's level).
DARK_FILL = 0.25
# Background still along a straightened sheet's edges: at most this share of a side.
RIM_SHARE = 0.02
# The band's strip is examined this many pixels wide.
BAND_WORK_WIDTH = 600


def with_dark_band(image: Image.Image, quad: Quad) -> Quad:
    """`quad` grown over a dark band of light print beyond one of its short
    ends: `find_sheet` takes a header printed white on a band as dark as
    the table for the table, and stops at the band's inner edge. A sheet
    only a little short of A4 is not grown back by `complete_sheet`, and
    one grown back there by the A4 proportion alone may still cut the band
    under perspective; here the band itself is measured, and taken in
    whole."""
    tl, tr, br, bl = quad.points()
    width = (math.dist(tl, tr) + math.dist(bl, br)) / 2
    height = (math.dist(tl, bl) + math.dist(tr, br)) / 2
    long_side = max(width, height)
    small = straighten(image, quad, scale=min(1.0, 300 / long_side))
    paper = float(np.median(np.asarray(small)))
    corners = {"tl": tl, "tr": tr, "br": br, "bl": bl}
    # Each short end: its two corners, each with the corner across the sheet from it.
    ends = ([("tl", "bl"), ("tr", "br")], [("bl", "tl"), ("br", "tr")]) if height >= width else \
        ([("tl", "tr"), ("bl", "br")], [("tr", "tl"), ("br", "bl")])
    for (a, across_a), (b, across_b) in ends:
        edge = math.dist(corners[a], corners[b])
        far_a, far_b = (_beyond_within(corners[k], corners[across], BAND_REACH * long_side, image.size)
                        for k, across in ((a, across_a), (b, across_b)))
        scale = BAND_WORK_WIDTH / max(edge, 1.0)
        strip = straighten(image, Quad(corners[a], corners[b], far_b, far_a), scale=scale)
        depth = _band_depth(np.asarray(strip, dtype=np.int16), paper, long_side * scale)
        if depth:
            reach = depth / scale + BAND_START * long_side
            for k, across in ((a, across_a), (b, across_b)):
                corners[k] = _beyond_within(corners[k], corners[across], reach, image.size)
    return Quad(corners["tl"], corners["tr"], corners["br"], corners["bl"])


def _band_depth(strip: np.ndarray, paper: float, long_side: float) -> int:
    """Rows (from the sheet's edge, row 0, outwards) of a dark band of light
    print at the start of `strip`, or 0; `long_side` is the sheet's long
    side in the strip's pixels."""
    rows = np.median(strip, axis=1)
    dark = np.flatnonzero(rows[: max(1, round(BAND_START * long_side)) + 1] < paper - BAND_CONTRAST)
    if not dark.size:
        return 0
    start = int(dark[0])
    fill = float(np.median(rows[start:start + 3]))
    off = np.flatnonzero(np.abs(rows[start:] - fill) > BAND_SPREAD)
    end = start + (int(off[0]) if off.size else len(rows) - start)
    if end - start < MIN_BAND * long_side or np.median(rows[start:end]) >= paper - BAND_CONTRAST:
        return 0  # too thin for a line of print, or a shadow at the edge of a lighter table
    return end if _printed(strip[start + 1:end - 1], paper) else 0


def _printed(band: np.ndarray, paper: float) -> bool:
    """Light print on `band`: some of its pixels, not most, much lighter
    than its fill (PRINT_LIGHTNESS)."""
    if not band.size:
        return False
    fill = float(np.median(band))
    printed = float((band >= fill + PRINT_LIGHTNESS * (paper - fill)).mean())
    return BAND_PRINT[0] <= printed <= BAND_PRINT[1]


def invert_print_bands(image: Image.Image) -> Image.Image:
    """A straightened sheet with the dark bands of light print across its
    short ends (a supplier's header or footer) turned into dark print on
    light. On a photo the light is evened out next, and a dark band looks
    like shade to that: its print comes out grey on grey, which Tesseract
    reads poorly or not at all. A mid-tone band (DARK_FILL) is left as it
    is: Tesseract reads light print on it, and not always once turned."""
    out = np.array(image)
    # Rows along the long side: the sheet may still lie on its side.
    sheet = out if out.shape[0] >= out.shape[1] else out.T
    n = sheet.shape[0]
    paper = float(np.median(sheet[n // 4: 3 * n // 4: 4, ::4]))
    rows = np.median(sheet[:, ::4], axis=1)
    # The band starts past the margin `with_dark_band` left beyond it, which
    # `clear_rim` may have painted white.
    reach, start_within = round(BAND_REACH * n), round((BAND_START + RIM_SHARE) * n) + 1
    inverted = False
    for order in (np.arange(n), np.arange(n)[::-1]):  # from either end
        dark = rows[order[:reach]] < paper - BAND_CONTRAST
        first = np.flatnonzero(dark[:start_within])
        if not first.size:
            continue
        light = np.flatnonzero(~dark[first[0]:])
        end = first[0] + (int(light[0]) if light.size else len(dark) - first[0])
        lo, hi = sorted((int(order[first[0]]), int(order[end - 1])))
        band = sheet[lo:hi + 1]
        if end - first[0] < MIN_BAND * n or np.median(band) > DARK_FILL * paper or not _printed(band, paper):
            continue
        # The band's own width: the rim `clear_rim` painted white beside it stays white.
        across = np.flatnonzero(np.median(band[::4], axis=0) < paper - BAND_CONTRAST)
        band[:, across[0]:across[-1] + 1] = 255 - band[:, across[0]:across[-1] + 1]  # a view: writes into `out`
        inverted = True
    return Image.fromarray(out, "L") if inverted else image


# Dark fills anywhere on the page (a header grid's captions, a table's
# header row, a totals box): found on a copy at FILL_WORK_DPI, smoothed over
# FILL_BLUR_IN (wider than a letter: light print on a fill averages into
# it, dark print on paper into the paper), where it is darker than this
# share of the paper's level.
FILL_WORK_DPI = 50
FILL_BLUR_IN = 0.06
FILL_LEVEL = 0.35
# A fill at least this tall and wide (inches): a line of print with its padding.
MIN_FILL_HEIGHT_IN, MIN_FILL_WIDTH_IN = 0.1, 0.4
# A box's rows and columns are those mostly dark, over FILL_PROFILE_IN
# inches (wider than a bold letter's stroke, narrower than the paper
# between two of a chart's bars).
FILL_PROFILE_IN = 0.05
# A box: most of its bounding rectangle is fill (a bold word or a logo
# smoothed into a dark patch is ragged), and not most of the page (a dark
# photo or page).
MIN_FILL_SHARE = 0.75
MAX_FILL_PAGE_SHARE = 0.3
# Print on a fill: pixels lighter than it by this share of the way to the
# paper's level, a share BAND_PRINT of its pixels.
FILL_PRINT_LIGHTNESS = 0.4
# That print has sharp edges: at least MIN_EDGE_SHARE as many pixels
# (of the box, lightly smoothed against a scan's grain) where the level
# steps by FILL_EDGE_STEP of the print's contrast with the fill over two
# pixels as it has light pixels (a scanned band's print: 0,8 to 1,6; a
# chart bar's lighter patch: 0).
FILL_EDGE_STEP = 0.3
MIN_EDGE_SHARE = 0.2
# Print lighter than the fill by more than this share of the way to the
# paper is read by Tesseract itself, which inverts a line it reads poorly:
# a white bold total on a dark row, 0,68 to 0,92 on the tuning scans and
# photos, always read. Dimmer print (thin white captions blurred by the scan
# or the photo: 0,47 to 0,63) breaks up under its one threshold for the page
# and is lost. Turning a box that reads anyway only moves that threshold
# (the page has less dark), which reads other print differently.
MAX_TURNED_CONTRAST = 0.66


def invert_dark_fills(image: Image.Image, dpi: float) -> Image.Image:
    """An upright page with the boxes of light print on a dark fill turned
    into dark print on light, wherever they lie. Tesseract binarises the
    page with one threshold: thin white print dimmed by a scan's or a
    photo's blur is barely lighter than it, and comes out as broken specks
    in a black block; the captions on it (« N° de facture | Date
    d'émission », a table's header row) are lost and the values under them
    lose their labels. Its own inverted read of a line (`invert_threshold`)
    does not mend strokes already broken. Each box is found on a small
    smoothed copy, its edges measured on the page, and it is inverted whole
    when it carries such dim light print; dark print on paper, grey
    shading, mid-tone fills and print near white (MAX_TURNED_CONTRAST) are
    left as they are."""
    factor = round(dpi / FILL_WORK_DPI)
    if factor <= 1:
        return image
    mask, paper = _fill_mask(image, dpi, factor)
    if not mask.any():
        return image
    min_h, min_w = MIN_FILL_HEIGHT_IN * dpi / factor, MIN_FILL_WIDTH_IN * dpi / factor
    out, done = None, set()
    for top, bottom, left, right, count in _components(mask):
        h, w = bottom - top, right - left
        if h < min_h or w < min_w or count < MIN_FILL_SHARE * h * w or count > MAX_FILL_PAGE_SHARE * mask.size:
            continue
        # The box's edges on the page: the rows mostly darker than halfway
        # to the paper across the patch, then the columns so along those
        # rows, each the run through the patch's middle. The patch may be
        # only part of its box (bold print on the fill lightens the smoothed
        # copy), hence a strip as wide as the page and twice as tall.
        x0, x1 = left * factor, right * factor
        y0, y1 = max(0, (top - h) * factor), min(image.height, (bottom + h) * factor)
        strip = np.asarray(image.crop((0, y0, image.width, y1)))
        dark = strip < paper / 2
        window = max(1, round(FILL_PROFILE_IN * dpi))
        rows = _run_around(_smoothed(dark[:, x0:x1].mean(axis=1), window) >= 0.5, (top + bottom) // 2 * factor - y0)
        if rows is None:
            continue
        cols = _run_around(_smoothed(dark[rows[0]:rows[1]].mean(axis=0), window) >= 0.5, (left + right) // 2 * factor)
        if cols is None or (rows[0] + y0, cols[0]) in done:
            continue
        done.add((rows[0] + y0, cols[0]))
        box = strip[rows[0]:rows[1], cols[0]:cols[1]]
        fill = float(np.median(box))
        light = box >= fill + FILL_PRINT_LIGHTNESS * (paper - fill)
        if not BAND_PRINT[0] <= light.mean() <= BAND_PRINT[1]:
            continue
        print_level = float(np.median(box[light]))
        if print_level - fill > MAX_TURNED_CONTRAST * (paper - fill):
            continue  # light enough for Tesseract's own inverted read
        # Print has sharp edges: a chart's bar with a scanner's lighter patch
        # on it, or a dark picture's highlights, are smooth.
        if _sharp_edges(box, FILL_EDGE_STEP * (print_level - fill)) < MIN_EDGE_SHARE * light.sum():
            continue
        # Inverted and stretched: the fill becomes paper, print as light as
        # its median or lighter black (a scan's or a photo's light print on
        # a fill is far from white, and comes out grey when only inverted).
        turned = _stretch_lut(fill, print_level)[box]
        if out is None:
            out = image.copy()
        out.paste(Image.fromarray(turned, "L"), (cols[0], y0 + rows[0]))
    return image if out is None else out


def _fill_mask(image: Image.Image, dpi: float, factor: int) -> tuple[np.ndarray, float]:
    """Where dark fills lie, on a copy `factor` times smaller and smoothed,
    and the paper's level."""
    small = image.reduce(factor) if factor > 1 else image
    paper = float(np.median(np.asarray(small)))
    radius = max(1, round(FILL_BLUR_IN * dpi / factor))
    return np.asarray(small.filter(ImageFilter.BoxBlur(radius))) < FILL_LEVEL * paper, paper


@dataclass(frozen=True, eq=False)
class DarkFills:
    """A page's dark fills, found as `invert_dark_fills` finds them, once:
    then asked which one holds a point."""

    mask: np.ndarray  # on the page reduced `factor` times
    factor: int
    boxes: tuple[tuple[int, int, int, int], ...]  # (top, bottom, left, right) on the mask
    width: int
    height: int

    def around(self, x: int, y: int) -> tuple[int, int, int, int] | None:
        """The box (left, top, right, bottom, in pixels) of the fill that
        holds the point (`x`, `y`); None off a fill, or for a fill over most
        of the page."""
        f = self.factor
        sx, sy = min(x // f, self.mask.shape[1] - 1), min(y // f, self.mask.shape[0] - 1)
        if not self.mask[sy, sx]:
            return None
        for top, bottom, left, right in self.boxes:
            if top <= sy < bottom and left <= sx < right:
                return (left * f, top * f, min(self.width, right * f), min(self.height, bottom * f))
        return None


def dark_fills(image: Image.Image, dpi: float) -> DarkFills:
    factor = max(1, round(dpi / FILL_WORK_DPI))
    mask, _ = _fill_mask(image, dpi, factor)
    boxes = tuple((top, bottom, left, right) for top, bottom, left, right, count in _components(mask)
                  if count <= MAX_FILL_PAGE_SHARE * mask.size)
    return DarkFills(mask, factor, boxes, image.width, image.height)


def _sharp_edges(box: np.ndarray, step: float) -> int:
    """Pixels inside `box` (away from its own edges) where the level,
    smoothed over 3 × 3, changes by `step` or more over two pixels across
    or down."""
    if min(box.shape) < 9:
        return 0
    smooth = np.asarray(Image.fromarray(box, "L").filter(ImageFilter.BoxBlur(1)))[3:-3, 3:-3].astype(np.int16)
    across = np.abs(smooth[1:-1, 2:] - smooth[1:-1, :-2])
    down = np.abs(smooth[2:, 1:-1] - smooth[:-2, 1:-1])
    return int((np.maximum(across, down) >= step).sum())


def _smoothed(profile: np.ndarray, window: int) -> np.ndarray:
    """`profile` averaged over `window` places around each (edges repeated)."""
    padded = np.pad(profile, window // 2, mode="edge")
    return np.convolve(padded, np.ones(window) / window, mode="valid")[:len(profile)]


def _run_around(flags: np.ndarray, at: int) -> tuple[int, int] | None:
    """The run of True in `flags` through index `at`, as (start, end), end
    exclusive; None when `flags` is False there: a gap of paper splits a row
    of fills (a chart's bars), each its own box."""
    at = min(max(at, 0), len(flags) - 1)
    if not flags[at]:
        return None
    off = np.flatnonzero(~flags)
    start = int(off[off < at][-1]) + 1 if (off < at).any() else 0
    end = int(off[off > at][0]) if (off > at).any() else len(flags)
    return start, end


def _stretch_lut(fill: float, print_level: float) -> np.ndarray:
    """A lookup table (0-255) turning `fill` and darker into white,
    `print_level` and lighter into black, linearly between."""
    levels = np.arange(256, dtype=np.float32)
    return np.clip((print_level - levels) / max(print_level - fill, 1.0) * 255, 0, 255).astype(np.uint8)


def _components(mask: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """The 4-connected patches of `mask` as (top, bottom, left, right, pixel
    count), bottom and right exclusive: the runs of each row are joined to
    the runs they touch in the row above (union-find over runs)."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    steps = np.diff(padded, axis=1)
    starts_y, starts_x = np.nonzero(steps == 1)
    ends_x = np.nonzero(steps == -1)[1]  # same order: row by row, left to right
    parent = list(range(len(starts_x)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    row_first = np.searchsorted(starts_y, np.arange(mask.shape[0] + 1))
    for y in range(1, mask.shape[0]):
        above = range(row_first[y - 1], row_first[y])
        for i in range(row_first[y], row_first[y + 1]):
            for j in above:
                if starts_x[j] < ends_x[i] and starts_x[i] < ends_x[j]:
                    a, b = find(i), find(j)
                    if a != b:
                        parent[a] = b
    boxes: dict[int, list[int]] = {}
    for i in range(len(starts_x)):
        y, x0, x1 = int(starts_y[i]), int(starts_x[i]), int(ends_x[i])
        box = boxes.setdefault(find(i), [y, y + 1, x0, x1, 0])
        box[0], box[1] = min(box[0], y), max(box[1], y + 1)
        box[2], box[3] = min(box[2], x0), max(box[3], x1)
        box[4] += x1 - x0
    return [tuple(b) for b in boxes.values()]


def _beyond_within(point, other, distance: float, size: tuple[int, int]) -> tuple[float, float]:
    """`point` moved up to `distance` further from `other`, on their line,
    without leaving an image of `size`."""
    length = max(math.dist(point, other), 1e-6)
    dx, dy = (point[0] - other[0]) / length, (point[1] - other[1]) / length
    limits = [distance]
    for position, step, top in ((point[0], dx, size[0] - 1), (point[1], dy, size[1] - 1)):
        if step > 1e-9:
            limits.append((top - position) / step)
        elif step < -1e-9:
            limits.append(-position / step)
    reach = max(0.0, min(limits))
    return point[0] + dx * reach, point[1] + dy * reach


def _edge_points(grey: np.ndarray, side: str) -> list[tuple[float, float]]:
    """(x, y) of the first strong step met walking in from `side`, one per
    scan line, limited to the outer 40 % of the image."""
    h, w = grey.shape
    if side in ("left", "right"):
        lines = grey if side == "left" else grey[:, ::-1]
    else:
        lines = grey.T if side == "top" else grey.T[:, ::-1]
    depth = int(lines.shape[1] * 0.4)
    steps = np.abs(np.diff(lines[:, : depth + 3], axis=1))
    # Over three pixels, to catch a soft (slightly blurred) edge.
    steps = steps[:, :-2] + steps[:, 1:-1] + steps[:, 2:]
    strongest = steps.max(axis=1)
    threshold = np.maximum(0.45 * strongest, 30.0)
    hits = (steps >= threshold[:, None]) & (strongest >= 30.0)[:, None]
    found = hits.any(axis=1)
    depth_at = hits.argmax(axis=1).astype(np.float64) + 1.5
    # Depth under 2: the paper reaches the border on this scan line.
    index = np.nonzero(found & (depth_at >= 2))[0].astype(np.float64)
    depth_at = depth_at[index.astype(np.int64)]
    if side == "left":
        xs, ys = depth_at, index
    elif side == "right":
        xs, ys = w - 1 - depth_at, index
    elif side == "top":
        xs, ys = index, depth_at
    else:
        xs, ys = index, h - 1 - depth_at
    return list(zip(xs.tolist(), ys.tolist()))


def _fit_line(points, side: str, span: int):
    """A straight line through most of the edge points (RANSAC, then least
    squares on its inliers): where the paper's edge is faint, e.g. along a
    dark header band, the first step found lies elsewhere and is ignored.
    Returned as (side, a, b) with across = a * along + b; None without
    support along most of the side."""
    needed = 0.35 * span
    if len(points) < needed:
        return None
    pts = np.array(points, dtype=np.float64)
    along, across = (pts[:, 0], pts[:, 1]) if side in ("top", "bottom") else (pts[:, 1], pts[:, 0])
    rng = np.random.default_rng(0)
    best_keep, best_count = None, 0
    for _ in range(200):
        i, j = rng.choice(len(pts), 2, replace=False)
        if abs(along[i] - along[j]) < 0.1 * span:
            continue
        a = (across[j] - across[i]) / (along[j] - along[i])
        if abs(a) > 0.5:
            continue
        b = across[i] - a * along[i]
        keep = np.abs(across - (a * along + b)) <= 2.0
        count = int(keep.sum())
        if count > best_count:
            best_keep, best_count = keep, count
    if best_keep is None or best_count < needed:
        return None
    a, b = np.polyfit(along[best_keep], across[best_keep], 1)
    return (side, float(a), float(b))


def _intersect(first, second):
    """Where a horizontal-ish side (y = a x + b) meets a vertical-ish one
    (x = c y + d)."""
    (_, a, b), (_, c, d) = first, second
    denominator = 1.0 - a * c
    if abs(denominator) < 1e-6:
        return None
    y = (a * d + b) / denominator
    return (c * y + d, y)


def _plausible_sheet(quad: Quad, size: tuple[int, int]) -> bool:
    width, height = size
    pts = quad.points()
    margin = 0.02 * max(width, height)
    if any(not (-margin <= x <= width + margin and -margin <= y <= height + margin) for x, y in pts):
        return False
    cross = []
    for i in range(4):
        (x0, y0), (x1, y1), (x2, y2) = pts[i], pts[(i + 1) % 4], pts[(i + 2) % 4]
        cross.append((x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1))
    if not (all(c > 0 for c in cross) or all(c < 0 for c in cross)):
        return False
    sides = [math.dist(pts[i], pts[(i + 1) % 4]) for i in range(4)]
    if min(sides) <= 0:
        return False
    for a, b in ((sides[0], sides[2]), (sides[1], sides[3])):
        if max(a, b) / min(a, b) > 1.4:
            return False
    area = 0.5 * abs(sum(pts[i][0] * pts[(i + 1) % 4][1] - pts[(i + 1) % 4][0] * pts[i][1] for i in range(4)))
    # Less than 30 %: probably not the sheet; more than 97 %: nothing to cut.
    return 0.3 <= area / (width * height) <= 0.97


def _reduced(image: Image.Image, size: int) -> tuple[Image.Image, float]:
    long_side = max(image.size)
    if long_side <= size:
        return image, 1.0
    scale = long_side / size
    small = image.resize((max(1, round(image.width / scale)), max(1, round(image.height / scale))),
                         Image.Resampling.BOX)
    return small, image.width / small.width


def _otsu(grey: np.ndarray) -> float:
    hist, edges = np.histogram(grey, bins=256, range=(0, 256))
    hist = hist.astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128.0
    levels = np.arange(256, dtype=np.float64)
    weight0 = np.cumsum(hist)
    weight1 = total - weight0
    mean0 = np.cumsum(hist * levels)
    mean_total = mean0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_total * weight0 / total - mean0) ** 2 / (weight0 * weight1)
    between = np.nan_to_num(between)
    return float(np.argmax(between))


def sheet_size(quad: Quad) -> tuple[float, float]:
    """Width and height of the straightened sheet in pixels: the longer of
    each pair of opposite sides (the nearer side shows the true scale)."""
    tl, tr, br, bl = quad.points()
    return max(math.dist(tl, tr), math.dist(bl, br)), max(math.dist(tl, bl), math.dist(tr, br))


def straighten(image: Image.Image, quad: Quad, *, scale: float = 1.0) -> Image.Image:
    """The sheet cut out and warped to a rectangle (perspective removed),
    resized by `scale` in the same resampling."""
    width, height = sheet_size(quad)
    width, height = max(1, round(width * scale)), max(1, round(height * scale))
    tl, tr, br, bl = quad.points()
    coeffs = _perspective_coeffs([(0, 0), (width, 0), (width, height), (0, height)], [tl, tr, br, bl])
    return image.transform((width, height), Image.Transform.PERSPECTIVE, coeffs,
                           resample=Image.Resampling.BICUBIC, fillcolor=255)


def clear_rim(image: Image.Image, *, max_share: float = RIM_SHARE) -> Image.Image:
    """A straightened sheet with the strip of background still along its
    edges painted white: the sheet's edges are found to a few pixels, and a
    dark frame around the page makes Tesseract's layout analysis drop whole
    columns. A dark band wider than `max_share` of the side is print (a
    header band), and stays."""
    grey = np.asarray(image)
    h, w = grey.shape
    dark = 0.75 * float(np.median(grey[h // 4: 3 * h // 4: 8, w // 4: 3 * w // 4: 8]))
    sides = {"left": grey[h // 10: h - h // 10, :].mean(axis=0), "right": grey[h // 10: h - h // 10, ::-1].mean(axis=0),
             "top": grey[:, w // 10: w - w // 10].mean(axis=1), "bottom": grey[::-1, w // 10: w - w // 10].mean(axis=1)}
    depth = {}
    for side, profile in sides.items():
        limit = round(max_share * len(profile))
        light = np.flatnonzero(profile[:limit + 1] >= dark)
        depth[side] = int(light[0]) if light.size else 0  # no light within the limit: a band, left alone
    if not any(depth.values()):
        return image
    out = grey.copy()
    out[:, :depth["left"]] = 255
    out[:, w - depth["right"]:] = 255
    out[:depth["top"], :] = 255
    out[h - depth["bottom"]:, :] = 255
    return Image.fromarray(out, "L")


def _perspective_coeffs(dst, src) -> list[float]:
    """Coefficients Pillow wants: they map an output pixel to the input."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    solution = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return solution.tolist()


# ----------------------------------------------------------- illumination


def paper_background(image: Image.Image, size: int = 500) -> Image.Image:
    """The brightness of the paper alone, on a reduced copy: a max filter
    wider than any stroke removes the ink, a blur smooths the rest."""
    small, _ = _reduced(image, size)
    reach = max(2, round(size / 120))
    paper = Image.fromarray(_max_filter(np.asarray(small), reach), "L")
    return paper.filter(ImageFilter.GaussianBlur(1.5 * reach))


def _max_filter(grey: np.ndarray, reach: int) -> np.ndarray:
    """PIL's `MaxFilter(2 * reach + 1)` (edges repeated), done as two
    one-dimensional passes: a hundred times faster on a photo's page."""
    h, w = grey.shape
    padded = np.pad(grey, reach, mode="edge")
    rows = padded[:, reach:reach + w].copy()
    for d in range(-reach, reach + 1):
        np.maximum(rows, padded[:, reach + d:reach + d + w], out=rows)
    out = rows[reach:reach + h].copy()
    for d in range(-reach, reach + 1):
        np.maximum(out, rows[reach + d:reach + d + h], out=out)
    return out


def uneven_light(image: Image.Image, *, spread: float = 40.0) -> bool:
    """Whether the paper's brightness varies across the page (shadow, light
    falling off on a photo) by more than `spread` grey levels, looking at
    the centre of the page only (a photo's background is not paper)."""
    background = np.asarray(paper_background(image, 250), dtype=np.float32)
    h, w = background.shape
    centre = background[h // 10: h - h // 10, w // 10: w - w // 10]
    low, high = np.percentile(centre, (5, 95))
    return bool(high - low > spread)


_FLATTEN_BAND_ROWS = 256


def flatten_illumination(image: Image.Image) -> Image.Image:
    """Divide by the estimated paper brightness so that shadows and uneven
    light become white paper, then stretch the contrast."""
    background = np.asarray(paper_background(image).resize(image.size, Image.Resampling.BILINEAR))
    grey = np.asarray(image)
    flat = np.empty_like(grey)
    # In bands of rows: float copies of a whole 300 dpi page cost ~100 MB
    # per page read at once, for the same result.
    for top in range(0, grey.shape[0], _FLATTEN_BAND_ROWS):
        rows = slice(top, top + _FLATTEN_BAND_ROWS)
        paper = background[rows].astype(np.float32)
        np.maximum(paper, 1.0, out=paper)
        band = np.divide(grey[rows], paper, dtype=np.float32)
        band *= 255.0
        np.minimum(band, 255.0, out=band)
        flat[rows] = band.astype(np.uint8)
    return autocontrast(Image.fromarray(flat, "L"))


def autocontrast(image: Image.Image) -> Image.Image:
    """Black ink and white paper: stretch grey levels so that the darkest
    0.5 % and brightest 1 % saturate (a lookup table, cheap)."""
    return ImageOps.autocontrast(image, cutoff=(0.5, 1.0))


# ------------------------------------------------------------- pale print


def darken_pale_print(image: Image.Image, *, min_share: float = 0.0003) -> Image.Image:
    """The page with its pale grey print darkened, where it has enough of
    it (at least `min_share` of the page); otherwise unchanged.

    Many bills print their labels (« Facture n° », « N° PRM ») in pale grey
    above dark values, and Tesseract's global threshold takes such print for
    paper. Darkening every pale pixel costs more than it gives: the paper's
    grain, pale rules and tinted boxes come out too and spoil the reading
    of the dark text. So the pale print is found first, on a smoothed,
    reduced copy (~100 dpi, where grain averages out): pale pixels on plain
    paper, away from dark ink (its anti-aliased edges are pale too) and off
    long straight runs (rules, box edges). Only around those is the image
    darkened."""
    small, _ = _reduced(image, 1000)
    grey = np.asarray(small.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.int16)
    paper = float(np.median(grey))
    if paper < 200:
        return image
    dark = grey < paper - 80
    # The level around each pixel (a median ~6 mm wide, wider than strokes
    # and letters, at ~30 dpi where it is cheap): the paper's around print,
    # a fill's inside a box.
    around = np.asarray(_reduced(image, 350)[0].filter(ImageFilter.MedianFilter(7)).resize(small.size),
                        dtype=np.int16)
    pale = (grey >= paper - 70) & (grey < paper - 25) & (around >= paper - 15) & ~_dilate(dark, 2)
    # Rules and box outlines, found on everything darker than the paper
    # (a pale line breaks up under the pale test, and its pieces would
    # darken into dashes that Tesseract reads as characters), unsmoothed,
    # where the gaps between letters stay open.
    marked = np.asarray(small, dtype=np.int16) < paper - 15
    pale &= ~_dilate(long_runs(marked, 20, axis=1) | long_runs(marked, 20, axis=0), 1)
    # Print comes in strokes; a lone speck of dust or grain blurs into a
    # pale dot that would turn black.
    crowd = Image.fromarray(pale.astype(np.uint8) * 255).filter(ImageFilter.BoxBlur(3))
    pale &= np.asarray(crowd) >= 0.1 * 255
    if pale.mean() < min_share:
        return image
    # Whole strokes: the pale pixels' surroundings, still away from dark ink.
    zone = Image.fromarray((_dilate(pale, 2) & ~_dilate(dark, 1)).astype(np.uint8) * 255)
    low, high = paper - 35, paper - 15
    lut = [round(v / low * 80) if v <= low else 255 if v >= high
           else round(80 + (v - low) / (high - low) * 175) for v in range(256)]
    return Image.composite(image.point(lut), image, zone.resize(image.size, Image.Resampling.NEAREST))


def _dilate(mask: np.ndarray, reach: int) -> np.ndarray:
    """`mask` grown by `reach` pixels in every direction (a square)."""
    grown = mask.copy()
    for shift in range(1, reach + 1):
        grown[:, shift:] |= mask[:, :-shift]
        grown[:, :-shift] |= mask[:, shift:]
    rows = grown.copy()
    for shift in range(1, reach + 1):
        grown[shift:, :] |= rows[:-shift, :]
        grown[:-shift, :] |= rows[shift:, :]
    return grown


# ------------------------------------------------------------------ skew


@dataclass(frozen=True, slots=True)
class Layout:
    """What the ink says about the page: `turn` (0 or 90) makes its text
    lines run across; `angle` is then the counter-clockwise tilt of the
    lines in degrees; `gain` how much correcting it sharpens the row
    profile (~1: no evidence); `lines_ratio` how much sharper rows are
    than columns."""

    turn: int
    angle: float
    gain: float
    lines_ratio: float
    upside_down: bool = False
    flip_evidence: float = 1.0  # ascender/descender ratio, >= 1 (see `upside_down`)


def _ink(image: Image.Image, size: int = 1400) -> tuple[np.ndarray, np.ndarray, tuple[int, int]] | None:
    """Coordinates of glyph ink on a reduced copy of the centre of the page
    (edges hold scanner shadows and, on photos, the background), without
    rules, bands and filled boxes: those are long straight runs that would
    outweigh the text in any profile."""
    mask = glyph_ink(image, size)
    if mask is None:
        return None
    ys, xs = np.nonzero(mask)
    if len(xs) < 200:
        return None
    if len(xs) > 80_000:
        pick = np.random.default_rng(0).choice(len(xs), 80_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    return xs.astype(np.float64), ys.astype(np.float64), (mask.shape[1], mask.shape[0])


def glyph_ink(image: Image.Image, size: int = 1000, margin: float = 0.08) -> np.ndarray | None:
    small, _ = _reduced(image, size)
    w, h = small.size
    small = small.crop((round(w * margin), round(h * margin), round(w * (1 - margin)), round(h * (1 - margin))))
    grey = np.asarray(small, dtype=np.float32)
    ink = grey < min(_otsu(grey), 200)
    if ink.mean() > 0.5:
        return None
    run = max(8, round(0.03 * max(ink.shape)))
    return ink & ~long_runs(ink, run, axis=1) & ~long_runs(ink, run, axis=0)


def long_runs(mask: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels of `mask` inside a straight run of at least `length` pixels
    along `axis`."""
    lines = np.ascontiguousarray(np.moveaxis(mask, axis, -1), dtype=bool)
    n = lines.shape[-1]
    if n < length:
        return np.zeros_like(mask)
    # The lines laid end to end, each between two blanks so that no run
    # spans two; runs found from where they start and end (six times faster
    # than windows summed over every pixel, the prepare step's largest cost).
    padded = np.zeros(lines.shape[:-1] + (n + 2,), dtype=np.int8)
    padded[..., 1:-1] = lines
    steps = np.diff(padded.reshape(-1))
    starts, ends = np.flatnonzero(steps == 1) + 1, np.flatnonzero(steps == -1) + 1
    long = ends - starts >= length
    marks = np.zeros(padded.size + 1, dtype=np.int8)
    marks[starts[long]] = 1
    marks[ends[long]] = -1
    covered = np.cumsum(marks[:-1], dtype=np.int8).reshape(padded.shape)[..., 1:-1] > 0
    return np.moveaxis(covered, -1, axis)


def _best_angle(xs: np.ndarray, ys: np.ndarray, width: float, max_angle: float):
    """(angle, score at it, score at 0, gap share at it, row profile at it):
    the shear that best concentrates the ink into rows, coarse then fine.
    The gap share is the part of the rows, between the first and last inked
    ones, that are nearly empty: the space between lines of text."""
    xs = xs - width / 2

    def histogram(angle: float) -> np.ndarray:
        # Lines tilted counter-clockwise by `angle` rise to the right (y
        # decreases with x); shearing each column by x * tan(angle) flattens them.
        rows = ys + xs * math.tan(math.radians(angle))
        return np.bincount((rows - rows.min()).astype(np.int64))

    def sharpness(angle: float) -> float:
        hist = histogram(angle)
        return float(np.dot(hist, hist))

    base = sharpness(0.0)
    best_angle, best = 0.0, base
    for angle in np.arange(-max_angle, max_angle + 1e-9, 0.5):
        score = sharpness(float(angle))
        if score > best:
            best_angle, best = float(angle), score
    for angle in np.arange(best_angle - 0.5, best_angle + 0.5 + 1e-9, 0.05):
        score = sharpness(float(angle))
        if score > best:
            best_angle, best = float(angle), score
    hist = histogram(best_angle).astype(np.float64)
    cumulative = np.cumsum(hist) / hist.sum()
    lo, hi = np.searchsorted(cumulative, 0.02), np.searchsorted(cumulative, 0.98)
    core = hist[lo: hi + 1]
    gaps = float((core < 0.1 * core.mean()).mean()) if len(core) else 0.0
    return round(best_angle, 2), best, base, gaps, hist


def analyse_layout(image: Image.Image, *, max_angle: float = 10.0) -> Layout:
    """Direction and tilt of the text lines, from projection profiles of
    the ink on a reduced copy, tried along rows and along columns: text
    lines leave empty rows between them, and no empty columns."""
    found = _ink(image)
    if found is None:
        return Layout(0, 0.0, 1.0, 1.0)
    xs, ys, (width, height) = found
    angle, best, base, gaps, rows = _best_angle(xs, ys, width, max_angle)
    # Columns: the same points seen on the image turned 90 degrees clockwise.
    v_angle, v_best, v_base, v_gaps, v_rows = _best_angle(height - ys, xs, height, max_angle)
    if v_gaps > gaps:
        flipped, evidence = _flip_from_profile(v_rows)
        return Layout(90, v_angle, v_best / max(v_base, 1.0), (v_gaps + 0.02) / (gaps + 0.02), flipped, evidence)
    flipped, evidence = _flip_from_profile(rows)
    return Layout(0, angle, best / max(base, 1.0), (gaps + 0.02) / (v_gaps + 0.02), flipped, evidence)


def upside_down(image: Image.Image) -> tuple[bool, float]:
    """Whether horizontal text is upside down, and the evidence ratio.
    Latin text has far more ink above its x-height band (capitals, digits,
    ascenders b d f h k l t) than below it (descenders g j p q y): find the
    lines on the row profile, their core band, and compare ink above and
    below. Leptonica's up/down detection rests on the same asymmetry."""
    ink = glyph_ink(image, 1000)
    if ink is None:
        return False, 1.0
    return _flip_from_profile(ink.sum(axis=1).astype(np.float64))


def _flip_from_profile(rows: np.ndarray) -> tuple[bool, float]:
    rows = rows.astype(np.float64)
    if rows.sum() <= 0:
        return False, 1.0
    above = below = 0.0
    y, n = 0, len(rows)
    floor = max(1.0, 0.05 * rows.max())
    while y < n:
        if rows[y] <= floor:
            y += 1
            continue
        start = y
        while y < n and rows[y] > floor:
            y += 1
        line = rows[start:y]
        if not (4 <= len(line) <= 60):
            continue
        core = np.nonzero(line >= 0.5 * line.max())[0]
        c0, c1 = core[0], core[-1]
        if c1 - c0 < 1:
            continue
        above += line[:c0].sum()
        below += line[c1 + 1:].sum()
    if above + below < 50:
        return False, 1.0
    ratio = (above + 1.0) / (below + 1.0)
    return bool(ratio < 1.0), float(ratio if ratio >= 1.0 else 1.0 / ratio)


# Bands of a page rotated at once, at most (one per core).
ROTATE_BANDS = 4


def rotate(image: Image.Image, angle: float) -> Image.Image:
    """Turn counter-clockwise by `angle` degrees around the centre, keeping
    the size; the uncovered corners become paper."""
    if abs(angle) < 1e-3:
        return image
    # Bicubic: bilinear halves the time but blurs enough to lose values
    # (dev corpus: 103 instead of 110 of 115 values readable). Pillow's
    # rotation is Image.rotate's affine map, made here band by band in
    # threads (Pillow lets go of the GIL while it resamples): a page's
    # ~0.18 s on one core, the longest step of its preparation.
    w, h = image.size
    radians = -math.radians(angle)
    a, b = math.cos(radians), math.sin(radians)
    d, e = -b, a
    c = a * -w / 2 + b * -h / 2 + w / 2
    f = d * -w / 2 + e * -h / 2 + h / 2
    bands = min(ROTATE_BANDS, os.cpu_count() or 1)
    edges = [h * k // bands for k in range(bands + 1)]

    def band(top: int, bottom: int) -> Image.Image:
        return image.transform((w, bottom - top), Image.Transform.AFFINE, (a, b, c + b * top, d, e, f + e * top),
                               Image.Resampling.BICUBIC, fillcolor=255)

    if bands == 1:
        return band(0, h)
    with ThreadPoolExecutor(max_workers=bands) as pool:
        parts = list(pool.map(band, edges[:-1], edges[1:]))
    rotated = Image.new(image.mode, (w, h))
    for top, part in zip(edges, parts):
        rotated.paste(part, (0, top))
    return rotated


def quarter_turn(image: Image.Image, clockwise: int) -> Image.Image:
    clockwise %= 360
    if clockwise == 0:
        return image
    method = {
        90: Image.Transpose.ROTATE_270,  # Pillow's ROTATE_n turn counter-clockwise
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_90,
    }[clockwise]
    return image.transpose(method)


# ------------------------------------------------------------ strips


def blank_cuts(image: Image.Image, parts: int, *, min_gap: int) -> list[int]:
    """Rows cutting the page into `parts` horizontal strips that take
    Tesseract about as long each, through blank paper only: the middle of
    the band without ink, at least `min_gap` rows tall, nearest to each
    k/parts of the print. Empty when one of them lies too far from its share
    (dense print, boxed tables) or the page has no print."""
    height, width = image.height, image.width
    # A scanner's dark edge and a few box borders cross every row: the
    # margins are left out and a row with a few dark pixels is still blank.
    margin = width // 30
    dark = np.asarray(image)[:, margin:width - margin] < 128
    ink = dark.sum(axis=1)
    # Print is counted in strokes (where a dark run starts along a row), not
    # in dark pixels: a logo, a filled box or a bold title holds many of
    # those and reads fast. On the 8 pages of the dev scans, the slower of
    # the two strips took 18,6 s in all cut at equal ink (dev-003 p1: 1,07
    # and 1,64 s), 14,9 s at equal strokes (1,33 and 1,34 s; 2026-12-03).
    strokes = (dark[:, 1:] & ~dark[:, :-1]).sum(axis=1)
    total = np.cumsum(strokes)
    if total[-1] == 0:
        return []
    blank = np.concatenate(([False], ink <= max(3, width // 250), [False]))
    edges = np.flatnonzero(np.diff(blank.astype(np.int8)))
    middles = [(int(a) + int(b)) // 2 for a, b in zip(edges[::2], edges[1::2]) if b - a >= min_gap]
    cuts = []
    for k in range(1, parts):
        target = int(np.searchsorted(total, k * total[-1] / parts))
        cut = min(middles, key=lambda m: abs(m - target), default=None)
        if cut is None or abs(cut - target) > 0.1 * height or cut in cuts:
            return []
        cuts.append(cut)
    return cuts


# ------------------------------------------------------------ resolution


def rescale(image: Image.Image, factor: float) -> Image.Image:
    if abs(factor - 1.0) < 0.03:
        return image
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    resample = Image.Resampling.LANCZOS if factor > 1 else Image.Resampling.BOX
    return image.resize(size, resample)
