"""The PG sandbox speaks PortOne REST API v1: paths, envelope, statuses and errors."""

import time

import requests

from apps.payments.sandbox import SANDBOX_IMP_KEY, SANDBOX_IMP_SECRET

CREDENTIALS = {"imp_key": SANDBOX_IMP_KEY, "imp_secret": SANDBOX_IMP_SECRET}
# Every field INTEGRATIONS.md lists for PortOne's Payment object.
PAYMENT_FIELDS = {
    "imp_uid", "merchant_uid", "pay_method", "channel", "pg_provider", "pg_tid", "name", "amount", "cancel_amount",
    "currency", "buyer_name", "buyer_email", "buyer_tel", "buyer_addr", "buyer_postcode", "custom_data", "status",
    "started_at", "paid_at", "failed_at", "cancelled_at", "fail_reason", "cancel_reason", "receipt_url",
    "cancel_history",
}  # fmt: skip


def _token(sandbox) -> str:
    return requests.post(f"{sandbox.url}users/getToken", json=CREDENTIALS, timeout=5).json()["response"][
        "access_token"
    ]


def test_get_token_returns_the_same_token_until_it_expires(pg_sandbox):
    """getToken answers {access_token, now, expired_at} in the envelope, 30 minutes, the same token twice."""
    first = requests.post(f"{pg_sandbox.url}users/getToken", json=CREDENTIALS, timeout=5)
    second = requests.post(f"{pg_sandbox.url}users/getToken", data=CREDENTIALS, timeout=5)

    assert first.status_code == 200
    body = first.json()
    assert body["code"] == 0
    assert body["message"] is None
    assert body["response"]["expired_at"] - body["response"]["now"] == 30 * 60
    assert abs(body["response"]["now"] - time.time()) < 5
    assert second.json()["response"]["access_token"] == body["response"]["access_token"]


def test_wrong_key_is_401_with_the_envelope(pg_sandbox):
    """A wrong imp_secret gets HTTP 401 and code -1, never a token."""
    response = requests.post(
        f"{pg_sandbox.url}users/getToken", json={**CREDENTIALS, "imp_secret": "wrong"}, timeout=5
    )

    assert response.status_code == 401
    assert response.json()["code"] == -1
    assert response.json()["response"] is None


def test_api_calls_need_a_token_bare_or_bearer(pg_sandbox):
    """Authorization is accepted bare (iamport-rest-client) and as Bearer (the docs); none is 401."""
    token = _token(pg_sandbox)
    url = f"{pg_sandbox.url}payments/prepare"

    bare = requests.post(url, json={"merchant_uid": "m-1", "amount": 1000}, headers={"Authorization": token})
    bearer = requests.get(f"{url}/m-1", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    anonymous = requests.get(f"{url}/m-1", timeout=5)

    assert bare.json() == {"code": 0, "message": None, "response": {"merchant_uid": "m-1", "amount": 1000}}
    assert bearer.json()["response"] == {"merchant_uid": "m-1", "amount": 1000}
    assert anonymous.status_code == 401


def test_unknown_payment_is_404_with_portone_message(pg_sandbox):
    """GET payments/{unknown} and payments/find/{unknown} answer PortOne's not-found envelope with HTTP 404."""
    headers = {"Authorization": _token(pg_sandbox)}

    by_imp_uid = requests.get(f"{pg_sandbox.url}payments/imp_000000000000", headers=headers, timeout=5)
    by_merchant_uid = requests.get(f"{pg_sandbox.url}payments/find/nobody", headers=headers, timeout=5)

    expected = {"code": -1, "message": "존재하지 않는 결제정보입니다.", "response": None}
    assert (by_imp_uid.status_code, by_imp_uid.json()) == (404, expected)
    assert (by_merchant_uid.status_code, by_merchant_uid.json()) == (404, expected)


def test_prepare_twice_is_refused_and_put_changes_it(pg_sandbox):
    """A merchant_uid is pre-registered once (code 1 after); PUT payments/prepare changes its amount."""
    headers = {"Authorization": _token(pg_sandbox)}
    url = f"{pg_sandbox.url}payments/prepare"
    requests.post(url, json={"merchant_uid": "m-2", "amount": 1000}, headers=headers, timeout=5)

    again = requests.post(url, json={"merchant_uid": "m-2", "amount": 1000}, headers=headers, timeout=5)
    changed = requests.put(url, json={"merchant_uid": "m-2", "amount": 2000}, headers=headers, timeout=5)

    assert again.status_code == 200
    assert again.json()["code"] == 1
    assert changed.json()["response"]["amount"] == 2000


def test_paid_payment_has_every_portone_field(pg_sandbox):
    """A payment made in the window is found by imp_uid and by merchant_uid with all Payment fields."""
    headers = {"Authorization": _token(pg_sandbox)}
    result = pg_sandbox.shopper_pay(
        merchant_uid="m-3",
        amount=15900,
        name="무선 이어폰",
        buyer_name="김트라이",
        buyer_email="k@example.com",
    )

    by_imp_uid = requests.get(
        f"{pg_sandbox.url}payments/{result['imp_uid']}", headers=headers, timeout=5
    ).json()
    by_merchant = requests.get(f"{pg_sandbox.url}payments/find/m-3", headers=headers, timeout=5).json()

    payment = by_imp_uid["response"]
    assert payment.keys() >= PAYMENT_FIELDS
    assert payment["status"] == "paid"
    assert payment["amount"] == 15900
    assert payment["currency"] == "KRW"
    assert payment["buyer_name"] == "김트라이"
    assert payment["paid_at"] > 0
    assert payment["cancel_history"] == []
    assert by_merchant["response"]["imp_uid"] == result["imp_uid"]


def test_cancel_by_merchant_uid_with_checksum(pg_sandbox):
    """payments/cancel finds the payment by merchant_uid; a wrong checksum is refused with code 1."""
    headers = {"Authorization": _token(pg_sandbox)}
    pg_sandbox.shopper_pay(merchant_uid="m-4", amount=10000, name="양말")
    url = f"{pg_sandbox.url}payments/cancel"

    wrong = requests.post(
        url, json={"merchant_uid": "m-4", "reason": "단순 변심", "checksum": 9000}, headers=headers
    )
    right = requests.post(
        url, json={"merchant_uid": "m-4", "reason": "단순 변심", "checksum": 10000}, headers=headers
    )

    assert wrong.json()["code"] == 1
    assert "checksum" in wrong.json()["message"]
    cancelled = right.json()["response"]
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancel_amount"] == 10000
    assert cancelled["cancel_history"][0]["reason"] == "단순 변심"
    assert {"pg_tid", "amount", "cancelled_at", "reason", "receipt_url"} <= cancelled["cancel_history"][
        0
    ].keys()


def test_fault_error500_then_normal(pg_sandbox):
    """An injected error500 answers the next N API calls with HTTP 500, then the sandbox recovers."""
    pg_sandbox.inject_fault("error500", count=1)

    failed = requests.post(f"{pg_sandbox.url}users/getToken", json=CREDENTIALS, timeout=5)
    recovered = requests.post(f"{pg_sandbox.url}users/getToken", json=CREDENTIALS, timeout=5)

    assert failed.status_code == 500
    assert failed.json()["code"] == -1
    assert recovered.status_code == 200


def test_faults_can_be_set_over_http(pg_sandbox):
    """POST /sandbox/faults is the drill's switch: a timeout fault makes the next call answer late."""
    set_fault = requests.post(
        f"{pg_sandbox.url}sandbox/faults", json={"mode": "timeout", "count": 1, "delay": 0.3}, timeout=5
    )
    started = time.monotonic()
    requests.post(f"{pg_sandbox.url}users/getToken", json=CREDENTIALS, timeout=5)

    assert set_fault.json()["response"] == {"mode": "timeout", "count": 1, "delay": 0.3}
    assert time.monotonic() - started >= 0.3
    assert requests.get(f"{pg_sandbox.url}sandbox/faults", timeout=5).json()["response"]["count"] == 0


def test_state_file_keeps_payments_across_restarts(tmp_path):
    """With a state file a restarted sandbox still knows its payments and pre-registered amounts."""
    from apps.payments.sandbox import PGSandbox

    state_file = tmp_path / "pg.json"
    first = PGSandbox(state_file=state_file).start()
    try:
        first.ledger.prepare("m-5", 5000)
        imp_uid = first.shopper_pay(merchant_uid="m-5", amount=5000, name="모자")["imp_uid"]
    finally:
        first.stop()
    second = PGSandbox(state_file=state_file)

    assert second.ledger.payment_get(imp_uid)["status"] == "paid"
    assert second.ledger.prepared_get("m-5")["amount"] == 5000
    second.httpd.server_close()
