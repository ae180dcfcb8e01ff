"""The payment window's words and pages: what a shopper's card form sends, and the pages it answers with."""

import re
import time
from string import Template

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
)
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
<link rel="stylesheet" href="/sandbox/static/vendor/pretendard/pretendardvariable-dynamic-subset.css">
<style>body{font-family:"Pretendard Variable",Pretendard,"Noto Sans KR",sans-serif;max-width:420px;margin:32px auto;
padding:0 16px;color:#16161a}h1{font-size:20px}table{width:100%;border-collapse:collapse}th,td{padding:10px 0;
border-bottom:1px solid #e6e6ec;text-align:left;font-size:14px}th{color:#6b6b76;font-weight:500;width:35%}</style>
</head><body><h1>카드 매출전표 (테스트)</h1><table>$rows</table></body></html>""")
