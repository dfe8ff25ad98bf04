"""Avatars: an uploaded image becomes a 256×256 WebP blob under the user's own prefix.

The upload is decoded with the engine's guarded reader (format, byte and pixel limits checked before pixels
are decoded), centre-cropped to a square and re-encoded. Re-encoding also drops whatever metadata the file
carried (EXIF GPS positions, camera serials), so a profile picture never leaks where it was taken. Each upload
gets a new key, so its URL changes and no cache serves the old picture.
"""

from __future__ import annotations

import io
import secrets

from PIL import Image

from mutoscope.engine.media import read_image
from mutoscope.server.accounts.deletion import user_blob_prefix

AVATAR_PX = 256
MAX_AVATAR_BYTES = 10 * 1024 * 1024
MAX_AVATAR_PIXELS = 6000 * 6000
MEDIA_TYPE = "image/webp"
_QUALITY = 85


def avatar_webp(data: bytes, *, param: str = "avatar") -> bytes:
    """The square WebP avatar made from an uploaded JPEG, PNG or WebP image (`MediaError` if unusable)."""
    pixels = read_image(data, max_bytes=MAX_AVATAR_BYTES, max_pixels=MAX_AVATAR_PIXELS, param=param)
    image = Image.fromarray(pixels)
    side = min(image.width, image.height)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.crop((left, top, left + side, top + side)).resize(
        (AVATAR_PX, AVATAR_PX), Image.Resampling.LANCZOS
    )
    out = io.BytesIO()
    square.save(out, format="WEBP", quality=_QUALITY)
    return out.getvalue()


def new_avatar_key(user_id: str) -> str:
    return f"{user_blob_prefix(user_id)}avatar-{secrets.token_hex(8)}.webp"
