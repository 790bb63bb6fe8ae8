"""Turning the bytes of a text file into text: the encodings real offices produce, never guessed silently.

* a byte-order mark decides: UTF-8 (Excel "CSV UTF-8"), UTF-16 LE/BE (Excel "Unicode text");
* UTF-16 without a mark is recognised by its zero bytes; then strict UTF-8 (plain ASCII is UTF-8);
* otherwise the file is in a Windows code page: 1258 (Vietnamese, tone marks as combining characters,
  normalised to NFC after decoding) or 1252 (Western). Both decode almost any bytes, so the choice is
  made by which one yields valid Vietnamese syllables; when neither or both do, the file is refused
  with both candidates named, asking to save it as "CSV UTF-8".

>>> decode("Phường Thạc Gián".encode("utf-8")).encoding
'utf-8'
>>> decode(b"Ph\\xfd\\xf5\\xccng Tha\\xf2c Gia\\xecn").text  # Windows-1258, tone marks combining
'Phường Thạc Gián'
>>> decode("Xã Hòa Bắc".encode("cp1252", errors="replace")).encoding
'cp1252'
>>> is_vietnamese_syllable("Thạc"), is_vietnamese_syllable("Xă"), is_vietnamese_syllable("PhýõÌng")
(True, False, False)
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (có BOM)", "utf-16": "UTF-16",
                   "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE", "cp1258": "Windows-1258",
                   "cp1252": "Windows-1252"}

# Bytes that decode differently in the two code pages: only words holding one tell the two apart.
_DIFFERING = frozenset([0x8A, 0x8E, 0x9A, 0x9E, 0xC3, 0xCC, 0xD0, 0xD2, 0xD5, 0xDD, 0xDE, 0xE3, 0xEC,
                        0xF0, 0xF2, 0xF5, 0xFD, 0xFE])
_SAMPLE_WORDS = 5000  # telling words examined at most: enough to decide, bounded for a 20 MB file
_PLAUSIBLE = 0.1  # the chosen reading may leave at most this share of telling words not Vietnamese (typos)


class DecodeError(ValueError):
    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(vi)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str

    @property
    def label(self) -> str:
        return ENCODING_LABELS.get(self.encoding, self.encoding)


def decode(content: bytes) -> Decoded:
    """The text of ``content`` and the encoding it was read with; DecodeError when unsure."""
    if content.startswith(codecs.BOM_UTF8):
        return _strict(content[3:], "utf-8-sig", "utf-8")
    if content.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise DecodeError("Tệp dùng bảng mã UTF-32, chưa hỗ trợ. Hãy lưu lại tệp dạng \"CSV UTF-8\".",
                          "The file is in UTF-32, which is not supported. Save it as \"CSV UTF-8\".")
    if content.startswith(codecs.BOM_UTF16_LE):
        return _strict(content[2:], "utf-16", "utf-16-le")
    if content.startswith(codecs.BOM_UTF16_BE):
        return _strict(content[2:], "utf-16", "utf-16-be")
    bare_utf16 = _utf16_without_bom(content)
    if bare_utf16:
        return _strict(content, bare_utf16, bare_utf16)
    try:
        return Decoded(content.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _code_page(content)


def _strict(body: bytes, label: str, codec: str) -> Decoded:
    try:
        return Decoded(body.decode(codec), label)
    except UnicodeDecodeError as error:
        name = ENCODING_LABELS.get(label, label)
        raise DecodeError(
            f"Tệp ghi là bảng mã {name} nhưng có byte không hợp lệ ở vị trí {error.start}. "
            "Hãy mở tệp bằng Excel và lưu lại dạng \"CSV UTF-8\".",
            f"The file says it is {name} but has an invalid byte at position {error.start}. "
            "Open it in Excel and save it as \"CSV UTF-8\".") from None


def _utf16_without_bom(content: bytes) -> str | None:
    """UTF-16 text of mostly ASCII characters has a zero byte in every other position."""
    sample = content[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) > 0.4 * half and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * half and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _code_page(content: bytes) -> Decoded:
    texts: dict[str, str] = {}
    for codec in ("cp1258", "cp1252"):
        try:
            text = content.decode(codec)
        except UnicodeDecodeError:
            continue
        texts[codec] = unicodedata.normalize("NFC", text) if codec == "cp1258" else text
    if len(texts) == 2 and not _DIFFERING_BYTE.search(content):
        return Decoded(texts["cp1252"], "cp1252")  # both code pages read these bytes alike
    bad = {codec: 0 for codec in texts}
    words = _DIFFERING_WORD.findall(content)[:_SAMPLE_WORDS]
    for word in words:
        for codec in texts:
            if not is_vietnamese_syllable(_decode_word(word, codec)):
                bad[codec] += 1
    ranked = sorted(bad.items(), key=lambda kv: kv[1])
    if words and ranked and ranked[0][1] <= _PLAUSIBLE * len(words):
        other = ranked[1][1] if len(ranked) > 1 else len(words)
        if other >= 2 * ranked[0][1] + 1:
            return Decoded(texts[ranked[0][0]], ranked[0][0])
    raise DecodeError(
        "Không xác định được bảng mã của tệp: tệp không phải UTF-8 hay UTF-16; có thể là Windows-1258 "
        "hoặc Windows-1252 nhưng không chắc cách đọc nào cho ra tiếng Việt đúng. Hãy mở tệp bằng Excel, "
        "chọn Lưu thành (Save As) › \"CSV UTF-8 (Comma delimited)\" rồi tải lên lại.",
        "Cannot tell the file's encoding: it is neither UTF-8 nor UTF-16; it could be Windows-1258 or "
        "Windows-1252 but it is not certain which reading gives correct Vietnamese. Open the file in Excel, "
        "Save As \"CSV UTF-8 (Comma delimited)\" and upload it again.")


_SEPARATORS = rb"\s\d.,;:!?()\[\]{}\"'/\\|=+*<>@#$%^&~`_\-"
_DIFFERING_BYTE = re.compile(b"[" + b"".join(b"\\x%02x" % b for b in sorted(_DIFFERING)) + b"]")
_WORD_PART = b"[^" + _SEPARATORS + b"]*"
_DIFFERING_WORD = re.compile(_WORD_PART + _DIFFERING_BYTE.pattern + _WORD_PART)


def _decode_word(word: bytes, codec: str) -> str:
    try:
        text = word.decode(codec)
    except UnicodeDecodeError:
        return "\ufffd"
    return unicodedata.normalize("NFC", text) if codec == "cp1258" else text


# -- Vietnamese syllables ----------------------------------------------------------------------------

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_MODIFIED = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
             ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
_VOWELS = set("aăâeêioôơuưy")
_LETTERS = _VOWELS | set("bcdđghklmnpqrstvx")
_SYLLABLE = re.compile(r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
                       r"([aăâeêioôơuưy]{1,3})(ch|nh|ng|[cmnpt])?")


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` is shaped like one Vietnamese syllable: Vietnamese letters, at most one tone mark
    on a vowel, an initial, a vowel group and a final that Vietnamese allows (ă, â need a final;
    a syllable ending in c, ch, p, t takes only the sắc or nặng tone)."""
    letters: list[str] = []
    tone = ""
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            if tone or not letters or letters[-1] not in _VOWELS:
                return False
            tone = ch
        elif unicodedata.combining(ch):
            if not letters or (letters[-1], ch) not in _MODIFIED:
                return False
            letters[-1] = _MODIFIED[(letters[-1], ch)]
        elif ch in _LETTERS:
            letters.append(ch)
        else:
            return False
    match = _SYLLABLE.fullmatch("".join(letters))
    if match is None:
        return False
    nucleus, final = match.group(2), match.group(3)
    if nucleus[-1] in "ăâ" and not final:
        return False
    return not (final in ("c", "ch", "p", "t") and tone in ("\u0300", "\u0303", "\u0309"))


# -- delimiter ----------------------------------------------------------------------------------------

DELIMITERS = (",", ";", "\t")
DELIMITER_LABELS = {",": "dấu phẩy", ";": "dấu chấm phẩy", "\t": "tab"}


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the first lines into the most rows of one width > 1.

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n"), sniff_delimiter("a\\tb\\n1\\t2\\n")
    (';', '\\t')
    >>> sniff_delimiter("a,b\\n1,2\\n")
    ','
    """
    import csv
    import io

    head = "\n".join(text.splitlines()[:30])
    best = (0, 0, ",")
    for delimiter in DELIMITERS:
        try:
            parsed = csv.reader(io.StringIO(head), delimiter=delimiter)
            rows = [r for r in parsed if any(c.strip() for c in r)]
        except csv.Error:
            continue
        widths: dict[int, int] = {}
        for row in rows:
            if len(row) > 1:
                widths[len(row)] = widths.get(len(row), 0) + 1
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda kv: (kv[1], kv[0]))
        if (count, width) > best[:2]:
            best = (count, width, delimiter)
    return best[2]
