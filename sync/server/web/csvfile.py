"""CSV downloads that open cleanly in a spreadsheet and cannot smuggle in a formula."""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

from fastapi.responses import Response

from kiosk import csvcell


def cell(value: Any) -> str:
    return csvcell.cell("" if value is None else str(value))


def download(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a byte-order mark, so spreadsheet programs read the file as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
