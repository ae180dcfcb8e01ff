"""The studio's question queue (JSON for ``static/js/live-questions.js``): the open groups with their suggested
answers, one tap to post an answer as the host's chat message, or to mark a group done.

Only the broadcast's seller (or staff) reaches these; anyone else gets a 404, as for the studio itself.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from apps.live import selectors
from apps.live.room import question_queue, questions
from apps.live.room.services import ChatRefused


def _question_for_user(request, pk: int, question_id: int):
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    question = question_queue.question_get(broadcast_id=broadcast.pk, question_id=question_id)
    if question is None:
        raise Http404("질문을 찾을 수 없어요.")
    return question


def _refused(refusal: ChatRefused) -> JsonResponse:
    return JsonResponse({"code": refusal.code, "message": refusal.message}, status=409)


@login_required
@require_safe
@never_cache
def studio_questions(request, pk: int):
    """The queue as the studio's panel renders it: ``open`` groups and the last few ``answered``."""
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    return JsonResponse(question_queue.question_queue(broadcast_id=broadcast.pk))


@login_required
@require_POST
def studio_question_answer(request, pk: int, question_id: int):
    """Post ``text`` (the suggestion, maybe edited) as the host's chat message and close the group."""
    question = _question_for_user(request, pk, question_id)
    try:
        message = questions.question_answer(
            question=question, actor=request.user, text=request.POST.get("text", "")
        )
    except ChatRefused as refusal:
        return _refused(refusal)
    return JsonResponse({"message_id": message.pk, "text": message.text})


@login_required
@require_POST
def studio_question_done(request, pk: int, question_id: int):
    """Close the group without a chat message (answered aloud)."""
    question = _question_for_user(request, pk, question_id)
    try:
        questions.question_dismiss(question=question)
    except ChatRefused as refusal:
        return _refused(refusal)
    return JsonResponse({"id": question.pk})
