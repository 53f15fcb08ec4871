"""The shift's settings and buyer pool: ``data/shift/settings.yaml`` and ``data/shift/pool-*.yaml``."""

from __future__ import annotations

from dataclasses import dataclass

from .._paths import data_dir
from ..data import load_yaml
from ..errors import DataFileMalformed

FOLDER = "shift"
SETTINGS_FILE = "settings.yaml"
FIX = "请对照 data/shift/settings.yaml 开头的说明修正。"


@dataclass(frozen=True)
class PoolEntry:
    """One buyer the shift may draw: a scenario id, its need category, its weight."""

    scenario: str
    need: str
    weight: float = 1.0


@dataclass(frozen=True)
class Settings:
    store: str
    date: str
    buyers: int
    concurrent_standard: str
    time_limit_s: float
    first_wave_s: tuple[float, ...]
    gap_s: tuple[float, float]
    midshift: tuple[str, ...]
    orders: int
    scoring: dict


def _fail(name: str, problem: str):
    raise DataFileMalformed(f"data/shift/{name}", problem, fix=FIX)


def _number(doc: dict, key: str, name: str, *, minimum: float = 0) -> float:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        _fail(name, f"{key} 应为不小于 {minimum} 的数字,现在是 {value!r}")
    return value


def load_settings() -> Settings:
    """``data/shift/settings.yaml``, checked."""
    doc = load_yaml(f"{FOLDER}/{SETTINGS_FILE}")
    name = SETTINGS_FILE
    if not isinstance(doc, dict):
        _fail(name, "顶层必须是映射")
    wave, gap, mid = doc.get("first_wave_s"), doc.get("gap_s"), doc.get("midshift") or []
    if not isinstance(wave, list) or not wave or not all(isinstance(x, (int, float)) and x >= 0 for x in wave):
        _fail(name, "first_wave_s 应为不小于 0 的秒数列表")
    if not (isinstance(gap, list) and len(gap) == 2 and all(isinstance(x, (int, float)) for x in gap)
            and 0 < gap[0] <= gap[1]):
        _fail(name, "gap_s 应为两个正数 [最短, 最长]")
    if not isinstance(mid, list) or not all(isinstance(x, str) for x in mid):
        _fail(name, "midshift 应为情景 id 的列表")
    scoring = doc.get("scoring")
    parts = ("resolution", "compliance", "timeliness")
    if not isinstance(scoring, dict) or set(scoring) != set(parts) or not all(
            isinstance(scoring[p], dict) and isinstance(scoring[p].get("weight"), (int, float)) for p in parts):
        _fail(name, "scoring 应有 resolution、compliance、timeliness 三项,每项有 weight")
    if abs(sum(scoring[p]["weight"] for p in parts) - 1) > 1e-9:
        _fail(name, "scoring 三项的 weight 加起来应等于 1")
    buyers = int(_number(doc, "buyers", name, minimum=1))
    if buyers < len(wave) or buyers < len(mid) + 1:
        _fail(name, "buyers 太少:至少要比 midshift 多一位,并且不少于 first_wave_s 的人数")
    return Settings(store=str(doc.get("store", "")), date=str(doc.get("date", "")), buyers=buyers,
                    concurrent_standard=str(doc.get("concurrent_standard", "concurrent_chats_min")),
                    time_limit_s=_number(doc, "time_limit_s", name, minimum=1),
                    first_wave_s=tuple(wave), gap_s=(gap[0], gap[1]), midshift=tuple(mid),
                    orders=int(_number(doc, "orders", name, minimum=10)), scoring=scoring)


def pool_files():
    return sorted((data_dir() / FOLDER).glob("pool-*.yaml"))


def load_pool() -> list[PoolEntry]:
    """Every buyer of every ``data/shift/pool-*.yaml`` file, in file order; each scenario at most once."""
    entries, seen = [], set()
    for path in pool_files():
        doc = load_yaml(f"{FOLDER}/{path.name}")
        rows = doc.get("buyers") if isinstance(doc, dict) else None
        if not isinstance(rows, list) or not rows:
            _fail(path.name, "顶层必须有非空的 buyers: 列表")
        for number, row in enumerate(rows, 1):
            if not isinstance(row, dict) or not isinstance(row.get("scenario"), str) or not isinstance(
                    row.get("need"), str):
                _fail(path.name, f"buyers 第 {number} 项要有 scenario 和 need(文字)")
            weight = row.get("weight", 1)
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
                _fail(path.name, f"buyers 第 {number} 项的 weight 应为正数")
            if row["scenario"] in seen:
                _fail(path.name, f"情景 {row['scenario']} 在买家池里出现了不止一次")
            seen.add(row["scenario"])
            entries.append(PoolEntry(row["scenario"], row["need"], float(weight)))
    if not entries:
        raise DataFileMalformed("data/shift/pool-*.yaml", "没有找到买家池文件", fix=FIX)
    return entries


def check_files() -> None:
    """Load the settings and the pool, and every scenario they name (what ``kefu check`` runs)."""
    from ..scenarios import load_scenario

    settings = load_settings()
    for entry in load_pool():
        load_scenario(entry.scenario)
    for scenario_id in settings.midshift:
        load_scenario(scenario_id)
