"""``carts.csv``: 200 fictional shopping carts of one store, with the discounts each buyer holds.

The file lists what goes into a price (items, the items' promotion, coupon, red packet, member
rate, points) but not the payable amount: learners compute it with the stacking rules of
``data/promotion_rules.yaml`` (M05). Every money value is drawn in whole cents.
"""

from __future__ import annotations

import random

from ._common import fmt_money, nickname_pool

FILENAME = "carts.csv"
COLUMNS = ["cart_id", "buyer", "items", "n_items", "subtotal", "promotion", "coupon_threshold",
           "coupon_amount", "red_packet", "member_rate", "points", "wants_installment"]
N_ROWS = 200
PROMOTION_COUNTS = {"无": 60, "满减": 55, "限时秒杀": 25, "聚划算": 25, "会员专享": 35}
EXCLUSIVE = ("限时秒杀", "聚划算")  # activity prices: no member rate, no store coupon
PERCENT_OFF = {"限时秒杀": (20, 25, 30), "聚划算": (15, 20, 25)}
# Store coupons (threshold, amount) in cents; threshold 0 is the no-threshold new-buyer coupon.
COUPONS = ((0, 500), (19900, 2000), (39900, 5000), (59900, 8000))
RED_PACKETS = (300, 500, 800, 1000, 1500, 2000)
MEMBER_RATES = {"0.95": 50, "0.90": 35, "0.88": 15}
N_BROKEN_COUPONS = 3  # a threshold without an amount: the coupon record is incomplete
P_COUPON, P_UNREACHED_COUPON, P_RED_PACKET, P_POINTS, P_MEMBER = 0.45, 0.2, 0.35, 0.3, 0.4


def _items(rng: random.Random, vocab: dict, promotion: str) -> tuple[str, int, int]:
    """The cart's items as text, the number of pieces and the subtotal in cents."""
    products = vocab["products"]
    if promotion == "限时秒杀":  # one piece per account
        chosen = [(rng.choice(products), 1)]
    elif promotion == "聚划算":
        chosen = [(rng.choice(products), rng.choices((1, 2), weights=(75, 25))[0])]
    else:
        kinds = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
        chosen = [(p, rng.choices((1, 2), weights=(85, 15))[0]) for p in rng.sample(products, kinds)]
    subtotal = 0
    for product, quantity in chosen:
        unit = round(product["price"] * 100)
        if promotion in EXCLUSIVE:  # the activity price, in whole cents
            unit = (unit * (100 - rng.choice(PERCENT_OFF[promotion])) + 50) // 100
        subtotal += unit * quantity
    text = "、".join(f"{p['name']}×{q}" for p, q in chosen)
    return text, sum(q for _, q in chosen), subtotal


def _coupon(rng: random.Random, subtotal: int) -> tuple[int, int] | None:
    """A store coupon the buyer holds: usually one the subtotal reaches, sometimes a higher one."""
    if rng.random() >= P_COUPON:
        return None
    reached = [c for c in COUPONS if c[0] <= subtotal]
    higher = [c for c in COUPONS if c[0] > subtotal]
    if higher and (rng.random() < P_UNREACHED_COUPON or not reached):
        return rng.choice(higher)
    return rng.choice(reached)


def _cart(rng: random.Random, vocab: dict, buyers: list[str], promotion: str) -> dict:
    """One cart; money in cents, absent discounts as None."""
    items, pieces, subtotal = _items(rng, vocab, promotion)
    coupon = _coupon(rng, subtotal)
    member = promotion == "会员专享" or rng.random() < P_MEMBER  # 会员专享: only members can buy
    wants = rng.random() < (0.5 if subtotal >= 50000 else 0.1)
    return {
        "buyer": rng.choice(buyers), "items": items, "n_items": pieces, "subtotal": subtotal,
        "promotion": promotion,
        "coupon_threshold": coupon[0] if coupon else None,
        "coupon_amount": coupon[1] if coupon else None,
        "red_packet": rng.choice(RED_PACKETS) if rng.random() < P_RED_PACKET else None,
        "member_rate": rng.choices(list(MEMBER_RATES), weights=list(MEMBER_RATES.values()))[0] if member else None,
        # points in steps of 50 (half of them leave a remainder that cannot be redeemed), worth at most
        # a fifth of the subtotal, so that no discount ever takes a cart below zero
        "points": 50 * rng.randint(2, max(2, min(60, subtotal // 250))) if rng.random() < P_POINTS else None,
        "wants_installment": "是" if wants else "否",
    }


def build(rng: random.Random, vocab: dict) -> list[dict]:
    """All rows, in cart_id order."""
    buyers = nickname_pool(rng, vocab, 180)
    plan = [p for p, n in PROMOTION_COUNTS.items() for _ in range(n)]
    rng.shuffle(plan)
    carts = [_cart(rng, vocab, buyers, promotion) for promotion in plan]
    with_coupon = [i for i, c in enumerate(carts) if c["coupon_amount"] is not None]
    for i in rng.sample(with_coupon, N_BROKEN_COUPONS):
        carts[i]["coupon_amount"] = None
    rows = []
    for number, cart in enumerate(carts, start=1):
        row = dict(cart, cart_id=f"C{number:03d}", subtotal=fmt_money(cart["subtotal"]))
        for key in ("coupon_threshold", "coupon_amount", "red_packet"):
            row[key] = None if cart[key] is None else fmt_money(cart[key])
        rows.append(row)
    return rows
