"""The host's question queue: viewers' chat questions grouped by what they ask, answered with one tap.

A viewer's accepted chat message passes ``question_hook`` (the consumer's one call after a message is kept):
the rules (``question_rules.classify``, no database) decide whether it asks something; only a question costs
a write, ``question_note``, which adds it to the open group of its topic and product (the product it names
by code or name, else, for price/size/color/stock, the one on air). Groups live in the database
(``ChatQuestion``): they outlast a process restart and every process adds to the same ones.

The host answers a group from the studio (``question_answer``): the text is posted as the host's chat
message through ``chat_message_post``, the same path as anything the host types, and the group is closed;
``question_dismiss`` closes it without a message. Questions asked later start a new group.
"""

from __future__ import annotations

import logging

from channels.db import database_sync_to_async
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from apps.live.models import ChatMessage, ChatQuestion
from apps.live.room import question_queue
from apps.live.room.question_rules import Detection, classify
from apps.live.room.services import ChatRefused, chat_message_post

logger = logging.getLogger(__name__)

RECENT_KEPT = 3
# Topics whose answer depends on the product: a question naming none is about the one on air.
PRODUCT_TOPICS = ("price", "size", "color", "stock")


async def question_hook(message: ChatMessage) -> None:
    """After a chat message is kept: queue it for the host when it is a viewer's question.

    Never raises: the message is already kept and shown; a queue that failed to count it only logs."""
    if message.is_seller:
        return
    detection = classify(message.text)
    if not detection.is_question:
        return
    try:
        await database_sync_to_async(question_note)(message=message, detection=detection)
    except DatabaseError:
        logger.exception("room %s: question %s not queued", message.broadcast_id, message.pk)


def _open_key(topic: str, item_id: int | None) -> str:
    return f"{topic}:{item_id or 0}"


@transaction.atomic
def question_note(*, message: ChatMessage, detection: Detection) -> ChatQuestion:
    """Count ``message`` (a question) in the open group of its topic and product, making the group if none.

    Safe across processes: the open group's unique key makes a second creator find the first one's row."""
    items = question_queue.items_on_air(broadcast_id=message.broadcast_id)
    item = question_queue.item_named(items=items, text=message.text, code=detection.code)
    if item is None and detection.topic in PRODUCT_TOPICS:
        item = next((candidate for candidate in items if candidate.is_pinned), None)
    key = _open_key(detection.topic, item.pk if item else None)
    now = timezone.now()
    question = (
        ChatQuestion.objects.select_for_update()
        .filter(broadcast_id=message.broadcast_id, open_key=key)
        .first()
    )
    if question is None:
        try:
            with transaction.atomic():
                question = ChatQuestion.objects.create(
                    broadcast_id=message.broadcast_id,
                    topic=detection.topic,
                    item=item,
                    open_key=key,
                    first_asked_at=now,
                    last_asked_at=now,
                )
        except IntegrityError:
            question = ChatQuestion.objects.select_for_update().get(
                broadcast_id=message.broadcast_id, open_key=key
            )
    question.count += 1
    question.last_asked_at = now
    line = {"id": message.pk, "name": message.display_name, "text": message.text}
    question.recent = [line, *question.recent][:RECENT_KEPT]
    question.save(update_fields=["count", "last_asked_at", "recent"])
    return question


def _open_locked(*, question: ChatQuestion) -> ChatQuestion:
    locked = ChatQuestion.objects.select_for_update().get(pk=question.pk)
    if locked.answered_at is not None:
        raise ChatRefused("answered", "이미 답한 질문이에요.")
    return locked


@transaction.atomic
def question_answer(*, question: ChatQuestion, actor, text: str) -> ChatMessage:
    """Post ``text`` as the host's chat message and close the group (``ChatRefused`` if it was closed already,
    or the message is refused: empty, too long, the broadcast ended). Call for the broadcast's seller or
    staff only (the studio's view checks)."""
    locked = _open_locked(question=question)
    message = chat_message_post(broadcast_id=locked.broadcast_id, user=actor, text=text)
    locked.answered_at = timezone.now()
    locked.answer_text = message.text
    locked.answer_message = message
    locked.open_key = None
    locked.save(update_fields=["answered_at", "answer_text", "answer_message", "open_key"])
    return message


@transaction.atomic
def question_dismiss(*, question: ChatQuestion) -> ChatQuestion:
    """Close the group without posting (answered aloud on air, or not worth an answer)."""
    locked = _open_locked(question=question)
    locked.answered_at = timezone.now()
    locked.open_key = None
    locked.save(update_fields=["answered_at", "open_key"])
    return locked
