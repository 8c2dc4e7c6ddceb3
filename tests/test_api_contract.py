"""The HTTP contract schemathesis probes: every error is JSON with the security headers, malformed
bodies are documented 422s, wrong-typed numbers are refused, ``Allow`` lists the real methods and an
absurd number of key-question values is one clear refusal (API and CLI)."""

from __future__ import annotations

import json
import subprocess
import uuid

import httpx
import pytest

from api_support import ROOT, cli, server_env

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

BODY_ROUTES = ["/api/ask", "/api/ask/stream", "/api/draft", "/api/draft/docx", "/api/rate", "/api/draft/domain"]
CITATION = {"n": 1, "source": "ashbridge-2023.txt", "section": "2.2", "title": "Planning",
            "line_start": 1, "line_end": 2, "quote": "x"}


def assert_json_error(r: httpx.Response, status: int) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json"), r.headers
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]
    assert "content-security-policy" in r.headers and r.headers["x-content-type-options"] == "nosniff"


def test_body_limit_413_is_json_with_security_headers(client: httpx.Client) -> None:
    huge = b'{"question": "' + b"x" * (3 << 20) + b'"}'
    r = client.post("/api/ask", content=huge, headers={"Content-Type": "application/json"})
    assert_json_error(r, 413)
    assert "too large" in r.json()["detail"]


@pytest.mark.parametrize("path", BODY_ROUTES)
def test_malformed_json_bodies_are_documented_422s(client: httpx.Client, path: str) -> None:
    spec = client.get("/openapi.json").json()
    documented = spec["paths"][path]["post"]["responses"]
    for body in (b"\xff\xfe{not utf-8", b'{"question": ', b"\x00"):
        r = client.post(path, content=body, headers={"Content-Type": "application/json"})
        assert_json_error(r, 422)
        assert str(r.status_code) in documented
    assert "400" not in documented


@pytest.mark.parametrize("path", ["/api/reports", "/api/check"])
def test_malformed_multipart_upload_is_a_documented_422(client: httpx.Client, path: str) -> None:
    boundary = uuid.uuid4().hex
    for body in (b"--" + boundary.encode() + b'\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n\r\nno end',
                 b"--" + boundary.encode() + b"\r\nNone--" + boundary.encode() + b"--\r\n"):
        r = client.post(path, content=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert_json_error(r, 422)
    assert "422" in client.get("/openapi.json").json()["paths"][path]["post"]["responses"]


@pytest.mark.parametrize("page", ["3", 3.5, True, [3]])
def test_docx_refuses_wrong_typed_citation_page(client: httpx.Client, page: object) -> None:
    body = {"standard": "2.2", "kind": "strengths", "bullets": ["x [1]"], "citations": [{**CITATION, "page": page}]}
    r = client.post("/api/draft/docx", json=body)
    assert_json_error(r, 422)
    assert "page" in r.json()["detail"]


@pytest.mark.parametrize("percent", ["50", True, "fifty"])
def test_rate_refuses_wrong_typed_percent(client: httpx.Client, percent: object) -> None:
    r = client.post("/api/rate", json={"key_questions": {"2.2": [{"percent": percent}]}})
    assert_json_error(r, 422)
    ok = client.post("/api/rate", json={"key_questions": {"2.2": [{"percent": 50}, {"yes": 3, "relevant": 4}]}})
    assert ok.status_code == 200, ok.text


@pytest.mark.parametrize("path, methods", [
    ("/api/reports", {"GET", "POST"}),
    ("/api/reports/ashbridge-2023.txt", {"GET", "DELETE"}),
    ("/api/ask", {"POST"}),
    ("/healthz", {"GET"}),
])
def test_options_and_405_list_the_real_methods(client: httpx.Client, path: str, methods: set[str]) -> None:
    r = client.options(path)
    assert r.status_code in (200, 204), r.text
    allow = {m.strip() for m in r.headers["allow"].split(",")}
    assert methods <= allow and "PUT" not in allow
    r = client.put(path, json={})
    assert_json_error(r, 405)
    assert methods <= {m.strip() for m in r.headers["allow"].split(",")}


def test_five_thousand_key_question_values_are_refused_in_one_line(client: httpx.Client, tmp_path) -> None:
    spec = "2.2=" + ",".join(["5/8"] * 5000)
    r = client.post("/api/draft/domain", json={"domain": "2", "kq": [spec]})
    assert_json_error(r, 422)
    detail = r.json()["detail"]
    assert "5000 values" in detail and "at most 6" in detail and len(detail) < 300, detail
    r = client.post("/api/rate", json={"key_questions": {"2.2": [{"yes": 5, "relevant": 8}] * 5000}})
    assert_json_error(r, 422)
    assert len(r.json()["detail"]) < 500
    r = client.post("/api/draft", json={"standard": "2.2", "kind": "findings", "kq": [{"yes": 5, "relevant": 8}] * 5000})
    assert_json_error(r, 422)

    proc = subprocess.run(cli("rate", "--kq", spec), cwd=ROOT, env=server_env(tmp_path), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2, proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "5000 values" in lines[0] and "at most 6" in lines[0], proc.stderr
    assert len(lines[0]) < 300


def test_every_documented_422_has_the_shape_the_api_answers_with(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            answer = operation["responses"].get("422")
            if answer:
                assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut"), (method, path)
    assert "HTTPValidationError" not in json.dumps(spec)
    r = client.get("/api/conversations/00000000-0000-0000-0000-000000000000/export", params={"format": "null"})
    assert_json_error(r, 422)
    assert isinstance(r.json()["errors"], list)
