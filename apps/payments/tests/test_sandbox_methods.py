"""The sandbox speaks each method's window and the 가상계좌's life (issued, deposited, expired) as PortOne does."""

import datetime

import pytest
import requests

from apps.payments.sandbox.state import KST, VBANK_REFUND_ACCOUNT_MESSAGE, vbank_due_parse


@pytest.mark.parametrize(
    ("pg", "label"),
    [("kakaopay.TC0ONETIME", "카카오페이"), ("naverpay", "네이버페이"), ("tosspay", "토스페이")],
)
def test_an_easy_pay_pg_opens_its_own_approval_window(pg_sandbox, pg, label):
    """카카오페이, 네이버페이 and 토스페이 windows ask no card number: the app approves."""
    page = requests.get(
        pg_sandbox.window_url(pg=pg, pay_method="card", merchant_uid="o-1", amount=1000), timeout=5
    )

    assert page.status_code == 200
    assert f"<h1>{label}</h1>" in page.text
    assert "카드번호" not in page.text


def test_naverpay_without_its_products_fails(pg_sandbox):
    """네이버페이 requires naverProducts, as PortOne's SDK does."""
    pg_sandbox.ledger.prepare("o-2", 1000)

    result = pg_sandbox.shopper_pay(pg="naverpay", pay_method="card", merchant_uid="o-2", amount=1000)

    assert result["imp_success"] == "false"
    assert "naverProducts" in result["error_msg"]


def test_a_virtual_account_is_issued_ready_then_deposited_over_http(pg_sandbox, webhook_receiver):
    """Issue → ready with bank, number, holder, deadline and a ready webhook; POST deposit → paid and its webhook."""
    result = pg_sandbox.shopper_pay(
        pg="html5_inicis.INIpayTest", pay_method="vbank", merchant_uid="o-3", amount=25000,
        vbank_due="202612312359", vbank_code="004", notice_url=webhook_receiver.url,
    )  # fmt: skip
    payment = pg_sandbox.ledger.payment_get(result["imp_uid"])

    assert result["imp_success"] == "true"
    assert payment["status"] == "ready"
    assert (payment["vbank_code"], payment["vbank_name"]) == ("004", "KB국민은행")
    assert payment["vbank_num"]
    assert payment["vbank_holder"]
    assert payment["vbank_date"] == int(datetime.datetime(2026, 12, 31, 23, 59, tzinfo=KST).timestamp())
    assert webhook_receiver.received[-1]["body"]["status"] == "ready"

    answer = requests.post(
        f"{pg_sandbox.url}sandbox/vbank/deposit", json={"imp_uid": result["imp_uid"]}, timeout=5
    )

    assert answer.json()["response"]["status"] == "paid"
    assert webhook_receiver.received[-1]["body"] == {
        "imp_uid": result["imp_uid"],
        "merchant_uid": "o-3",
        "status": "paid",
    }


def test_an_expired_account_takes_no_deposit_and_a_deposit_is_refunded_only_to_an_account(pg_sandbox):
    """기한 만료 refuses the deposit; a paid 가상계좌's cancel without refund_holder/bank/account is refused."""
    expired = pg_sandbox.shopper_pay(pg="kcp.T0000", pay_method="vbank", merchant_uid="o-4", amount=1000)
    requests.post(f"{pg_sandbox.url}sandbox/vbank/expire", json={"imp_uid": expired["imp_uid"]}, timeout=5)
    refused = requests.post(
        f"{pg_sandbox.url}sandbox/vbank/deposit", json={"imp_uid": expired["imp_uid"]}, timeout=5
    ).json()
    assert refused["code"] != 0

    paid = pg_sandbox.shopper_pay(pg="kcp.T0000", pay_method="vbank", merchant_uid="o-5", amount=1000)
    pg_sandbox.vbank_deposit(paid["imp_uid"])
    token = pg_sandbox.ledger.token_issue(pg_sandbox.ledger.imp_key, pg_sandbox.ledger.imp_secret)[
        "access_token"
    ]
    cancel = requests.post(
        f"{pg_sandbox.url}payments/cancel", json={"imp_uid": paid["imp_uid"], "checksum": 1000},
        headers={"Authorization": token}, timeout=5,
    ).json()  # fmt: skip
    assert cancel["message"] == VBANK_REFUND_ACCOUNT_MESSAGE


def test_vbank_due_takes_portones_formats_in_korea_time():
    """YYYYMMDD closes at the day's end; YYYY-MM-DD HH:mm:ss and YYYYMMDDHHmm are exact (KST)."""
    day_end = int(datetime.datetime(2026, 12, 24, 23, 59, 59, tzinfo=KST).timestamp())
    assert vbank_due_parse("20261224", 0) == day_end
    assert vbank_due_parse("2026-12-24 23:59:59", 0) == day_end
    assert vbank_due_parse("202612241200", 0) == day_end - 12 * 3600 + 1
    assert vbank_due_parse("", 100) > 100


def test_the_demo_page_lists_open_accounts_and_its_buttons_deposit(pg_sandbox):
    """GET /sandbox/vbank lists the accounts waiting; its 입금하기 form deposits and comes back to the list."""
    issued = pg_sandbox.shopper_pay(pg="kcp.T0000", pay_method="vbank", merchant_uid="o-6", amount=3000)
    payment = pg_sandbox.ledger.payment_get(issued["imp_uid"])

    page = requests.get(f"{pg_sandbox.url}sandbox/vbank", timeout=5)
    assert payment["vbank_num"] in page.text
    assert "입금하기" in page.text

    pressed = requests.post(
        f"{pg_sandbox.url}sandbox/vbank/deposit",
        data={"imp_uid": issued["imp_uid"]},
        allow_redirects=False,
        timeout=5,
    )
    assert pressed.status_code == 303
    assert pg_sandbox.ledger.payment_get(issued["imp_uid"])["status"] == "paid"
    assert payment["vbank_num"] not in requests.get(f"{pg_sandbox.url}sandbox/vbank", timeout=5).text
