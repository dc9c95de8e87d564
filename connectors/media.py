"""Media customers send (receipt photos, documents, voice notes), downloaded into a per-business folder."""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
import os
from pathlib import Path

from connectors.events import Media
from connectors.graph import GraphClient

logger = logging.getLogger(__name__)

EXTENSIONS = {"image/jpeg": ".jpg", "audio/ogg": ".ogg", "text/plain": ".txt"}


def extension(mime_type: str) -> str:
    base = mime_type.split(";")[0].strip()
    return EXTENSIONS.get(base) or mimetypes.guess_extension(base) or ".bin"


class MediaStore:
    """Files live at `<root>/<phone_number_id>/<media id><extension>`: one folder per tenant."""

    def __init__(self, root: Path, client: GraphClient) -> None:
        self.root, self.client = root, client

    async def fetch(self, phone_number_id: str, media: Media) -> Path:
        """`GET /{media_id}` for the URL, then the file itself with the bearer token; written atomically."""
        info = await self.client.media_info(media.id)
        data = await self.client.download(info["url"])
        expected = info.get("sha256") or media.sha256
        if expected and expected not in (hashlib.sha256(data).hexdigest(),
                                         base64.b64encode(hashlib.sha256(data).digest()).decode()):
            raise ValueError(f"media {media.id}: sha256 does not match")
        folder = self.root / "".join(c for c in phone_number_id if c.isalnum())
        folder.mkdir(parents=True, exist_ok=True)
        name = "".join(c for c in media.id if c.isalnum() or c in "-_.")
        path = folder / f"{name}{extension(info.get('mime_type') or media.mime_type)}"
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
        return path
