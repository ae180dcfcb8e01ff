import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def with_object_particle(word: str) -> str:
    """Append 을 or 를, whichever Korean grammar wants after ``word``'s last syllable."""
    last = word[-1]
    has_final_consonant = "가" <= last <= "힣" and (ord(last) - ord("가")) % 28 != 0
    return word + ("을" if has_final_consonant else "를")


class CharacterClassValidator:
    """The password mixes letters, digits and a symbol; the error names each missing kind."""

    CLASSES = (
        ("letter", re.compile(r"[A-Za-z]"), "영문"),
        ("digit", re.compile(r"\d"), "숫자"),
        ("symbol", re.compile(r"[^A-Za-z\d\s]"), "특수문자"),
    )

    def validate(self, password: str, user=None) -> None:
        missing = [label for _key, pattern, label in self.CLASSES if not pattern.search(password)]
        if missing:
            raise ValidationError(
                _("비밀번호에 %(missing)s 포함해 주세요.")
                % {"missing": with_object_particle(", ".join(missing))},
                code="password_missing_character_class",
            )

    def get_help_text(self) -> str:
        return _("영문, 숫자, 특수문자를 모두 포함해야 합니다.")
