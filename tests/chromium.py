"""Headless Chromium for page tests: the pages served like the worker serves them, and PNG reading.

No Kafka and no browser-automation package: a ``http.server`` thread answers
``/live``, ``/feed``, ``/feed.atom`` and ``/feed/{id}`` with the worker's own
``pipeline.serving.routes`` over the test's items, the Chromium command line dumps the
DOM or takes screenshots, and ``DevTools`` talks the DevTools protocol over
``--remote-debugging-pipe`` for layout measurements.  Chromium must be
installed (Debian package ``chromium``): a missing browser fails, never skips.
"""

from __future__ import annotations

import fcntl
import http.server
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from pipeline.serving.query import facts
from pipeline.serving.routes import Reply, feed_reply, item_reply, live_reply
from schemas.records import FeedItem

#: What running Chromium as root in a container needs, and nothing that talks to the network.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)
RUN_TIMEOUT = 45.0
_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n')


def require_chromium() -> str:
    """Path of Chromium (``$CHROMIUM`` or ``chromium`` on PATH); fails the test, never skips, if missing."""
    binary = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not binary:
        pytest.fail("chromium not found on PATH: install Debian package chromium (apt-get install chromium)")
    try:
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
    except OSError as exc:
        pytest.fail(f"{binary} does not run ({exc}): install Debian package chromium")
    if version.returncode != 0 or "Chromium" not in version.stdout:
        pytest.fail(f"{binary} --version failed ({version.stderr[-300:]!r}): install Debian package chromium")
    return binary


def _noise(line: str) -> bool:
    return "dbus" in line or "unexpected operator" in line or not line.strip()


def run_chromium(binary: str, workdir: Path, *args: str, timeout: float = RUN_TIMEOUT) -> str:
    """Run Chromium once with a fresh profile; its stdout, or a test failure with its stderr."""
    workdir.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=workdir)
    cmd = [binary, *FLAGS, f"--user-data-dir={profile}", *args]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"chromium timed out after {timeout}s: {' '.join(cmd)}\n{_tail(err)}")
    if proc.returncode != 0:
        pytest.fail(f"chromium exited {proc.returncode}: {' '.join(cmd)}\n{_tail(err)}")
    return out


def _tail(stderr: str) -> str:
    return "\n".join([line for line in stderr.splitlines() if not _noise(line)][-20:])


def dump_dom(binary: str, url: str, workdir: Path) -> str:
    """The serialized DOM after the page's script has fetched and rendered the feed."""
    return run_chromium(binary, workdir, "--dump-dom", "--virtual-time-budget=5000", url)


def screenshot(binary: str, url: str, path: Path, width: int, height: int) -> Path:
    run_chromium(
        binary,
        path.parent,
        f"--screenshot={path}",
        f"--window-size={width},{height}",
        "--force-device-scale-factor=1",
        "--virtual-time-budget=5000",
        url,
    )
    if not path.is_file():
        pytest.fail(f"chromium wrote no screenshot at {path}")
    return path


# --------------------------------------------------------------------------- the worker's routes


class FeedServer:
    """``/live``, ``/feed``, ``/feed.atom`` and ``/feed/{id}`` on 127.0.0.1, answered by ``routes``.

    Setting ``items`` is a new state of the feed view (its update count goes up), as when the
    worker reads new records from the feed topic.
    """

    def __init__(self, items: list[FeedItem]) -> None:
        self._items = [self._arrived(i) for i in items]
        self.generation = 1
        self.port = 0
        self.feed_requests = 0
        self.not_modified = 0
        self.requests: list[str] = []

    @property
    def items(self) -> list[FeedItem]:
        return self._items

    @items.setter
    def items(self, items: list[FeedItem]) -> None:
        self._items = [self._arrived(i) for i in items]
        self.generation += 1

    @staticmethod
    def _arrived(item: FeedItem) -> FeedItem:
        """What ``FeedView.apply`` does with an item read from the topic."""
        facts(item)
        return item

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def reply(self, target: str, headers: Mapping[str, str]) -> Reply | None:
        """What the worker answers to ``GET target``; None for a path it does not serve."""
        parts = urlsplit(target)
        if parts.path.startswith("/nocsp/"):  # the same answer with no CSP at all (meta or header)
            reply = self.reply(target.removeprefix("/nocsp"), headers)
            if reply is None or reply.content_type != "text/html":
                return reply
            body, removed = _CSP_META.subn("", reply.body.decode())
            assert removed == 1, "the page no longer has the CSP <meta> this helper strips"
            kept = {k: v for k, v in reply.headers.items() if k != "Content-Security-Policy"}
            return Reply(reply.status, body.encode(), reply.content_type, kept)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if parts.path == "/live":
            return live_reply()
        if parts.path in ("/feed", "/feed.atom"):
            self.feed_requests += 1
            reply = feed_reply(
                parts.path,
                lambda: self._items,
                params,
                base_url=self.base_url,
                generation=self.generation,
                if_none_match=headers.get("If-None-Match"),
            )
            self.not_modified += reply.status == 304
            return reply
        if parts.path.startswith("/feed/"):
            item_id = unquote(parts.path.removeprefix("/feed/"))
            item = next((i for i in self._items if i.id == item_id), None)
            return item_reply(item, item_id, headers.get("Accept"))
        return None


@contextmanager
def feed_server(items: list[FeedItem] | None = None) -> Iterator[FeedServer]:
    """Start the server in a thread on a free port; ``/nocsp/...`` answers as ``/...`` without any CSP."""
    state = FeedServer(list(items or []))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the worker's routes: GET only
            state.requests.append(self.path)
            reply = state.reply(self.path, self.headers)
            if reply is None:
                self.send_error(404)
                return
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):  # the browser may go before the reply
                self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, name="feed-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- PNG without PIL


@dataclass
class Png:
    width: int
    height: int
    channels: int
    rows: list[bytes]

    def pixels(self) -> Iterator[bytes]:
        """Every pixel as RGB bytes (alpha dropped)."""
        step = self.channels
        for row in self.rows:
            for i in range(0, len(row), step):
                yield row[i : i + 3]


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from the IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert head[12:16] == b"IHDR", f"{path} has no IHDR first"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def read_png(path: Path) -> Png:
    """Decode an 8-bit, non-interlaced RGB/RGBA PNG (what Chromium writes) into raw rows."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    assert header is not None, f"{path} has no IHDR"
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    assert len(raw) == height * (stride + 1), "PNG data length does not match IHDR"
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind, cur = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                cur[i] = (cur[i] + cur[i - bpp]) & 255
        elif kind == 2:
            cur = bytearray((a + b) & 255 for a, b in zip(cur, prev, strict=True))
        elif kind == 3:
            for i in range(stride):
                cur[i] = (cur[i] + ((cur[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif kind == 4:
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        else:
            assert kind == 0, f"bad PNG filter {kind} in row {y}"
        rows.append(bytes(cur))
        prev = cur
    return Png(width, height, bpp, rows)


# --------------------------------------------------------------------------- DevTools protocol over a pipe


_TRAMPOLINE = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.close(int(sys.argv[1])); os.close(int(sys.argv[2])); os.execv(sys.argv[3], sys.argv[3:])"
)


class DevTools:
    """A headless Chromium driven over ``--remote-debugging-pipe`` (fd 3 in, fd 4 out): no extra package."""

    def __init__(self, binary: str, workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=workdir)
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Lift the child's ends above fd 4 so that placing them on fds 3 and 4 cannot clobber one
        # with the other; a tiny Python trampoline does the placing (dash cannot redirect fds >= 10).
        child_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 10)
        for fd in (to_chrome_r, from_chrome_w):
            os.close(fd)
        args = [*FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _TRAMPOLINE, str(child_r), str(child_w), binary, *args],
            pass_fds=(child_r, child_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(child_r)
        os.close(child_w)
        self._out, self._in = to_chrome_w, from_chrome_r
        self._buffer = b""
        self._next_id = 0
        self.session: str | None = None

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no DevTools message in time")
            ready, _, _ = select.select([self._in], [], [], left)
            if ready:
                chunk = os.read(self._in, 1 << 16)
                if not chunk:
                    raise ConnectionError("chromium closed the DevTools pipe")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method: str, params: dict[str, Any] | None = None, *, browser: bool = False) -> Any:
        """Send one command (to the attached page unless ``browser``) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if self.session and not browser:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 20
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def open_page(self, width: int, height: int, *, mobile: bool) -> None:
        target = self.call("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, browser=True)
        self.session = attached["sessionId"]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )

    def watch_errors(self) -> None:
        """From the next navigation on, record the page's uncaught errors and CSP violations.

        The recorder is added over DevTools, which the page's CSP does not govern; read it with ``errors()``.
        """
        self.call("Page.enable")
        self.call(
            "Page.addScriptToEvaluateOnNewDocument",
            {
                "source": "window.__pageErrors = [];"
                "addEventListener('error', e => __pageErrors.push('error: ' + e.message));"
                "addEventListener('unhandledrejection', e => __pageErrors.push('rejection: ' + e.reason));"
                "document.addEventListener('securitypolicyviolation',"
                " e => __pageErrors.push('csp: ' + e.violatedDirective + ' ' + (e.sample || e.blockedURI)));"
            },
        )

    def errors(self) -> list[str]:
        return list(self.evaluate("window.__pageErrors || ['error recorder missing']"))

    def navigate(self, url: str) -> None:
        self.call("Page.navigate", {"url": url})

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed and released) at the centre of the element's first line box."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;"
            " e.scrollIntoView({block: 'center'}); const r = e.getClientRects()[0];"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        if box is None:
            raise LookupError(f"nothing matches {selector!r}")
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
            )

    def focus(self, selector: str) -> None:
        if not self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return false;"
            " e.focus(); return document.activeElement === e; })()"
        ):
            raise LookupError(f"cannot focus {selector!r}")

    def type_text(self, text: str) -> None:
        """Type into the focused element, as a keyboard does (input events fire)."""
        self.call("Input.insertText", {"text": text})

    def press(self, key: str, code: int) -> None:
        """Press and release one key (``key`` as in KeyboardEvent.key, ``code`` its Windows key code)."""
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", {"type": kind, "key": key, "windowsVirtualKeyCode": code})

    def wait_for(self, expression: str, timeout: float = 15.0) -> Any:
        """Poll a JS expression until it is truthy; its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression!r} still falsy after {timeout}s")
            time.sleep(0.1)

    def close(self) -> None:
        with suppress(OSError, RuntimeError, TimeoutError):
            self.call("Browser.close", browser=True)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        for fd in (self._out, self._in):
            os.close(fd)


@contextmanager
def devtools(binary: str, workdir: Path) -> Iterator[DevTools]:
    browser = DevTools(binary, workdir)
    try:
        yield browser
    finally:
        browser.close()
