"""Files people already have, in the layouts their tools write: lists without an id column, ragged CSVs.

Each file is written here from the tool's public layout (header row, separator, BOM, line ends) and read
the way a person reads it: ``python -m lib report FILE --json`` and the home page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lib.reading.register import build_register
from lib.reading.workbook import parse_workbook
from tests.conftest import write_xlsx
from tests.unit.cli.test_cli import run

FINNS = [
    ("Aino Virtanen", "aino.virtanen@posti.fi"),
    ("Eero Korhonen", "EERO.KORHONEN@gmail.com"),
    ("Helmi Mäkinen", "helmi.makinen@elisanet.fi"),
    ("Ilmari Nieminen", "ilmari@nieminen.fi"),
    ("Kerttu Mäkelä", "kerttu.makela@outlook.com"),
    ("Lauri Hämäläinen", "lauri.h@kolumbus.fi"),
    ("Matilda Laine", "matilda.laine@gmail.com"),
    ("Onni Heikkinen", "onni@heikkinen.net"),
    ("Sofia Koskinen", "sofia.koskinen@luukku.com"),
    ("Väinö Järvinen", "vaino.jarvinen@saunalahti.fi"),
]


def report(path: Path) -> dict:
    result = run("report", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return json.loads(result.stdout)


def codes(found: dict) -> list[tuple[int | None, str | None, str]]:
    return [(p["row"], p["column"], p["code"]) for p in found["problems"]]


def test_a_finnish_list_of_names_and_emails_is_ten_customers_told_apart_by_their_email(tmp_path):
    # Excel's "CSV (semicolon-separated)" in Finland: UTF-8 with a BOM, CRLF line ends, ; between values.
    lines = ["sähköposti;nimi", *(f"{email};{name}" for name, email in FINNS), f"{FINNS[1][1].lower()};Eero K."]
    path = tmp_path / "asiakkaat.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))

    found = report(path)

    assert found["customers"] == 10
    assert found["identity"] == {"key": "email", "kept_apart": 0}
    assert (12, "sähköposti", "duplicate_email") in codes(found)  # the same address twice is one person, said so


def test_a_magento_customers_export_is_keyed_by_email_and_a_polish_klient_id_is_the_id(tmp_path):
    magento = tmp_path / "export_customers.csv"
    magento.write_text(
        "email,_website,_store,confirmation,created_at,created_in,disable_auto_group_change,dob,firstname,"
        "gender,group_id,lastname,middlename,password_hash,prefix,rp_token,rp_token_created_at,store_id,suffix,"
        "taxvat,website_id,password\n"
        'roni_cost@example.com,base,default,,"2026-03-02 10:11:12",Default Store View,0,1973-12-15,Veronica,2,'
        "1,Costello,,,,,,1,,,1,\n"
        'jane.doe@example.com,base,default,,"2026-05-20 08:00:00",Default Store View,0,,Jane,0,1,Doe,,,,,,1,,,1,\n',
        encoding="utf-8",
    )
    polish = write_xlsx(
        tmp_path / "klienci.xlsx",
        {"Klienci": [["klient_id", "imie", "nazwisko", "email"], ["K-1", "Anna", "Nowak", "anna@nowak.pl"]]},
    )

    shop = report(magento)
    assert (shop["customers"], shop["identity"]["key"]) == (2, "email")
    assert {"firstname": "first_name", "lastname": "last_name", "dob": "birth_date"}.items() <= shop["mapping"][
        "export_customers"
    ].items()

    own = report(polish)
    assert (own["customers"], own["identity"]["key"]) == (1, "customer_id")
    assert own["mapping"]["Klienci"]["klient_id"] == "customer_id"


def test_a_list_with_phones_only_keeps_rows_without_one_apart_and_a_names_list_uses_names(tmp_path):
    phones = write_xlsx(
        tmp_path / "sms.xlsx",
        {
            "Sheet1": [
                ["Vardas", "Telefonas", "Miestas"],
                ["Rūta", "+370 612 34567", "Vilnius"],
                ["Jonas", "8 612 76543", "Kaunas"],
                ["Rūta", "+370 (612) 34-567", "Vilnius"],  # the first Rūta again, written another way
                ["Ona", None, "Klaipėda"],
                ["Petras", "+370 699 11122", "Šiauliai"],
            ]
        },
    )
    names = write_xlsx(
        tmp_path / "guests.xlsx",
        {"Guests": [["Name", "City"], ["Mary Smith", "Leeds"], ["Mary Smith", "York"], ["mary smith", "Leeds"]]},
    )

    by_phone = report(phones)
    assert (by_phone["customers"], by_phone["identity"]) == (4, {"key": "phone", "kept_apart": 1})
    by_name = report(names)
    assert (by_name["customers"], by_name["identity"]["key"]) == (2, "name")  # two Marys: Leeds and York


def test_orders_without_a_customer_id_find_their_customer_by_email(tmp_path):
    book = write_xlsx(
        tmp_path / "shop.xlsx",
        {
            "Customers": [
                ["Email", "First name", "Last name"],
                ["Anna@Example.com", "Anna", "Ant"],
                ["bo@x.ee", "Bo", "B"],
            ],
            "Orders": [
                ["Order number", "Date", "Customer email", "Total"],
                ["#1001", "2026-10-01", "anna@example.com", 40],
                ["#1002", "2026-10-15", "ANNA@EXAMPLE.COM", 60],
                ["#1003", "2026-11-02", "new@buyer.fi", 25],
            ],
        },
    )

    found = report(book)

    assert (found["customers"], found["purchases"]) == (2, 3)
    assert (
        found["figures"]["buying_customers"] == 1
    )  # Anna's two orders are hers; the stranger is reported, not invented
    assert [c for r, c, c in codes(found) if c == "unknown_customer"] == ["unknown_customer"]


def test_a_csv_with_an_unquoted_comma_in_two_addresses_opens_mended_and_says_which_rows(tmp_path):
    # A Polish invoicing program's client list: two addresses hold a comma nobody quoted.
    path = tmp_path / "kontrahenci.csv"
    path.write_bytes(
        (
            "Nazwa,NIP,Ulica,Kod pocztowy,Miasto,E-mail,Telefon\r\n"
            "Firma Alfa Sp. z o.o.,5260250274,ul. Prosta 1,00-001,Warszawa,biuro@alfa.pl,221234567\r\n"
            "Beta Jan Kowalski,7740001454,ul. Długa 5, lok. 3,80-001,Gdańsk,jan@beta.pl,581234567\r\n"
            "Gamma SA,5213003700,Al. Jerozolimskie 10, II piętro,00-002,Warszawa,kontakt@gamma.pl,\r\n"
            "Delta,1234567890,ul. Krótka 7,30-001,Kraków,delta@delta.pl,121234567\r\n"
            "Epsilon,9876543210,ul. Polna 2,31-001,Kraków,eps@eps.pl,126543210,\r\n"  # only a trailing comma
        ).encode()
    )

    found = report(path)

    assert found["customers"] == 5
    assert found["identity"] == {"key": "email", "kept_apart": 0}
    assert [(r, c, k) for r, c, k in codes(found) if k.startswith("ragged")] == [
        (3, "Ulica", "ragged_mended"),
        (4, "Ulica", "ragged_mended"),
    ]
    customers = json.loads(run("customers", str(path), "--json").stdout)
    assert {c["customer_id"] for c in customers} == {
        "biuro@alfa.pl",
        "jan@beta.pl",
        "kontakt@gamma.pl",
        "delta@delta.pl",
        "eps@eps.pl",
    }


def test_a_row_that_cannot_be_mended_is_kept_whole_and_reported_with_its_row(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Note,Comment,Email\nAnn,a,b,ann@x.ee\nBo,one, two, three,bo@x.ee\nCy,c,d,cy@x.ee\n")

    found = report(path)

    assert found["customers"] == 3
    assert [(r, k) for r, _, k in codes(found) if k.startswith("ragged")] == [(3, "ragged_kept")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1250"])
def test_a_ragged_polish_list_opens_in_any_encoding_excel_writes(tmp_path, encoding):
    path = tmp_path / "klienci.csv"
    text = "Nazwa;Ulica;E-mail\r\nŁukasz Żółć;ul. Długa 5; lok. 3;lukasz@zolc.pl\r\nZofia Źdźbło;ul. Polna 2;zofia@x.pl\r\n"
    path.write_bytes(text.encode(encoding))

    found = report(path)

    assert found["customers"] == 2
    assert (2, "Ulica", "ragged_mended") in codes(found)


SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
    "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,"
    "Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,"
    "Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,"
    "Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,"
    "Notes,Cancelled at,Payment Method,Refunded Amount,Vendor,Id,Tags,Risk Level,Source"
)


def shopify_line(order, email, status, total, created, qty, item, price, name="", city="", cancelled="", refunded=""):
    """One row of Shopify's orders export: order columns only on an order's first line (``total`` is None after)."""
    first = total is not None
    cells = [
        order, email, status if first else "", created if first else "", "fulfilled" if first else "", "",
        ("yes" if "anna" in email else "no") if first else "",
        "EUR" if first else "", "", "", "", total if first else "", "", "", "", created, qty, item, price, "", "",
        "true", "true", "fulfilled", name if first else "", "", "", "", "", city if first else "", "", "", "",
        "", "", "", cancelled if first else "", "Shopify Payments" if first else "", refunded if first else "",
        "Sunwave", "5558" if first else "", "", "Low" if first else "", "web" if first else "",
    ]  # fmt: skip
    return ",".join(str(c) for c in cells)


def test_a_shopify_orders_export_gives_each_order_once_with_its_customer_and_leaves_out_cancelled_ones(tmp_path):
    rows = [
        shopify_line("#1001", "anna@example.ee", "paid", 58.0, "2026-10-01 10:02:11 +0300", 2, "Yoga mat", 20,
                     "Anna Tamm", "Tallinn"),
        shopify_line("#1001", "anna@example.ee", "", None, "2026-10-01 10:02:11 +0300", 1, "Water bottle", 12),
        shopify_line("#1002", "bo@example.fi", "paid", 30.0, "2026-10-03 09:00:00 +0300", 1, "Class pass", 30,
                     "Bo Berg", "Espoo"),
        shopify_line("#1003", "anna@example.ee", "paid", 45.0, "2026-11-04 18:30:00 +0200", 3, "Tea", 15),
        shopify_line("#1004", "cy@example.lt", "voided", 99.0, "2026-11-05 12:00:00 +0200", 1, "Retreat", 99,
                     "Cy Ona", "Vilnius", cancelled="2026-11-05 13:00:00 +0200"),
        shopify_line("#1005", "bo@example.fi", "refunded", 12.0, "2026-11-06 12:00:00 +0200", 1, "Water bottle", 12,
                     refunded=12.0),
        shopify_line("#1006", "dee@example.pl", "pending", 20.0, "2026-11-07 12:00:00 +0200", 1, "Yoga mat", 20),
    ]  # fmt: skip
    path = tmp_path / "orders_export_1.csv"
    path.write_text("\n".join([SHOPIFY_HEADER, *rows]) + "\n", encoding="utf-8")

    found = report(path)

    assert found["shape"] == "purchases_only"
    assert found["identity"]["key"] == "email"
    assert found["customers"] == 4  # Anna, Bo, Cy and Dee: each who ordered, whatever became of the order
    assert found["purchases"] == 4  # the paid orders' line items: #1001 twice, #1002, #1003
    assert found["figures"]["purchases"] == 3  # three paid orders, one of them of two items
    assert found["mapping"]["orders_export_1"]["Name"] == "purchase_id"  # Shopify's order number, not a person
    assert found["mapping"]["orders_export_1"]["Billing Name"] == "name"
    assert found["figures"]["revenue"] == 133.0  # what was paid: 58 + 30 + 45, not 58 + 12 + ...
    assert found["figures"]["buying_customers"] == 2
    not_counted = [p for p in found["problems"] if p["code"] == "orders_not_counted"]
    assert [p["message"] for p in not_counted] == [
        "Orders not counted as purchases: 1 cancelled, 1 refunded, 1 not paid. They stay in your workbook and "
        "their customers in the register, but they are not revenue and not visits."
    ]
    assert not [p for p in found["problems"] if p["severity"] == "error"]
    listed = run("export", str(path), "--channel", "email", "-o", str(tmp_path / "list.csv"), "--json")
    assert json.loads(listed.stdout)["exported"] == 1  # Anna accepted marketing; the others did not
    register = build_register(parse_workbook(path.read_bytes(), path.name))[0]
    names = register.customers.set_index("customer_id")["name"]
    assert (names["anna@example.ee"], names["bo@example.fi"]) == ("Anna Tamm", "Bo Berg")
    anna = register.purchases[register.purchases["customer_id"] == "anna@example.ee"].set_index("product")
    assert anna.loc["Water bottle", "date"] == anna.loc["Yoga mat", "date"]  # the second line's order date
    assert anna["amount"].sum() == 58.0 + 45.0  # each order's total shared among its items


def test_a_woocommerce_export_with_order_totals_on_first_lines_shares_each_total_among_its_items(tmp_path):
    path = tmp_path / "woocommerce-orders.csv"
    path.write_bytes(
        (
            "order_number,order_date,status,order_total,customer_email,billing_first_name,billing_last_name,"
            "billing_email,product_name,quantity,item_total\r\n"
            "2001,2026-09-14 11:20,completed,55.00,ona@shop.lt,Ona,Petraitė,ona@shop.lt,Kilimėlis,1,35.00\r\n"
            "2001,,,,,,,,Gertuvė,2,15.00\r\n"
            "2002,2026-10-02 16:05,processing,20.00,jan@sklep.pl,Jan,Nowak,jan@sklep.pl,Karnet,1,20.00\r\n"
            "2003,2026-10-20 08:00,cancelled,80.00,jan@sklep.pl,Jan,Nowak,jan@sklep.pl,Warsztat,1,80.00\r\n"
        ).encode("utf-8-sig")
    )

    found = report(path)

    assert (found["customers"], found["purchases"], found["figures"]["revenue"]) == (2, 3, 75.0)
    assert found["figures"]["first_date"] == "2026-09-14"  # the second line of 2001 took its order's date
    items = json.loads(run("customers", str(path), "--json").stdout)
    assert {c["customer_id"] for c in items} == {"ona@shop.lt", "jan@sklep.pl"}


def test_a_file_with_one_row_per_order_and_no_customer_id_is_purchases_by_email(tmp_path):
    book = write_xlsx(
        tmp_path / "orders.xlsx",
        {
            "Orders": [
                ["Order no", "Order date", "Email", "Order total", "Status"],
                ["A-1", "2026-08-01", "eve@mail.ee", 25.5, "Makstud"],
                ["A-2", "2026-09-01", "eve@mail.ee", 30, "Makstud"],
                ["A-3", "2026-09-15", "tom@mail.ee", 12, "Tühistatud"],
            ]
        },
    )

    found = report(book)

    assert (found["customers"], found["purchases"], found["figures"]["revenue"]) == (2, 2, 55.5)


def test_woocommerce_s_own_orders_download_names_only_the_customer_and_is_keyed_by_that_name(tmp_path):
    # WooCommerce → Analytics → Orders → Download: no e-mail, the customer by name.
    path = tmp_path / "wc-orders-report-export.csv"
    path.write_text(
        '"Date","Order #","Status","Customer","Customer type","Product(s)","Items sold","Coupon(s)","Net Sales",'
        '"Attribution"\n'
        '"2026-11-20","3101","Completed","Maija Mehiläinen","new","Sauna towel","1","","29.00","Direct"\n'
        '"2026-11-21","3102","Processing","Kalle Kiuas","returning","2× Sauna hat","2","KESÄ10","36.00","Organic"\n'
        '"2026-11-22","3103","Refunded","Maija Mehiläinen","returning","Bucket","1","","15.00","Direct"\n',
        encoding="utf-8",
    )

    found = report(path)

    assert (found["customers"], found["purchases"], found["figures"]["revenue"]) == (2, 2, 65.0)
    assert found["identity"]["key"] == "name"


def test_ids_excel_rounded_on_saving_are_reported_and_kept_apart_and_a_text_mark_is_not_part_of_an_id(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(
        "Member ID;Name;Email *;Newsletter (0/1)\n"
        "7.02255E+12;Ann Lee;ann@x.ee;1\n"
        "7.02255E+12;Bob Kay;bob@x.ee;0\n"
        "'92591;Cy Ho;cy@x.ee;1\n",
        encoding="utf-8",
    )

    found = report(path)

    assert found["customers"] == 3  # the two rounded ids are two people, not one
    assert [(r, c, k) for r, c, k in codes(found) if k == "damaged_id"] == [
        (2, "Member ID", "damaged_id"),
        (3, "Member ID", "damaged_id"),
    ]
    assert not [k for _, _, k in codes(found) if k == "duplicate_id"]
    customers = {c["customer_id"] for c in json.loads(run("customers", str(path), "--json").stdout)}
    assert "92591" in customers
    assert found["mapping"]["members"] == {
        "Member ID": "customer_id",
        "Name": "name",
        "Email *": "email",
        "Newsletter (0/1)": "consent_email",
    }


TELCO = (
    "customerID,gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,MultipleLines,InternetService,"
    "OnlineSecurity,OnlineBackup,DeviceProtection,TechSupport,StreamingTV,StreamingMovies,Contract,PaperlessBilling,"
    "PaymentMethod,MonthlyCharges,TotalCharges,Churn\r\n"
    "7590-VHVEG,Female,0,Yes,No,1,No,No phone service,DSL,No,Yes,No,No,No,No,Month-to-month,Yes,Electronic check,"
    "29.85,29.85,No\r\n"
    "5575-GNVDE,Male,0,No,No,34,Yes,No,DSL,Yes,No,Yes,No,No,No,One year,No,Mailed check,56.95,1889.5,No\r\n"
    "3668-QPYBK,Male,0,No,No,2,Yes,No,DSL,Yes,Yes,No,No,No,No,Month-to-month,Yes,Mailed check,53.85,108.15,Yes\r\n"
    "4472-LVYGI,Female,0,Yes,Yes,0,No,No phone service,DSL,Yes,No,Yes,Yes,Yes,No,Two year,Yes,"
    "Bank transfer (automatic),52.55, ,No\r\n"
)


def test_a_subscription_export_gives_customers_since_their_tenure_value_and_former_customers_who_churned(tmp_path):
    path = tmp_path / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
    path.write_bytes(TELCO.encode())

    found = report(path)

    assert (found["customers"], found["shape"]) == (4, "summary")
    assert found["ladder"]["former"] == 1  # the one who churned; "Partner: Yes" is a spouse, not a class
    assert found["figures"]["revenue"] == 2027.5  # the total charges; the new subscriber has paid nothing yet
    assert found["mapping"]["WA_Fn-UseC_-Telco-Customer-Churn"] == {
        "customerID": "customer_id",
        "tenure": "tenure_months",
        "MonthlyCharges": "monthly_spend",
        "TotalCharges": "total_spent",
        "Churn": "churned",
    }
    assert not [p for p in found["problems"] if p["severity"] == "error"]


def test_a_churn_status_export_gives_former_customers_and_their_reasons_and_scores_as_feedback(tmp_path):
    path = tmp_path / "Telco_customer_churn_status.csv"
    path.write_text(
        "Customer ID,Quarter,Satisfaction Score,Customer Status,Churn Label,Churn Value,Churn Score,CLTV,"
        "Churn Category,Churn Reason\n"
        "8779-QRDMV,Q3,3,Churned,Yes,1,91,5433,Competitor,Competitor offered more data\n"
        "7495-OOKFY,Q3,3,Stayed,No,0,69,5302,,\n"
        "1658-BYGOY,Q3,2,Churned,Yes,1,81,3179,Price,Price too high\n"
        "4598-XLKNJ,Q3,5,Joined,No,0,44,5337,,\n",
        encoding="utf-8",
    )

    found = report(path)

    assert found["customers"] == 4
    assert found["ladder"]["former"] == 2
    assert found["feedback"] == 4  # a score from everyone, a reason from those who left
    assert found["csat"] == 25.0  # one 5 among four 1–5 scores
    assert found["themes"]["price"] == 1


def test_a_file_that_holds_no_customers_purchases_or_feedback_still_exits_non_zero_with_one_line(tmp_path):
    path = tmp_path / "hinnakiri.csv"
    path.write_text("Toode;Hind;Laoseis\nJoogamatt;29,90;12\nPudel;9,50;40\n", encoding="utf-8")

    result = run("report", str(path), "--json")

    assert result.returncode != 0 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_free_order_is_a_purchase_not_a_refund_and_a_tenure_typed_wrong_is_read_not_a_crash(tmp_path):
    free = shopify_line("#1009", "anna@example.ee", "paid", 0.0, "2026-11-10 10:00:00 +0200", 1, "Free sample", 0,
                        refunded=0.0)  # fmt: skip
    orders = tmp_path / "orders_export.csv"
    orders.write_text("\n".join([SHOPIFY_HEADER, free]) + "\n", encoding="utf-8")
    assert report(orders)["figures"]["purchases"] == 1  # nothing was refunded: Shopify writes 0.00 for that

    telco = tmp_path / "churn.csv"
    telco.write_bytes(TELCO.replace(",34,", ",10000000,").encode())
    found = report(telco)
    assert found["customers"] == 4
