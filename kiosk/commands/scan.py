"""`toolkiosk decode` reads barcodes from image files; `toolkiosk scan` prints what the camera and USB scanners read."""

from __future__ import annotations

import json
import sys
import time

from kiosk.cli_support import CommandError, Context


def add_commands(subparsers) -> None:
    common = [subparsers.common_parent]
    p = subparsers.add_parser("decode", parents=common, help="read the barcodes in image files: one JSON line per image")
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="images, or folders searched for images")
    p.add_argument("--symbologies", default="default", metavar="LIST",
                   help="comma-separated: code128, ean13, ean8, upca, upce, qrcode, code39; 'all'; default: all but code39")
    p.set_defaults(handler=run_decode)

    p = subparsers.add_parser("scan", parents=common, help="print scans from the camera and USB scanners as JSON lines until Ctrl-C")
    p.add_argument("--camera", default="auto", metavar="SPEC",
                   help="auto, picamera[:N], a webcam index or /dev/videoN, a video file, an image folder, or 'none'")
    p.add_argument("--size", default="640x480", metavar="WxH", help="camera resolution (default 640x480)")
    p.add_argument("--fps", type=float, default=30, help="camera frame rate (default 30)")
    p.add_argument("--usb", action="append", metavar="DEVICE",
                   help="USB scanner to read: a /dev/input path or part of its name (repeat); default: any that names itself a scanner")
    p.add_argument("--no-usb", action="store_true", help="leave USB scanners alone")
    p.add_argument("--symbologies", default="default", metavar="LIST", help="as for decode")
    p.set_defaults(handler=run_scan)


def _symbologies(text: str) -> frozenset[str]:
    from kiosk.scan import symbologies

    if text == "default":
        return symbologies.DEFAULT
    if text == "all":
        return frozenset(symbologies.ALL)
    try:
        return symbologies.parse_symbologies(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def run_decode(args, ctx: Context) -> int:
    from kiosk.scan.decoder import Decoder
    from kiosk.scan.images import ImageError, image_files, load_gray

    try:
        files = image_files(args.paths)
    except ImageError as exc:
        raise CommandError(str(exc)) from None
    if not files:
        raise CommandError(f"no images found in {', '.join(args.paths)}")
    decoder = Decoder(_symbologies(args.symbologies), still=True)
    failed = 0
    for path in files:
        try:
            image = load_gray(path)
        except ImageError as exc:
            print(f"toolkiosk: {exc}", file=sys.stderr)
            failed += 1
            continue
        started = time.perf_counter()
        codes = decoder.decode(image)
        elapsed_ms = (time.perf_counter() - started) * 1000
        line = {"file": str(path), "codes": [{"text": c.text, "format": c.symbology} for c in codes], "ms": round(elapsed_ms, 1)}
        ctx.print(json.dumps(line, ensure_ascii=False))
    if failed:
        raise CommandError(f"{failed} of {len(files)} files could not be read as images")
    return 0


def run_scan(args, ctx: Context) -> int:
    import queue

    from kiosk.scan import ScanEvent, Scanner

    try:
        width, height = (int(n) for n in args.size.lower().split("x"))
    except ValueError:
        raise CommandError(f"--size must look like 640x480, not {args.size!r}") from None
    camera = None if args.camera == "none" else args.camera
    usb = None if args.no_usb else tuple(args.usb or ("auto",))
    try:
        scanner = Scanner(camera=camera, width=width, height=height, fps=args.fps, usb_scanners=usb, symbologies=_symbologies(args.symbologies))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if camera is None and not scanner.reads_usb:
        raise CommandError("nothing to read: no camera, and USB scanners cannot be read here (python-evdev on Linux)")
    scanner.start()
    try:
        while True:
            try:
                event = scanner.events.get(timeout=0.5)
            except queue.Empty:
                continue
            if isinstance(event, ScanEvent):
                line = {"source": event.source, "text": event.text, "format": event.symbology, "device": event.device}
            else:
                line = {"status": event.state, "source": event.source, "message": event.message}
            ctx.print(json.dumps(line, ensure_ascii=False))
            ctx.out.flush()
            if getattr(event, "state", None) == "ended" and not scanner.reads_usb:
                return 0
    finally:
        scanner.stop()
