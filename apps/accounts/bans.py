"""What live and the pages tell a banned member: one Korean sentence with the reason and until when."""

from django.utils import timezone


def ban_message(ban, *, doing: str = "채팅") -> str:
    """'운영 정책 위반으로 이용이 제한된 계정이에요 (사유: 욕설). 2026년 12월 14일 18:00까지 채팅할 수 없어요.'"""
    if ban.until is None:
        when = f"{doing}할 수 없어요 (영구 제한)."
    else:
        when = f"{timezone.localtime(ban.until):%Y년 %m월 %d일 %H:%M}까지 {doing}할 수 없어요."
    return f"이용이 제한된 계정이에요 (사유: {ban.reason}). {when}"
