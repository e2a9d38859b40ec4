"""Generate the sample register of Sunwave Studio, a fictional solarium & fitness studio.

Branches in Tallinn, Helsinki, Vilnius and Warsaw; three years of customers, purchases,
feedback in five languages and marketing actions, with a handful of deliberate data
problems for the quality report. Deterministic: the same seed and size give the same file.

    python sample_data/generate.py                      # sample_data/studio_register.xlsx
    python sample_data/generate.py --customers 100000 --out /tmp/big.xlsx
    python sample_data/generate.py --template sample_data/template.xlsx
"""

from __future__ import annotations

import argparse
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).parent
SAMPLE = HERE / "studio_register.xlsx"
TEMPLATE = HERE / "template.xlsx"
END = date(2026, 10, 31)
START = date(2023, 11, 1)

BRANCHES = {
    "Tallinn": ("EE", "et", "+372", "studio.ee"),
    "Helsinki": ("FI", "fi", "+358", "studio.fi"),
    "Vilnius": ("LT", "lt", "+370", "studio.lt"),
    "Warsaw": ("PL", "pl", "+48", "studio.pl"),
}
FIRST_NAMES = {
    "et": [
        "Mari",
        "Kadri",
        "Liis",
        "Triin",
        "Kristjan",
        "Martin",
        "Andres",
        "Maarja",
        "Kertu",
        "Rasmus",
        "Karl",
        "Helen",
        "Jaanus",
        "Piret",
        "Tõnu",
        "Ülle",
        "Margus",
        "Kätlin",
    ],
    "fi": [
        "Aino",
        "Eveliina",
        "Sanna",
        "Mikko",
        "Juha",
        "Jussi",
        "Laura",
        "Päivi",
        "Ville",
        "Heikki",
        "Sari",
        "Tuomas",
        "Kaisa",
        "Jönne",
        "Riikka",
        "Antti",
        "Tiina",
        "Matti",
    ],
    "lt": [
        "Rūta",
        "Eglė",
        "Jonas",
        "Tomas",
        "Lukas",
        "Gintarė",
        "Aistė",
        "Mantas",
        "Dovilė",
        "Paulius",
        "Agnė",
        "Justas",
        "Ieva",
        "Šarūnas",
        "Vaida",
        "Mindaugas",
        "Žydrūnė",
        "Darius",
    ],
    "pl": [
        "Anna",
        "Katarzyna",
        "Małgorzata",
        "Piotr",
        "Krzysztof",
        "Tomasz",
        "Agnieszka",
        "Paweł",
        "Łukasz",
        "Magdalena",
        "Michał",
        "Joanna",
        "Grzegorz",
        "Zofia",
        "Jakub",
        "Ewa",
        "Wojciech",
        "Marta",
    ],
    "en": ["Emma", "Olivia", "James", "Daniel", "Sophie", "Thomas", "Grace", "Lucas"],
}
LAST_NAMES = {
    "et": ["Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel", "Lepik", "Õunapuu"],
    "fi": [
        "Korhonen",
        "Virtanen",
        "Mäkinen",
        "Nieminen",
        "Mäkelä",
        "Hämäläinen",
        "Laine",
        "Heikkinen",
        "Koskinen",
        "Järvinen",
        "Lehtonen",
        "Saarinen",
    ],
    "lt": [
        "Kazlauskas",
        "Jankauskas",
        "Petrauskas",
        "Stankevičius",
        "Vasiliauskas",
        "Žukauskas",
        "Butkus",
        "Paulauskas",
        "Urbonas",
        "Kavaliauskas",
        "Navickas",
        "Ramanauskas",
    ],
    "pl": [
        "Nowak",
        "Kowalski",
        "Wiśniewski",
        "Wójcik",
        "Kowalczyk",
        "Kamiński",
        "Lewandowski",
        "Zieliński",
        "Szymański",
        "Woźniak",
        "Dąbrowski",
        "Kozłowski",
    ],
    "en": ["Smith", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Wright", "Hughes"],
}
PRODUCTS = [  # (product, category, unit price in EUR)
    ("Monthly membership", "Membership", 49.00),
    ("Solarium 10 min", "Solarium", 8.00),
    ("Solarium 20 min", "Solarium", 14.00),
    ("Solarium card, 10 sessions", "Solarium", 99.00),
    ("Personal training", "Training", 35.00),
    ("Yoga class", "Classes", 11.00),
    ("Day pass", "Gym", 12.00),
    ("Sun cream", "Products", 15.90),
    ("Protein bar", "Products", 3.50),
]
MEMBERSHIP, SOLARIUM = PRODUCTS[0], PRODUCTS[1:4]
EXTRAS = PRODUCTS[4:]

# Feedback as customers write it: (theme, tone, text) per language.
FEEDBACK_TEXTS: dict[str, list[tuple[str, str, str]]] = {
    "en": [
        ("price", "neg", "The monthly membership is getting too expensive for me."),
        ("price", "pos", "Fair prices, and the sun cream you sell is of excellent quality."),
        ("staff", "pos", "The staff at the reception are always friendly and helpful."),
        ("staff", "neg", "The trainer was rude and did not listen to me."),
        ("cleanliness", "neg", "The changing rooms were not clean and the showers smelled."),
        ("cleanliness", "pos", "Very clean solarium cabins and such a cosy, relaxing atmosphere!"),
        ("opening_hours", "wish", "Please open earlier at weekends, 7 am would be great."),
        ("booking", "neg", "Online booking keeps failing, I could not reserve a session."),
        ("equipment", "neg", "Two treadmills have been broken for weeks."),
        ("waiting_time", "neg", "I had to wait 25 minutes for a free solarium."),
        ("parking", "neg", "Parking near the studio is impossible in the evening."),
        ("idea", "idea", "Idea: every tenth solarium session free for members."),
        ("idea", "idea", "You could organise a yoga morning in the park in summer."),
    ],
    "et": [
        ("price", "neg", "Kuukaardi hinnad on liiga kõrged, mõtlen lahkuda."),
        ("price", "pos", "Hinnad on mõistlikud ja päevituskreem on väga hea kvaliteediga."),
        ("staff", "pos", "Teenindajad on alati sõbralikud ja abivalmid."),
        ("staff", "neg", "Treener oli ebaviisakas ega kuulanud mind."),
        ("cleanliness", "neg", "Riietusruumid olid mustad ja duširuumis oli hallitus."),
        ("cleanliness", "pos", "Solaariumikabiinid on väga puhtad ja õhkkond on mõnus, aitäh!"),
        ("opening_hours", "wish", "Palun avage nädalavahetustel varem, näiteks kell seitse."),
        ("booking", "neg", "Broneerimine veebis ei tööta, aega ei saanud kinni panna."),
        ("equipment", "neg", "Kaks jooksulinti on juba mitu nädalat katki."),
        ("waiting_time", "neg", "Pidin vaba solaariumi järel ootama 25 minutit."),
        ("parking", "neg", "Parkimine stuudio juures on õhtuti võimatu."),
        ("idea", "idea", "Idee: iga kümnes solaariumikord võiks püsiklientidele olla tasuta."),
    ],
    "fi": [
        ("price", "neg", "Kuukausikortin hinnat ovat nousseet liikaa."),
        ("price", "pos", "Hinnat ovat kohtuulliset ja aurinkovoiteen laatu on erinomainen."),
        ("staff", "pos", "Henkilökunta on aina ystävällistä ja avuliasta."),
        ("staff", "neg", "Valmentaja oli epäkohtelias eikä kuunnellut minua."),
        ("cleanliness", "neg", "Pukuhuoneet olivat likaiset ja suihkut haisivat."),
        ("cleanliness", "pos", "Solariumit ovat todella siistejä ja tunnelma on rento, kiitos!"),
        ("opening_hours", "wish", "Toivoisin, että avaatte viikonloppuisin aikaisemmin."),
        ("booking", "neg", "Ajanvaraus verkossa ei toimi, en saanut varattua aikaa."),
        ("equipment", "neg", "Kaksi juoksumattoa on ollut rikki viikkoja."),
        ("waiting_time", "neg", "Jouduin odottamaan vapaata solariumia 25 minuuttia."),
        ("parking", "neg", "Pysäköinti studion lähellä on illalla mahdotonta."),
        ("idea", "idea", "Ehdotus: joka kymmenes solariumkerta ilmaiseksi kanta-asiakkaille."),
    ],
    "lt": [
        ("price", "neg", "Mėnesinio abonemento kainos per didelės."),
        ("price", "pos", "Kainos sąžiningos, o įdegio kremo kokybė puiki."),
        ("staff", "pos", "Darbuotojai visada malonūs ir paslaugūs."),
        ("staff", "neg", "Treneris buvo nemandagus ir manęs neklausė."),
        ("cleanliness", "neg", "Persirengimo kambariai buvo nešvarūs, dušuose blogas kvapas."),
        ("cleanliness", "pos", "Soliariumo kabinos labai švarios, o atmosfera jauki, ačiū!"),
        ("opening_hours", "wish", "Prašau savaitgaliais atsidaryti anksčiau."),
        ("booking", "neg", "Registracija internetu neveikia, negalėjau užsirezervuoti laiko."),
        ("equipment", "neg", "Du bėgimo takeliai jau kelias savaites sugedę."),
        ("waiting_time", "neg", "Laisvo soliariumo teko laukti 25 minutes."),
        ("parking", "neg", "Vakare prie studijos neįmanoma rasti vietos automobiliui."),
        ("idea", "idea", "Idėja: kas dešimtas soliariumo seansas nuolatiniams klientams nemokamai."),
    ],
    "pl": [
        ("price", "neg", "Ceny karnetu miesięcznego są za wysokie."),
        ("price", "pos", "Ceny są uczciwe, a jakość kremu do opalania świetna."),
        ("staff", "pos", "Obsługa w recepcji jest zawsze miła i pomocna."),
        ("staff", "neg", "Trener był niegrzeczny i mnie nie słuchał."),
        ("cleanliness", "neg", "Szatnie były brudne, a prysznice śmierdziały."),
        ("cleanliness", "pos", "Kabiny solarium są bardzo czyste, a atmosfera przyjemna i relaksująca!"),
        ("opening_hours", "wish", "Proszę otwierać wcześniej w weekendy."),
        ("booking", "neg", "Rezerwacja online nie działa, nie mogłem zarezerwować terminu."),
        ("equipment", "neg", "Dwie bieżnie są zepsute od kilku tygodni."),
        ("waiting_time", "neg", "Musiałam czekać 25 minut na wolne solarium."),
        ("parking", "neg", "Wieczorem nie da się zaparkować w pobliżu studia."),
        ("idea", "idea", "Pomysł: co dziesiąta sesja w solarium gratis dla stałych klientów."),
    ],
}
CAMPAIGNS = [
    "New year membership 2024",
    "Summer tan 2024",
    "Autumn comeback 2024",
    "New year membership 2025",
    "Summer tan 2025",
    "Win-back spring 2026",
    "Summer tan 2026",
]

CUSTOMER_HEADERS = [
    "Customer ID",
    "First name",
    "Last name",
    "E-mail",
    "Phone",
    "City",
    "Country",
    "Language",
    "Birth date",
    "Customer since",
    "Source",
    "Lead temperature",
    "Relationship",
    "Buys elsewhere",
    "Email consent",
    "SMS consent",
    "Phone consent",
    "Opted out",
    "Contact frequency",
    "Interests",
    "Tags",
    "Home branch",
    "Notes",
    "Locker no.",
]
PURCHASE_HEADERS = [
    "Invoice",
    "Customer ID",
    "Date",
    "Product",
    "Category",
    "Quantity",
    "Unit price",
    "Amount",
    "Branch",
]
FEEDBACK_HEADERS = ["Feedback ID", "Customer ID", "Date", "Type", "Channel", "Rating", "Text", "Language", "Status"]
ACTION_HEADERS = ["Action ID", "Customer ID", "Planned", "Done", "Type", "Channel", "Campaign", "Outcome", "Notes"]


@dataclass
class Customer:
    """One fictional customer and everything generated for them."""

    id: int
    segment: str
    branch: str
    language: str
    first: str
    last: str
    since: date
    row: list[object] = field(default_factory=list)
    purchases: list[tuple[date, tuple[str, str, float], int]] = field(default_factory=list)


def _ascii(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _segment(rng: random.Random) -> str:
    return rng.choices(
        ["prospect", "one_off", "occasional", "regular", "partner", "former"], weights=[18, 16, 24, 25, 2, 15]
    )[0]


def _phone(rng: random.Random, prefix: str) -> str:
    local = {
        "+372": f"5{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "+358": f"40 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "+370": f"6{rng.randint(10, 99)} {rng.randint(10000, 99999)}",
        "+48": f"{rng.randint(500, 799)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
    }[prefix]
    return f"{prefix} {local}" if rng.random() < 0.8 else local.replace(" ", "")


def _purchases(rng: random.Random, customer: Customer) -> None:
    """Buying rhythms: memberships monthly, solarium sessions irregular, extras now and then."""
    segment, since = customer.segment, customer.since
    if segment == "prospect":
        return
    if segment == "one_off":
        customer.purchases.append((_day(rng, since, END), rng.choice(SOLARIUM + EXTRAS), 1))
        return
    if segment == "occasional":
        for _ in range(rng.randint(2, 6)):
            customer.purchases.append((_day(rng, since, END), rng.choice(SOLARIUM + EXTRAS), 1))
        return
    stop = (
        END if segment in ("regular", "partner") else _day(rng, START + timedelta(days=120), END - timedelta(days=400))
    )
    day = since
    while day <= stop:
        customer.purchases.append((day, MEMBERSHIP, 1))
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            extra_day = day + timedelta(days=rng.randint(1, 27))
            if extra_day <= stop:
                customer.purchases.append((extra_day, rng.choice(SOLARIUM + EXTRAS), rng.choice([1, 1, 1, 2])))
        day += timedelta(days=rng.randint(27, 34))


def _customer_row(rng: random.Random, customer: Customer, prefix: str, domain: str) -> list[object]:
    country = BRANCHES[customer.branch][0]
    email = f"{_ascii(customer.first).lower()}.{_ascii(customer.last).lower()}{customer.id % 97}@{domain}"
    birth = date(rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28))
    temperature = rng.choice(["cold", "cold", "warm", "hot"]) if customer.segment == "prospect" else None
    relationship = {"partner": "partner", "former": "former"}.get(customer.segment) if rng.random() < 0.3 else None
    opted_out = _day(rng, customer.since, END) if rng.random() < 0.04 else None
    consent = [("yes" if rng.random() < share else "no") for share in (0.8, 0.55, 0.45)]
    if opted_out:
        consent = ["no", "no", "no"]
    interests = ", ".join(
        sorted(rng.sample(["solarium", "gym", "yoga", "personal training", "spa"], rng.randint(1, 2)))
    )
    tags = rng.choice([None, None, None, "student", "corporate", "vip"])
    buys_elsewhere = "yes" if customer.segment == "occasional" and rng.random() < 0.35 else None
    return [
        customer.id,
        customer.first,
        customer.last,
        email if rng.random() > 0.06 else None,
        _phone(rng, prefix) if rng.random() > 0.08 else None,
        customer.branch,
        country,
        customer.language,
        birth if rng.random() < 0.85 else None,
        customer.since,
        rng.choice(["walk-in", "website", "Instagram", "referral", "Google", "event"]),
        temperature,
        relationship,
        buys_elsewhere,
        *consent,
        opted_out,
        rng.choice([None, "monthly", "monthly", "quarterly", "weekly"]),
        interests,
        tags,
        customer.branch,
        None,
        rng.randint(1, 240) if customer.segment in ("regular", "partner") else None,
    ]


def build_customers(rng: random.Random, count: int) -> list[Customer]:
    customers = []
    for index in range(count):
        branch = rng.choice(list(BRANCHES))
        _country, language, prefix, domain = BRANCHES[branch]
        language = "en" if rng.random() < 0.08 else language
        segment = _segment(rng)
        latest_start = END - timedelta(days=60) if segment in ("regular", "partner") else END
        customer = Customer(
            10001 + index,
            segment,
            branch,
            language,
            rng.choice(FIRST_NAMES[language]),
            rng.choice(LAST_NAMES[language]),
            _day(rng, START, latest_start),
        )
        _purchases(rng, customer)
        customer.row = _customer_row(rng, customer, prefix, domain)
        customers.append(customer)
    return customers


def feedback_rows(rng: random.Random, customers: list[Customer]) -> Iterator[list[object]]:
    number = 0
    for customer in customers:
        chance = {"partner": 1.0, "regular": 0.45, "occasional": 0.3, "former": 0.45, "one_off": 0.15}.get(
            customer.segment, 0
        )
        if rng.random() >= chance:
            continue
        texts = FEEDBACK_TEXTS[customer.language]
        for _ in range(rng.randint(1, 3 if customer.segment != "partner" else 4)):
            _, tone, text = rng.choice(texts)
            if customer.segment == "partner" and rng.random() < 0.5:
                _, tone, text = next(item for item in texts if item[1] == "idea")
            if tone == "idea" and customer.segment not in ("partner", "regular"):
                continue
            kind = {"idea": "idea", "wish": "wish"}.get(tone) or rng.choice(
                ["complaint", "complaint", "opinion", "survey"] if tone == "neg" else ["opinion", "survey", "survey"]
            )
            rating = None
            if kind == "survey":
                rating = rng.choice([1, 2]) if tone == "neg" else rng.choice([4, 5, 5])
            status = rng.choice(["open", "resolved", "resolved"]) if kind == "complaint" else None
            number += 1
            when = _day(rng, customer.since, END)
            yield [
                f"F{number:05d}",
                customer.id,
                when,
                kind,
                rng.choice(["in person", "e-mail", "survey", "phone", "Google review"]),
                rating,
                text,
                customer.language,
                status,
            ]


def action_rows(rng: random.Random, customers: list[Customer]) -> Iterator[list[object]]:
    number = 0
    for customer in customers:
        plans: list[tuple[str, str, str | None]] = []
        if customer.segment == "prospect":
            plans += [("call", "phone", None)] * rng.randint(0, 2)
        if customer.segment in ("regular", "partner", "occasional"):
            plans += [("offer", "e-mail", rng.choice(CAMPAIGNS)), ("greeting", "e-mail", "Birthday greeting")][
                : rng.randint(0, 2)
            ]
        if customer.segment == "former":
            plans += [("offer", "e-mail", "Win-back spring 2026"), ("call", "phone", "Win-back spring 2026")][
                : rng.randint(1, 2)
            ]
        if customer.segment == "partner":
            plans.append(("event", "e-mail", "Members' evening"))
        for kind, channel, campaign in plans:
            number += 1
            planned = _day(rng, customer.since, END + timedelta(days=30))
            done = planned + timedelta(days=rng.randint(0, 3)) if planned <= END and rng.random() < 0.85 else None
            outcome = (
                rng.choice(["bought", "interested", "no answer", "not interested", "booked a visit"]) if done else None
            )
            yield [f"A{number:05d}", customer.id, planned, done, kind, channel, campaign, outcome, None]


def purchase_rows(rng: random.Random, customers: list[Customer]) -> Iterator[list[object]]:
    items = [(day, customer, product, qty) for customer in customers for day, product, qty in customer.purchases]
    items.sort(key=lambda item: (item[0], item[1].id))
    for number, (day, customer, (product, category, price), qty) in enumerate(items, start=1):
        if rng.random() < 0.004:
            qty = -qty  # a return
        amount = round(price * qty, 2)
        shown: object = day if rng.random() > 0.02 else day.strftime("%d.%m.%Y")  # typed as text
        branch = customer.branch if rng.random() > 0.05 else rng.choice(list(BRANCHES))
        yield [f"INV-{number:06d}", customer.id, shown, product, category, qty, price, amount, branch]


def inject_problems(customers: list[list[object]], purchases: list[list[object]], feedback: list[list[object]]) -> None:
    """The deliberate data problems the quality report should find (only in the full sample)."""
    email, phone, birth = 3, 4, 8
    customers[40][email] = "maria.tamm@"
    customers[41][email] = "jonas@@post.lt"
    customers[42][email] = "piotr.kowalski at wp.pl"
    customers[43][phone] = "ask at reception"
    customers[44][birth] = date(2031, 5, 17)  # birth date in the future
    repeated = list(customers[10])  # a new customer typed in with an id already in use
    repeated[0], repeated[1], repeated[email] = customers[59][0], "Kaisa", "kaisa.lehto@studio.fi"
    customers.insert(60, repeated)
    no_id = list(customers[20])  # a customer written down without an id
    no_id[0], no_id[1], no_id[email] = None, "Marta", None
    customers.insert(70, no_id)
    purchases[100][1] = 99999  # purchase of an unknown customer
    purchases[101][2] = "sometime in May"  # unreadable date
    purchases[102][7] = "twelve euros"  # unreadable amount
    purchases.insert(200, [None] * len(PURCHASE_HEADERS))  # an empty row in the middle
    feedback[5][2] = date(2062, 3, 1)  # feedback dated in the future (2026 typed as 2062)


def write_workbook(
    path: Path,
    customers: list[list[object]],
    purchases: list[list[object]],
    feedback: list[list[object]],
    actions: list[list[object]],
    with_title: bool = True,
) -> None:
    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    workbook.set_properties({"title": "Sunwave Studio customer register", "created": datetime(2026, 10, 31)})
    bold = workbook.add_format({"bold": True, "bg_color": "#FDE7D3"})
    title = workbook.add_format({"bold": True, "font_size": 14})
    day = workbook.add_format({"num_format": "dd.mm.yyyy"})
    money = workbook.add_format({"num_format": "#,##0.00"})

    def sheet(name: str, headers: list[str], rows: list[list[object]], title_text: str | None = None) -> None:
        ws = workbook.add_worksheet(name)
        ws.freeze_panes(3 if title_text else 1, 0)
        first = 0
        if title_text:
            ws.write_string(0, 0, title_text, title)
            first = 2
        ws.write_row(first, 0, headers, bold)
        ws.set_column(0, len(headers) - 1, 14)
        for r, row in enumerate(rows, start=first + 1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, date):
                    ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, float):
                    ws.write_number(r, c, value, money)
                elif isinstance(value, int):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))

    sheet("Customers", CUSTOMER_HEADERS, customers, "Sunwave Studio — customer register" if with_title else None)
    sheet("Purchases", PURCHASE_HEADERS, purchases)
    sheet("Feedback", FEEDBACK_HEADERS, feedback)
    sheet("Actions", ACTION_HEADERS, actions)
    sheet("Price list", ["Product", "Category", "Price (EUR)"], [list(p) for p in PRODUCTS])
    workbook.close()


def generate(
    path: Path,
    customers: int = 2000,
    seed: int = 2026,
    problems: bool = True,
    per_customer: tuple[float, float, float] | None = None,
) -> Path:
    """Write a register of ``customers`` fictional customers to ``path``; return the path.

    ``per_customer`` = (purchases, feedback, actions) per customer thins the generated rows to
    those averages, keeping their order (the benchmark's register: 5, 0.5 and 1).
    """
    rng = random.Random(seed)
    people = build_customers(rng, customers)
    purchases = list(purchase_rows(rng, people))
    feedback = list(feedback_rows(rng, people))
    actions = list(action_rows(rng, people))
    if per_customer:
        purchases, feedback, actions = (
            _thin(rng, rows, round(customers * share))
            for rows, share in zip((purchases, feedback, actions), per_customer, strict=True)
        )
    rows = [c.row for c in people]
    if problems and customers >= 100:
        inject_problems(rows, purchases, feedback)
    write_workbook(path, rows, purchases, feedback, actions)
    return path


def _thin(rng: random.Random, rows: list[list[object]], wanted: int) -> list[list[object]]:
    if len(rows) <= wanted:
        return rows
    keep = sorted(rng.sample(range(len(rows)), wanted))
    return [rows[i] for i in keep]


def write_template(path: Path) -> Path:
    """The empty English register template (the app offers it in each user's language)."""
    from lib.reading.template import template_workbook

    path.write_bytes(template_workbook("en"))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000, help="number of customers (default 2000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=SAMPLE)
    parser.add_argument("--clean", action="store_true", help="leave out the deliberate data problems")
    parser.add_argument("--template", type=Path, help="write the empty template workbook here instead")
    args = parser.parse_args()
    if args.template:
        print(write_template(args.template))
    else:
        print(generate(args.out, args.customers, args.seed, problems=not args.clean))


if __name__ == "__main__":
    main()
