"""Korean business identifiers a seller must show (전자상거래법) and we check before staff review them."""

import re

from django.core.exceptions import ValidationError

# The National Tax Service's check digit of a 사업자등록번호: the first nine digits weighted by these, plus
# the tens of the ninth digit times five; the tenth digit makes the sum a multiple of ten.
BUSINESS_NUMBER_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
MAIL_ORDER_NUMBER = re.compile(r"^\d{4}-[가-힣A-Za-z0-9]+-\d{3,6}$")
# An area or mobile number, or a nationwide 대표번호 (1588-0000).
PHONE = re.compile(r"^(0\d{1,2}-?\d{3,4}-?\d{4}|1[5689]\d{2}-?\d{4})$")
ACCOUNT_NUMBER = re.compile(r"^\d[\d-]{8,18}\d$")


def business_number_digits(value: str) -> str:
    """``123-45-67890`` → ``1234567890`` (spaces and hyphens dropped)."""
    return re.sub(r"[\s-]", "", value or "")


def business_number_is_valid(value: str) -> bool:
    digits = business_number_digits(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    numbers = [int(digit) for digit in digits]
    total = sum(number * weight for number, weight in zip(numbers, BUSINESS_NUMBER_WEIGHTS, strict=False))
    total += numbers[8] * 5 // 10
    return (10 - total % 10) % 10 == numbers[9]


def business_number_validate(value: str) -> None:
    if not business_number_is_valid(value):
        raise ValidationError(
            "올바른 사업자등록번호가 아니에요. 숫자 10자리를 확인해 주세요.", code="invalid"
        )


def business_number_format(value: str) -> str:
    """``1234567890`` → ``123-45-67890``, the way it is printed on the certificate."""
    digits = business_number_digits(value)
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if len(digits) == 10 else value


def mail_order_number_validate(value: str) -> None:
    if not MAIL_ORDER_NUMBER.match(value or ""):
        raise ValidationError(
            "통신판매업 신고번호는 ‘2024-서울강남-01234’ 모양으로 적어 주세요.", code="invalid"
        )


def phone_validate(value: str) -> None:
    if not PHONE.match(value or ""):
        raise ValidationError(
            "연락처는 ‘02-1234-5678’, ‘010-1234-5678’ 또는 ‘1588-0000’ 모양으로 적어 주세요.", code="invalid"
        )


def account_number_validate(value: str) -> None:
    if not ACCOUNT_NUMBER.match(value or ""):
        raise ValidationError("계좌번호는 숫자와 ‘-’로 10~20자리를 적어 주세요.", code="invalid")
