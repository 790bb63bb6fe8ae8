"""An activity photo as stored: JPEG, PNG or WebP by its first bytes, at most ``MAX_BYTES``, and a JPEG without
its EXIF/XMP (APP1) and IPTC (APP13) segments, which can carry the place, the time and the phone's owner.

>>> kind_of(b"\\xff\\xd8\\xff\\xe0" + b"rest"), kind_of(b"GIF89a"), kind_of(b"RIFF1234WEBPVP8 ")
('jpg', None, 'webp')
>>> exif, table = b"\\xff\\xe1\\x00\\x04ab", b"\\xff\\xdb\\x00\\x03x"
>>> strip_jpeg_metadata(b"\\xff\\xd8" + exif + table + b"\\xff\\xda\\x00\\x02scan")
b'\\xff\\xd8\\xff\\xdb\\x00\\x03x\\xff\\xda\\x00\\x02scan'
"""

from __future__ import annotations

MAX_BYTES = 3 * 1024 * 1024
DROPPED = {0xE1, 0xED}  # APP1 (EXIF, XMP), APP13 (IPTC)


def kind_of(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The JPEG without its APP1 and APP13 segments (everything from the start of scan on is kept as is)."""
    out, i = bytearray(data[:2]), 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the image data follows
            break
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if marker not in DROPPED:
            out += data[i:i + 2 + length]
        i += 2 + length
    return bytes(out + data[i:])
