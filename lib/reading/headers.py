"""Header recognition: which sheet is which, where its header row is, and what each column means.

People write headers in their own language and their own way ("Nr klienta", "Kliendi nr",
"Asiakasnumero", "Kliento Nr."). Headers are compared in a compact form (lower case, no
accents, letters and digits only), against synonyms in English, Estonian, Finnish,
Lithuanian and Polish, with Latvian, Swedish and German where they come cheap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lib import i18n
from lib.reading.values import normalise_word
from lib.schema import ACTIONS, APP_SHEETS, CUSTOMERS, FEEDBACK, OTHER, PURCHASES, SheetKind

SHEET_SYNONYMS: dict[SheetKind, tuple[str, ...]] = {
    CUSTOMERS: (
        "customers", "customer", "clients", "client list", "customer register", "customer list",
        "register", "contacts list", "members",
        "kliendid", "klient", "kliendiregister", "klientide register", "kliendibaas", "liikmed",
        "asiakkaat", "asiakas", "asiakasrekisteri", "asiakaslista", "jäsenet",
        "klientai", "klientų registras", "klientų sąrašas", "nariai",
        "klienci", "klient", "rejestr klientów", "baza klientów", "lista klientów", "członkowie",
        "klienti", "klientu reģistrs", "kunder", "kundregister", "kunden", "kundenliste",
    ),
    PURCHASES: (
        "purchases", "sales", "orders", "invoices", "transactions", "visits", "receipts",
        "ostud", "müük", "müügid", "tellimused", "arved", "külastused", "tehingud",
        "ostot", "myynti", "myynnit", "tilaukset", "laskut", "käynnit", "kuitit",
        "pirkimai", "pardavimai", "užsakymai", "sąskaitos", "apsilankymai",
        "zakupy", "sprzedaż", "zamówienia", "faktury", "transakcje", "wizyty", "paragony",
        "pirkumi", "pārdošana", "köp", "försäljning", "ordrar", "käufe", "verkäufe", "bestellungen",
    ),
    FEEDBACK: (
        "feedback", "reviews", "complaints", "survey", "surveys", "opinions",
        "tagasiside", "kaebused", "arvamused", "küsitlused",
        "palaute", "palautteet", "valitukset", "kyselyt",
        "atsiliepimai", "skundai", "nuomonės", "apklausos",
        "opinie", "reklamacje", "ankiety", "uwagi klientów", "skargi",
        "atsauksmes", "återkoppling", "synpunkter", "rückmeldungen", "feedbacks",
    ),
    ACTIONS: (
        "actions", "activities", "contacts", "contact log", "marketing actions", "campaigns",
        "relationship plan", "tegevused", "kontaktid", "toimingud", "turundustegevused",
        "toimenpiteet", "yhteydenotot", "markkinointitoimenpiteet", "aktiviteetit",
        "veiksmai", "kontaktai", "veiklos", "rinkodaros veiksmai",
        "działania", "kontakty", "aktywności", "działania marketingowe",
        "darbības", "kontakti", "aktiviteter", "aktivitäten", "kontakte",
    ),
}

_ID = ("id", "nr", "no", "number", "numer")
FIELD_SYNONYMS: dict[SheetKind, dict[str, tuple[str, ...]]] = {
    CUSTOMERS: {
        "customer_id": (
            "customer id", "customer no", "customer number", "customer nr", "client id",
            "client no", "client number", "member id", "member no", "card no", "id", "nr", "no",
            "kliendi nr", "kliendi number", "kliendi id", "kliendikood", "kliendinumber",
            "kliendi kood", "kaardi nr", "asiakasnumero", "asiakas nro", "asiakasnro",
            "asiakastunnus", "asiakas id", "asiakkaan numero", "kortin numero", "kliento nr",
            "kliento numeris", "kliento id", "kliento kodas", "kortelės nr", "nr klienta",
            "numer klienta", "id klienta", "kod klienta", "nr karty", "klienta nr",
            "klienta numurs", "kundnummer", "kund nr", "kunden nr", "kundennummer",
        ),
        "name": (
            "name", "full name", "customer name", "client name", "customer", "client",
            "nimi", "kliendi nimi", "klient", "ees ja perekonnanimi", "asiakkaan nimi",
            "asiakas", "koko nimi", "vardas pavardė", "vardas ir pavardė", "kliento vardas",
            "klientas", "imię i nazwisko", "nazwa klienta", "klient", "imie nazwisko",
            "vārds uzvārds", "klients", "namn", "kund", "kundnamn", "kundenname",
        ),
        "first_name": ("first name", "given name", "forename", "eesnimi", "etunimi", "vardas",
                       "imię", "vārds", "förnamn", "vorname"),
        "last_name": ("last name", "surname", "family name", "perekonnanimi", "sukunimi",
                      "pavardė", "nazwisko", "uzvārds", "efternamn", "nachname"),
        "company": ("company", "organisation", "organization", "firm", "business", "ettevõte",
                    "firma", "yritys", "organisaatio", "įmonė", "bendrovė", "nazwa firmy",
                    "przedsiębiorstwo", "uzņēmums", "företag", "unternehmen"),
        "email": (
            "email", "e-mail", "e mail", "email address", "e-mail address", "mail", "e-post",
            "epost", "e-posti aadress", "meiliaadress", "meil", "sähköposti",
            "sähköpostiosoite", "s-posti", "el. paštas", "el paštas", "elektroninis paštas",
            "el. pašto adresas", "adres e-mail", "adres email", "poczta e-mail", "e-pasts",
            "epasts", "e-postadress", "e-mail-adresse",
        ),
        "phone": (
            "phone", "telephone", "mobile", "mobile phone", "phone number", "tel", "tel.",
            "cell", "telefon", "telefoni nr", "telefoninumber", "mobiil", "mobiiltelefon",
            "puhelin", "puhelinnumero", "matkapuhelin", "gsm", "telefonas", "tel. nr",
            "telefono numeris", "mobilusis", "numer telefonu", "nr telefonu", "komórka",
            "telefon komórkowy", "tālrunis", "telefona numurs", "telefonnummer", "mobil",
            "handy", "telefonnummer",
        ),
        "address": ("address", "street address", "street", "aadress", "tänav", "osoite",
                    "katuosoite", "adresas", "gatvė", "adres", "ulica", "adrese", "adress",
                    "adresse", "straße"),
        "postal_code": ("postal code", "zip", "zip code", "postcode", "postiindeks", "indeks",
                        "postinumero", "pašto kodas", "kod pocztowy", "pasta indekss",
                        "postnummer", "plz", "postleitzahl"),
        "city": ("city", "town", "linn", "asula", "kaupunki", "paikkakunta", "miestas",
                 "miasto", "miejscowość", "pilsēta", "stad", "ort", "stadt"),
        "country": ("country", "riik", "maa", "šalis", "kraj", "państwo", "valsts", "land"),
        "language": ("language", "preferred language", "keel", "suhtluskeel", "kieli",
                     "asiointikieli", "kalba", "język", "valoda", "språk", "sprache"),
        "birth_date": (
            "birth date", "date of birth", "birthday", "dob", "born", "sünnipäev", "sünniaeg",
            "sünnikuupäev", "syntymäpäivä", "syntymäaika", "gimimo data", "gimtadienis",
            "data urodzenia", "urodziny", "dzimšanas datums", "dzimšanas diena",
            "födelsedatum", "födelsedag", "geburtsdatum", "geburtstag",
        ),
        "first_contact": (
            "first contact", "customer since", "client since", "member since", "registered",
            "date registered", "joined", "created", "esimene kontakt", "klient alates",
            "liitunud", "liitumise kuupäev", "asiakas alkaen", "ensimmäinen yhteys",
            "liittynyt", "liittymispäivä", "pirmas kontaktas", "klientas nuo",
            "registracijos data", "pierwszy kontakt", "klient od", "data rejestracji",
            "data dołączenia", "pirmais kontakts", "kund sedan", "kunde seit",
        ),
        "source": ("source", "lead source", "how found us", "allikas", "kust tuli",
                   "kanal kust tuli", "lähde", "mistä kuuli", "šaltinis", "źródło",
                   "skąd klient", "avots", "källa", "quelle"),
        "lead_temperature": (
            "temperature", "lead temperature", "lead status", "lead", "temperatuur",
            "soojus", "huvi tase", "lämpötila", "liidin lämpötila", "kiinnostus",
            "temperatūra", "temperatura", "temperatura leada", "status leada", "lead-status",
        ),
        "relationship": (
            "relationship", "customer type", "customer class", "class", "relationship class",
            "manual class", "klass", "kliendi tüüp", "kliendiklass", "kliendisuhe",
            "suhde", "asiakastyyppi", "asiakasluokka", "asiakassuhde", "kliento tipas",
            "klasė", "kliento klasė", "santykis", "typ klienta", "klasa klienta", "relacja",
            "rodzaj klienta", "klienta tips", "kundtyp", "kundentyp",
        ),
        "buys_elsewhere": (
            "buys elsewhere", "also buys from competitors", "buys from competitors",
            "ostab mujalt", "ostab ka konkurentidelt", "ostaa muualta",
            "ostaa myös kilpailijoilta", "perka kitur", "perka ir iš konkurentų",
            "kupuje gdzie indziej", "kupuje u konkurencji", "köper annanstans",
        ),
        "consent_email": (
            "email consent", "e-mail consent", "consent email", "consent e-mail", "newsletter",
            "email marketing", "marketing consent", "turundusnõusolek", "markkinointilupa",
            "sutikimas rinkodarai", "zgoda marketingowa", "e-posti nõusolek", "nõusolek e-post", "uudiskiri",
            "sähköpostilupa", "lupa sähköposti", "uutiskirje", "sähköpostimarkkinointi",
            "sutikimas el. paštu", "sutikimas el paštas", "naujienlaiškis", "zgoda e-mail",
            "zgoda na e-mail", "zgoda email", "newsletter zgoda", "piekrišana e-pasts",
            "samtycke e-post", "einwilligung e-mail",
        ),
        "consent_sms": (
            "sms consent", "consent sms", "text consent", "sms nõusolek", "nõusolek sms",
            "tekstiviestilupa", "sms lupa", "lupa sms", "sutikimas sms", "zgoda sms",
            "zgoda na sms", "piekrišana sms", "samtycke sms", "einwilligung sms",
        ),
        "consent_phone": (
            "phone consent", "call consent", "consent phone", "consent call",
            "telefoni nõusolek", "nõusolek telefon", "puhelinlupa", "lupa puhelin",
            "sutikimas skambinti", "sutikimas telefonu", "zgoda telefon",
            "zgoda na telefon", "zgoda na kontakt telefoniczny", "piekrišana tālrunis",
            "samtycke telefon", "einwilligung telefon",
        ),
        "consent_post": ("post consent", "mail consent", "consent post", "postal consent",
                         "posti nõusolek", "postilupa", "sutikimas paštu", "zgoda poczta",
                         "zgoda na korespondencję"),
        "opted_out_at": (
            "opted out", "opt out", "opt-out", "opt-out date", "unsubscribed",
            "do not contact", "loobunud", "keeldus", "ära kontakteeru",
            "kieltäytynyt", "markkinointikielto", "älä ota yhteyttä", "atsisakė",
            "nekontaktuoti", "rezygnacja", "wypisany", "nie kontaktować", "sprzeciw",
            "atteicies", "avregistrerad", "abgemeldet",
        ),
        "preferred_contact_frequency": (
            "contact frequency", "preferred frequency", "preferred contact frequency",
            "how often", "kontakti sagedus", "kui tihti", "yhteydenottotiheys",
            "kuinka usein", "kontaktų dažnumas", "kaip dažnai", "częstotliwość kontaktu",
            "jak często", "kontaktu biežums", "kontaktfrekvens",
        ),
        "interests": ("interests", "preferences", "huvid", "eelistused",
                      "kiinnostuksen kohteet", "mieltymykset", "pomėgiai", "interesai",
                      "zainteresowania", "preferencje", "intereses", "intressen", "interessen"),
        "tags": ("tags", "labels", "tag", "sildid", "märksõnad", "tunnisteet", "avainsanat",
                 "žymos", "tagi", "etykiety", "birkas", "taggar", "schlagworte"),
        "branch": ("branch", "home branch", "store", "studio", "location", "filiaal",
                   "esindus", "salong", "toimipiste", "toimipaikka", "filialas", "salonas",
                   "oddział", "filia", "placówka", "salon", "filiāle", "filial", "filiale"),
        "owner": ("owner", "account manager", "responsible", "sales rep", "vastutaja",
                  "haldur", "kliendihaldur", "vastuuhenkilö", "myyjä", "atsakingas",
                  "vadybininkas", "opiekun", "opiekun klienta", "atbildīgais", "ansvarig",
                  "betreuer"),
        "notes": ("notes", "note", "comments", "comment", "remarks", "märkused", "märkus",
                  "kommentaar", "muistiinpanot", "huomautukset", "lisätiedot", "pastabos",
                  "komentarai", "uwagi", "notatki", "piezīmes", "anteckningar", "anmerkungen",
                  "notizen"),
        "last_purchase": (
            "last purchase", "last purchase date", "last visit", "last order", "last bought",
            "viimane ost", "viimase ostu kuupäev", "viimane külastus", "viimeisin osto",
            "viimeinen osto", "viimeinen käynti", "paskutinis pirkimas",
            "paskutinis apsilankymas", "ostatni zakup", "ostatnia wizyta",
            "data ostatniego zakupu", "pēdējais pirkums", "senaste köp", "letzter kauf",
        ),
        "purchase_count": (
            "purchase count", "number of purchases", "purchases", "no of purchases",
            "visits", "number of visits", "orders", "ostude arv", "oste", "külastusi",
            "külastuste arv", "ostot kpl", "ostojen määrä", "käyntejä", "käyntien määrä",
            "pirkimų skaičius", "pirkimai", "apsilankymų skaičius", "liczba zakupów",
            "liczba wizyt", "ilość zakupów", "pirkumu skaits", "antal köp", "anzahl käufe",
        ),
        "total_spent": (
            "total spent", "total", "total sales", "turnover", "revenue", "lifetime value",
            "sales total", "spent", "ostude summa", "kogusumma", "käive", "ostetud kokku",
            "ostot yhteensä", "yhteensä", "liikevaihto", "ostanut yhteensä",
            "pirkimų suma", "iš viso", "apyvarta", "suma zakupów", "wartość zakupów",
            "obrót", "łącznie", "pirkumu summa", "totalt köpt", "umsatz",
        ),
    },
    PURCHASES: {
        "purchase_id": (
            "purchase id", "purchase no", "invoice", "invoice no", "invoice number",
            "order id", "order no", "order number", "receipt", "receipt no", "transaction id",
            "ostu nr", "arve nr", "arve number", "tšeki nr", "tšekk", "tellimuse nr",
            "osto nro", "lasku nro", "laskun numero", "kuitti", "kuitin numero",
            "tilausnumero", "pirkimo nr", "sąskaitos nr", "sąskaita", "čekio nr", "čekis",
            "užsakymo nr", "nr zakupu", "nr faktury", "faktura", "nr zamówienia", "paragon",
            "nr paragonu", "rēķina nr", "fakturanummer", "kvittonummer", "rechnungsnummer",
        ),
        "customer_id": (),  # filled below from the customers' synonyms
        "name": ("customer name", "client name", "customer", "client", "kliendi nimi",
                 "klient", "asiakkaan nimi", "asiakas", "kliento vardas", "klientas",
                 "nazwa klienta", "klient", "imię i nazwisko", "klients", "kund", "kunde"),
        "email": (),  # filled below
        "phone": (),  # filled below
        "date": (
            "date", "purchase date", "order date", "invoice date", "sale date", "visit date",
            "kuupäev", "ostu kuupäev", "müügi kuupäev", "arve kuupäev", "päivämäärä",
            "pvm", "ostopäivä", "myyntipäivä", "laskun päivämäärä", "data", "pirkimo data",
            "pardavimo data", "data zakupu", "data sprzedaży", "data wizyty", "datums",
            "datum", "köpdatum", "kaufdatum",
        ),
        "product": (
            "product", "item", "service", "product name", "description", "toode", "teenus",
            "kaup", "nimetus", "tuote", "palvelu", "tuotenimi", "nimike", "prekė", "paslauga",
            "produktas", "pavadinimas", "produkt", "usługa", "towar", "nazwa produktu",
            "nazwa", "produkts", "pakalpojums", "vara", "tjänst", "artikel", "leistung",
        ),
        "category": ("category", "product group", "product category", "group", "kategooria",
                     "tootegrupp", "grupp", "kategoria", "tuoteryhmä", "ryhmä", "kategorija",
                     "grupė", "grupa", "grupa produktów", "kategorie", "warengruppe"),
        "quantity": ("quantity", "qty", "pcs", "units", "kogus", "tk", "määrä", "kpl",
                     "kiekis", "vnt", "ilość", "szt", "liczba", "daudzums", "antal", "menge"),
        "unit_price": ("unit price", "price", "price per unit", "hind", "ühiku hind",
                       "tükihind", "yksikköhinta", "hinta", "á-hinta", "vieneto kaina",
                       "kaina", "cena", "cena jednostkowa", "cena jedn", "vienības cena",
                       "pris", "styckpris", "preis", "einzelpreis"),
        "amount": (
            "amount", "total", "sum", "value", "line total", "sales", "revenue", "paid",
            "summa", "kokku", "summa kokku", "makstud", "yhteensä", "summa", "maksettu",
            "hinta yhteensä", "suma", "vertė", "iš viso", "sumokėta", "kwota", "wartość",
            "razem", "zapłacono", "wartość brutto", "kopā", "summa kopā", "belopp",
            "totalt", "betrag", "gesamt",
        ),
        "margin": ("margin", "profit", "gross margin", "marginaal", "kasum", "kate",
                   "myyntikate", "marža", "pelnas", "marża", "zysk", "peļņa", "marginal",
                   "marge", "deckungsbeitrag"),
        "branch": (),  # filled below
    },
    FEEDBACK: {
        "feedback_id": ("feedback id", "feedback no", "id", "nr", "no", "tagasiside nr",
                        "palaute nro", "atsiliepimo nr", "nr opinii", "nr zgłoszenia"),
        "customer_id": (),
        "date": (),
        "kind": ("kind", "type", "feedback type", "category", "liik", "tüüp",
                 "tagasiside liik", "tyyppi", "laji", "palautteen tyyppi", "tipas", "rūšis",
                 "rodzaj", "typ", "rodzaj opinii", "veids", "typ av", "art"),
        "channel": ("channel", "source", "via", "kanal", "kanava", "lähde", "kanalas",
                    "šaltinis", "kanał", "źródło", "kanāls", "kanal"),
        "rating": ("rating", "score", "grade", "stars", "nps", "satisfaction", "hinne",
                   "hinnang", "punktid", "rahulolu", "arvosana", "pisteet", "tähdet",
                   "tyytyväisyys", "įvertinimas", "balas", "pažymys", "ocena", "punkty",
                   "gwiazdki", "zadowolenie", "vērtējums", "betyg", "bewertung", "note"),
        "text": ("text", "comment", "feedback", "message", "content", "description",
                 "tekst", "sisu", "kommentaar", "tagasiside", "teksti", "kommentti",
                 "palaute", "viesti", "sisältö", "tekstas", "komentaras", "atsiliepimas",
                 "turinys", "treść", "komentarz", "opinia", "wiadomość", "opis", "teksts",
                 "komentārs", "kommentar", "text", "kommentar"),
        "language": (),
        "status": ("status", "state", "resolved", "olek", "staatus", "lahendatud", "tila",
                   "käsitelty", "būsena", "statusas", "išspręsta", "stan",
                   "rozwiązane", "statuss", "stadium"),
    },
    ACTIONS: {
        "action_id": ("action id", "action no", "id", "nr", "no", "tegevuse nr",
                      "toimenpide nro", "veiksmo nr", "nr działania"),
        "customer_id": (),
        "planned": ("planned", "planned date", "plan date", "due", "due date", "scheduled",
                    "planeeritud", "plaanitud", "tähtaeg", "suunniteltu", "suunniteltu pvm",
                    "eräpäivä", "planuota", "planuojama data", "terminas", "planowane",
                    "zaplanowano", "data planowana", "termin", "plānots", "planerat",
                    "geplant"),
        "done": ("done", "done date", "completed", "date done", "carried out", "contacted",
                 "tehtud", "toimunud", "teostatud", "tehty", "toteutettu", "toteutunut",
                 "atlikta", "įvykdyta", "atlikimo data", "wykonano", "zrealizowano",
                 "data wykonania", "izpildīts", "utfört", "erledigt am"),
        "kind": ("kind", "type", "action", "action type", "activity", "liik", "tüüp",
                 "tegevus", "tyyppi", "toimenpide", "laji", "tipas", "veiksmas", "rūšis",
                 "rodzaj", "typ", "działanie", "veids", "darbība", "typ", "aktivitet", "art"),
        "channel": (),
        "campaign": ("campaign", "programme", "program", "kampaania", "kampanja",
                     "kampanija", "kampania", "akcja", "kampaņa", "kampanj", "kampagne"),
        "outcome": ("outcome", "result", "response", "tulemus", "vastus", "tulos",
                    "vastaus", "rezultatas", "atsakymas", "wynik", "rezultat", "odpowiedź",
                    "rezultāts", "resultat", "ergebnis"),
        "note": (),
    },
}

# Fields that mean the same on several sheets share their synonyms.
_SHARED = {
    (PURCHASES, "customer_id"): (CUSTOMERS, "customer_id"),
    (PURCHASES, "email"): (CUSTOMERS, "email"),
    (PURCHASES, "phone"): (CUSTOMERS, "phone"),
    (PURCHASES, "branch"): (CUSTOMERS, "branch"),
    (FEEDBACK, "customer_id"): (CUSTOMERS, "customer_id"),
    (FEEDBACK, "date"): (PURCHASES, "date"),
    (FEEDBACK, "language"): (CUSTOMERS, "language"),
    (ACTIONS, "customer_id"): (CUSTOMERS, "customer_id"),
    (ACTIONS, "channel"): (FEEDBACK, "channel"),
    (ACTIONS, "note"): (CUSTOMERS, "notes"),
}
for (_kind, _field), (_from_kind, _from_field) in _SHARED.items():
    FIELD_SYNONYMS[_kind][_field] = FIELD_SYNONYMS[_from_kind][_from_field]
# A bare "id"/"nr" on a sheet of purchases, feedback or actions is that row's own id, not the
# customer's; the customer's id there is spelled out ("customer id", "Nr klienta").
for _kind in (PURCHASES, FEEDBACK, ACTIONS):
    FIELD_SYNONYMS[_kind]["customer_id"] = tuple(
        s for s in FIELD_SYNONYMS[_kind]["customer_id"] if s not in _ID
    )

_UNIT_SUFFIX = re.compile(r"(eur|euro|pln|zl|usd|sek|kr|pcs|kpl|tk|szt|vnt|pct|proc)$")


def compact(text: object) -> str:
    """Compact form of a header for comparison: ``"Kliento Nr."`` → ``"klientonr"``."""
    if not isinstance(text, str):
        return ""
    return re.sub(r"[^a-z0-9]", "", normalise_word(text))


def _lookup(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Compact header → field: the synonyms first, then the app's own labels in every UI language
    (the headers of its template and of the sheets it adds)."""
    table: dict[str, str] = {}
    for field, words in synonyms.items():
        for word in (field, *words):
            table.setdefault(compact(word), field)
    for lang in i18n.LANGUAGES:
        for field in synonyms:
            table.setdefault(compact(i18n.t(f"field.{field}", lang)), field)
    return table


_FIELD_LOOKUP = {kind: _lookup(fields) for kind, fields in FIELD_SYNONYMS.items()}
_SHEET_LOOKUP = {compact(word): kind for kind, words in SHEET_SYNONYMS.items() for word in words}
for _lang in i18n.LANGUAGES:
    for _kind in SHEET_SYNONYMS:
        _SHEET_LOOKUP.setdefault(compact(i18n.t(f"kind.{_kind}", _lang)), _kind)
_DISTINCTIVE: dict[SheetKind, frozenset[str]] = {
    CUSTOMERS: frozenset({"name", "first_name", "last_name", "email", "phone", "birth_date",
                          "consent_email", "city", "last_purchase", "total_spent"}),
    PURCHASES: frozenset({"date", "product", "amount", "unit_price", "quantity", "purchase_id"}),
    FEEDBACK: frozenset({"text", "rating", "kind", "feedback_id"}),
    ACTIONS: frozenset({"planned", "done", "campaign", "outcome", "action_id"}),
}


def recognise_field(kind: SheetKind, header: object) -> str | None:
    """The canonical field a header means on a sheet of this kind, or None."""
    key = compact(header)
    if not key:
        return None
    found = _FIELD_LOOKUP[kind].get(key)
    if found is None:
        stripped = _UNIT_SUFFIX.sub("", key)
        found = _FIELD_LOOKUP[kind].get(stripped) if stripped else None
    return found


def recognise_sheet_name(name: str) -> SheetKind | None:
    """The sheet kind a sheet's name says, if it says one (``Klienci`` → customers)."""
    key = compact(name)
    if key in _SHEET_LOOKUP:
        return _SHEET_LOOKUP[key]
    for word, kind in _SHEET_LOOKUP.items():  # "Kliendid 2026", "Sales Q3"
        if len(word) >= 5 and key.startswith(word):
            return kind
    return None


def map_columns(kind: SheetKind, headers: Sequence[object]) -> dict[int, str]:
    """Column position → canonical field for the headers of one sheet; first match wins."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for position, header in enumerate(headers):
        field = recognise_field(kind, header)
        if field and field not in taken:
            mapping[position] = field
            taken.add(field)
    return mapping


def guess_sheet_kind(name: str, headers: Sequence[object]) -> SheetKind | str:
    """Which kind of sheet this is: its name when it says, else the columns it has.

    A sheet whose columns fit no kind is ``other``: kept and written back, never analysed.
    """
    if name.strip().casefold() in {sheet.casefold() for sheet in APP_SHEETS}:
        return OTHER
    by_name = recognise_sheet_name(name)
    if by_name is not None and _identifies(by_name, set(map_columns(by_name, headers).values())):
        return by_name
    scores = {}
    for kind in FIELD_SYNONYMS:
        fields = set(map_columns(kind, headers).values())
        if _identifies(kind, fields):
            scores[kind] = 2 * len(fields & _DISTINCTIVE[kind]) + len(fields)
    best = max(scores, key=lambda k: scores[k], default=None)
    return best if best is not None and scores[best] >= 4 else OTHER


def _identifies(kind: SheetKind, fields: set[str]) -> bool:
    """Whether the columns can say whose record each row is (a price list cannot)."""
    if kind == CUSTOMERS:
        return bool(fields & {"customer_id", "name", "first_name", "last_name", "email", "phone"})
    return "customer_id" in fields


def find_header_row(rows: Sequence[Sequence[object]], scan: int = 30) -> int:
    """Index of the header row among the first ``scan`` rows (title and blank rows come first).

    The row that names the most known fields wins; without any known header, the first row
    with at least two text cells is taken, as a person would read the sheet.
    """
    best_index, best_score = None, 0
    for index, row in enumerate(rows[:scan]):
        known = max(len(map_columns(kind, row)) for kind in FIELD_SYNONYMS)
        if known > best_score:
            best_index, best_score = index, known
    if best_index is not None and best_score >= 2:
        return best_index
    for index, row in enumerate(rows[:scan]):
        texts = [cell for cell in row if isinstance(cell, str) and cell.strip()]
        if len(texts) >= 2 and not all(_looks_numeric(cell) for cell in texts):
            return index
    return 0


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[\d\s.,:/+-]+", text.strip()))
