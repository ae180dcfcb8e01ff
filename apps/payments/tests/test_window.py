"""The sandbox payment window, its webhooks, and the SDK stand-in a checkout page loads."""

import time
import urllib.parse

import pytest
import requests

from apps.payments.sandbox import DECLINED_CARD_NUMBER


def _window_form(sandbox, **params) -> dict:
    return {k: v for k, v in params.items() if v is not None} | {
        "card_number": "4111 1111 1111 1111",
        "expiry": "12/39",
        "pwd_2digit": "12",
        "agree": "1",
        "action": "pay",
    }


def test_window_shows_a_korean_card_form(pg_sandbox):
    """GET /sandbox/pay shows the order, the amount in 원 and the card fields a Korean PG window asks for."""
    page = requests.get(
        pg_sandbox.window_url(merchant_uid="o-1", amount=39000, name="오버핏 니트"), timeout=5
    )

    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    for text in (
        "오버핏 니트",
        "39,000",
        "카드번호",
        "유효기간",
        "비밀번호 앞 2자리",
        "39,000원 결제하기",
        "취소",
    ):
        assert text in page.text


def test_paying_redirects_to_m_redirect_url_with_the_result(pg_sandbox):
    """결제하기 answers 303 to m_redirect_url?imp_uid=…&merchant_uid=…&imp_success=true."""
    params = {"merchant_uid": "o-2", "amount": "12000", "name": "양말 세트",
              "m_redirect_url": "http://shop.test/payments/complete/?from=checkout"}  # fmt: skip

    response = requests.post(
        f"{pg_sandbox.url}sandbox/pay",
        data=_window_form(pg_sandbox, **params),
        allow_redirects=False,
        timeout=5,
    )

    assert response.status_code == 303
    location = urllib.parse.urlsplit(response.headers["Location"])
    query = dict(urllib.parse.parse_qsl(location.query))
    assert location.path == "/payments/complete/"
    assert query["from"] == "checkout"
    assert query["imp_success"] == "true"
    assert query["merchant_uid"] == "o-2"
    assert pg_sandbox.ledger.payment_get(query["imp_uid"])["status"] == "paid"


def test_card_details_are_never_stored(pg_sandbox):
    """Only the masked card number is kept; the expiry and the password digits are not."""
    result = pg_sandbox.shopper_pay(
        merchant_uid="o-3", amount=5000, name="모자", card_number="9410123412345678"
    )

    payment = pg_sandbox.ledger.payment_get(result["imp_uid"])
    assert payment["card_number"] == "941012******5678"
    assert "12/39" not in str(payment)


def test_declining_test_card_fails_without_webhook(pg_sandbox, webhook_receiver):
    """The documented declining card makes a failed payment, imp_success=false, and no webhook."""
    result = pg_sandbox.shopper_pay(
        merchant_uid="o-4",
        amount=5000,
        name="모자",
        card_number=DECLINED_CARD_NUMBER,
        notice_url=webhook_receiver.url,
    )

    assert result["imp_success"] == "false"
    assert result["error_msg"].startswith("카드사 승인 거절")
    assert pg_sandbox.ledger.payment_get(result["imp_uid"])["status"] == "failed"
    assert webhook_receiver.received == []


def test_cancel_button_returns_a_user_cancel(pg_sandbox):
    """취소 comes back with imp_success=false and PortOne's user-cancel message."""
    result = pg_sandbox.shopper_pay(merchant_uid="o-5", amount=5000, name="모자", action="cancel")

    assert result["imp_success"] == "false"
    assert result["error_msg"] == "사용자가 결제를 취소하셨습니다."


def test_a_mistyped_card_stays_in_the_window(pg_sandbox):
    """A card number of the wrong length re-shows the form with the error; nothing is recorded."""
    form = _window_form(pg_sandbox, merchant_uid="o-6", amount="5000", name="모자") | {"card_number": "1234"}

    response = requests.post(f"{pg_sandbox.url}sandbox/pay", data=form, allow_redirects=False, timeout=5)

    assert response.status_code == 400
    assert "카드번호 15~16자리" in response.text
    assert pg_sandbox.ledger.payments == {}


def test_an_order_is_never_paid_twice(pg_sandbox):
    """A second payment for a merchant_uid already paid is refused by the window."""
    pg_sandbox.shopper_pay(merchant_uid="o-7", amount=5000, name="모자")

    again = pg_sandbox.shopper_pay(merchant_uid="o-7", amount=5000, name="모자")

    assert again["imp_success"] == "false"
    assert "이미 결제" in again["error_msg"]
    assert len(pg_sandbox.ledger.payments) == 1


def test_webhook_reaches_notice_url_before_the_redirect(pg_sandbox, webhook_receiver):
    """A paid payment POSTs {imp_uid, merchant_uid, status} as JSON to notice_url before the browser returns."""
    result = pg_sandbox.shopper_pay(
        merchant_uid="o-8", amount=7000, name="머플러", notice_url=webhook_receiver.url
    )

    assert webhook_receiver.received == [
        {
            "path": "/payments/webhook/",
            "content_type": "application/json",
            "body": {"imp_uid": result["imp_uid"], "merchant_uid": "o-8", "status": "paid"},
        }
    ]
    assert pg_sandbox.webhooks[0]["status"] == 200


def test_delayed_webhook_arrives_after_the_redirect(pg_sandbox, webhook_receiver):
    """In delayed mode the browser is back first and the webhook follows (the race the shop must survive)."""
    pg_sandbox.set_webhook_mode("delayed", delay=0.2)

    pg_sandbox.shopper_pay(merchant_uid="o-9", amount=7000, name="머플러", notice_url=webhook_receiver.url)
    received_at_redirect = len(webhook_receiver.received)
    deadline = time.monotonic() + 3
    while not webhook_receiver.received and time.monotonic() < deadline:
        time.sleep(0.05)

    assert received_at_redirect == 0
    assert webhook_receiver.received[0]["body"]["status"] == "paid"


def test_configured_webhook_url_also_gets_it(webhook_receiver):
    """The console's notification URL (PORTONE_SANDBOX_WEBHOOK_URL) is called besides notice_url."""
    from apps.payments.sandbox import PGSandbox

    sandbox = PGSandbox(webhook_urls=(webhook_receiver.url,)).start()
    try:
        sandbox.shopper_pay(merchant_uid="o-10", amount=1000, name="양말")
    finally:
        sandbox.stop()

    assert [hook["body"]["merchant_uid"] for hook in webhook_receiver.received] == ["o-10"]


def test_sdk_stand_in_and_font_are_served(pg_sandbox):
    """/sandbox/iamport.js defines IMP.init and IMP.request_pay; Pretendard comes from the sandbox itself."""
    sdk = requests.get(f"{pg_sandbox.url}sandbox/iamport.js", timeout=5)
    font = requests.get(f"{pg_sandbox.url}sandbox/static/vendor/pretendard/pretendard-ui.woff2", timeout=5)
    outside = requests.get(f"{pg_sandbox.url}sandbox/static/css/tokens.css", timeout=5)

    assert sdk.headers["Content-Type"].startswith("text/javascript")
    assert "request_pay" in sdk.text
    assert "init" in sdk.text
    assert font.status_code == 200
    assert font.headers["Content-Type"] == "font/woff2"
    assert outside.status_code == 404


@pytest.mark.browser
def test_checkout_page_pays_through_the_sdk_stand_in(browser, pg_sandbox, screenshot):
    """A page calling IMP.init / IMP.request_pay lands in the sandbox window; paying returns to m_redirect_url."""
    context = browser.new_context(
        locale="ko-KR", timezone_id="Asia/Seoul", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    return_url = f"{pg_sandbox.url}?from=checkout"
    tab.goto(f"{pg_sandbox.url}")
    tab.set_content(
        f"""<script src="{pg_sandbox.url}sandbox/iamport.js"></script>
        <button id="pay">결제하기</button>
        <script>
          IMP.init("imp00000000");
          document.getElementById("pay").onclick = function () {{
            IMP.request_pay({{pg: "html5_inicis", pay_method: "card", merchant_uid: "o-11", name: "라이브 특가 오버핏 니트 외 1건",
              amount: 45900, buyer_name: "김트라이", buyer_email: "try@example.com", m_redirect_url: "{return_url}"}});
          }};
        </script>"""
    )
    tab.click("#pay")
    tab.wait_for_url("**/sandbox/pay?**")
    tab.wait_for_function("document.fonts.check('16px \"Pretendard Variable\"', '결제')")
    screenshot(tab, "payments-sandbox-window")
    tab.fill("#card_number", "4111111111111111")
    tab.fill("#expiry", "1239")
    tab.fill("#pwd_2digit", "12")
    tab.click("text=45,900원 결제하기")
    tab.wait_for_url("**/?from=checkout&**")

    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(tab.url).query))
    assert query["imp_success"] == "true"
    payment = pg_sandbox.ledger.payment_get(query["imp_uid"])
    assert payment["amount"] == 45900
    assert payment["card_number"] == "411111******1111"
    assert payment["buyer_name"] == "김트라이"
    context.close()


@pytest.mark.browser
def test_without_m_redirect_url_the_callback_gets_the_result(browser, pg_sandbox):
    """Without m_redirect_url the window opens over the page and request_pay's callback receives rsp."""
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto(f"{pg_sandbox.url}")
    tab.set_content(
        f"""<script src="{pg_sandbox.url}sandbox/iamport.js"></script>
        <script>
          IMP.init("imp00000000");
          IMP.request_pay({{merchant_uid: "o-12", name: "양말", amount: 3000}}, function (rsp) {{ window.rsp = rsp; }});
        </script>"""
    )
    window = tab.frame_locator("iframe[data-iamport-sandbox]")
    window.locator("#card_number").fill("4111111111111111")
    window.locator("#expiry").fill("12/39")
    window.locator("#pwd_2digit").fill("12")
    window.locator("text=3,000원 결제하기").click()
    tab.wait_for_function("window.rsp !== undefined")

    rsp = tab.evaluate("window.rsp")
    assert rsp["success"] is True
    assert rsp["paid_amount"] == 3000
    assert rsp["status"] == "paid"
    assert tab.locator("iframe[data-iamport-sandbox]").count() == 0
    context.close()
