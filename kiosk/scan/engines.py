"""The two decoding engines behind one call: ``engine.decode(gray) -> list[Code]``.

zbar (through pyzbar's bindings) is the primary engine; zxing-cpp reads many
photos zbar misses (blur, glare, tilt, inverted QR), so the decoder asks it
when zbar read nothing. Both are restricted to the symbologies in use, which
makes them faster and keeps foreign symbologies from being misread.
"""

from __future__ import annotations

from ctypes import c_void_p, cast, string_at

import numpy as np
from pyzbar import wrapper as zbar

from kiosk.scan.events import Code
from kiosk.scan.symbologies import CODE39, CODE128, EAN8, EAN13, QRCODE, UPCA, UPCE, normalize

_ZBAR_SYMBOLS = {
    CODE128: [zbar.ZBarSymbol.CODE128],
    EAN13: [zbar.ZBarSymbol.EAN13],
    EAN8: [zbar.ZBarSymbol.EAN8],
    # zbar reads UPC codes only with EAN-13 on; it then reports them in their own right
    UPCA: [zbar.ZBarSymbol.UPCA, zbar.ZBarSymbol.EAN13],
    UPCE: [zbar.ZBarSymbol.UPCE, zbar.ZBarSymbol.EAN13],
    QRCODE: [zbar.ZBarSymbol.QRCODE],
    CODE39: [zbar.ZBarSymbol.CODE39],
}
_ZBAR_NAMES = {
    zbar.ZBarSymbol.CODE128: CODE128,
    zbar.ZBarSymbol.EAN13: EAN13,
    zbar.ZBarSymbol.EAN8: EAN8,
    zbar.ZBarSymbol.UPCA: UPCA,
    zbar.ZBarSymbol.UPCE: UPCE,
    zbar.ZBarSymbol.QRCODE: QRCODE,
    zbar.ZBarSymbol.CODE39: CODE39,
}
_GRAY_FOURCC = 808466521  # 'Y800'
# zbar 0.23's ZBAR_CFG_BINARY (pyzbar's enum predates it): QR bytes come as they
# are, and the charset is chosen here; zbar's own guess garbles Shift_JIS text.
_CFG_BINARY = 4


def _text(data: bytes, symbology: str) -> str:
    """QR payloads are UTF-8 or, from older Japanese encoders, Shift_JIS; linear codes are Latin-1 at most."""
    charsets = ("utf-8", "cp932", "latin-1") if symbology == QRCODE else ("utf-8", "latin-1")
    for charset in charsets[:-1]:
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    return data.decode(charsets[-1])


class ZbarEngine:
    """zbar's image scanner, set up once for the symbologies in use and reused for every frame.

    zbar runs scan lines along every ``rows_every``-th row and every
    ``columns_every``-th column (0: none). Its time grows with the number of
    lines, so an image turned to have its bars upright needs only rows.
    Not thread-safe: one engine per thread.
    """

    name = "zbar"

    def __init__(self, symbologies: frozenset[str], rows_every: int = 1, columns_every: int = 1, min_lines: int = 1):
        self.symbologies = symbologies
        self.min_lines = min_lines
        self._scanner = zbar.zbar_image_scanner_create()
        if not self._scanner:
            raise RuntimeError("zbar could not create an image scanner")
        wanted = {s for name in symbologies for s in _ZBAR_SYMBOLS[name]}
        for symbol in zbar.ZBarSymbol:
            if symbol not in (zbar.ZBarSymbol.NONE, zbar.ZBarSymbol.PARTIAL):
                zbar.zbar_image_scanner_set_config(self._scanner, symbol, zbar.ZBarConfig.CFG_ENABLE, int(symbol in wanted))
        zbar.zbar_image_scanner_set_config(self._scanner, zbar.ZBarSymbol.QRCODE, _CFG_BINARY, 1)
        # zbar's X density spaces its vertical scan lines, its Y density the horizontal ones
        zbar.zbar_image_scanner_set_config(self._scanner, zbar.ZBarSymbol.NONE, zbar.ZBarConfig.CFG_X_DENSITY, columns_every)
        zbar.zbar_image_scanner_set_config(self._scanner, zbar.ZBarSymbol.NONE, zbar.ZBarConfig.CFG_Y_DENSITY, rows_every)

    def decode(self, gray: np.ndarray) -> list[Code]:
        pixels = np.ascontiguousarray(gray, dtype=np.uint8)
        height, width = pixels.shape[:2]
        data = pixels.tobytes()
        image = zbar.zbar_image_create()
        try:
            zbar.zbar_image_set_format(image, _GRAY_FOURCC)
            zbar.zbar_image_set_size(image, width, height)
            zbar.zbar_image_set_data(image, cast(data, c_void_p), len(data), None)
            if zbar.zbar_scan_image(self._scanner, image) <= 0:
                return []
            codes = []
            symbol = zbar.zbar_image_first_symbol(image)
            while symbol:
                name = _ZBAR_NAMES.get(symbol.contents.type)
                raw = string_at(zbar.zbar_symbol_get_data(symbol), zbar.zbar_symbol_get_data_length(symbol))
                seen_on = zbar.zbar_symbol_get_quality(symbol)  # scan lines that read it alike
                if seen_on >= self.min_lines and (name in self.symbologies or (name == EAN13 and self.symbologies & {UPCA, UPCE})):
                    codes.append(Code(*normalize(_text(raw, name), name)))
                symbol = zbar.zbar_symbol_next(symbol)
            return [c for c in codes if c.symbology in self.symbologies]
        finally:
            zbar.zbar_image_destroy(image)

    def close(self) -> None:
        if self._scanner:
            zbar.zbar_image_scanner_destroy(self._scanner)
            self._scanner = None

    def __del__(self) -> None:
        self.close()


class ZxingEngine:
    """zxing-cpp, restricted to the symbologies in use, reporting the plain text (no GS1 brackets)."""

    name = "zxing"

    def __init__(self, symbologies: frozenset[str], *, try_rotate: bool = False, try_downscale: bool = True):
        import zxingcpp

        self._zxing = zxingcpp
        fmt = zxingcpp.BarcodeFormat
        asked = {CODE128: fmt.Code128, EAN13: fmt.EAN13, EAN8: fmt.EAN8, UPCA: fmt.UPCA, UPCE: fmt.UPCE, QRCODE: fmt.QRCode, CODE39: fmt.Code39Std}
        self.symbologies = symbologies
        self._formats = tuple(asked[name] for name in sorted(symbologies))
        # zxing reports the member of a family it read (a QR code's model, Code39's variant)
        self._names = {reported: name for name, reported in asked.items()}
        self._names.update({fmt.QRCodeModel1: QRCODE, fmt.QRCodeModel2: QRCODE, fmt.Code39: CODE39})
        self._options = dict(try_rotate=try_rotate, try_downscale=try_downscale, text_mode=zxingcpp.TextMode.Plain)

    def decode(self, gray: np.ndarray) -> list[Code]:
        found = self._zxing.read_barcodes(np.ascontiguousarray(gray), formats=self._formats, **self._options)
        codes = []
        for result in found:
            name = self._names.get(result.format)
            if name is not None:
                codes.append(Code(*normalize(result.text, name)))
        return [c for c in codes if c.symbology in self.symbologies]


def zxing_available() -> bool:
    try:
        import zxingcpp  # noqa: F401
    except ImportError:
        return False
    return True
