"""Personal numbers sealed at rest: phone numbers and bank accounts are Fernet tokens in their columns.

The keys are ``settings.FIELD_ENCRYPTION_KEYS``, newest first: the newest seals every value written, every key
opens (cryptography's MultiFernet), so a new key goes in front without downtime and the old rows stay readable.
``manage.py reseal`` then moves every row to the newest key; only after it reports nothing left under an older
key may that key be dropped.

Invariants:
- A blank value is stored blank (``""``): "has no phone" stays answerable without a key, and nothing else is.
- A sealed column cannot be searched (each sealing has its own IV): only ``isnull`` and ``= ""`` are allowed;
  any other lookup is a FieldError rather than a query that silently finds nothing.
- A value that is not a Fernet token is a row written before its column was sealed (or by a pod still running
  the previous release during a deploy): it is read as it is, and ``reseal`` seals it.
- A token no key opens is an error (``SealedValueUnreadable``), never shown as if it were the value.
"""

import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import connections, models, transaction
from django.db.models.lookups import Exact

# Every Fernet token starts with its version byte and a timestamp below 2**32: these base64 characters.
TOKEN_PREFIX = "gAAAAA"


class SealedValueUnreadable(Exception):
    """A sealed value that none of FIELD_ENCRYPTION_KEYS opens: a key was dropped before ``reseal`` ran."""


@cache
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, MultiFernet]:
    fernets = [Fernet(key.encode()) for key in keys]
    return fernets[0], MultiFernet(fernets)


def _keys() -> tuple[Fernet, MultiFernet]:
    """(newest key, all keys), read from settings at each call so an override in a test takes effect."""
    return _fernets(tuple(settings.FIELD_ENCRYPTION_KEYS))


def seal(text: str) -> str:
    """``text`` as a token under the newest key."""
    return _keys()[1].encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    """The text a token holds; raises SealedValueUnreadable when no key opens it."""
    try:
        return _keys()[1].decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SealedValueUnreadable("no key in FIELD_ENCRYPTION_KEYS opens this value") from error


def seal_json(value: dict) -> str:
    """A small JSON object as one token: for a personal number carried in an event's payload, which the outbox
    keeps in a row per subscriber and shows staff."""
    return seal(json.dumps(value, ensure_ascii=False, sort_keys=True))


def unseal_json(value: str | dict | None) -> dict:
    """What ``seal_json`` sealed; a dict (published before payloads were sealed) is returned as it is."""
    if isinstance(value, str) and value:
        return json.loads(unseal(value))
    return value or {}


def is_sealed(raw: str | None) -> bool:
    return bool(raw) and raw.startswith(TOKEN_PREFIX)


def resealed(raw: str | None) -> str | None:
    """What ``raw`` (a column's stored text) should become under the newest key, or None when it already is.

    A plain value (written before sealing) is sealed; a token under an older key is opened and sealed again."""
    if not raw:
        return None
    if not is_sealed(raw):
        return seal(raw)
    newest, every = _keys()
    try:
        newest.decrypt(raw.encode())
        return None
    except InvalidToken:
        pass
    try:
        return every.rotate(raw.encode()).decode()
    except InvalidToken as error:
        raise SealedValueUnreadable("no key in FIELD_ENCRYPTION_KEYS opens this value") from error


class BlankExact(Exact):
    """``= ""`` only: a sealed value can be told blank or not, never compared."""

    def get_prep_lookup(self):
        if self.rhs != "":
            raise FieldError(
                f"{self.lhs.target.name} is sealed: it can be filtered only as blank or null, not by its value."
            )
        return ""


class SealedMixin:
    """Stored in a TEXT column (a token is several times longer than its text), sealed on the way in."""

    def get_internal_type(self) -> str:
        return "TextField"

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return BlankExact
        return None

    def get_transform(self, lookup_name):
        return None

    def _text_to_db(self, text: str | None) -> str | None:
        if text is None or text == "":
            return text
        return seal(text)

    def _text_from_db(self, raw: str | None) -> str | None:
        if not is_sealed(raw):
            return raw
        try:
            return unseal(raw)
        except SealedValueUnreadable as error:
            raise SealedValueUnreadable(f"{self.model._meta.label}.{self.name}: {error}") from error


class SealedCharField(SealedMixin, models.CharField):
    """A short text (phone, account number) sealed at rest; ``max_length`` bounds the text, not the column."""

    def from_db_value(self, value, expression, connection):
        return self._text_from_db(value)

    def get_prep_value(self, value):
        return self._text_to_db(super().get_prep_value(value))


class SealedJSONField(SealedMixin, models.TextField):
    """A small JSON object (a refund account) sealed at rest as one token; empty is stored blank."""

    def from_db_value(self, value, expression, connection):
        text = self._text_from_db(value)
        if not text:
            return self.get_default()
        return json.loads(text)

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value) if value else self.get_default()
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        if not value:
            return ""
        return seal(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


def sealed_fields(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if isinstance(field, SealedMixin)]


def reseal_model(model, *, using: str = "default", dry_run: bool = False, batch: int = 500) -> dict[str, int]:
    """Move every sealed column of ``model`` to the newest key, sealing plain rows left from before.

    Reads and writes the stored text itself (raw SQL): a row changed by the shop meanwhile is left as it was
    written (the UPDATE matches the text it read), and it was written under the newest key anyway.
    Returns counts: ``moved`` (rows rewritten, or that would be with ``dry_run``), ``unreadable`` (no key opens).
    """
    fields = sealed_fields(model)
    counts = {"moved": 0, "unreadable": 0}
    if not fields:
        return counts
    connection = connections[using]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = ", ".join(quote(field.column) for field in fields)
    last = None
    while True:
        with connection.cursor() as cursor:
            where = "" if last is None else f"WHERE {pk} > %s "
            cursor.execute(
                f"SELECT {pk}, {columns} FROM {table} {where}ORDER BY {pk} LIMIT %s",
                ([] if last is None else [last]) + [batch],
            )
            rows = cursor.fetchall()
        if not rows:
            return counts
        last = rows[-1][0]
        with transaction.atomic(using=using):
            for row in rows:
                for field, raw in zip(fields, row[1:], strict=True):
                    try:
                        new = resealed(raw)
                    except SealedValueUnreadable:
                        counts["unreadable"] += 1
                        continue
                    if new is None:
                        continue
                    counts["moved"] += 1
                    if dry_run:
                        continue
                    column = quote(field.column)
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",
                            [new, row[0], raw],
                        )


def reseal_event_payloads(*, dry_run: bool = False) -> dict[str, int]:
    """Move the tokens ``seal_json`` put in outbox payloads (top-level values) to the newest key."""
    from apps.core.models import EventDelivery

    counts = {"moved": 0, "unreadable": 0}
    for delivery in EventDelivery.objects.extra(where=["payload LIKE %s"], params=[f"%{TOKEN_PREFIX}%"]):
        changed = False
        for key, value in delivery.payload.items():
            if not (isinstance(value, str) and is_sealed(value)):
                continue
            try:
                new = resealed(value)
            except SealedValueUnreadable:
                counts["unreadable"] += 1
                continue
            if new is not None:
                counts["moved"] += 1
                delivery.payload[key] = new
                changed = True
        if changed and not dry_run:
            EventDelivery.objects.filter(pk=delivery.pk).update(payload=delivery.payload)
    return counts


def reseal_migration(app_label: str, model_name: str):
    """A RunPython operation's function sealing the rows a migration's AlterField left plain."""

    def forward(apps, schema_editor):
        reseal_model(apps.get_model(app_label, model_name), using=schema_editor.connection.alias)

    return forward
