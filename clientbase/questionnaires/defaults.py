"""The default questionnaire (the source article's questions), used by the set-up service and
the demo generator."""

from __future__ import annotations

from dataclasses import dataclass

from clientbase.questionnaires.models import Dimension, QuestionKind


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    dimension: str
    kind: str
    weight: float
    label: str
    label_ru: str
    label_fa: str
    min_value: float | None = None
    max_value: float | None = None
    reverse: bool = False


DEFAULT_NAME = "Need × value × behaviour"
DEFAULT_QUESTIONS = (
    QuestionSpec(
        "wallet_share",
        Dimension.NEED,
        QuestionKind.NUMBER,
        2.0,
        "Share of the client's wallet we cover (%)",
        "Доля бюджета клиента, которую мы закрываем (%)",
        "سهم ما از کیف پول مشتری (درصد)",
        0.0,
        100.0,
        reverse=True,
    ),
    QuestionSpec(
        "growth_fit",
        Dimension.NEED,
        QuestionKind.SCALE,
        2.0,
        "Fit with our growth products",
        "Соответствие нашим продуктам роста",
        "تناسب با محصولات رشد ما",
    ),
    QuestionSpec(
        "high_touch",
        Dimension.NEED,
        QuestionKind.YES_NO,
        1.0,
        "Needs high-touch personal service",
        "Нуждается в персональном обслуживании",
        "به خدمات حضوری و شخصی نیاز دارد",
    ),
    QuestionSpec(
        "opportunity",
        Dimension.VALUE,
        QuestionKind.SCALE,
        2.0,
        "Total opportunity with this client",
        "Общий потенциал клиента",
        "کل فرصت با این مشتری",
    ),
    QuestionSpec(
        "importance",
        Dimension.VALUE,
        QuestionKind.SCALE,
        1.0,
        "Importance of the client to us",
        "Важность клиента для нас",
        "اهمیت مشتری برای ما",
    ),
    QuestionSpec(
        "high_margin",
        Dimension.VALUE,
        QuestionKind.YES_NO,
        1.0,
        "Buys our high-margin lines",
        "Покупает наши высокомаржинальные линейки",
        "محصولات پرحاشیه ما را می‌خرد",
    ),
    QuestionSpec(
        "authority",
        Dimension.BEHAVIOUR,
        QuestionKind.SCALE,
        2.0,
        "Our contacts have buying authority",
        "Наши контакты имеют полномочия на закупку",
        "مخاطبان ما اختیار خرید دارند",
    ),
    QuestionSpec(
        "trend_leader",
        Dimension.BEHAVIOUR,
        QuestionKind.SCALE,
        1.0,
        "Leads in spotting market trends",
        "Первым замечает рыночные тренды",
        "در تشخیص روندهای بازار پیشرو است",
    ),
    QuestionSpec(
        "orderly",
        Dimension.BEHAVIOUR,
        QuestionKind.SCALE,
        2.0,
        "Orderly payments and processes",
        "Дисциплина платежей и процессов",
        "نظم در پرداخت‌ها و فرایندها",
    ),
)
