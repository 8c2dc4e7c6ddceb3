"""Bad input and safety: upload names, sizes, types, unparseable files, replacement, JSON errors,
question limits, the API key, CORS, the default bind address and <script> in a report."""

from __future__ import annotations

import shutil
import socket
import uuid
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from api_support import TEST_MAX_UPLOAD_MB, Server, finish_upload, start_server

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def tiny_report(service: str, *lines: str) -> bytes:
    """A small fictitious report: parses (with a 'not a full report' warning) and indexes in a second."""
    body = [f"An inspection of youth offending services in {service}", "", "Published: May 2024", "",
            "2.2. Planning", "", "Planning was personalised in most of the cases we inspected.", "", *lines, ""]
    return "\n".join(body).encode()


def multipart(filename: bytes, data: bytes, content_type: bytes = b"text/plain") -> tuple[bytes, str]:
    """A hand-built multipart body, so a file name can carry bytes httpx would clean up (NUL)."""
    boundary = uuid.uuid4().hex
    body = (b"--" + boundary.encode() + b"\r\n"
            + b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
            + b"Content-Type: " + content_type + b"\r\n\r\n" + data + b"\r\n--" + boundary.encode() + b"--\r\n")
    return body, f"multipart/form-data; boundary={boundary}"


def upload(client: httpx.Client, name: str, data: bytes, **headers: str) -> httpx.Response:
    """Upload and follow the job to its end (``finish_upload``): 200 + the indexed report, or the refusal."""
    return finish_upload(client.post("/api/reports", files={"file": (name, data, "text/plain")}, headers=headers))


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def report_ids(client: httpx.Client) -> set[str]:
    return {r["id"] for r in client.get("/api/reports").json()}


# --------------------------------------------------------------------------------------------
# upload names


@pytest.mark.parametrize("raw_name, stored", [
    ("../../escape-one.txt", "escape-one.txt"),
    ("/tmp/escape-two-absolute.txt", "escape-two-absolute.txt"),
    ("..\\..\\windows\\escape-three.txt", "escape-three.txt"),
    ("....//....//escape-four.md", "escape-four.md"),
])
def test_path_parts_never_escape(client: httpx.Client, live_server: Server, raw_name: str, stored: str) -> None:
    home = live_server.home
    outside_before = files_under(home.parent) - files_under(home)
    r = upload(client, raw_name, tiny_report("Escapeshire " + stored.split(".")[0]))
    assert r.status_code == 200, r.text
    assert r.json()["report"]["id"] == stored
    assert (live_server.index_dir / "sources" / stored).is_file()
    assert not Path("/tmp/escape-two-absolute.txt").exists()
    assert files_under(home.parent) - files_under(home) == outside_before
    for path in files_under(live_server.index_dir / "sources"):
        assert path.parent == live_server.index_dir / "sources"


def test_nul_and_control_characters_in_name(client: httpx.Client, live_server: Server) -> None:
    body, ctype = multipart(b"nul\x00name\x07\x1b.txt", tiny_report("Nulshire"))
    r = finish_upload(client.post("/api/reports", content=body, headers={"Content-Type": ctype}))
    assert r.status_code == 200, r.text
    name = r.json()["report"]["id"]
    assert "\x00" not in name and "\x07" not in name and "\x1b" not in name and name.endswith(".txt")
    assert (live_server.index_dir / "sources" / name).is_file()


@pytest.mark.parametrize("name", ["..", "/", "\x00", "...txt"])
def test_names_with_nothing_left_are_refused(client: httpx.Client, name: str) -> None:
    body, ctype = multipart(name.encode(), tiny_report("Nowhere"))
    r = client.post("/api/reports", content=body, headers={"Content-Type": ctype})
    assert r.status_code in (415, 422), r.text
    assert isinstance(r.json()["detail"], str)


def test_names_that_differ_only_in_non_ascii_are_stored_apart(client: httpx.Client, live_server: Server) -> None:
    first = upload(client, "報告.txt", tiny_report("Kanjishire"))
    second = upload(client, "отчёт.txt", tiny_report("Cyrilshire"))
    assert first.status_code == 200 and second.status_code == 200, (first.text, second.text)
    a, b = first.json()["report"], second.json()["report"]
    assert a["id"] != b["id"] and second.json()["status"] == "added"
    assert (a["name"], b["name"]) == ("報告.txt", "отчёт.txt")
    listed = {r["id"]: r for r in client.get("/api/reports").json()}
    assert listed[a["id"]]["service"] == "Kanjishire" and listed[b["id"]]["service"] == "Cyrilshire"
    for rid in (a["id"], b["id"]):
        assert client.delete(f"/api/reports/{rid}").status_code == 200
    assert a["id"] not in report_ids(client) and b["id"] not in report_ids(client)


@pytest.mark.parametrize("rid", ["%2E%2E", "..", "upload", "UPLOAD.TXT", "upload.txt%00", "%2E%2E%2Fupload.txt", " upload.txt"])
def test_report_ids_are_looked_up_exactly(client: httpx.Client, rid: str) -> None:
    assert upload(client, "upload.txt", tiny_report("Exactshire")).status_code == 200
    try:
        assert client.delete(f"/api/reports/{rid}").status_code == 404
        assert client.get(f"/api/reports/{rid}").status_code == 404
        assert "upload.txt" in report_ids(client)
    finally:
        client.delete("/api/reports/upload.txt")


# --------------------------------------------------------------------------------------------
# size, type, unparseable


def test_too_large_is_413(client: httpx.Client, live_server: Server) -> None:
    before = report_ids(client)
    data = b"a" * (TEST_MAX_UPLOAD_MB * (1 << 20) + 1)
    r = upload(client, "huge.txt", data)
    assert r.status_code == 413, r.text
    assert "MB" in r.json()["detail"]
    far_too_large = b"b" * (TEST_MAX_UPLOAD_MB * (1 << 20) + 512 * 1024)
    assert upload(client, "huger.txt", far_too_large).status_code == 413
    assert report_ids(client) == before
    assert not (live_server.index_dir / "sources" / "huge.txt").exists()


@pytest.mark.parametrize("name", ["report.exe", "report.xlsx", "report", "report.txt.sh", "report.PDF.zip"])
def test_unsupported_type_is_415(client: httpx.Client, name: str) -> None:
    r = upload(client, name, tiny_report("Typeshire"))
    assert r.status_code == 415, r.text
    assert "unsupported" in r.json()["detail"]


@pytest.mark.parametrize("name, data", [
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf"),
    ("binary.txt", bytes(range(256)) * 20),
    ("empty.md", b""),
    ("blank.html", b"<html><body>   </body></html>"),
])
def test_unparseable_is_422_and_nothing_indexed(client: httpx.Client, live_server: Server, name: str, data: bytes) -> None:
    before = report_ids(client)
    files_before = files_under(live_server.index_dir / "sources") | files_under(live_server.index_dir / "reports")
    r = upload(client, name, data)
    assert r.status_code == 422, r.text
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]
    assert report_ids(client) == before
    after = files_under(live_server.index_dir / "sources") | files_under(live_server.index_dir / "reports")
    assert after == files_before, after ^ files_before
    assert client.get(f"/api/reports/{name}").status_code == 404


def test_reupload_same_changes_nothing_and_changed_replaces(client: httpx.Client, live_server: Server) -> None:
    v1 = tiny_report("Replaceshire", "The first version mentions a kingfisher marker.")
    v2 = tiny_report("Replaceshire", "The second version mentions a heron marker instead.")
    first = upload(client, "replace-me.txt", v1)
    assert first.status_code == 200 and first.json()["status"] == "added"
    snapshot = client.get("/api/reports").json()
    again = upload(client, "replace-me.txt", v1)
    assert again.json()["status"] == "unchanged"
    assert client.get("/api/reports").json() == snapshot

    second = upload(client, "replace-me.txt", v2)
    assert second.status_code == 200 and second.json()["status"] == "updated"
    text = " ".join(line["text"] for line in client.get("/api/reports/replace-me.txt/text").json()["lines"])
    assert "heron" in text and "kingfisher" not in text
    assert [r["id"] for r in client.get("/api/reports").json()].count("replace-me.txt") == 1
    assert (live_server.index_dir / "sources" / "replace-me.txt").read_bytes() == v2

    # A broken new version is refused and the good one stays.
    broken = upload(client, "replace-me.txt", b"\x00\x01\x02" * 100)
    assert broken.status_code == 422
    assert (live_server.index_dir / "sources" / "replace-me.txt").read_bytes() == v2
    assert client.get("/api/reports/replace-me.txt").json()["sha256"] == second.json()["report"]["sha256"]

    # The retriever sees the new text only.
    answer = client.post("/api/ask", json={"question": "What does the Replaceshire report say about planning?"}).json()
    quoted = " ".join(c["quote"] for c in answer["citations"])
    assert "kingfisher" not in quoted

    assert client.delete("/api/reports/replace-me.txt").json() == {"id": "replace-me.txt", "removed": True}
    assert client.get("/api/reports/replace-me.txt").status_code == 404
    assert client.delete("/api/reports/replace-me.txt").status_code == 404
    assert not (live_server.index_dir / "sources" / "replace-me.txt").exists()


# --------------------------------------------------------------------------------------------
# JSON and parameters


@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream", "/api/draft", "/api/rate", "/api/draft/docx"])
def test_malformed_json_is_422_with_message(client: httpx.Client, path: str) -> None:
    r = client.post(path, content=b'{"question": "unterminated', headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str) and "JSON" in detail


@pytest.mark.parametrize("path, body, words", [
    ("/api/ask", {}, "question"),
    ("/api/ask", {"question": ""}, "question"),
    ("/api/ask", {"question": "   "}, "empty"),
    ("/api/ask", {"question": 42}, "question"),
    ("/api/ask", {"question": "hi", "history": [{"role": "system", "content": "x"}]}, "role"),
    ("/api/ask", {"question": "hi", "history": [{"role": "user", "content": "x"}] * 41}, "history"),
    ("/api/ask", {"question": "hi", "surprise": 1}, "surprise"),
    ("/api/draft", {"standard": "2.2", "kind": "strengths", "kq": [{"yes": -1, "relevant": 4}]}, "yes"),
    ("/api/draft", {"standard": "2.2", "kind": "strengths", "kq": [{"yes": 1}]}, "relevant"),
    ("/api/rate", {"key_questions": {"2.2": [{"percent": 101}]}}, "percent"),
    ("/api/rate", {"key_questions": {"7.7": [{"percent": 50}]}}, "7.7"),
    ("/api/rate", {"framework": "1999"}, "framework"),
])
def test_out_of_range_is_422_with_message(client: httpx.Client, path: str, body: dict, words: str) -> None:
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    assert words in r.json()["detail"], r.json()


def test_over_long_question_is_refused(client: httpx.Client) -> None:
    limit = client.get("/api/meta").json()["max_question_chars"]
    long_question = "planning " * (limit // 9 + 5)
    for path in ("/api/ask", "/api/ask/stream"):
        r = client.post(path, json={"question": long_question})
        assert r.status_code == 422
        assert str(limit) in r.json()["detail"]
    assert client.post("/api/ask", json={"question": "x" * 50_000}).status_code == 422
    huge = b'{"question": "' + b"x" * (3 << 20) + b'"}'
    assert client.post("/api/ask", content=huge, headers={"Content-Type": "application/json"}).status_code == 413


def test_bad_content_type_is_not_a_server_error(client: httpx.Client) -> None:
    r = client.post("/api/ask", content=b"question=hi", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= r.status_code < 500
    r = client.post("/api/reports", json={"file": "x"})
    assert r.status_code == 422


# --------------------------------------------------------------------------------------------
# API key, CORS, headers, bind address


@pytest.fixture(scope="module")
def keyed_server(built_index: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("keyed-home")
    index_dir = home / "index"
    shutil.copytree(built_index[1], index_dir)
    server = start_server(index_dir, home, api_key="s3cret-test-key",
                          YOTASSIST_CORS_ORIGINS='["http://allowed.example"]',
                          YOTASSIST_ALLOWED_HOSTS='["reports.team.example"]')
    yield server
    server.stop()


def test_api_key_guards_write_endpoints(keyed_server: Server) -> None:
    with httpx.Client(base_url=keyed_server.base_url, timeout=120) as c:
        assert c.get("/api/meta").json()["auth_required"] is True
        data = tiny_report("Keyshire")
        for headers in ({}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-test-key"}):
            r = upload(c, "keyed.txt", data, **headers)
            assert r.status_code == 401, (headers, r.text)
            assert "API key" in r.json()["detail"]
        assert c.delete("/api/reports/ashbridge-2023.txt").status_code == 401
        assert "ashbridge-2023.txt" in report_ids(c)
        # reads stay open
        assert c.get("/api/reports").status_code == 200
        assert c.post("/api/rate", json={"key_questions": {"2.2": [{"percent": 70}]}}).status_code == 200

        ok = upload(c, "keyed.txt", data, **{"X-API-Key": "s3cret-test-key"})
        assert ok.status_code == 200, ok.text
        removed = c.delete("/api/reports/keyed.txt", headers={"Authorization": "Bearer s3cret-test-key"})
        assert removed.status_code == 200 and removed.json()["removed"] is True


def test_cors_closed_by_default(client: httpx.Client) -> None:
    origin = {"Origin": "http://evil.example"}
    pre = client.options("/api/ask", headers={**origin, "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type"})
    assert "access-control-allow-origin" not in pre.headers
    get = client.get("/api/reports", headers=origin)
    assert get.status_code == 200 and "access-control-allow-origin" not in get.headers


def test_security_headers(client: httpx.Client) -> None:
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/reports").headers["x-frame-options"] == "DENY"


# --------------------------------------------------------------------------------------------
# cross-site writes and forged Host headers


CROSS_SITE = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}


@pytest.mark.parametrize("headers", [
    CROSS_SITE,
    {"Origin": "http://evil.example"},  # an older browser: no Sec-Fetch-* headers
    {"Sec-Fetch-Site": "cross-site"},
    {"Origin": "null"},  # a sandboxed frame or a file:// page
])
def test_cross_site_upload_and_delete_are_refused(client: httpx.Client, live_server: Server, headers: dict) -> None:
    before = report_ids(client)
    r = upload(client, "cross-site.txt", tiny_report("Crossshire"), **headers)
    assert r.status_code == 403, r.text
    assert "YOTASSIST_CORS_ORIGINS" in r.json()["detail"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert report_ids(client) == before
    assert not (live_server.index_dir / "sources" / "cross-site.txt").exists()
    r = client.delete("/api/reports/ashbridge-2023.txt", headers=headers)
    assert r.status_code == 403
    assert "ashbridge-2023.txt" in report_ids(client)


def test_same_origin_and_tool_writes_still_work(client: httpx.Client, live_server: Server) -> None:
    same = {"Origin": live_server.base_url, "Sec-Fetch-Site": "same-origin"}
    r = upload(client, "same-origin.txt", tiny_report("Sameshire"), **same)
    assert r.status_code == 200, r.text
    assert client.post("/api/rate", json={"key_questions": {"2.2": [{"percent": 70}]}}, headers=same).status_code == 200
    assert client.delete("/api/reports/same-origin.txt", headers=same).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example"])
def test_forged_host_is_refused(live_server: Server, host: str) -> None:
    for path in ("/", "/api/reports", "/healthz"):
        r = httpx.get(live_server.url(path), headers={"Host": host})
        assert r.status_code == 421, (path, r.text)
        assert "YOTASSIST_ALLOWED_HOSTS" in r.json()["detail"]
    assert httpx.get(live_server.url("/api/reports"), headers={"Host": f"localhost:{live_server.port}"}).status_code == 200


def test_allowed_origin_and_host_settings(keyed_server: Server) -> None:
    key = {"X-API-Key": "s3cret-test-key"}
    with httpx.Client(base_url=keyed_server.base_url, timeout=120) as c:
        queued = c.post("/api/reports", files={"file": ("allowed-origin.txt", tiny_report("Allowshire"), "text/plain")},
                        headers={"Origin": "http://allowed.example", "Sec-Fetch-Site": "cross-site", **key})
        assert queued.headers["access-control-allow-origin"] == "http://allowed.example"
        ok = finish_upload(queued)
        assert ok.status_code == 200, ok.text
        assert upload(c, "other-origin.txt", tiny_report("Othershire"), Origin="http://other.example", **key).status_code == 403
        assert c.get("/api/reports", headers={"Host": "reports.team.example"}).status_code == 200
        assert c.get("/api/reports", headers={"Host": "evil.example"}).status_code == 421
        assert c.delete("/api/reports/allowed-origin.txt", headers=key).status_code == 200


@pytest.mark.browser
def test_cross_origin_page_cannot_upload(client: httpx.Client, live_server: Server, chromium_browser) -> None:
    """A real page on another origin posts a form with fetch(no-cors): no report appears."""
    import http.server
    import threading

    from api_support import free_port

    target = live_server.url("/api/reports")
    html = (f"<html><body><script>const f = new FormData(); f.append('file', new Blob(['An inspection of youth "
            f"offending services in Rebindshire\\n\\n2.2. Planning\\n\\nPlanning was fine.\\n']), "
            f"'rebind.txt'); window.done = fetch('{target}', {{method: 'POST', mode: 'no-cors', body: f}})"
            f".then(() => 'sent', e => 'error ' + e);</script></body></html>").encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args) -> None:
            pass

    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    page = chromium_browser.new_page()
    try:
        page.goto(f"http://localhost:{port}/")  # another origin than http://127.0.0.1:<app port>
        assert page.evaluate("window.done") in ("sent", "error TypeError: Failed to fetch")
        assert "rebind.txt" not in report_ids(client)
    finally:
        page.close()
        httpd.shutdown()


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent; picks the outgoing interface
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") else addr


def test_binds_to_loopback_by_default(live_server: Server) -> None:
    # live_server is started without --host
    assert httpx.get(live_server.url("/healthz")).status_code == 200
    addr = _non_loopback_address()
    if addr is None:
        pytest.skip("this machine has no non-loopback IPv4 address to probe")
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://{addr}:{live_server.port}/healthz", timeout=3)


# --------------------------------------------------------------------------------------------
# <script> in a report runs nothing in the page


XSS_LINES = [
    "<script>window.__xss = 'script';</script>",
    "<img src=x onerror=\"window.__xss = 'img'\">",
    "Planning notes <b onmouseover=\"window.__xss = 'b'\">bold</b> and [link](javascript:window.__xss='md') end.",
]


@pytest.mark.browser
def test_script_in_report_runs_nothing(client: httpx.Client, live_server: Server, chromium_browser, artifacts: Path) -> None:
    r = upload(client, "scriptshire-2024.txt", tiny_report("Scriptshire", *XSS_LINES))
    assert r.status_code == 200, r.text
    page = chromium_browser.new_page(viewport={"width": 1366, "height": 820})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(live_server.base_url + "/#reports")
        row = page.locator("tr", has_text="scriptshire-2024.txt")
        row.get_by_role("button", name="Open scriptshire-2024.txt").click()
        body = page.locator("#viewer-body")
        body.get_by_text("<script>window.__xss = 'script';</script>").wait_for()
        assert body.locator("script, img, b").count() == 0

        page.click("#tab-chat")
        page.fill("#question", "What does the Scriptshire report say about planning notes?")
        page.keyboard.press("Enter")
        page.locator(".turn.assistant .answer-meta .mode").wait_for(timeout=60_000)
        conv = page.locator("#conversation")
        assert conv.locator("script, img, b, a[href^='javascript']").count() == 0
        page.screenshot(path=str(artifacts / "security-script-in-report.png"))
        assert page.evaluate("window.__xss") is None
        srcs = page.evaluate("[...document.querySelectorAll('script')].map(s => s.getAttribute('src'))")
        assert srcs == ["/static/js/main.js", "/static/check-panel.js"]  # the page's own scripts only, none inline
        assert not errors, errors
    finally:
        page.close()
        client.delete("/api/reports/scriptshire-2024.txt")
