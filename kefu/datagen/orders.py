"""``orders.csv``: 300 fictional orders of one store, with planted data problems."""

from __future__ import annotations

import random
from datetime import timedelta

from ._common import assign_order_ids, fmt_money, fmt_time, nickname_pool, random_time, random_time_after
from ._places import address_without_number, masked_phone, random_place, street_address

FILENAME = "orders.csv"
COLUMNS = ["order_id", "buyer", "product", "sku", "quantity", "unit_price", "promotion", "amount",
           "payment_method", "created_at", "paid_at", "last_contact_at", "status", "province", "city",
           "address", "phone", "note"]
N_ROWS = 300
# Statuses of the 294 independent orders; the 6 duplicates add DUPLICATE_STATUSES.
BASE_STATUS_COUNTS = {"待付款": 37, "已付款": 45, "已发货": 70, "已完成": 110, "退款中": 14, "已关闭": 18}
N_BASE_CLOSED_UNPAID = 10  # of the 18 base 已关闭 orders; the other 8 were paid, then refunded
DUPLICATE_STATUSES = ("待付款", "待付款", "待付款", "已关闭", "已关闭", "退款中")
ORIGINAL_STATUSES = ("已付款", "已发货", "已完成")
# Creation days per status, so that the status fits a snapshot taken on 2026-11-01.
CREATED_DAYS = {"待付款": (1, 31), "已付款": (25, 31), "已发货": (15, 30), "已完成": (1, 24),
                "退款中": (5, 28), "已关闭": (1, 31)}
LATEST_CREATED_S = 22 * 3600 + 29 * 60 + 59  # 22:29:59, so payment (<= 90 min) stays on the day
# How the store contacted the 40 待付款 buyers: never / 0-60 min after ordering / later.
UNPAID_CONTACT_PLAN = {"none": 12, "early": 13, "late": 15}
CONTACT_PROBABILITY = {"已付款": 0.3, "已发货": 0.5, "已完成": 0.6, "退款中": 0.9, "已关闭": 0.7}
ABNORMAL_ADDRESS_KINDS = ("empty", "empty", "unknown", "unknown", "digits", "digits",
                          "no_number", "no_number", "wrong_city", "wrong_city")
ABNORMAL_AMOUNT_KINDS = ("zero", "one_cent", "extra_zero", "plus_shipping", "decimal_shift")
PROMOTION_WEIGHTS = {"无": 40, "满减": 20, "店铺优惠券": 20, "限时秒杀": 10, "聚划算": 10}
FULL_REDUCTIONS = ((39900, 6000), (29900, 4000), (19900, 2000))  # 满 X 减 Y, in cents


def _promotion(rng: random.Random, list_cents: int) -> tuple[str, int]:
    """A promotion the order qualifies for and the payable amount in cents."""
    names = [n for n in PROMOTION_WEIGHTS if n != "满减" or list_cents >= FULL_REDUCTIONS[-1][0]]
    name = rng.choices(names, weights=[PROMOTION_WEIGHTS[n] for n in names])[0]
    if name == "满减":
        return name, list_cents - next(off for floor, off in FULL_REDUCTIONS if list_cents >= floor)
    if name == "店铺优惠券":
        coupons = [c for c in (500, 1000, 2000, 3000) if c * 5 <= list_cents]
        return name, list_cents - rng.choice(coupons)
    if name in ("限时秒杀", "聚划算"):
        percent_off = rng.choice((10, 15, 20) if name == "限时秒杀" else (15, 20, 25, 30))
        return name, (list_cents * (100 - percent_off) + 50) // 100
    return name, list_cents


def _order(rng: random.Random, vocab: dict, buyers: list[str], status: str) -> dict:
    """One independent order (times as datetimes, money as cents)."""
    product = rng.choice(vocab["products"])
    quantity = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
    unit_cents = round(product["price"] * 100)
    promotion, amount = _promotion(rng, quantity * unit_cents)
    province, city = random_place(rng, vocab)
    return {
        "buyer": rng.choice(buyers), "product": product["name"],
        "sku": f"{rng.choice(product['colors'])}/{rng.choice(product['sizes'])}",
        "quantity": quantity, "unit_price": unit_cents, "promotion": promotion, "amount": amount,
        "payment_method": None, "paid_at": None, "last_contact_at": None, "status": status,
        "created_at": random_time(rng, *CREATED_DAYS[status], latest_s=LATEST_CREATED_S),
        "province": province, "city": city, "address": street_address(rng, vocab, city),
        "phone": masked_phone(rng, vocab),
        "note": rng.choice(vocab["order_notes"]) if rng.random() < 0.1 else None,
    }


def _duplicate(rng: random.Random, original: dict, status: str) -> dict:
    """A second order for the same buyer, product and sku, placed 1-9 minutes later."""
    copy = dict(original, status=status)
    copy["created_at"] = original["created_at"] + timedelta(seconds=rng.randint(60, 540))
    return copy


def _pay_and_contact(rng: random.Random, vocab: dict, order: dict, unpaid: bool, contact: str | None) -> None:
    """Fill payment and last-contact fields; ``contact`` is a plan kind, or None to draw by status."""
    created = order["created_at"]
    left_today = int((created.replace(hour=23, minute=59, second=59) - created).total_seconds())
    if not unpaid:
        methods = vocab["payment_methods"]
        order["payment_method"] = rng.choices(list(methods), weights=list(methods.values()))[0]
        order["paid_at"] = created + timedelta(seconds=rng.randint(60, min(5400, left_today)))
    if contact == "early":
        order["last_contact_at"] = created + timedelta(seconds=rng.randint(0, min(3600, left_today)))
    elif contact == "late":
        order["last_contact_at"] = random_time_after(rng, created, 3660, 48 * 3600)
    elif contact is None and rng.random() < CONTACT_PROBABILITY[order["status"]]:
        start = order["paid_at"] or created
        order["last_contact_at"] = random_time_after(rng, start, 600, 4 * 86400)


def _break_address(rng: random.Random, vocab: dict, order: dict, kind: str) -> None:
    """Plant one kind of unusable shipping address."""
    if kind == "empty":
        order["address"] = ""
    elif kind == "unknown":
        order["address"] = "不详"
    elif kind == "digits":
        order["address"] = "123"
    elif kind == "no_number":
        order["address"] = address_without_number(rng, vocab, order["city"])
    else:  # wrong_city: a city of another province
        others = [r for r in vocab["regions"] if r["province"] != order["province"]]
        order["city"] = rng.choice(list(rng.choice(others)["cities"]))
        order["address"] = street_address(rng, vocab, order["city"])


def _break_amount(rng: random.Random, order: dict, kind: str) -> None:
    """Plant one kind of implausible payable amount."""
    list_cents = order["quantity"] * order["unit_price"]
    order["amount"] = {
        "zero": 0,
        "one_cent": 1,
        "extra_zero": order["amount"] * 10,
        "plus_shipping": list_cents + rng.choice((800, 1000, 1200)),
        "decimal_shift": order["amount"] // 10,
    }[kind]


def build(rng: random.Random, vocab: dict) -> list[dict]:
    """All rows, sorted by order_id."""
    buyers = nickname_pool(rng, vocab, 240)
    statuses = [s for s, n in BASE_STATUS_COUNTS.items() for _ in range(n)]
    rng.shuffle(statuses)
    base = [_order(rng, vocab, buyers, s) for s in statuses]

    candidates = [i for i, o in enumerate(base) if o["status"] in ORIGINAL_STATUSES]
    originals = rng.sample(candidates, len(DUPLICATE_STATUSES))
    duplicates = [_duplicate(rng, base[i], s) for i, s in zip(originals, DUPLICATE_STATUSES)]
    orders = base + duplicates

    closed = [i for i, o in enumerate(base) if o["status"] == "已关闭"]
    unpaid = set(rng.sample(closed, N_BASE_CLOSED_UNPAID))
    unpaid |= {i for i, o in enumerate(orders) if o["status"] == "待付款"}
    unpaid |= {i for i in range(len(base), len(orders)) if orders[i]["status"] == "已关闭"}
    pending = [i for i, o in enumerate(orders) if o["status"] == "待付款"]
    plan = [kind for kind, n in UNPAID_CONTACT_PLAN.items() for _ in range(n)]
    rng.shuffle(plan)
    contacts = dict(zip(pending, plan))
    for i, order in enumerate(orders):
        _pay_and_contact(rng, vocab, order, i in unpaid, contacts.get(i))

    clean = [i for i in range(len(base)) if i not in originals]
    broken = rng.sample(clean, len(ABNORMAL_ADDRESS_KINDS) + len(ABNORMAL_AMOUNT_KINDS))
    for i, kind in zip(broken, ABNORMAL_ADDRESS_KINDS):
        _break_address(rng, vocab, orders[i], kind)
    for i, kind in zip(broken[len(ABNORMAL_ADDRESS_KINDS):], ABNORMAL_AMOUNT_KINDS):
        _break_amount(rng, orders[i], kind)

    assign_order_ids(rng, orders, lambda order: f"2026{order['created_at']:%m%d}")
    return [_formatted(o) for o in sorted(orders, key=lambda o: o["order_id"])]


def _formatted(order: dict) -> dict:
    """Times and money as the strings written to the CSV."""
    row = dict(order)
    for key in ("created_at", "paid_at", "last_contact_at"):
        row[key] = fmt_time(order[key]) or None
    row["unit_price"] = fmt_money(order["unit_price"])
    row["amount"] = fmt_money(order["amount"])
    return row
