"""Fixtures for the accounts tests: reading mailed codes, and a fake Kakao/Naver OAuth server."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail


@pytest.fixture
def mailed_code():
    """The 6-digit code in the newest verification mail."""

    def find() -> str:
        for message in reversed(mail.outbox):
            if match := re.search(r"인증 코드: (\d{6})", message.body):
                return match.group(1)
        raise AssertionError("no verification code was mailed")

    return find


class FakeOAuth:
    """Kakao and Naver as a local HTTP server: same paths, same JSON shapes (../shared/INTEGRATIONS.md).

    ``profiles[provider]`` is what the profile endpoint answers; ``token_requests`` records the token calls.
    """

    CLIENTS = {"kakao": ("kakao-client", "kakao-secret"), "naver": ("naver-client", "naver-secret")}

    def __init__(self) -> None:
        self.profiles: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.issued: dict[str, str] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                provider = {"/oauth/token": "kakao", "/oauth2.0/token": "naver"}.get(urlparse(self.path).path)
                if provider is None:
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length", 0))
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                fake.token_requests.append({"provider": provider, **form})
                client_id, secret = fake.CLIENTS[provider]
                if form.get("grant_type") != "authorization_code" or form.get("client_id") != client_id:
                    return self._json(
                        401, {"error": "invalid_client", "error_description": "Bad client credentials"}
                    )
                if form.get("client_secret") != secret or not form.get("code"):
                    return self._json(
                        401, {"error": "invalid_grant", "error_description": "authorization code not found"}
                    )
                token = f"{provider}-access-{form['code']}"
                fake.issued[token] = provider
                return self._json(
                    200,
                    {
                        "access_token": token,
                        "token_type": "bearer",
                        "refresh_token": "refresh",
                        "expires_in": 21599,
                    },
                )

            def do_GET(self) -> None:
                provider = {"/v2/user/me": "kakao", "/v1/nid/me": "naver"}.get(urlparse(self.path).path)
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if provider is None:
                    return self._json(404, {"error": "not_found"})
                if fake.issued.get(token) != provider:
                    if provider == "kakao":
                        return self._json(401, {"msg": "this access token does not exist", "code": -401})
                    return self._json(401, {"resultcode": "024", "message": "Authentication failed"})
                profile = fake.profiles[provider]
                if provider == "naver":
                    return self._json(200, {"resultcode": "00", "message": "success", "response": profile})
                return self._json(200, profile)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def kakao_profile(*, id: int, nickname: str, email: str | None, verified: bool = True) -> dict:
        account = {
            "profile_nickname_needs_agreement": False,
            "profile": {
                "nickname": nickname,
                "thumbnail_image_url": "http://k.kakaocdn.net/dn/thumb.jpg",
                "profile_image_url": "http://k.kakaocdn.net/dn/profile.jpg",
                "is_default_image": False,
            },
            "has_email": email is not None,
        }
        if email:
            account.update(
                email_needs_agreement=False, is_email_valid=True, is_email_verified=verified, email=email
            )
        return {
            "id": id,
            "connected_at": "2026-11-26T01:00:00Z",
            "properties": {"nickname": nickname},
            "kakao_account": account,
        }

    @staticmethod
    def naver_profile(*, id: str, name: str, email: str, mobile: str) -> dict:
        return {
            "id": id,
            "nickname": name[:1] + "**",
            "profile_image": "https://phinf.pstatic.net/contact/profile.png",
            "age": "30-39",
            "gender": "F",
            "email": email,
            "mobile": mobile,
            "mobile_e164": "+82" + mobile.replace("-", "")[1:],
            "name": name,
            "birthday": "10-01",
            "birthyear": "1990",
        }


@pytest.fixture
def fake_oauth(settings):
    """A running fake of Kakao and Naver; settings point allauth's providers at it."""
    fake = FakeOAuth()
    fake.thread.start()
    settings.KAKAO_AUTH_URL = settings.KAKAO_API_URL = fake.url
    settings.NAVER_AUTH_URL = settings.NAVER_API_URL = fake.url
    settings.SOCIALACCOUNT_PROVIDERS = {
        provider: {"APPS": [{"client_id": client_id, "secret": secret}]}
        for provider, (client_id, secret) in FakeOAuth.CLIENTS.items()
    }
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
