"""The shift's order table: fictional orders of the shift's morning with planted exceptions (M07's four kinds).

``make_orders(seed)`` gives the same table for the same seed (``random.Random`` only). Columns: order_id, buyer,
product, sku, quantity, unit_price, promotion, amount, payment_method, created_at (datetime), status (待付款:
not paid yet; 待发货: paid, or cash on delivery, waiting to be shipped), province, city, address, phone.

Planted exceptions, as M07 defines them: addresses that are missing, say 不详, have no house number (号) or whose
city belongs to another province; amounts above the list total or below half of it; a second order of the same
buyer, product and sku a few minutes after the first; several new accounts sharing one phone for cash-on-delivery
orders. Every other order is ordinary.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..datagen._common import assign_order_ids, nickname_pool
from ..datagen._places import address_without_number, masked_phone, random_place, street_address
from ..datagen._vocab import load_vocab
from ..datagen.orders import _break_address, _promotion
from .plan import DEFAULT_SEED
from .pool import load_settings

COLUMNS = ["order_id", "buyer", "product", "sku", "quantity", "unit_price", "promotion", "amount",
           "payment_method", "created_at", "status", "province", "city", "address", "phone"]
ADDRESS_KINDS = ("empty", "unknown", "no_number", "wrong_city")
AMOUNT_KINDS = ("one_cent", "extra_zero", "zero")
N_DUPLICATES = 2
N_MALICIOUS = 4            # new accounts sharing one phone, cash on delivery
OPEN_S, LAST_S = 7 * 3600, 9 * 3600 + 50 * 60   # orders placed 07:00–09:50, before the 10:00 shift


def city_province() -> dict[str, str]:
    """City → province of the course's address book (the same as M07's ``CITY_PROVINCE``)."""
    return {city: region["province"] for region in load_vocab()["regions"] for city in region["cities"]}


def _day(settings) -> datetime:
    return datetime.fromisoformat(settings.date)


def _order(rng, vocab, buyer, created, phones) -> dict:
    product = rng.choice(vocab["products"])
    quantity = rng.choices((1, 2), weights=(85, 15))[0]
    unit_cents = round(product["price"] * 100)
    promotion, amount = _promotion(rng, quantity * unit_cents)
    province, city = random_place(rng, vocab)
    phone = masked_phone(rng, vocab)
    while phone in phones:
        phone = masked_phone(rng, vocab)
    phones.add(phone)
    paid = rng.random() < 0.8
    methods = [m for m in vocab["payment_methods"] if m != "货到付款"]
    return {"buyer": buyer, "product": product["name"],
            "sku": f"{rng.choice(product['colors'])}/{rng.choice(product['sizes'])}",
            "quantity": quantity, "unit_price": unit_cents, "promotion": promotion, "amount": amount,
            "payment_method": rng.choice(methods) if paid else None, "created_at": created,
            "status": "待发货" if paid else "待付款", "province": province, "city": city,
            "address": street_address(rng, vocab, city), "phone": phone}


def _orders(rng: random.Random, count: int, day: datetime) -> list[dict]:
    vocab = load_vocab()
    n_plain = count - N_DUPLICATES - N_MALICIOUS
    buyers = nickname_pool(rng, vocab, n_plain + N_MALICIOUS)
    phones: set[str] = set()
    times = sorted(rng.sample(range(OPEN_S, LAST_S), n_plain))
    orders = [_order(rng, vocab, buyers[i], day + timedelta(seconds=t), phones) for i, t in enumerate(times)]

    picks = rng.sample(range(n_plain), len(ADDRESS_KINDS) + len(AMOUNT_KINDS) + N_DUPLICATES)
    for i, kind in zip(picks, ADDRESS_KINDS):
        _break_address(rng, vocab, orders[i], kind)  # the same plants as the practice orders.csv
    for i, kind in zip(picks[len(ADDRESS_KINDS):], AMOUNT_KINDS):
        order = orders[i]
        order["amount"] = {"one_cent": 1, "extra_zero": order["amount"] * 10, "zero": 0}[kind]
    extra = []
    for i in picks[len(ADDRESS_KINDS) + len(AMOUNT_KINDS):]:
        copy = dict(orders[i], created_at=orders[i]["created_at"] + timedelta(seconds=rng.randint(90, 480)),
                    status="待付款", payment_method=None)
        extra.append(copy)

    phone = masked_phone(rng, vocab)
    while phone in phones:
        phone = masked_phone(rng, vocab)
    start = day + timedelta(seconds=rng.randint(OPEN_S, LAST_S - 1800))
    product = rng.choice(vocab["products"])
    for k in range(N_MALICIOUS):
        province, city = random_place(rng, vocab)
        unit = round(product["price"] * 100)
        extra.append({"buyer": buyers[n_plain + k], "product": product["name"],
                      "sku": f"{rng.choice(product['colors'])}/{rng.choice(product['sizes'])}", "quantity": 1,
                      "unit_price": unit, "promotion": "无", "amount": unit, "payment_method": "货到付款",
                      "created_at": start + timedelta(seconds=k * rng.randint(120, 400)), "status": "待发货",
                      "province": province, "city": city,
                      "address": street_address(rng, vocab, city) if k else address_without_number(rng, vocab, city),
                      "phone": phone})
    orders += extra
    assign_order_ids(rng, orders, lambda order: f"{day:%Y%m%d}")
    return sorted(orders, key=lambda o: (o["created_at"], o["order_id"]))


def make_orders(seed: int = DEFAULT_SEED):
    """The shift's order table for ``seed`` (a DataFrame; money in yuan)."""
    import pandas as pd

    settings = load_settings()
    rows = _orders(random.Random(f"kefu-shift-orders|{seed}"), settings.orders, _day(settings))
    shift_orders = pd.DataFrame(rows, columns=COLUMNS)
    shift_orders["unit_price"] = shift_orders["unit_price"] / 100
    shift_orders["amount"] = shift_orders["amount"] / 100
    shift_orders["created_at"] = pd.to_datetime(shift_orders["created_at"])
    return shift_orders
