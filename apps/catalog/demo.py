"""The demo catalog for `make run`: a Korean shop of categories, products with pictures, options and reviews.

Idempotent: categories are found by slug, and products are only added up to the count asked for (a
second run finds them and does nothing). Generation is deterministic (seeded) and quick: pictures are
made with Pillow (a gradient and a letter), written straight to storage, rows go in with bulk_create.
``python manage.py catalog_demo --products 2000`` makes the benchmark's larger catalog.
"""

import datetime
import random
import zlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from apps.catalog import caching, services
from apps.catalog.images import demo_picture
from apps.catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductOption,
    ProductSalesDay,
    Review,
)
from apps.sellers import selectors as seller_selectors
from apps.sellers import services as seller_services

ORDER = 20
DEMO_PRODUCTS = 240
SEED = 20260401
# Demo reviews stand for order lines that do not exist; their ids sit far above any real order line.
DEMO_ORDER_LINE_BASE = 9_000_000_000
REVIEWER_PASSWORD = "review1234!"
SALES_HISTORY_DAYS = 14
BATCH = 200

SIZES = ["S", "M", "L"]
COLOURS = ["블랙", "아이보리", "네이비", "베이지", "차콜", "스카이블루"]


@dataclass(frozen=True)
class Leaf:
    """A bottom category with what its products are made of."""

    slug: str
    name: str
    items: tuple[str, ...]
    words: tuple[str, ...]
    brands: tuple[str, ...]
    price: tuple[int, int]
    options: str  # "size", "volume", "weight", "colour", "single"


# (root slug, root name, [(child slug, child name, [Leaf, ...]), ...])
TREE = [
    ("fashion", "패션", [
        ("fashion-women", "여성의류", [
            Leaf("dress", "원피스", ("롱 원피스", "셔츠 원피스", "니트 원피스", "플리츠 원피스"), ("플로럴", "린넨", "셔링", "스퀘어넥", "데일리"), ("마뗑킴", "로우클래식", "시에", "앤더슨벨"), (39000, 129000), "size"),
            Leaf("blouse", "블라우스", ("블라우스", "셔츠", "프릴 블라우스"), ("실키", "코튼", "오버핏", "스트라이프"), ("시에", "잇미샤", "라인어디션"), (29000, 89000), "size"),
            Leaf("knit", "니트", ("라운드 니트", "가디건", "브이넥 니트"), ("캐시미어", "울", "케이블", "크롭"), ("앤더슨벨", "르917", "렉토"), (39000, 159000), "size"),
            Leaf("women-pants", "팬츠", ("와이드 슬랙스", "데님 팬츠", "조거 팬츠"), ("세미", "하이웨스트", "스트레이트", "밴딩"), ("로우클래식", "드파운드", "유스"), (29000, 99000), "size"),
        ]),
        ("fashion-men", "남성의류", [
            Leaf("tshirt", "티셔츠", ("반팔 티셔츠", "긴팔 티셔츠", "피케 티셔츠"), ("오버핏", "헤비웨이트", "베이직", "로고"), ("커버낫", "디스이즈네버댓", "예일"), (19000, 59000), "size"),
            Leaf("shirt", "셔츠", ("옥스포드 셔츠", "린넨 셔츠", "체크 셔츠"), ("레귤러핏", "세미오버", "워싱"), ("포터리", "유니폼브릿지", "쿠어"), (39000, 119000), "size"),
            Leaf("outer", "아우터", ("블루종", "트렌치 코트", "패딩 자켓", "바람막이"), ("경량", "후드", "워크", "라이트"), ("노스페이스", "코오롱스포츠", "쿠어"), (69000, 329000), "size"),
        ]),
        ("fashion-acc", "가방·잡화", [
            Leaf("bag", "가방", ("숄더백", "토트백", "백팩", "크로스백"), ("레더", "나일론", "미니", "캔버스"), ("마르헨제이", "분크", "스탠드오일"), (39000, 189000), "colour"),
            Leaf("cap", "모자", ("볼캡", "버킷햇", "비니"), ("워싱", "자수 로고", "코듀로이"), ("디스이즈네버댓", "MLB", "커버낫"), (19000, 49000), "colour"),
        ]),
    ]),
    ("beauty", "뷰티", [
        ("beauty-skin", "스킨케어", [
            Leaf("toner", "토너", ("토너", "스킨", "토너 패드"), ("어성초", "히알루론", "약산성", "진정"), ("라운드랩", "아누아", "토리든"), (12000, 32000), "volume"),
            Leaf("serum", "세럼", ("세럼", "앰플", "에센스"), ("비타민C", "나이아신아마이드", "펩타이드", "시카"), ("토리든", "닥터지", "구달"), (18000, 48000), "volume"),
            Leaf("cream", "크림", ("수분크림", "재생크림", "아이크림"), ("세라마이드", "판테놀", "콜라겐"), ("에스트라", "일리윤", "닥터지"), (15000, 52000), "volume"),
        ]),
        ("beauty-makeup", "메이크업", [
            Leaf("lip", "립", ("립 틴트", "립스틱", "립 밤"), ("벨벳", "글로우", "물광", "MLBB"), ("롬앤", "페리페라", "헤라"), (9000, 38000), "colour"),
            Leaf("cushion", "쿠션·파운데이션", ("쿠션", "파운데이션", "컨실러"), ("커버", "톤업", "세미매트"), ("에스쁘아", "클리오", "헤라"), (19000, 56000), "colour"),
        ]),
        ("beauty-body", "헤어·바디", [
            Leaf("shampoo", "샴푸", ("샴푸", "트리트먼트", "두피 스케일러"), ("탈모 증상 완화", "약산성", "퍼퓸"), ("려", "닥터포헤어", "라보에이치"), (12000, 35000), "volume"),
            Leaf("body", "바디로션", ("바디로션", "바디워시", "핸드크림"), ("코튼 향", "무향", "시어버터"), ("일리윤", "해피바스", "탬버린즈"), (9000, 39000), "volume"),
        ]),
    ]),
    ("food", "식품", [
        ("food-fresh", "신선식품", [
            Leaf("fruit", "과일", ("샤인머스캣", "설향 딸기", "제주 감귤", "성주 참외", "부사 사과"), ("산지직송", "고당도", "특품", "가정용"), ("농협", "제주농장", "과일궁합"), (12000, 49000), "weight"),
            Leaf("meat", "정육", ("한우 등심", "한돈 삼겹살", "닭가슴살"), ("1++", "냉장", "무항생제", "구이용"), ("하이포크", "한우명가", "허닭"), (15000, 89000), "weight"),
        ]),
        ("food-easy", "간편식", [
            Leaf("mealkit", "밀키트", ("부대찌개", "밀푀유나베", "감바스", "쭈꾸미볶음"), ("2인분", "캠핑용", "셰프의"), ("프레시지", "마이셰프", "쿡킷"), (12000, 34000), "single"),
            Leaf("frozen", "냉동식품", ("왕교자", "볶음밥", "치킨텐더"), ("에어프라이어용", "대용량", "바삭한"), ("비비고", "풀무원", "오뚜기"), (6000, 24000), "weight"),
        ]),
        ("food-snack", "음료·간식", [
            Leaf("coffee", "커피", ("원두", "드립백", "콜드브루"), ("에티오피아", "고소한", "디카페인", "스페셜티"), ("테라로사", "프릳츠", "커피리브레"), (9000, 39000), "weight"),
            Leaf("snack", "과자", ("그래놀라", "견과 믹스", "쌀과자"), ("저당", "하루 한 줌", "바삭"), ("오리온", "해태", "마켓오"), (5000, 22000), "single"),
        ]),
    ]),
    ("living", "리빙", [
        ("living-kitchen", "주방", [
            Leaf("pan", "냄비·팬", ("프라이팬", "편수냄비", "웍"), ("IH", "스텐", "세라믹 코팅"), ("해피콜", "휘슬러", "키친아트"), (25000, 149000), "single"),
            Leaf("tableware", "식기", ("접시 세트", "머그컵", "수저 세트"), ("도자기", "무광", "북유럽"), ("광주요", "이도", "로얄코펜하겐"), (12000, 89000), "colour"),
        ]),
        ("living-interior", "인테리어", [
            Leaf("lighting", "조명", ("무드등", "스탠드 조명", "LED 전구"), ("원목", "무선", "디밍"), ("일광전구", "루미르", "필립스"), (19000, 129000), "single"),
            Leaf("fabric", "패브릭", ("차렵이불", "쿠션 커버", "러그"), ("60수", "호텔식", "워셔블"), ("데코뷰", "에이랜드홈", "바세"), (19000, 119000), "colour"),
        ]),
        ("living-daily", "생활용품", [
            Leaf("detergent", "세제", ("세탁세제", "섬유유연제", "주방세제"), ("고농축", "저자극", "대용량"), ("피지", "다우니", "자연퐁"), (8000, 29000), "volume"),
            Leaf("storage", "수납", ("리빙박스", "옷걸이", "서랍장"), ("접이식", "투명", "슬림"), ("한샘", "이케아", "라이프앤홈"), (9000, 89000), "single"),
        ]),
    ]),
    ("digital", "디지털", [
        ("digital-audio", "음향기기", [
            Leaf("earphone", "이어폰", ("무선 이어폰", "노이즈캔슬링 이어폰", "오픈형 이어폰"), ("블루투스 5.3", "초경량", "게이밍"), ("삼성", "소니", "QCY"), (29000, 329000), "colour"),
            Leaf("speaker", "스피커", ("블루투스 스피커", "사운드바", "북쉘프 스피커"), ("방수", "휴대용", "캠핑용"), ("JBL", "브리츠", "마샬"), (39000, 399000), "colour"),
        ]),
        ("digital-mobile", "모바일 액세서리", [
            Leaf("case", "케이스", ("아이폰 케이스", "갤럭시 케이스", "맥세이프 케이스"), ("투명", "실리콘", "카드 수납"), ("슈피겐", "케이스티파이", "araree"), (9000, 45000), "colour"),
            Leaf("charger", "충전기", ("고속 충전기", "보조배터리", "무선 충전 패드"), ("65W", "PD", "10000mAh"), ("벨킨", "앤커", "삼성"), (15000, 89000), "single"),
        ]),
        ("digital-appliance", "생활가전", [
            Leaf("vacuum", "청소기", ("무선 청소기", "로봇 청소기", "핸디 청소기"), ("초경량", "물걸레", "자동 먼지비움"), ("LG", "다이슨", "샤오미"), (89000, 899000), "single"),
            Leaf("kitchen-appliance", "주방가전", ("에어프라이어", "전기포트", "커피머신"), ("대용량", "스텐", "캡슐"), ("쿠쿠", "필립스", "드롱기"), (39000, 499000), "colour"),
        ]),
    ]),
    ("sports", "스포츠", [
        ("sports-yoga", "요가·필라테스", [
            Leaf("yoga-mat", "요가매트", ("요가매트", "필라테스 링", "폼롤러"), ("TPE", "논슬립", "8mm"), ("젝시믹스", "안다르", "만두카"), (19000, 129000), "colour"),
            Leaf("leggings", "레깅스", ("레깅스", "요가 브라탑", "조거 팬츠"), ("에어쿨링", "하이웨이스트", "소프트"), ("젝시믹스", "안다르", "뮬라웨어"), (29000, 69000), "size"),
        ]),
        ("sports-camping", "캠핑", [
            Leaf("tent", "텐트", ("원터치 텐트", "돔 텐트", "타프"), ("4인용", "경량", "방수"), ("코베아", "스노우피크", "콜맨"), (59000, 599000), "single"),
            Leaf("chair", "캠핑체어", ("릴렉스 체어", "캠핑 테이블", "야전침대"), ("접이식", "알루미늄", "초경량"), ("헬리녹스", "코베아", "캠핑문"), (29000, 219000), "colour"),
        ]),
    ]),
]  # fmt: skip

REVIEWERS = [
    ("demo_review01", "김하늘"), ("demo_review02", "이서준"), ("demo_review03", "박지우"), ("demo_review04", "최민서"),
    ("demo_review05", "정예린"), ("demo_review06", "강도윤"), ("demo_review07", "윤서아"), ("demo_review08", "임지호"),
    ("demo_review09", "한유나"), ("demo_review10", "오시우"),
]  # fmt: skip
REVIEW_TEXTS = {
    5: ["배송도 빠르고 상품도 사진이랑 똑같아요. 재구매 의사 있습니다!", "라이브 보고 바로 샀는데 정말 만족해요.",
        "품질이 가격 이상이에요. 주변에도 추천했어요.", "포장이 꼼꼼하게 와서 선물용으로도 좋아요.",
        "두 번째 구매예요. 역시 믿고 삽니다."],
    4: ["전체적으로 만족하지만 배송이 하루 늦었어요.", "생각보다 조금 작지만 예뻐요.",
        "가격 대비 괜찮아요. 할인할 때 사면 좋아요.", "색감이 화면보다 살짝 진해요. 그래도 마음에 들어요."],
    3: ["무난해요. 기대만큼은 아니었어요.", "쓸만한데 마감이 조금 아쉬워요."],
    2: ["사이즈가 안 맞아서 아쉬워요. 교환하려고요."],
    1: ["제가 생각한 것과 많이 달라요."],
}  # fmt: skip
RATING_WEIGHTS = {5: 55, 4: 28, 3: 10, 2: 5, 1: 2}


def _category_ensure(*, slug: str, name: str, parent: Category | None, position: int) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        category = services.category_create(name=name, slug=slug, parent=parent, position=position)
    return category


def categories_ensure() -> list[tuple[Category, Leaf]]:
    """Create the demo tree where missing; return each leaf category with its product recipe."""
    leaves = []
    for root_position, (root_slug, root_name, children) in enumerate(TREE):
        root = _category_ensure(slug=root_slug, name=root_name, parent=None, position=root_position)
        for child_position, (child_slug, child_name, child_leaves) in enumerate(children):
            child = _category_ensure(slug=child_slug, name=child_name, parent=root, position=child_position)
            for leaf_position, leaf in enumerate(child_leaves):
                leaves.append(
                    (
                        _category_ensure(
                            slug=leaf.slug, name=leaf.name, parent=child, position=leaf_position
                        ),
                        leaf,
                    )
                )
    return leaves


def _price(rng: random.Random, low: int, high: int) -> tuple[int, int]:
    list_price = rng.randrange(low // 1000, high // 1000 + 1) * 1000 - rng.choice([0, 100, 1000])
    discount = rng.choice([0, 0, 5, 10, 15, 20, 25, 30, 40, 52])
    sale_price = list_price * (100 - discount) // 100 // 100 * 100
    return list_price, sale_price


def _options(rng: random.Random, kind: str) -> list[tuple[str, int]]:
    if kind == "size":
        colours = rng.sample(COLOURS, 2)
        return [(f"{colour} / {size}", 0) for colour in colours for size in SIZES]
    if kind == "colour":
        return [(colour, 0) for colour in rng.sample(COLOURS, 3)]
    if kind == "volume":
        return [("단품", 0), ("1+1 기획", rng.choice([8000, 12000, 15000]))]
    if kind == "weight":
        return [("1kg", 0), ("2kg", rng.choice([9900, 12900, 19900]))]
    return [("기본", 0)]


def _description(*, name: str, brand: str, leaf: Leaf, words: str) -> str:
    return (
        f"<h3>{brand}의 {leaf.name}, {name}</h3>"
        f"<p>{words} 감성을 담아 매일 손이 가도록 만들었어요. 라이브 방송에서 셀러가 직접 써 보고 소개한 상품입니다.</p>"
        "<p><strong>이런 분께 추천해요</strong></p>"
        "<ul><li>오래 두고 쓸 기본템을 찾는 분</li><li>선물하기 좋은 상품을 찾는 분</li><li>합리적인 가격을 원하는 분</li></ul>"
        "<table><tbody>"
        f"<tr><th>브랜드</th><td>{brand}</td></tr><tr><th>제조국</th><td>대한민국</td></tr>"
        "<tr><th>배송</th><td>평일 오후 2시 이전 주문 시 당일 출고</td></tr>"
        "<tr><th>교환·반품</th><td>수령 후 7일 이내 (단순 변심 시 왕복 배송비 부담)</td></tr>"
        "</tbody></table>"
    )


def _reviewers() -> list:
    user_model = get_user_model()
    password = make_password(REVIEWER_PASSWORD)
    existing = set(
        user_model.objects.filter(username__in=[u for u, _n in REVIEWERS]).values_list("username", flat=True)
    )
    user_model.objects.bulk_create(
        [
            user_model(username=username, name=name, email=f"{username}@trimarket.local", password=password)
            for username, name in REVIEWERS
            if username not in existing
        ]
    )
    return list(user_model.objects.filter(username__in=[u for u, _n in REVIEWERS]).order_by("username"))


def products_ensure(*, count: int, progress, images_per_product: int = 2) -> int:
    """Add demo products until the shop has ``count``; return how many were added."""
    missing = count - Product.objects.count()
    if missing <= 0:
        return 0
    leaves = categories_ensure()
    sellers = demo_sellers()
    reviewers = _reviewers()
    start = Product.objects.count()
    now = timezone.now()
    today = timezone.localdate()
    added = 0
    for batch_start in progress(range(start, start + missing, BATCH), desc="데모 상품"):
        batch = range(batch_start, min(batch_start + BATCH, start + missing))
        with transaction.atomic():
            added += _products_batch(
                batch,
                leaves=leaves,
                sellers=sellers,
                reviewers=reviewers,
                now=now,
                today=today,
                images=images_per_product,
            )
    caching.category_tree_changed()
    return added


def demo_sellers() -> list:
    """The shops demo products are spread over: the house shop first, then every approved shop."""
    house = seller_services.seller_house_ensure()
    return [house, *(seller for seller in seller_selectors.sellers_selling() if seller.pk != house.pk)]


def products_spread(*, sellers: list) -> int:
    """Give products still all with the house shop (a catalog made before sellers, given to it by the
    migration) to the demo shops in turn; once another shop owns any product, do nothing."""
    house, others = sellers[0], sellers[1:]
    if not others or Product.objects.exclude(seller=house).exists():
        return 0
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    for offset, seller in enumerate(sellers):
        Product.objects.filter(pk__in=ids[offset :: len(sellers)]).update(seller=seller)
    caching.product_changed(*ids, home=True)
    return len(ids)


def _products_batch(indices, *, leaves, sellers, reviewers, now, today, images: int) -> int:
    rows = []
    for index in indices:
        rng = random.Random(SEED + index)
        category, leaf = leaves[index % len(leaves)]
        brand = rng.choice(leaf.brands)
        words = rng.choice(leaf.words)
        item = rng.choice(leaf.items)
        name = f"{words} {item}" + (f" {index // len(leaves) + 1}차" if index >= len(leaves) * 3 else "")
        list_price, sale_price = _price(rng, *leaf.price)
        product = Product(
            seller=sellers[index % len(sellers)],
            category=category,
            name=name,
            brand=brand,
            list_price=list_price,
            sale_price=sale_price,
            description=_description(name=name, brand=brand, leaf=leaf, words=words),
        )
        product.description = services.description_sanitise(product.description)
        product.description_text = services.description_text(product.description)
        rows.append((index, rng, leaf, product))
    Product.objects.bulk_create([product for _i, _r, _l, product in rows])

    options, pictures, sales, reviews = [], [], [], []
    for index, rng, leaf, product in rows:
        product.created_at = now - datetime.timedelta(
            days=rng.randrange(0, 90), minutes=rng.randrange(0, 1440)
        )
        sold_out = rng.random() < 0.08
        for position, (option_name, extra) in enumerate(_options(rng, leaf.options)):
            stock = 0 if sold_out or rng.random() < 0.12 else rng.randrange(3, 60)
            options.append(
                ProductOption(
                    product=product, name=option_name, extra_price=extra, stock=stock, position=position
                )
            )
        if sold_out:
            product.status = Product.Status.SOLD_OUT
        hue = (zlib.crc32(leaf.slug.encode()) % 360) / 360 + rng.random() * 0.08
        letter = leaf.name[0] if rng.random() < 0.6 else product.brand[0]
        for position in range(images):
            image, thumb = demo_picture(seed=index, letter=letter, hue=hue, variant=position)
            stem = f"demo/p{product.pk}-{position}"
            pictures.append(
                ProductImage(
                    product=product,
                    image=default_storage.save(f"products/{stem}.jpg", ContentFile(image)),
                    thumbnail=default_storage.save(f"products/thumbs/{stem}.jpg", ContentFile(thumb)),
                    alt=product.name,
                    position=position,
                )
            )
        total = 0
        popularity = rng.random() ** 2
        for days_ago in range(SALES_HISTORY_DAYS):
            quantity = int(rng.random() * popularity * 30)
            if quantity:
                sales.append(
                    ProductSalesDay(
                        product=product, day=today - datetime.timedelta(days=days_ago), quantity=quantity
                    )
                )
                total += quantity
        product.sales_count = total + int(popularity * rng.randrange(0, 400))
        ratings = rng.choices(
            list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()), k=int(popularity * 12)
        )
        for number, rating in enumerate(ratings):
            reviews.append(
                Review(
                    product=product,
                    user=reviewers[(index + number) % len(reviewers)],
                    order_line_id=DEMO_ORDER_LINE_BASE + index * 100 + number,
                    option_name=rng.choice([o.name for o in options if o.product is product]),
                    rating=rating,
                    text=rng.choice(REVIEW_TEXTS[rating]),
                )
            )
        if ratings:
            product.review_count = len(ratings)
            product.rating_avg = round(sum(ratings) / len(ratings), 2)
    ProductOption.objects.bulk_create(options)
    ProductImage.objects.bulk_create(pictures)
    ProductSalesDay.objects.bulk_create(sales)
    Review.objects.bulk_create(reviews)
    Product.objects.bulk_update(
        [product for _i, _r, _l, product in rows],
        ["created_at", "status", "sales_count", "review_count", "rating_avg"],
    )
    # Spread the reviews over the weeks after each product arrived.
    for review in reviews:
        review.created_at = review.product.created_at + datetime.timedelta(
            days=random.Random(review.order_line_id).randrange(1, 30)
        )
    Review.objects.bulk_update([r for r in reviews if r.created_at < now], ["created_at"])
    return len(rows)


def load(*, progress, products: int = DEMO_PRODUCTS, images_per_product: int = 2) -> list:
    """Load the demo catalog (idempotent). It adds no login accounts worth printing in the banner."""
    categories_ensure()
    products_spread(sellers=demo_sellers())
    products_ensure(count=products, progress=progress, images_per_product=images_per_product)
    return []
