"""A sheet of paper as a phone photographs it, for the bill-photo test set (`bench/photo_set.py`): on a desk,
tilted or turned, in perspective, in uneven light, out of focus, at WhatsApp's size (long side 1600 px)."""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageFilter


def photograph(paper: Image.Image, look: str, rng: random.Random) -> Image.Image:
    """The paper as a phone sees it: `look` names the trouble (scan, tilt, turned, perspective, shadow, blur)."""
    import cv2

    sheet = np.array(paper.convert("RGB"))
    warm = np.array([rng.randint(236, 255), rng.randint(232, 250), rng.randint(220, 240)], dtype=np.float32)
    sheet = (sheet.astype(np.float32) / 255.0 * warm).astype(np.uint8)
    height, width = sheet.shape[:2]
    if look == "scan":
        out = sheet
    else:
        margin = int(max(width, height) * 0.18)
        desk = np.full((height + 2 * margin, width + 2 * margin, 3),
                       (rng.randint(60, 140), rng.randint(50, 110), rng.randint(30, 80)), np.uint8)
        corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
        shift = {"tilt": 0.0, "turned": 0.0, "perspective": 0.07, "shadow": 0.03, "blur": 0.02}[look]
        target = corners + margin + np.float32([[rng.uniform(-1, 1) * shift * width, rng.uniform(-1, 1) * shift * height]
                                                 for _ in range(4)])
        matrix = cv2.getPerspectiveTransform(corners, target)
        out = cv2.warpPerspective(sheet, matrix, (desk.shape[1], desk.shape[0]), dst=desk,
                                  borderMode=cv2.BORDER_TRANSPARENT)
        if look == "tilt":
            angle = rng.choice([-1, 1]) * rng.uniform(2, 7)
            centre = (out.shape[1] / 2, out.shape[0] / 2)
            out = cv2.warpAffine(out, cv2.getRotationMatrix2D(centre, angle, 1.0), (out.shape[1], out.shape[0]),
                                 borderMode=cv2.BORDER_REPLICATE)
        if look == "turned":
            out = cv2.rotate(out, rng.choice([cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE,
                                              cv2.ROTATE_180]))
        if look == "shadow":
            rows, cols = out.shape[:2]
            yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float32)
            angle = rng.uniform(0, math.pi)
            ramp = (xx * math.cos(angle) + yy * math.sin(angle))
            ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
            light = 0.45 + 0.55 * np.clip(ramp * 1.6 - 0.2, 0, 1)
            out = (out.astype(np.float32) * light[..., None]).astype(np.uint8)
        if look == "blur":
            out = cv2.GaussianBlur(out, (0, 0), rng.uniform(1.2, 1.8))
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 4, out.shape)
    out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    image = Image.fromarray(out)
    scale = 1600 / max(image.size)
    if scale < 1:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    return image.filter(ImageFilter.SMOOTH) if look == "blur" else image


