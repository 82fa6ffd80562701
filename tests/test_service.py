"""The HTTP service as clients use it: a real `cesu-rules serve` on a free loopback port,
called over HTTP with httpx — every endpoint, the errors as data, the limits, the token, the
Urssaf sandbox replaying the published cases, graceful shutdown and a Node client."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from cesu_rules import CesuRulesError, default_ruleset, estimate
from cesu_rules.fields import estimate_json
from cesu_rules.wire import inputs_to_request, load_mapping, request_to_inputs

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "tests" / "regression" / "published"
REQUEST = {"month": "2024-04", "hours": 10, "net_hourly": "12.00"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A `cesu-rules serve` process on a free loopback port."""

    def __init__(self, *options: str, token: str | None = None) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "CESU_RULES_TOKEN"}
        if token:
            env["CESU_RULES_TOKEN"] = token
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cesu_rules.cli", "serve", "--port", str(self.port), *options],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.client = httpx.Client(base_url=self.url, timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.client.get("/v1/health")
                return
            except httpx.TransportError:
                if self.process.poll() is not None:
                    text = self.process.stderr.read() if self.process.stderr else ""
                    raise RuntimeError(text) from None
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        if body is not None:
            kwargs["content"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post(path, **kwargs)

    def stop(self) -> bool:
        """SIGTERM; whether the server stopped on its own (uvicorn finishes the requests in
        flight, then ends with the signal's status, as a terminated process does)."""
        self.client.close()
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=30)
        stderr = self.process.stderr.read() if self.process.stderr else ""
        return status in (0, -signal.SIGTERM) and "Traceback" not in stderr


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server("--max-body", "20000", "--max-rows", "1000")
    yield running
    running.stop()


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field", "value"}
    return dict(body["error"])


# --- estimates ---------------------------------------------------------------------------------


def test_an_estimate_is_the_clis_json_with_the_ruleset_in_a_header(server: Server) -> None:
    response = server.post("/v1/estimate", REQUEST)
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(estimate_json(REQUEST)))
    ruleset = default_ruleset()
    assert response.headers["x-cesu-ruleset"] == f"{ruleset.version} {ruleset.hash}"
    bare = server.post("/v1/estimate?ranges=false&provisional=false", REQUEST).json()
    assert bare["ranges"] == {}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{bad json", 400, "invalid_json"),
        ('{"month": "2024-04", "month": "2024-05"}', 400, "invalid_json"),
        ("[1, 2]", 400, "invalid_json"),
        ('{"month": "2024-04", "hours": true, "net_hourly": "12"}', 422, "invalid_number"),
        ('{"month": "2024-04", "hours": 10, "net_hourly": "12", "tip": 1}', 422, "unknown_input"),
        ('{"month": "April", "hours": 10, "net_hourly": "12"}', 422, "invalid_month"),
        ('{"month": "2024-04", "hours": 10, "net_hourly": "5.00"}', 422, "below_minimum_wage"),
        ('{"month": "2018-01", "hours": 10, "net_hourly": "12"}', 422, "month_not_covered"),
        ('{"month": "2024-04", "hours": 1e2, "net_hourly": "12"}', 400, "invalid_json"),
        ("[" * 100 + "]" * 100, 400, "invalid_json"),
    ],
)
def test_user_mistakes_are_data_never_a_500(
    server: Server, body: str, status: int, code: str
) -> None:
    assert error_of(server.post("/v1/estimate", body), status)["code"] == code


def test_limits_unknown_paths_methods_and_parameters(server: Server) -> None:
    big = {"month": "2024-04", "hours": 10, "net_hourly": "12.00", "pad": "x" * 30_000}
    assert error_of(server.post("/v1/estimate", big), 413)["code"] == "body_too_large"
    assert error_of(server.client.get("/v1/nope"), 404)["code"] == "not_found"
    assert error_of(server.client.get("/v1/estimate"), 405)["code"] == "method_not_allowed"
    bad = error_of(server.post("/v1/estimate?ranges=maybe", REQUEST), 422)
    assert (bad["code"], bad["field"]) == ("invalid_parameter", "ranges")
    assert "x-cesu-ruleset" in server.client.get("/v1/nope").headers


def test_many_estimates_by_rows_or_columns_give_the_single_estimates_cents(
    server: Server,
) -> None:
    rows: list[dict[str, Any]] = [
        {"month": "2024-04", "hours": 10, "net_hourly": "12.00"},
        {"month": "2026-07", "hours": "120", "gross_hourly": "16.40", "exemption": "age_70"},
        {"month": "2024-04", "hours": 10, "net_hourly": "5.00"},
    ]
    by_rows = server.post("/v1/estimates", {"requests": rows}).json()
    columns = {k: [r.get(k) for r in rows] for k in sorted({k for r in rows for k in r})}
    by_columns = server.post("/v1/estimates", {"columns": columns}).json()
    assert by_rows == by_columns
    assert (by_rows["count"], by_rows["failed"]) == (3, 1)
    assert by_rows["errors"][0]["index"] == 2
    assert by_rows["errors"][0]["code"] == "below_minimum_wage"
    for i in range(2):
        kwargs: dict[str, Any] = dict(rows[i])
        single = estimate(kwargs.pop("month"), **kwargs)
        assert by_rows["figures"]["total_cost"][i] == str(single.total_cost)
        assert by_rows["figures"]["employer_total"][i] == str(single.employer_total)
    assert by_rows["figures"]["total_cost"][2] is None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"requests": [{"month": "2024-04", "hours": 1, "tip": 2}]}, 422, "unknown_input"),
        ({"columns": {"month": ["2024-04"], "hours": [1, 2]}}, 400, "invalid_json"),
        ({"requests": [], "columns": {}}, 400, "invalid_json"),
        ({"rows": []}, 400, "invalid_json"),
        ({"columns": {"month": ["2024-04"] * 1001, "hours": [1] * 1001}}, 413, "too_many_rows"),
    ],
)
def test_a_bad_array_body_is_refused_whole(
    server: Server, body: dict[str, Any], status: int, code: str
) -> None:
    assert error_of(server.post("/v1/estimates", body), status)["code"] == code


# --- households, checks, rulesets, schemas ------------------------------------------------------


def test_households_and_checks(server: Server) -> None:
    household = yaml.safe_load((ROOT / "docs" / "examples" / "household.yaml").read_text())
    report = server.post("/v1/household", household).json()
    assert report["ruleset_hash"] == default_ruleset().hash
    assert report["months"]
    case = yaml.safe_load(next(PUBLISHED.glob("U1a_*.yaml")).read_text(encoding="utf-8"))
    checked = server.post("/v1/check", json.loads(json.dumps(case, default=str))).json()
    assert checked["summary"]["passed"] == 1
    invalid = error_of(server.post("/v1/check", {"id": "x"}), 422)
    assert invalid["code"] == "invalid_file"


def test_several_worker_processes_serve_the_same_engine() -> None:
    workers = Server("--workers", "2", "--max-body", "20000")
    try:
        answers = [workers.post("/v1/estimate", REQUEST) for _ in range(6)]
        assert {a.status_code for a in answers} == {200}
        assert {a.json()["gross"] for a in answers} == {"153.61"}
        limited = error_of(workers.post("/v1/estimate", "x" * 30000), 413)
        assert limited["code"] == "body_too_large"  # the options reached every worker
    finally:
        assert workers.stop()


def test_documents_over_http(server: Server) -> None:
    pytest.importorskip("weasyprint", reason="the documents extra")
    pypdf = pytest.importorskip("pypdf")
    household = yaml.safe_load((ROOT / "docs" / "examples" / "household.yaml").read_text())
    body = json.dumps(household, default=str)
    pdf = server.post(
        "/v1/documents/payslip", body, params={"month": "2026-06", "employee": "aide"}
    )
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["X-Cesu-Ruleset"].startswith(default_ruleset().version)
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Bulletin de salaire" in text
    assert "juin 2026" in text
    html = server.post(
        "/v1/documents/tax-summary", body, params={"year": 2026, "format": "html", "lang": "en"}
    )
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert "Tax summary 2026" in html.text
    assert default_ruleset().hash in html.text
    missing = error_of(
        server.post("/v1/documents/payslip", body, params={"month": "2026-03", "employee": "aide"}),
        422,
    )
    assert missing["code"] == "month_not_in_file"
    wrong = error_of(
        server.post("/v1/documents/tax-summary", body, params={"year": 2026, "format": "docx"}),
        422,
    )
    assert wrong["code"] == "invalid_parameter"
    # The year and the month are read by the CLI's own parsers: the same codes and messages.
    year = error_of(server.post("/v1/documents/tax-summary", body, params={"year": "26"}), 422)
    assert (year["code"], year["field"], year["value"]) == ("invalid_year", "year", "26")
    assert "four digits, such as 2026" in year["message"]
    month = error_of(
        server.post("/v1/documents/payslip", body, params={"month": "2026-6", "employee": "aide"}),
        422,
    )
    assert (month["code"], month["value"]) == ("invalid_month", "2026-6")
    assert "write it 2026-06" in month["message"]


def test_rulesets_and_schemas(server: Server) -> None:
    listed = server.client.get("/v1/rulesets").json()
    assert listed["ruleset_hash"] == default_ruleset().hash
    shown = server.client.get("/v1/rulesets/parameters/smic/horaire_brut/metropole?at=2024-04")
    assert shown.json()["name"] == "smic/horaire_brut/metropole"
    assert error_of(server.client.get("/v1/rulesets/parameters/nope"), 422)["code"] == (
        "unknown_parameter"
    )
    diff = server.client.get("/v1/rulesets/diff?from=2025-12&to=2026-01").json()
    assert diff["changes"]
    assert server.client.get("/v1/rulesets/status").json()["values"] > 100
    schema = server.client.get("/v1/schemas/estimate-input").json()
    assert "net_hourly" in schema["properties"]
    assert error_of(server.client.get("/v1/schemas/nope"), 404)["code"] == "not_found"
    openapi = server.client.get("/openapi.json").json()
    assert "/v1/estimate" in openapi["paths"]
    body = openapi["paths"]["/v1/estimate"]["post"]["requestBody"]["content"]["application/json"]
    assert "hours" in body["schema"]["properties"]


# --- the Urssaf sandbox -----------------------------------------------------------------------


def test_the_sandbox_replays_the_published_cases_in_the_wire_format(server: Server) -> None:
    mapping = load_mapping()
    replayed = 0
    for path in sorted(PUBLISHED.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        inputs: dict[str, Any] = {k: str(v) for k, v in case["inputs"].items()}
        month = inputs.pop("month")
        result = estimate(month, **inputs)
        if result.hours != result.hours.to_integral_value():
            continue  # the wire takes whole hours
        wire, _ = inputs_to_request(mapping, result)
        # What the wire does not carry goes in the query, as for a saved API exchange.
        carried = {"hours", "net_hourly", "net_monthly", "gross_hourly", "territory"}
        query = {k: v for k, v in inputs.items() if k not in carried}
        response = server.post(
            "/v1/sandbox/urssaf-paje-1.0.0/estimer", wire, params={"month": month, **query}
        )
        # The wire carries the month's net: the answer is the engine's on what was sent —
        # its figures, or its refusal in the Urssaf's error format.
        refusal = None
        try:
            sent = estimate(month, **request_to_inputs(mapping, wire), **query)
        except CesuRulesError as exc:
            refusal = exc.code
        if refusal is not None:
            assert response.status_code == 400, (path.name, response.text)
            assert response.json()[0]["code"] == refusal
        else:
            assert response.status_code == 200, (path.name, response.text)
            assert response.headers["x-cesu-month"] == month
            answer = response.json()
            for field, figure in mapping.response.items():
                assert Decimal(str(answer[field])) == getattr(sent, figure), (path.name, field)
        replayed += 1
    assert replayed >= 10
    refused = server.post(
        "/v1/sandbox/urssaf-paje-1.0.0/estimer?month=2024-04", {"mntSalaireNetMensuel": 1}
    )
    assert refused.status_code == 400
    assert refused.json()[0]["code"] == "invalid_wire"
    assert error_of(server.post("/v1/sandbox/nope/estimer", {}), 404)["code"] == "not_found"


# --- safety and life cycle ---------------------------------------------------------------------


def test_a_token_is_required_when_one_is_set() -> None:
    guarded = Server(token="s3cret-token")
    try:
        assert guarded.client.get("/v1/health").status_code == 200  # open, for probes
        assert error_of(guarded.post("/v1/estimate", REQUEST), 401)["code"] == "unauthorized"
        wrong = guarded.post("/v1/estimate", REQUEST, headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = guarded.post(
            "/v1/estimate", REQUEST, headers={"authorization": "Bearer s3cret-token"}
        )
        assert right.status_code == 200
    finally:
        assert guarded.stop()


def test_serving_beyond_the_loopback_needs_a_token() -> None:
    env = {k: v for k, v in os.environ.items() if k != "CESU_RULES_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "cesu_rules.cli", "serve", "--host", "0.0.0.0", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "needs a token: set CESU_RULES_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr


def test_sigterm_stops_the_server_gracefully() -> None:
    running = Server()
    assert running.post("/v1/estimate", REQUEST).status_code == 200
    started = time.monotonic()
    assert running.stop()
    assert time.monotonic() - started < 10


def test_the_node_client_example_runs(server: Server) -> None:
    node = shutil.which("node")
    if node is None:  # pragma: no cover - CI installs Node (see .ci/run)
        pytest.skip("the client example needs Node 18 or later")
    done = subprocess.run(
        [node, str(ROOT / "docs" / "examples" / "client.mjs")],
        env={**os.environ, "CESU_URL": server.url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "estimate: HTTP 200, gross 153.61 €, Urssaf debit 82.25 €" in done.stdout
    assert "error: HTTP 422, invalid_number on net_hourly" in done.stdout
    assert "estimates: 3 rows, 1 refused" in done.stdout
    assert "sandbox: HTTP 200, mntCotiEmplAcharge 82.25, mntExoEmployeur 20" in done.stdout
