"""Is a chat line a question for the host, and about what? Transparent rules, no model, no Django.

``classify(text)`` answers with a ``Detection``: ``is_question``, a ``topic`` (one of ``TOPICS``) and the product
code the line names (``A1``), if any. Every rule is a regular expression below, in the order it is tried, so a
host or a reviewer can tell why a line was (or was not) taken for a question. ``bench/chat_questions.py``
measures the rules on a labelled set of live-chat lines (half of it never used to tune them).

How a line is read:
1. a purchase command (``#A1 2``, ``구매 A1 2``) or a line of reactions only (ㅋㅋ, emoji, 헐) is never a question;
2. a question mark, a question ending (나요, 까요, 인가요, 되나여, …), a question word (얼마, 몇, 언제, 어디,
   어떻게/어케, 뭐, 무슨, …) or a request (알려주세요, 보여주세요, 추천좀) makes it one, unless it reads as a
   statement (얼마나 예쁜지, 언제나, 좋았어요, …);
3. a topic word (가격, 사이즈, 재고, 배송, …) with a bare ending (``사이즈요``, ``재고 있어요``, ``가격??``) is a
   question too; with a statement ending (네요, 겠다, 듯, ㅠㅠ) it is chatter (``가격 착하네요``);
4. the topic is the first of stock, shipping, time, price, size, color whose words the line holds (so
   ``블랙 남았나요`` is stock, ``배송비 얼마에요`` shipping), else ``other``.
"""

from __future__ import annotations

import dataclasses
import re

# The same values as ``apps.live.models.ChatQuestion.Topic`` (whose labels the studio shows).
TOPICS = ("price", "size", "color", "stock", "shipping", "time", "other")


@dataclasses.dataclass(frozen=True)
class Detection:
    is_question: bool
    topic: str = ""
    code: str = ""


# ---- Lines that are never questions ------------------------------------------------------------------------

# ``#A1 2``, ``구매 A1 2 블랙``: the chat-command order, not something to answer.
COMMAND = re.compile(r"^\s*(#\s*[a-z]\d{1,2}\b|구매\s*[a-z]\d{1,2}\b|구매\s*(요|할게요|합니다)\s*$)", re.I)
# Reactions only: laughter, crying, jamo, punctuation, emoji.
REACTION_ONLY = re.compile(r"^[\sㄱ-ㅎㅏ-ㅣ!?.,~^♡♥…\W]*$")
# Short exclamations that end in a question mark without asking anything.
EXCLAMATION = re.compile(r"^\s*(진짜|정말|레알|헐|대박|실화|와|오|헉|ㄹㅇ)(요|에요|임|냐)?\s*[?!]+\s*$")

# ---- What makes a line a question --------------------------------------------------------------------------

QUESTION_MARK = re.compile(r"[?？]")
# Endings that ask, with the spellings chat uses (되나여, 까여, 인가용, 돼여?).
QUESTION_ENDING = re.compile(
    r"((나|까|니|냐|죠|지|는지|던가|니까)(요|여|용|염)?|가(요|여|용|염)|(돼|되)(요|여|용)?)\s*[ㅠㅜㅎㅋ~.]*$"
)
# Question words; ``얼마`` not in 얼마나 (예쁜지) / 얼마 전.
QUESTION_WORD = re.compile(
    r"(얼마(?!\s*전)(?!나\s*(예쁜|좋은|이쁜))|몇|언제(?!나)(?!\s*봐도)(?!\s*이렇게)|어디|어떻게|어떡|어케|어캐|어떤|"
    r"어때|무슨|뭐(?!\s*하)|뭘|왜|누가|무엇)"
)
# Asking for something: 알려주세요, 보여주세요, 추천좀, 말해주세요, 가격좀요.
REQUEST = re.compile(
    r"(알려|보여|말해|추천해|설명해)\s*(주세요|줘요|주실|줄\s*수|주라|주세용)|(추천|가격|사이즈|재고)\s*좀"
)
# Statement endings: the line tells, not asks (가격 착하네요, 재고 금방 빠지겠다, 배송 기다릴게요). A question word
# outweighs the weak ones (어디서 해요, 몇 개 남았어요), never the strong ones (얼마 전에 산 거랑 비슷하네).
STATEMENT_ENDING = re.compile(
    r"(네요|네|다|듯|중|각|게요|께요|을게|ㄹ게|래요|군요|구나|ㅠ|ㅜ)\s*[ㅠㅜㅋㅎ~!.]*$"
)
WEAK_STATEMENT_ENDING = re.compile(
    r"(었어요|았어요|였어요|했어요|예뻐요|이뻐요|좋아요|세요|해요)\s*[ㅠㅜㅋㅎ~!.]*$"
)
# Bare endings that ask when a topic word is there: 사이즈요, 재고 있어요, 배송비 무료에요, 재고있음.
BARE_ENDING = re.compile(r"(요|여|용|욤|음|임|\?|좀|[가-힣])\s*[ㅠㅜ~]*$")

# ---- Topics ------------------------------------------------------------------------------------------------

SIZE_LETTER = r"(?<![a-z])(xxs|xs|s|m|l|xl|xxl|2xl|3xl|free)(?![a-z])"
TOPIC_WORDS: tuple[tuple[str, re.Pattern], ...] = (
    (
        "stock",
        re.compile(r"재고|품절|남았|남은|남아|안\s*남|수량|재입고|몇\s*개까지|한정|최대\s*몇"),
    ),
    (
        "shipping",
        re.compile(
            r"배송|택배|무배|도착|출발|출고|발송|반품비|도서산간|제주|며칠|받을\s*수|언제\s*(와|오|받)"
        ),
    ),
    ("time", re.compile(r"언제까지|몇\s*시|끝나|다음\s*(방송|쿠폰)|오늘만|발표|유통기한|쿠폰\s*(언제|또)")),
    (
        "price",
        re.compile(
            r"얼마|가격|몇\s*원|할인|특가|싸요|싸게|비싸|최저가|1\+1|적립금|쿠폰\s*(쓰|중복|적용가)|정가"
        ),
    ),
    (
        "size",
        re.compile(
            r"사이즈|싸이즈|치수|총장|기장|어깨|가슴|허리|소매|핏|크게\s*나|작게\s*나|발볼|키\s*\d|몸무게|"
            r"(?<!\d)(44|55|66|77|88|2[2-9]0|2[2-9]5)(?!\d)|" + SIZE_LETTER,
            re.I,
        ),
    ),
    (
        "color",
        re.compile(
            r"색상|색깔|색갈|컬러|칼라|[^가-힣]색(?!\s*이랑\s*화면)|^색|무슨\s*색|어떤\s*색|블랙|화이트|네이비|베이지|그레이|"
            r"아이보리|카키|핑크|레드|브라운|차콜|민트|소라|크림색"
        ),
    ),
)
# A product code the line names: A1, b2 (the code each product on air has).
CODE = re.compile(r"(?<![a-z0-9])([a-z])\s?(\d{1,2})(?![0-9])", re.I)
# Size letters look like codes (M, L) only without a digit; a code needs one, so ``M 있어요`` stays a size.


def normalize(text: str) -> str:
    """Lower-cased, with runs of whitespace as one space, trimmed; emoji are left for the reaction rule."""
    return re.sub(r"\s+", " ", text).strip().lower()


def topic_of(text: str) -> str:
    for topic, words in TOPIC_WORDS:
        if words.search(text):
            return topic
    return "other"


def code_of(text: str) -> str:
    match = CODE.search(text)
    return f"{match.group(1).upper()}{int(match.group(2))}" if match else ""


def is_question(text: str) -> bool:
    if not text or COMMAND.search(text) or REACTION_ONLY.match(text) or EXCLAMATION.match(text):
        return False
    # What is left once trailing laughter, crying and emoji are gone is what the ending rules read.
    core = re.sub(r"[\sㄱ-ㅎㅏ-ㅣ~^.!♡♥…]+$", "", re.sub(r"[^\w\s?？+#]", "", text)).strip()
    if QUESTION_MARK.search(core):
        return True
    statement = bool(STATEMENT_ENDING.search(text))
    if REQUEST.search(core):
        return True
    if QUESTION_WORD.search(core) and not statement:
        return True
    statement = statement or bool(WEAK_STATEMENT_ENDING.search(text))
    if QUESTION_ENDING.search(core) and not statement:
        return True
    has_topic = topic_of(core) != "other"
    return has_topic and not statement and bool(BARE_ENDING.search(core))


def classify(text: str) -> Detection:
    """Whether ``text`` (one chat line) asks the host something, about which topic and which product code."""
    text = normalize(text)
    if not is_question(text):
        return Detection(False)
    return Detection(True, topic_of(text), code_of(text))
