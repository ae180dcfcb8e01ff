"""The payment window's words and pages: what each method's window sends, and the pages it answers with.

The window a ``pg``/``pay_method`` pair opens is the one PortOne opens: a card PG's card form, a 가상계좌
issue (bank, then the account is issued as ``ready``), or an easy-pay app's approval (카카오페이, 네이버페이,
토스페이 are their own PGs).
"""

import html
import re
import time
from datetime import datetime
from string import Template

from apps.payments.sandbox.state import KST, VBANK_BANKS, vbank_due_parse

WINDOW_PARAMS = (
    "imp_code",
    "pg",
    "pay_method",
    "merchant_uid",
    "name",
    "amount",
    "currency",
    "buyer_email",
    "buyer_name",
    "buyer_tel",
    "buyer_addr",
    "buyer_postcode",
    "custom_data",
    "m_redirect_url",
    "notice_url",
    "channel",
    "vbank_due",
    "naverProducts",
    "escrow",
)
EASY_PAY = {
    "kakaopay": ("카카오페이", "pay"),
    "naverpay": ("네이버페이", "N pay"),
    "tosspay": ("토스페이", "toss"),
}


def window_kind(params: dict) -> str:
    """card, vbank, or the easy-pay PG's code: which window these request_pay parameters open."""
    provider = (params.get("pg") or "html5_inicis").split(".")[0]
    if provider in EASY_PAY:
        return provider
    return "vbank" if params.get("pay_method") == "vbank" else "card"


MOBILE_UA = re.compile(r"Mobi|Android|iPhone|iPad", re.I)


def card_error(card_number: str, expiry: str, pwd: str) -> str | None:
    """What is wrong with the typed card, in the words a PG window uses; None when it can be sent."""
    if not 15 <= len(card_number) <= 16:
        return "카드번호 15~16자리를 정확히 입력해 주세요."
    match = re.fullmatch(r"(\d{2})/?(\d{2})", expiry.strip())
    if not match or not 1 <= int(match[1]) <= 12:
        return "유효기간을 MM/YY 형식으로 입력해 주세요."
    month, year = int(match[1]), 2000 + int(match[2])
    today = time.localtime()
    if (year, month) < (today.tm_year, today.tm_mon):
        return "유효기간이 지난 카드입니다."
    if not re.fullmatch(r"\d{2}", pwd):
        return "카드 비밀번호 앞 2자리를 입력해 주세요."
    return None


RESULT_PAGE = Template("""<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>결제 결과</title></head>
<body><script>
(function () {
  var message = $message;
  var target = window.opener || (window.parent !== window ? window.parent : null);
  if (target) { target.postMessage(message, "*"); }
  if (window.opener) { window.close(); }
})();
</script></body></html>""")

RECEIPT_PAGE = Template("""<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>카드 매출전표</title>
<style>
@font-face{font-family:"Pretendard Web";font-weight:400 800;font-display:swap;src:url(/sandbox/static/vendor/pretendard/pretendard-ui.woff2) format("woff2")}
body{font-family:"Pretendard Web","Noto Sans KR",sans-serif;max-width:420px;margin:32px auto;
padding:0 16px;color:#16161a}h1{font-size:20px}table{width:100%;border-collapse:collapse}th,td{padding:10px 0;
border-bottom:1px solid #e6e6ec;text-align:left;font-size:14px}th{color:#6b6b76;font-weight:500;width:35%}</style>
</head><body><h1>카드 매출전표 (테스트)</h1><table>$rows</table></body></html>""")


CARD_BODY = Template("""      <h1>신용·체크카드</h1>
      $error
      <div class="card-brand"><span class="card-brand__chip" aria-hidden="true"></span>카드 정보를 입력해 주세요</div>
      $hidden
      <div class="field">
        <label for="card_number">카드번호</label>
        <input id="card_number" name="card_number" inputmode="numeric" autocomplete="off" maxlength="19"
               placeholder="0000 0000 0000 0000" value="$card_number" required>
      </div>
      <div class="row">
        <div class="field">
          <label for="expiry">유효기간</label>
          <input id="expiry" name="expiry" inputmode="numeric" maxlength="5" placeholder="MM/YY" value="$expiry" required>
        </div>
        <div class="field">
          <label for="card_quota">할부</label>
          <select id="card_quota" name="card_quota">
            <option value="0">일시불</option>
            <option value="2">2개월</option>
            <option value="3">3개월</option>
            <option value="6">6개월</option>
          </select>
        </div>
      </div>
      <div class="field">
        <label for="pwd_2digit">비밀번호 앞 2자리</label>
        <div class="pwd">
          <input id="pwd_2digit" name="pwd_2digit" type="password" inputmode="numeric" maxlength="2" placeholder="••" required>
          <span aria-hidden="true">••</span>
        </div>
      </div>
      <label class="agree"><input type="checkbox" name="agree" value="1" checked required>
        <span>결제 진행 필수 약관(전자금융거래 이용약관, 개인정보 수집·이용 및 제3자 제공)에 모두 동의합니다.</span></label>
      <p class="test-cards">테스트 카드: 아무 카드번호(15~16자리)나 승인됩니다. <code>4000-0000-0000-0002</code>는 승인이 거절됩니다.</p>
      <div class="actions">
        <button class="btn-cancel" type="submit" name="action" value="cancel" formnovalidate>취소</button>
        <button class="btn-pay" type="submit" name="action" value="pay">$amount원 결제하기</button>
      </div>
""")

EASY_PAY_BODY = Template("""      <h1>$label</h1>
      $error
      <div class="easy easy--$provider"><span class="easy__mark">$mark</span>
        <p>$label 앱에서 결제를 승인해 주세요.<br>테스트 결제창에서는 아래 버튼이 승인을 대신해요.</p></div>
      $hidden
      <div class="actions">
        <button class="btn-cancel" type="submit" name="action" value="cancel" formnovalidate>취소</button>
        <button class="btn-pay" type="submit" name="action" value="pay">$amount원 결제하기</button>
      </div>
""")

VBANK_BODY = Template("""      <h1>가상계좌 발급</h1>
      $error
      $hidden
      <div class="field">
        <label for="vbank_code">입금할 은행</label>
        <select id="vbank_code" name="vbank_code">$banks</select>
      </div>
      <p class="vbank-due">입금 기한: $due까지 입금하지 않으면 주문이 취소돼요.</p>
      <p class="help">발급받은 계좌번호는 주문 상세와 메일로 안내돼요. 입금자명이 달라도 입금 금액이 맞으면 결제돼요.</p>
      <div class="actions">
        <button class="btn-cancel" type="submit" name="action" value="cancel" formnovalidate>취소</button>
        <button class="btn-pay" type="submit" name="action" value="pay">계좌 발급받기</button>
      </div>
""")


def window_body(
    params: dict, *, kind: str, amount: str, hidden: str, error: str, form: dict
) -> tuple[str, str]:
    """(title, form body) of the window ``kind`` opens."""
    if kind in EASY_PAY:
        label, mark = EASY_PAY[kind]
        return label, EASY_PAY_BODY.substitute(
            label=label, mark=mark, provider=kind, amount=amount, hidden=hidden, error=error
        )
    if kind == "vbank":
        deadline = vbank_due_parse(params.get("vbank_due"), int(time.time()))
        due = datetime.fromtimestamp(deadline, KST).strftime("%Y.%m.%d %H:%M")
        banks = "".join(
            f'<option value="{code}">{html.escape(name)}</option>' for code, name in VBANK_BANKS.items()
        )
        return "가상계좌", VBANK_BODY.substitute(hidden=hidden, error=error, banks=banks, due=due)
    return "카드 결제", CARD_BODY.substitute(
        error=error,
        hidden=hidden,
        amount=amount,
        card_number=html.escape(form.get("card_number", "")),
        expiry=html.escape(form.get("expiry", "")),
    )
