"""Fictional shipping places for orders: province, city, street address, masked phone."""

from __future__ import annotations

import random


def city_districts(vocab: dict) -> dict[str, list[str]]:
    """Every city of the vocabulary with its districts."""
    return {city: districts for region in vocab["regions"] for city, districts in region["cities"].items()}


def random_place(rng: random.Random, vocab: dict) -> tuple[str, str]:
    """A (province, city) pair, provinces weighted by the vocabulary."""
    regions = vocab["regions"]
    region = rng.choices(regions, weights=[r["weight"] for r in regions])[0]
    return region["province"], rng.choice(list(region["cities"]))


def street_address(rng: random.Random, vocab: dict, city: str) -> str:
    """A street-level address inside ``city`` that always has a house number (号)."""
    return rng.choice(vocab["address_formats"]).format(
        district=rng.choice(city_districts(vocab)[city]),
        road=rng.choice(vocab["roads"]),
        num=rng.randint(1, 999),
        community=rng.choice(vocab["communities"]),
        building=rng.randint(1, 28),
        unit=rng.randint(1, 4),
        room=f"{rng.randint(1, 32)}{rng.randint(1, 4):02d}",
    )


def address_without_number(rng: random.Random, vocab: dict, city: str) -> str:
    """An incomplete address: a district plus a road or estate, but no house number."""
    district = rng.choice(city_districts(vocab)[city])
    return district + rng.choice(vocab["roads"] + vocab["communities"])


def masked_phone(rng: random.Random, vocab: dict) -> str:
    """A masked mobile number such as ``138****5678``."""
    return f"{rng.choice(vocab['phone_prefixes'])}****{rng.randrange(10000):04d}"
