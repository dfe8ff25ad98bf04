"""Media I/O on PyAV: clips to MP4, uploads to clips and images, and preview images.

`encode` writes a `Clip` as H.264 + AAC MP4 (atomically, with progress and cancellation); `decode` turns
untrusted uploads (MP4, MOV, WebM; JPEG, PNG, WebP) into clips on mutoscope's timebase or RGB arrays, refusing
anything corrupt, oversized or of the wrong kind with a `MediaError`; `previews` makes the WebP thumbnail and
the JPEG scrubbing spritesheet. Like the rest of the engine, nothing here imports torch or the server.
"""

from mutoscope.engine.media.decode import (
    DecodedFrames,
    VideoInfo,
    probe_video,
    read_image,
    read_video,
)
from mutoscope.engine.media.encode import EncodeOptions, encode_mp4_bytes, write_mp4
from mutoscope.engine.media.previews import (
    spritesheet_indices,
    spritesheet_jpeg,
    spritesheet_jpeg_from_mp4,
    thumbnail_index,
    thumbnail_webp,
    thumbnail_webp_from_mp4,
)

__all__ = [
    "DecodedFrames",
    "EncodeOptions",
    "VideoInfo",
    "encode_mp4_bytes",
    "probe_video",
    "read_image",
    "read_video",
    "spritesheet_indices",
    "spritesheet_jpeg",
    "spritesheet_jpeg_from_mp4",
    "thumbnail_index",
    "thumbnail_webp",
    "thumbnail_webp_from_mp4",
    "write_mp4",
]
