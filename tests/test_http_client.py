"""The polite client against a real loopback server: politeness rules and every failure kind."""
from __future__ import annotations

import time

import pytest

from hub.charset import decode_text
from hub.config import ClientSettings
from hub.http_client import FetchError, PoliteClient, RateLimiter
from sample_sites.server import Page, SampleSites

UA = "BKKConnectDataHub/test (+https://example.org/contact)"


class Echo:
    name = "echo"

    def page(self, path, query):
        if path == "/thai-legacy":
            return Page("<html><head><meta charset='windows-874'></head><body>ข่าวเขตพระนคร</body></html>"
                        .encode("cp874"), "text/html")
        if path == "/private/secret":
            return Page(b"no", "text/plain")
        return Page(f"<html><body>{path}</body></html>".encode(), "text/html; charset=utf-8")


@pytest.fixture
def server():
    with SampleSites({"echo": Echo()}) as sites:
        sites.timeout_fault_s = 1.0
        sites.oversize_bytes = 50_000
        yield sites


def client_for(server, **overrides) -> PoliteClient:
    settings = ClientSettings(user_agent=UA, connect_timeout_s=0.5, read_timeout_s=0.4, max_body_bytes=20_000,
                              max_retries=1, backoff_base_s=0.01, max_retry_after_s=5, **overrides)
    host = server.base_urls["echo"].split("//")[1]
    return PoliteClient(settings, {host}, {host: 1000})


def test_identifies_itself_and_gets_a_page(server):
    client = client_for(server)
    response = client.get(server.base_urls["echo"] + "/news")
    assert response.status == 200 and b"/news" in response.body
    assert server.log[-1].user_agent == UA


def test_conditional_get_gets_304(server):
    client = client_for(server)
    first = client.get(server.base_urls["echo"] + "/a")
    again = client.get(server.base_urls["echo"] + "/a", etag=first.headers["ETag"])
    assert again.status == 304 and again.body == b""


def test_robots_txt_is_obeyed(server):
    client = client_for(server)
    with pytest.raises(FetchError) as err:
        client.get(server.base_urls["echo"] + "/private/secret")
    assert err.value.kind == "robots_disallowed"
    server.set_fault("echo", "robots_disallow")
    fresh = client_for(server)
    with pytest.raises(FetchError) as err:
        fresh.get(server.base_urls["echo"] + "/news")
    assert err.value.kind == "robots_disallowed"


@pytest.mark.parametrize("mode,kind", [("500", "http_status"), ("timeout", "timeout"), ("oversize", "too_large"),
                                       ("truncated", "truncated"), ("redirect_offsite", "host_not_allowed")])
def test_failures_raise_with_a_kind(server, mode, kind):
    client = client_for(server)
    client.get(server.base_urls["echo"] + "/warm-robots")
    server.set_fault("echo", mode)
    with pytest.raises(FetchError) as err:
        client.get(server.base_urls["echo"] + "/news")
    assert err.value.kind == kind


def test_retry_after_is_honoured_then_gives_up(server):
    client = client_for(server)
    client.get(server.base_urls["echo"] + "/warm-robots")
    server.set_fault("echo", "503_retry_after")
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        client.get(server.base_urls["echo"] + "/news")
    assert err.value.status == 503
    assert time.monotonic() - started >= 0.9            # waited the 1 s the server asked for
    assert sum(1 for r in server.log if r.path == "/news") == 2    # one retry, then gave up


def test_host_not_on_allow_list_is_never_contacted(server):
    client = client_for(server)
    with pytest.raises(FetchError) as err:
        client.get("http://127.0.0.3:9/news")
    assert err.value.kind == "host_not_allowed"


def test_rate_limiter_spaces_requests_per_host():
    clock = [0.0]
    slept = []
    limiter = RateLimiter({"a": 2.0}, clock=lambda: clock[0], sleep=lambda s: (slept.append(s), clock.__setitem__(0, clock[0] + s)))
    for _ in range(4):
        limiter.wait("a")
    assert slept == [0.5, 0.5, 0.5]
    limiter.wait("b")                                    # other hosts do not wait for "a"
    assert len(slept) == 3


def test_windows_874_declared_in_meta_decodes(server):
    client = client_for(server)
    response = client.get(server.base_urls["echo"] + "/thai-legacy")
    assert "ข่าวเขตพระนคร" in decode_text(response.body, response.headers.get("Content-Type"))
    wrong = "ข่าว".encode("cp874")
    assert decode_text(wrong, "text/html; charset=utf-8") == "ข่าว"   # wrong header: falls back, no mojibake


def test_proxy_variables_are_read_once_per_host_and_no_proxy_is_honoured(monkeypatch):
    from hub.http_client import PoliteClient
    from tests.crawl_helpers import TEST_CLIENT

    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = PoliteClient(TEST_CLIENT, {"partner.example", "127.0.0.1:8701"}, {})
    assert client._proxies_for("http://partner.example/a")["http"] == "http://proxy.invalid:3128"
    assert client._proxies_for("http://127.0.0.1:8701/a") == {}
    monkeypatch.setenv("HTTP_PROXY", "http://other.invalid:1")        # read once: a later change is not seen
    assert client._proxies_for("http://partner.example/b")["http"] == "http://proxy.invalid:3128"
    assert client.session.trust_env is False
