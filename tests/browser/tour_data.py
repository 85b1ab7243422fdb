"""A small, realistic client base for the browser tour: Latin, Cyrillic and Persian names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from clientbase.access.models import Role, User
from clientbase.access.services import create_user
from clientbase.accounts.models import Account, CustomFieldDefinition, CustomFieldType, Tag
from clientbase.accounts.services import create_account, create_contact
from clientbase.activities.services import complete_activity, plan_activity
from clientbase.catalog.models import Product, ProductCategory
from clientbase.marketing.models import Campaign, Channel, ChannelKind
from clientbase.sales.models import Pipeline, PipelineKind, Stage
from clientbase.sales.services import LineInput, open_deal, record_order

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Tour:
    viewers: dict[str, User]  # language → the user who reads the interface in it
    featured: dict[str, Account]  # language → the account opened in that language
    searches: dict[str, str]  # language → what is typed into the search box


def build_tour() -> Tour:
    viewers = {
        "en": create_user(
            actor=None,
            username="emma",
            password=PASSWORD,
            role=Role.DIRECTOR,
            first_name="Emma",
            last_name="Clarke",
            language="en",
            time_zone="Europe/London",
        ),
        "ru": create_user(
            actor=None,
            username="anna",
            password=PASSWORD,
            role=Role.DIRECTOR,
            first_name="Анна",
            last_name="Смирнова",
            language="ru",
            time_zone="Europe/Moscow",
        ),
        "fa": create_user(
            actor=None,
            username="sara",
            password=PASSWORD,
            role=Role.DIRECTOR,
            first_name="سارا",
            last_name="احمدی",
            language="fa",
            time_zone="Asia/Tehran",
        ),
    }
    ivan = create_user(
        actor=None,
        username="ivan",
        password=PASSWORD,
        role=Role.ACCOUNT_MANAGER,
        first_name="Иван",
        last_name="Петров",
        language="ru",
    )
    reza = create_user(
        actor=None,
        username="reza",
        password=PASSWORD,
        role=Role.REP,
        first_name="رضا",
        last_name="کریمی",
        language="fa",
    )
    james = create_user(
        actor=None,
        username="james",
        password=PASSWORD,
        role=Role.REP,
        first_name="James",
        last_name="Walker",
    )

    web = Channel.objects.create(code="web", name="Website", kind=ChannelKind.INBOUND)
    expo = Channel.objects.create(code="expo", name="Expo", kind=ChannelKind.EVENT)
    campaign = Campaign.objects.create(name="Spring expo 2025", channel=expo)
    CustomFieldDefinition.objects.create(
        key="fleet", label="Fleet size", type=CustomFieldType.INTEGER
    )
    CustomFieldDefinition.objects.create(key="edi", label="EDI", type=CustomFieldType.BOOLEAN)
    key, growth = Tag.objects.create(name="key"), Tag.objects.create(name="growth")

    def make(owner: User, legal: str, name: str, **fields: Any) -> Account:
        return create_account(
            actor=None, legal_name=legal, display_name=name, owner=owner, **fields
        )

    northwind = make(
        james,
        "Northwind Traders Ltd",
        "Northwind Traders",
        aliases=["Northwind"],
        industry="Food distribution",
        size_band="medium",
        country="GB",
        city="London",
        time_zone="Europe/London",
        work_starts=dt.time(9),
        work_ends=dt.time(17, 30),
        website="https://northwind.example",
        phone="+442071234567",
        email="buying@northwind.example",
        status="active",
        account_manager=ivan,
        source_channel=web,
        tax_ids={"eu_vat": "GB123456789"},
        custom={"fleet": 42, "edi": True},
    )
    romashka = make(
        ivan,
        "ООО «Ромашка»",
        "Ромашка",
        aliases=["Romashka"],
        industry="Розничная торговля",
        size_band="large",
        country="RU",
        region="Московская область",
        city="Москва",
        address="ул. Тверская, 7",
        time_zone="Europe/Moscow",
        work_starts=dt.time(9),
        work_ends=dt.time(18),
        website="https://romashka.example",
        phone="+74951234567",
        email="zakupki@romashka.example",
        status="active",
        account_manager=ivan,
        source_channel=expo,
        source_campaign=campaign,
        tax_ids={"ru_inn": "7701234567", "ru_kpp": "770101001", "ru_ogrn": "1027700132195"},
        custom={"fleet": 1250, "edi": False},
    )
    romashka.source_system, romashka.external_id = "1c", "000123"
    romashka.save(update_fields=["source_system", "external_id"])
    pars = make(
        reza,
        "شرکت پارس پخش",
        "پارس پخش",
        aliases=["Pars Pakhsh"],
        industry="پخش مویرگی",
        size_band="enterprise",
        country="IR",
        region="تهران",
        city="تهران",
        time_zone="Asia/Tehran",
        work_starts=dt.time(8),
        work_ends=dt.time(16),
        phone="+982188776655",
        email="info@parspakhsh.example",
        status="active",
        tax_ids={"ir_national_id": "10101234567", "ir_economic_code": "411111111111"},
        custom={"fleet": 300},
    )
    others = [
        make(
            james,
            "Contoso Manufacturing plc",
            "Contoso Manufacturing",
            city="Manchester",
            country="GB",
            status="prospect",
            size_band="large",
            phone="+441612345678",
        ),
        make(
            james,
            "Fabrikam Logistics GmbH",
            "Fabrikam Logistics",
            city="Hamburg",
            country="DE",
            status="dormant",
            size_band="medium",
            tax_ids={"eu_vat": "DE811907980"},
        ),
        make(
            ivan,
            "АО «Сибирские сети»",
            "Сибирские сети",
            city="Новосибирск",
            country="RU",
            status="prospect",
            size_band="enterprise",
            tax_ids={"ru_inn": "5406123456"},
            phone="+73832123456",
        ),
        make(
            ivan,
            "ООО «Волга-Снаб»",
            "Волга-Снаб",
            city="Казань",
            country="RU",
            status="lost",
            size_band="small",
            tax_ids={"ru_inn": "1655012345"},
        ),
        make(
            ivan,
            "ИП Кузнецов А. В.",
            "Кузнецов",
            city="Тверь",
            country="RU",
            status="former",
            size_band="micro",
        ),
        make(
            reza,
            "شرکت آسیا تجارت",
            "آسیا تجارت",
            city="اصفهان",
            country="IR",
            status="prospect",
            size_band="medium",
            phone="+983132123456",
            tax_ids={"ir_national_id": "10260123456"},
        ),
        make(
            reza,
            "صنایع غذایی البرز",
            "صنایع البرز",
            city="کرج",
            country="IR",
            status="dormant",
            size_band="large",
        ),
        make(
            james,
            "Tailspin Toys Inc.",
            "Tailspin Toys",
            city="Boston",
            country="US",
            status="active",
            size_band="small",
            phone="+16175550123",
        ),
    ]
    for account in (northwind, romashka, pars, others[0]):
        account.tags.add(key)
    for account in (romashka, others[2]):
        account.tags.add(growth)

    people: dict[Account, list[tuple[str, str, int, str, str]]] = {
        northwind: [
            ("Margaret Peacock", "Head of purchasing", 2, "decision_maker", "+442071234500"),
            ("Steven Buchanan", "Category manager", 3, "influencer", ""),
            ("Laura Callahan", "Warehouse lead", 4, "user", ""),
        ],
        romashka: [
            ("Ольга Иванова", "Генеральный директор", 1, "decision_maker", "+74951234501"),
            ("Сергей Кузьмин", "Руководитель закупок", 2, "influencer", "+74951234502"),
            ("Дмитрий Орлов", "Главный инженер", 3, "advisor", ""),
        ],
        pars: [
            ("علی رضایی", "مدیر عامل", 1, "decision_maker", "+982188776601"),
            ("مریم حسینی", "مدیر خرید", 2, "influencer", "+982188776602"),
            ("حسین محمدی", "کارشناس انبار", 4, "gatekeeper", ""),
        ],
    }
    for account, contacts in people.items():
        for full_name, position, rank, role, phone in contacts:
            create_contact(
                actor=None,
                account=account,
                full_name=full_name,
                position=position,
                rank=rank,
                buying_role=role,
                phone=phone,
                email=f"{full_name.split()[0].lower()}@example.com" if account is northwind else "",
            )

    category = ProductCategory.objects.create(name="Equipment", is_strategic=True)
    product = Product.objects.create(sku="EQ-1", name="Cold-chain sensor", category=category)
    pipeline = Pipeline.objects.create(name="New business", kind=PipelineKind.NEW_BUSINESS)
    for place, (stage, probability) in enumerate(
        [("Need identification", 10), ("Project", 40), ("Sale", 80)], start=1
    ):
        Stage.objects.create(pipeline=pipeline, name=stage, position=place, probability=probability)
    today = timezone.localdate()
    words = {
        northwind: (
            "Cold-chain rollout",
            "Quarterly review",
            "Agreed to a pilot in two warehouses",
            "Pilot kickoff",
        ),
        romashka: (
            "Внедрение холодовой цепи",
            "Квартальная встреча",
            "Договорились о пилоте на двух складах",
            "Старт пилота",
        ),
        pars: (
            "استقرار زنجیره سرد",
            "بازبینی فصلی",
            "توافق برای پایلوت در دو انبار",
            "جلسه شروع پایلوت",
        ),
    }
    for number, (account, (deal, call_subject, outcome, meeting)) in enumerate(
        words.items(), start=1
    ):
        for months_ago, amount in ((1, "1234567.89"), (4, "356000.00"), (9, "98500.50")):
            record_order(
                actor=None,
                account=account,
                date=today - dt.timedelta(days=30 * months_ago),
                number=f"SO-{number}{months_ago:03d}",
                lines=[
                    LineInput(
                        product, Decimal(3), Decimal(amount), Decimal(amount) * Decimal("0.7")
                    )
                ],
            )
        open_deal(
            actor=None,
            account=account,
            pipeline=pipeline,
            title=deal,
            amount=Decimal("2500000"),
            owner=account.owner,
        )
        call = plan_activity(
            actor=None,
            kind="call",
            subject=call_subject,
            account=account,
            due_at=timezone.now() - dt.timedelta(days=3),
            owner=account.owner,
        )
        complete_activity(actor=None, activity=call, outcome=outcome)
        plan_activity(
            actor=None,
            kind="meeting",
            subject=meeting,
            account=account,
            due_at=timezone.now() + dt.timedelta(days=5),
            owner=account.owner,
        )

    return Tour(
        viewers=viewers,
        featured={"en": northwind, "ru": romashka, "fa": pars},
        searches={"en": "northw", "ru": "ромаш", "fa": "پارس"},
    )
