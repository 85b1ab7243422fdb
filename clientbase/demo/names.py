# ruff: noqa: E501  (vocabulary tables read better one record per line)
"""Vocabularies: cities and time zones, company and person names in three scripts, products."""

from __future__ import annotations

from typing import NamedTuple


# fmt: off
class City(NamedTuple):
    key: str
    name: str  # as written locally
    region: str
    country: str
    tz: str
    utc_offset_min: int  # standard offset; good enough for a call window
    phone_cc: str
    area: str  # landline area code
    local_digits: int  # landline digits after the area code
    mobile: str  # mobile prefix after the country code
    mobile_digits: int
    script: int  # 0 = Cyrillic, 1 = Persian, 2 = Latin
    weight: float


RU, FA, EN = 0, 1, 2
SCRIPTS = ("ru", "fa", "en")

CITIES: tuple[City, ...] = (
    City("kaliningrad", "Калининград", "Калининградская область", "RU", "Europe/Kaliningrad", 120, "7", "4012", 6, "9", 9, RU, 2),
    City("moscow", "Москва", "Москва", "RU", "Europe/Moscow", 180, "7", "495", 7, "9", 9, RU, 30),
    City("spb", "Санкт-Петербург", "Санкт-Петербург", "RU", "Europe/Moscow", 180, "7", "812", 7, "9", 9, RU, 10),
    City("kazan", "Казань", "Республика Татарстан", "RU", "Europe/Moscow", 180, "7", "843", 7, "9", 9, RU, 4),
    City("nnovgorod", "Нижний Новгород", "Нижегородская область", "RU", "Europe/Moscow", 180, "7", "831", 7, "9", 9, RU, 3),
    City("krasnodar", "Краснодар", "Краснодарский край", "RU", "Europe/Moscow", 180, "7", "861", 7, "9", 9, RU, 3),
    City("samara", "Самара", "Самарская область", "RU", "Europe/Samara", 240, "7", "846", 7, "9", 9, RU, 3),
    City("yekaterinburg", "Екатеринбург", "Свердловская область", "RU", "Asia/Yekaterinburg", 300, "7", "343", 7, "9", 9, RU, 5),
    City("chelyabinsk", "Челябинск", "Челябинская область", "RU", "Asia/Yekaterinburg", 300, "7", "351", 7, "9", 9, RU, 2),
    City("omsk", "Омск", "Омская область", "RU", "Asia/Omsk", 360, "7", "3812", 6, "9", 9, RU, 2),
    City("novosibirsk", "Новосибирск", "Новосибирская область", "RU", "Asia/Novosibirsk", 420, "7", "383", 7, "9", 9, RU, 4),
    City("krasnoyarsk", "Красноярск", "Красноярский край", "RU", "Asia/Krasnoyarsk", 420, "7", "391", 7, "9", 9, RU, 2),
    City("irkutsk", "Иркутск", "Иркутская область", "RU", "Asia/Irkutsk", 480, "7", "3952", 6, "9", 9, RU, 2),
    City("khabarovsk", "Хабаровск", "Хабаровский край", "RU", "Asia/Vladivostok", 600, "7", "4212", 6, "9", 9, RU, 1),
    City("vladivostok", "Владивосток", "Приморский край", "RU", "Asia/Vladivostok", 600, "7", "423", 7, "9", 9, RU, 2),
    City("tehran", "تهران", "استان تهران", "IR", "Asia/Tehran", 210, "98", "21", 8, "9", 9, FA, 10),
    City("isfahan", "اصفهان", "استان اصفهان", "IR", "Asia/Tehran", 210, "98", "31", 8, "9", 9, FA, 3),
    City("shiraz", "شیراز", "استان فارس", "IR", "Asia/Tehran", 210, "98", "71", 8, "9", 9, FA, 2),
    City("tabriz", "تبریز", "استان آذربایجان شرقی", "IR", "Asia/Tehran", 210, "98", "41", 8, "9", 9, FA, 2),
    City("mashhad", "مشهد", "استان خراسان رضوی", "IR", "Asia/Tehran", 210, "98", "51", 8, "9", 9, FA, 2),
    City("berlin", "Berlin", "Berlin", "DE", "Europe/Berlin", 60, "49", "30", 8, "151", 8, EN, 3),
    City("warsaw", "Warszawa", "Mazowieckie", "PL", "Europe/Warsaw", 60, "48", "22", 7, "5", 8, EN, 2),
    City("london", "London", "Greater London", "GB", "Europe/London", 0, "44", "20", 8, "7", 9, EN, 3),
    City("istanbul", "İstanbul", "İstanbul", "TR", "Europe/Istanbul", 180, "90", "212", 7, "5", 9, EN, 2),
    City("almaty", "Almaty", "Almaty", "KZ", "Asia/Almaty", 300, "7", "727", 7, "70", 8, EN, 2),
    City("dubai", "Dubai", "Dubai", "AE", "Asia/Dubai", 240, "971", "4", 7, "50", 7, EN, 1),
    City("tashkent", "Tashkent", "Toshkent", "UZ", "Asia/Tashkent", 300, "998", "71", 7, "90", 7, EN, 1),
)
# Cities where Latin-named (international) clients also sit.
LATIN_ALSO_IN = ("moscow", "spb")

# RU tax-office region code per Russian city (first two digits of INN/KPP/OGRN region).
RU_REGION = {
    "kaliningrad": 39, "moscow": 77, "spb": 78, "kazan": 16, "nnovgorod": 52, "krasnodar": 23,
    "samara": 63, "yekaterinburg": 66, "chelyabinsk": 74, "omsk": 55, "novosibirsk": 54,
    "krasnoyarsk": 24, "irkutsk": 38, "khabarovsk": 27, "vladivostok": 25,
}

INDUSTRIES = (
    "Manufacturing", "Wholesale", "Retail", "Construction", "Logistics", "Food & beverage",
    "Healthcare", "IT & telecom", "Energy", "Agriculture", "Automotive", "Chemicals",
    "Mining", "Hospitality", "Education", "Public sector",
)

# --- company names ---------------------------------------------------------------------------

RU_PREFIX = (
    "Техно", "Строй", "Агро", "Пром", "Энерго", "Мед", "Транс", "Инвест", "Нефте", "Сиб",
    "Урал", "Волга", "Балт", "Север", "Восток", "Альфа", "Вектор", "Гранит", "Кедр", "Ладога",
    "Меридиан", "Орион", "Сокол", "Феникс", "Атлант", "Бастион", "Гарант", "Дельта", "Зенит",
    "Импульс", "Квант", "Лидер", "Магистраль", "Нева", "Олимп", "Прогресс", "Ресурс", "Стандарт",
    "Тайга", "Фаворит", "Эталон", "Янтарь", "Полимер", "Металл", "Хим", "Авто", "Электро",
    "Ромашка",
)
RU_SUFFIX = (
    "Сервис", "Снаб", "Торг", "Комплект", "Маркет", "Логистик", "Систем", "Ресурс", "Трейд",
    "Групп", "Монтаж", "Пласт", "Лайн", "Тех", "Индустрия", "Профи", "Регион", "Поставка",
    "Инжиниринг", "Холдинг", "Плюс", "Центр", "Мастер", "Опт", "Стиль", "Завод", "Экспорт",
    "Проект", "Склад", "Капитал",
)
RU_TAIL = ("", "", "", "", "", "", " Плюс", " Про", "-М", " 2000", " Север", " Юг", "-Н", " Групп")

# (abbreviation, full form, Latin equivalent)
RU_FORMS = (
    ("ООО", "Общество с ограниченной ответственностью", "LLC"),
    ("АО", "Акционерное общество", "JSC"),
    ("ПАО", "Публичное акционерное общество", "PJSC"),
    ("ИП", "Индивидуальный предприниматель", "IE"),
)

# (Persian, Latin) word pairs: Persian script drops short vowels, so the Latin form is listed.
FA_WORDS = (
    ("آریا", "Arya"), ("پارس", "Pars"), ("صنعت", "Sanat"), ("تجارت", "Tejarat"), ("نوین", "Novin"),
    ("البرز", "Alborz"), ("سپاهان", "Sepahan"), ("کیمیا", "Kimia"), ("آسیا", "Asia"),
    ("پویا", "Pouya"), ("گستر", "Gostar"), ("رایان", "Rayan"), ("فولاد", "Foulad"),
    ("پخش", "Pakhsh"), ("توسعه", "Tose'e"), ("بهین", "Behin"), ("سپهر", "Sepehr"),
    ("ایده", "Ideh"), ("نگار", "Negar"), ("کاوه", "Kaveh"), ("دماوند", "Damavand"),
    ("زاگرس", "Zagros"), ("خزر", "Khazar"), ("ماهان", "Mahan"), ("آرمان", "Arman"),
    ("پیشرو", "Pishro"), ("سازه", "Sazeh"), ("نیرو", "Niru"), ("فن‌آوران", "Fanavaran"),
    ("بازرگانی", "Bazargani"), ("صنایع", "Sanaye"), ("مهندسی", "Mohandesi"), ("کوثر", "Kowsar"),
    ("تابان", "Taban"), ("ستاره", "Setareh"), ("پرشین", "Persian"),
)
FA_HEAD = ("بازرگانی", "صنایع", "مهندسی", "پخش", "")  # optional first word after «شرکت»
FA_FORMS = (
    ("سهامی خاص", "Private J.S. Co."),
    ("مسئولیت محدود", "Ltd."),
    ("سهامی عام", "Public J.S. Co."),
)

# (Latin, Cyrillic as a Russian-speaking clerk would write it)
EN_WORDS1 = (
    ("Northwind", "Нортвинд"), ("Bluewave", "Блювейв"), ("Silverline", "Сильверлайн"),
    ("Brightstone", "Брайтстоун"), ("Redwood", "Редвуд"), ("Greenfield", "Гринфилд"),
    ("Ironbridge", "Айронбридж"), ("Oakridge", "Оукридж"), ("Westbrook", "Вестбрук"),
    ("Kingsway", "Кингсвей"), ("Starlight", "Старлайт"), ("Clearview", "Клирвью"),
    ("Highland", "Хайленд"), ("Riverside", "Риверсайд"), ("Goldcrest", "Голдкрест"),
    ("Summit", "Саммит"), ("Horizon", "Хорайзон"), ("Pioneer", "Пионир"), ("Atlas", "Атлас"),
    ("Vertex", "Вертекс"), ("Nordic", "Нордик"), ("Baltic", "Балтик"), ("Eurasia", "Евразия"),
    ("Crescent", "Кресент"), ("Falcon", "Фалкон"), ("Granite", "Гранит"), ("Harbor", "Харбор"),
    ("Lumen", "Люмен"), ("Meridian", "Меридиан"), ("Optima", "Оптима"),
)
EN_WORDS2 = (
    ("Trading", "Трейдинг"), ("Logistics", "Логистикс"), ("Systems", "Системс"),
    ("Industries", "Индастриз"), ("Solutions", "Солюшнс"), ("Supply", "Саплай"),
    ("Technologies", "Текнолоджис"), ("Foods", "Фудс"), ("Partners", "Партнерс"),
    ("Group", "Груп"), ("Engineering", "Инжиниринг"), ("Packaging", "Пэкэджинг"),
    ("Distribution", "Дистрибьюшн"), ("Holdings", "Холдингс"), ("Retail", "Ритейл"),
    ("Pharma", "Фарма"), ("Energy", "Энерджи"), ("Components", "Компонентс"),
)
# Legal forms per country for Latin-named companies: (short, long)
EN_FORMS = {
    "GB": (("Ltd", "Limited"), ("PLC", "Public Limited Company"), ("LLP", "LLP")),
    "DE": (("GmbH", "Gesellschaft mit beschränkter Haftung"), ("AG", "Aktiengesellschaft")),
    "PL": (("Sp. z o.o.", "Spółka z ograniczoną odpowiedzialnością"), ("S.A.", "Spółka Akcyjna")),
    "TR": (("A.Ş.", "Anonim Şirketi"), ("Ltd. Şti.", "Limited Şirketi")),
    "KZ": (("LLP", "Limited Liability Partnership"), ("JSC", "Joint Stock Company")),
    "AE": (("LLC", "Limited Liability Company"), ("FZE", "Free Zone Establishment")),
    "UZ": (("LLC", "Limited Liability Company"), ("JSC", "Joint Stock Company")),
    "RU": (("LLC", "Limited Liability Company"), ("Ltd", "Limited")),
}
TLD = {"RU": "ru", "IR": "ir", "DE": "de", "PL": "pl", "GB": "co.uk", "TR": "com.tr", "KZ": "kz", "AE": "ae", "UZ": "uz"}

# --- people ----------------------------------------------------------------------------------

RU_MALE = (
    "Александр", "Алексей", "Андрей", "Дмитрий", "Сергей", "Иван", "Михаил", "Николай", "Павел",
    "Владимир", "Евгений", "Максим", "Игорь", "Олег", "Артём", "Константин", "Роман", "Юрий",
    "Виктор", "Денис", "Григорий", "Степан", "Фёдор", "Илья",
)
RU_FEMALE = (
    "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Мария", "Екатерина",
    "Юлия", "Марина", "Анастасия", "Людмила", "Галина", "Ксения", "Дарья", "Виктория", "Алина",
    "Вера", "Надежда",
)
# Patronymic stems, from the male names above (…ович / …овна).
RU_PATRONYMIC = (
    ("Александрович", "Александровна"), ("Алексеевич", "Алексеевна"), ("Андреевич", "Андреевна"),
    ("Дмитриевич", "Дмитриевна"), ("Сергеевич", "Сергеевна"), ("Иванович", "Ивановна"),
    ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"), ("Павлович", "Павловна"),
    ("Владимирович", "Владимировна"), ("Евгеньевич", "Евгеньевна"), ("Игоревич", "Игоревна"),
    ("Олегович", "Олеговна"), ("Юрьевич", "Юрьевна"), ("Викторович", "Викторовна"),
    ("Петрович", "Петровна"), ("Борисович", "Борисовна"), ("Анатольевич", "Анатольевна"),
)
RU_SURNAME = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
    "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
    "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
    "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
    "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов",
    "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Тихонов", "Калинин",
    "Островский", "Вишневский", "Покровский", "Никольский",
)

FA_MALE = (
    ("علی", "Ali"), ("محمد", "Mohammad"), ("حسین", "Hossein"), ("رضا", "Reza"), ("مهدی", "Mehdi"),
    ("امیر", "Amir"), ("حمید", "Hamid"), ("سعید", "Saeed"), ("مجید", "Majid"), ("احمد", "Ahmad"),
    ("مصطفی", "Mostafa"), ("محسن", "Mohsen"), ("جواد", "Javad"), ("کامران", "Kamran"),
    ("بهرام", "Bahram"), ("فرهاد", "Farhad"), ("داریوش", "Dariush"), ("سینا", "Sina"),
    ("پویا", "Pouya"), ("آرش", "Arash"),
)
FA_FEMALE = (
    ("زهرا", "Zahra"), ("فاطمه", "Fatemeh"), ("مریم", "Maryam"), ("سارا", "Sara"),
    ("نرگس", "Narges"), ("لیلا", "Leila"), ("مینا", "Mina"), ("الهام", "Elham"),
    ("نازنین", "Nazanin"), ("شیرین", "Shirin"), ("پریسا", "Parisa"), ("سمیرا", "Samira"),
    ("مهسا", "Mahsa"), ("نیلوفر", "Niloufar"), ("آزاده", "Azadeh"), ("ترانه", "Taraneh"),
)
FA_SURNAME = (
    ("رضایی", "Rezaei"), ("محمدی", "Mohammadi"), ("حسینی", "Hosseini"), ("احمدی", "Ahmadi"),
    ("کریمی", "Karimi"), ("موسوی", "Mousavi"), ("جعفری", "Jafari"), ("صادقی", "Sadeghi"),
    ("رحیمی", "Rahimi"), ("کاظمی", "Kazemi"), ("قاسمی", "Ghasemi"), ("ابراهیمی", "Ebrahimi"),
    ("نوری", "Nouri"), ("طاهری", "Taheri"), ("شریفی", "Sharifi"), ("اکبری", "Akbari"),
    ("یزدانی", "Yazdani"), ("تهرانی", "Tehrani"), ("اصفهانی", "Esfahani"), ("شیرازی", "Shirazi"),
    ("نجفی", "Najafi"), ("فرهادی", "Farhadi"), ("بهرامی", "Bahrami"), ("سلطانی", "Soltani"),
    ("مرادی", "Moradi"), ("زارعی", "Zarei"), ("امینی", "Amini"), ("عباسی", "Abbasi"),
    ("کرمانی", "Kermani"), ("پورمحمدی", "Pourmohammadi"),
)

EN_MALE = (
    ("John", "Джон"), ("Michael", "Майкл"), ("David", "Дэвид"), ("James", "Джеймс"),
    ("Thomas", "Томас"), ("Peter", "Питер"), ("Daniel", "Дэниел"), ("Mark", "Марк"),
    ("Paul", "Пол"), ("Robert", "Роберт"), ("Stefan", "Штефан"), ("Klaus", "Клаус"),
    ("Piotr", "Пётр"), ("Mehmet", "Мехмет"), ("Nurlan", "Нурлан"), ("Omar", "Омар"),
)
EN_FEMALE = (
    ("Anna", "Анна"), ("Sarah", "Сара"), ("Emma", "Эмма"), ("Laura", "Лаура"), ("Julia", "Юлия"),
    ("Maria", "Мария"), ("Claire", "Клэр"), ("Sophie", "Софи"), ("Kate", "Кейт"),
    ("Helen", "Хелен"), ("Katarzyna", "Катажина"), ("Ayse", "Айше"), ("Aigerim", "Айгерим"),
)
EN_SURNAME = (
    ("Smith", "Смит"), ("Johnson", "Джонсон"), ("Brown", "Браун"), ("Taylor", "Тейлор"),
    ("Wilson", "Уилсон"), ("Miller", "Миллер"), ("Davies", "Дэвис"), ("Evans", "Эванс"),
    ("Clarke", "Кларк"), ("Wright", "Райт"), ("Mueller", "Мюллер"), ("Schmidt", "Шмидт"),
    ("Schneider", "Шнайдер"), ("Fischer", "Фишер"), ("Weber", "Вебер"), ("Kowalski", "Ковальский"),
    ("Nowak", "Новак"), ("Yilmaz", "Йылмаз"), ("Kaya", "Кая"), ("Demir", "Демир"),
    ("Akhmetov", "Ахметов"), ("Haddad", "Хаддад"),
)

# Positions by rank 1..5, per script.
POSITIONS = (
    ("Генеральный директор", "Коммерческий директор", "Начальник отдела закупок",
     "Менеджер по закупкам", "Специалист отдела снабжения"),
    ("مدیرعامل", "مدیر بازرگانی", "مدیر خرید", "کارشناس خرید", "کارمند تدارکات"),
    ("Chief Executive Officer", "Commercial Director", "Head of Procurement",
     "Purchasing Manager", "Procurement Specialist"),
)

STREETS = (
    ("ул. Ленина", "ул. Мира", "пр-т Победы", "ул. Садовая", "ул. Гагарина", "ул. Советская",
     "ул. Промышленная", "ш. Энтузиастов", "ул. Заводская", "ул. Строителей", "ул. Мичурина"),
    ("خیابان ولیعصر", "خیابان آزادی", "بلوار کشاورز", "خیابان انقلاب", "خیابان شریعتی",
     "بلوار میرداماد", "خیابان فردوسی", "خیابان سعدی"),
    ("Main Street", "Market Street", "Station Road", "Park Avenue", "Harbour Road",
     "Industrial Park", "Business Centre", "Trade Street"),
)

# --- our catalogue ---------------------------------------------------------------------------


class CategorySpec(NamedTuple):
    name: str
    strategic: bool
    kind: str  # commodity | equipment | saas | service: sets price and margin
    unit: str
    items: tuple[str, ...]


CATEGORIES: tuple[tuple[str, tuple[CategorySpec, ...]], ...] = (
    ("Упаковка", (
        CategorySpec("Плёнки и ленты", False, "commodity", "roll", ("Стрейч-плёнка", "Скотч упаковочный", "Лента ПП", "Плёнка воздушно-пузырьковая")),
        CategorySpec("Гофротара", False, "commodity", "pcs", ("Гофрокороб", "Лоток гофрированный", "Уголок защитный")),
    )),
    ("Расходные материалы", (
        CategorySpec("Клининг и гигиена", False, "commodity", "pcs", ("Средство моющее", "Полотенца бумажные", "Перчатки нитриловые", "Салфетки протирочные")),
        CategorySpec("Канцелярия", False, "commodity", "box", ("Бумага офисная", "Картридж", "Этикетки термо", "Папка-регистратор")),
        CategorySpec("Средства защиты", False, "commodity", "pcs", ("Каска защитная", "Очки защитные", "Респиратор", "Костюм рабочий")),
    )),
    ("Промышленные товары", (
        CategorySpec("Крепёж и метизы", False, "commodity", "kg", ("Болт", "Гайка", "Саморез", "Анкер")),
        CategorySpec("Электротехника", False, "commodity", "pcs", ("Кабель", "Автоматический выключатель", "Светильник LED", "Удлинитель")),
        CategorySpec("Запчасти", False, "commodity", "pcs", ("Подшипник", "Ремень приводной", "Фильтр", "Уплотнение")),
    )),
    ("Оборудование", (
        CategorySpec("Складское оборудование", False, "equipment", "pcs", ("Стеллаж", "Тележка гидравлическая", "Паллетный штабелёр")),
        CategorySpec("Автоматизация склада", True, "equipment", "set", ("Терминал сбора данных", "Принтер этикеток", "Система маркировки")),
    )),
    ("Сервисы", (
        CategorySpec("Облачные сервисы (SaaS)", True, "saas", "month", ("Портал заказов", "Облачный склад", "EDI-подключение", "Аналитика закупок")),
        CategorySpec("Сервисные программы", True, "service", "hour", ("Сервисный контракт", "Выездное обслуживание", "Аудит склада", "Обучение персонала")),
    )),
)
GRADES = ("стандарт", "премиум", "эконом", "промышленный", "XL", "мини", "тип A", "тип B", "тип C", "pro")

# --- activities ------------------------------------------------------------------------------

ACTIVITY_KINDS = ("call", "meeting", "email", "task", "note", "ticket")
SUBJECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "call": (
        ("Звонок: уточнить потребность", "Звонок: статус заказа", "Звонок: согласование цены", "Звонок: напоминание об оплате", "Звонок по заявке"),
        ("تماس: بررسی نیاز", "تماس: وضعیت سفارش", "تماس: توافق قیمت", "تماس: یادآوری پرداخت", "تماس درباره درخواست"),
        ("Call: needs discovery", "Call: order status", "Call: price agreement", "Call: payment reminder", "Call about the request"),
    ),
    "meeting": (
        ("Встреча: презентация решения", "Встреча с отделом закупок", "Визит к клиенту", "Переговоры по договору"),
        ("جلسه: معرفی راهکار", "جلسه با واحد خرید", "بازدید از مشتری", "مذاکره قرارداد"),
        ("Meeting: solution presentation", "Meeting with procurement", "Client visit", "Contract negotiation"),
    ),
    "email": (
        ("Письмо: коммерческое предложение", "Письмо: счёт и документы", "Письмо: ответ на запрос"),
        ("ایمیل: پیش‌فاکتور", "ایمیل: فاکتور و اسناد", "ایمیل: پاسخ به استعلام"),
        ("E-mail: quotation", "E-mail: invoice and documents", "E-mail: reply to enquiry"),
    ),
    "task": (
        ("Подготовить КП", "Выставить счёт", "Согласовать спецификацию", "Обновить данные клиента", "Запланировать визит"),
        ("تهیه پیش‌فاکتور", "صدور فاکتور", "تأیید مشخصات فنی", "به‌روزرسانی اطلاعات مشتری", "برنامه‌ریزی بازدید"),
        ("Prepare a quotation", "Issue the invoice", "Agree the specification", "Update client details", "Plan a visit"),
    ),
    "note": (
        ("Заметка: итоги разговора", "Заметка: конкурент предлагает скидку", "Заметка: смена ЛПР"),
        ("یادداشت: نتیجه گفتگو", "یادداشت: رقیب تخفیف می‌دهد", "یادداشت: تغییر تصمیم‌گیرنده"),
        ("Note: call summary", "Note: competitor offers a discount", "Note: new decision maker"),
    ),
    "ticket": (
        ("Обращение: недовоз по накладной", "Обращение: возврат брака", "Обращение: исправить УПД", "Обращение: пересорт", "Обращение: акт сверки"),
        ("درخواست: کسری ارسال", "درخواست: مرجوعی کالای معیوب", "درخواست: اصلاح فاکتور", "درخواست: ارسال اشتباه", "درخواست: صورت‌حساب تطبیق"),
        ("Ticket: short delivery", "Ticket: return of defective goods", "Ticket: corrected invoice", "Ticket: wrong items shipped", "Ticket: reconciliation statement"),
    ),
}
OUTCOMES = (
    "Договорились о встрече", "Клиент думает", "Отправили КП", "Нет ответа", "Решено",
    "Перезвонить позже", "Согласовано", "Передано в сервис",
)

DEAL_TOPICS_NB = (
    "Первая поставка расходных материалов", "Переход на нашего поставщика упаковки",
    "Подключение портала заказов", "Оснащение склада", "Сервисная программа",
    "Пилотная поставка СИЗ",
)
DEAL_TOPICS_AS = (
    "Повторная закупка", "Расширение ассортимента", "Годовой договор поставки",
    "Продление сервисного контракта", "Допродажа SaaS", "Сезонная закупка",
)
LOST_REASONS = (
    "Выбрали конкурента", "Цена выше рынка", "Нет бюджета", "Закупку отложили",
    "Не вышли на ЛПР", "Не наш профиль",
)
# fmt: on
