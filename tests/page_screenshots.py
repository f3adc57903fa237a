"""Screenshots of the live page and an item page for the README: ``python3 -m tests.page_screenshots docs``.

The data is ``tests.page_data.desk_items()`` (invented, written for this
project), served by the worker's own routes (``tests.chromium.feed_server``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.chromium import feed_server, require_chromium, screenshot
from tests.page_data import desk_items

LIVE_SIZE = (1100, 1500)
ITEM_SIZE = (900, 1250)


def take(out: Path) -> list[Path]:
    """Write ``live-page.png`` and ``item-page.png`` into ``out``; their paths."""
    chromium = require_chromium()
    items = desk_items()
    out.mkdir(parents=True, exist_ok=True)
    with feed_server(items) as server, tempfile.TemporaryDirectory() as work:
        live = screenshot(chromium, server.url("/live"), Path(work) / "live-page.png", *LIVE_SIZE)
        first = items[0].id
        one = screenshot(chromium, server.url(f"/feed/{first}"), Path(work) / "item-page.png", *ITEM_SIZE)
        paths = []
        for shot in (live, one):
            target = out / shot.name
            target.write_bytes(shot.read_bytes())
            paths.append(target)
    return paths


if __name__ == "__main__":
    for path in take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(path)
