"""A phone photo of paper made ready for OCR: upright, flattened, evenly lit, at a size tesseract reads well.

The steps are OpenCV's usual ones: the paper is the largest bright quadrilateral (warped flat when it is found),
uneven light is divided out by the page's own blurred background, a small tilt is found by the angle that makes
the text rows sharpest, and a page on its side or upside down is turned by tesseract's orientation detection.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

TEXT_HEIGHT = 26
"""Median height in pixels of the page's characters after scaling: where tesseract's LSTM reads best."""


@dataclass
class Prepared:
    """The page ready for OCR, and what was done to it."""

    gray: np.ndarray
    steps: list[str] = field(default_factory=list)


PDF_DPI = 200


def load(path: Path | str) -> np.ndarray:
    """The photo as an RGB array, turned as its EXIF orientation says (phones store it sideways); a PDF's first
    page drawn at 200 dpi by poppler's `pdftoppm`."""
    path = Path(path)
    with path.open("rb") as file:
        is_pdf = file.read(5) == b"%PDF-"
    if is_pdf:
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run(["pdftoppm", "-r", str(PDF_DPI), "-png", "-f", "1", "-l", "1", "-singlefile", str(path),
                            f"{folder}/page"], check=True, capture_output=True, timeout=60)
            with Image.open(f"{folder}/page.png") as page:
                return np.array(page.convert("RGB"))
    with Image.open(path) as image:
        return np.array(ImageOps.exif_transpose(image).convert("RGB"))


def _order(points: np.ndarray) -> np.ndarray:
    """Four corners as top-left, top-right, bottom-right, bottom-left."""
    sums, diffs = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.float32([points[np.argmin(sums)], points[np.argmin(diffs)], points[np.argmax(sums)],
                       points[np.argmax(diffs)]])


def _sheet(mask: np.ndarray) -> tuple[float, np.ndarray] | None:
    """The largest blob of `mask` as (its share of the picture, its four corners), if it can be the paper."""
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(largest) / (mask.shape[0] * mask.shape[1])
    if not 0.15 < area < 0.93:
        return None
    hull = cv2.convexHull(largest)
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        quad = cv2.boxPoints(cv2.minAreaRect(hull))
    return area, np.float32(quad).reshape(4, 2)


def find_paper(rgb: np.ndarray) -> np.ndarray | None:
    """The paper's four corners, or None when the paper fills the photo (a scan) or no sheet stands out.

    Paper is brighter than the desk, and less coloured: in a shadow it stays grey while it darkens, so the
    sheet is the larger of the bright blob and the colourless blob."""
    scale = 800 / max(rgb.shape[:2])
    small = cv2.GaussianBlur(cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), (7, 7), 0)
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    saturation = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)[..., 1]
    _, bright = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    _, pale = cv2.threshold(saturation, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    sheets = [found for found in (_sheet(bright), _sheet(pale)) if found is not None]
    if not sheets:
        return None
    return _order(max(sheets, key=lambda found: found[0])[1] / scale)


def flatten(gray: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The quadrilateral `corners` warped into an upright rectangle of its own size."""
    top, right, bottom, left = (np.linalg.norm(corners[i] - corners[j]) for i, j in ((0, 1), (1, 2), (2, 3), (3, 0)))
    width, height = int(max(top, bottom)), int(max(left, right))
    target = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(gray, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def even_light(gray: np.ndarray) -> np.ndarray:
    """Shadows and a warm or dim light divided out: each pixel against the page's blurred background."""
    size = max(31, (min(gray.shape) // 12) | 1)
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25)))
    background = cv2.GaussianBlur(background, (size, size), 0)
    flat = cv2.divide(gray, background, scale=255)
    return cv2.normalize(flat, None, 0, 255, cv2.NORM_MINMAX)


def skew_angle(gray: np.ndarray) -> float:
    """The small tilt (-6..6 degrees) at which the text rows line up best (sharpest row profile)."""
    scale = 700 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = (cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)).astype(np.float32)
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        turned = cv2.warpAffine(ink, cv2.getRotationMatrix2D(centre, angle, 1.0), (small.shape[1], small.shape[0]))
        return float(np.var(turned.sum(axis=1)))

    coarse = max(np.arange(-6, 6.01, 1.0), key=sharpness)
    return float(max(np.arange(coarse - 0.8, coarse + 0.81, 0.2), key=sharpness))


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """`gray` turned by `angle` degrees (counter-clockwise), the corners filled with the page's white."""
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)


def orientation(gray: np.ndarray) -> int:
    """Tesseract's OSD: the clockwise turn (0, 90, 180, 270) that makes the page upright."""
    scale = min(1.0, 1200 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    try:
        found = pytesseract.image_to_osd(small, config="--psm 0 -c min_characters_to_try=20",
                                         output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError as error:
        logger.debug("orientation not detected: %s", error)
        return 0
    return int(found.get("rotate", 0)) if float(found.get("orientation_conf", 0)) >= 1.0 else 0


def text_height(gray: np.ndarray) -> float:
    """The median height of the blobs of ink that look like characters (taller than wide by at most 3)."""
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = [h for _, _, w, h, area in stats[1:count] if 6 <= h <= 200 and w <= 3 * h and area >= 12]
    return float(np.median(heights)) if len(heights) >= 20 else float(TEXT_HEIGHT)


def turned_over(gray: np.ndarray) -> np.ndarray:
    """The page upside down."""
    return cv2.rotate(gray, cv2.ROTATE_180)


_TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def prepare(path: Path | str) -> Prepared:
    """The photo at `path` made ready for OCR."""
    rgb = load(path)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    steps: list[str] = []
    corners = find_paper(rgb)
    if corners is not None:
        gray = flatten(gray, corners)
        steps.append("paper found and flattened")
    gray = even_light(gray)
    turn = orientation(gray)
    if turn in _TURNS:
        gray = cv2.rotate(gray, _TURNS[turn])
        steps.append(f"turned {turn}°")
    angle = skew_angle(gray)
    if abs(angle) >= 0.4:
        gray = rotate(gray, angle)
        steps.append(f"tilt of {angle:.1f}° straightened")
    scale = min(3.0, max(0.4, TEXT_HEIGHT / text_height(gray)))
    if not 0.85 < scale < 1.15:
        gray = cv2.resize(gray, None, fx=scale, fy=scale,
                          interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
        steps.append(f"scaled ×{scale:.2f}")
    return Prepared(gray, steps)
