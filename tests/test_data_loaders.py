"""Tests of kefu.data: loading from anywhere, and clear errors for bad files."""

from __future__ import annotations

import pandas as pd
import pytest

import kefu
from kefu.errors import DataFileMalformed, DataFileMissing


def test_loads_from_any_working_directory(tmp_path, monkeypatch):
    """Are the data found by package location when the notebook runs elsewhere?"""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KEFU_DATA_DIR", raising=False)
    assert kefu.load_standards().value("first_response_s") == 30
    assert len(kefu.load_table("orders.csv")) == 300


def test_standards_keep_sources_and_alternatives():
    """Does every standard carry its source, and are disagreeing values kept?"""
    standards = kefu.load_standards()
    first = standards["first_response_s"]
    assert (first.value, first.unit, first.source) == (30, "秒", "[000] KPI 指标页")
    assert first.describe() == "首次响应时间上限:30 秒(出处:[000] KPI 指标页);另有资料给出 25 秒([004] 2014 年客服标准)"
    assert standards.kpi_scheme["items"]["inquiry_conversion"]["full_at"] == 0.20
    assert list(standards.table().columns) == ["标准", "数值", "单位", "出处", "说明"]
    assert all(s.source for s in standards)


def test_unknown_standard_names_the_known_ones():
    """Does asking for a standard that does not exist list the ones that do?"""
    with pytest.raises(KeyError, match="没有标准 'nope'"):
        kefu.load_standards()["nope"]


def test_missing_file_says_where_and_what_to_do(data_copy):
    """Is a missing file named, with the fix, in Chinese?"""
    (data_copy / "orders.csv").unlink()
    with pytest.raises(DataFileMissing) as info:
        kefu.load_table("orders.csv")
    assert "找不到数据文件 data/orders.csv" in str(info.value)
    assert "KEFU_DATA_DIR" in str(info.value)


def test_missing_data_folder(tmp_path, monkeypatch):
    """With no data folder anywhere, does the error list the places searched?"""
    monkeypatch.setattr("kefu._paths.candidate_data_dirs", lambda: [tmp_path / "nowhere"])
    with pytest.raises(DataFileMissing, match="nowhere"):
        kefu.load_standards()


def test_csv_with_wrong_field_count_names_the_line(data_copy):
    """Does a row with an extra comma get its line number and a fix?"""
    path = data_copy / "violations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] += ",多余的字段"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileMalformed) as info:
        kefu.load_table("violations.csv")
    message = str(info.value)
    assert info.value.line == 5
    assert "data/violations.csv 第 5 行格式有误" in message and "逗号" in message


def test_csv_not_utf8(data_copy):
    """Is a GBK-encoded CSV reported as such, with the line?"""
    (data_copy / "orders.csv").write_bytes("order_id,buyer\n1,张三\n".encode("gbk"))
    with pytest.raises(DataFileMalformed, match="不是 UTF-8 编码") as info:
        kefu.load_table("orders.csv")
    assert info.value.line == 2


def test_csv_missing_column_and_bad_date(data_copy):
    """Are a missing required column and an unparseable date both named?"""
    with pytest.raises(DataFileMalformed, match="缺少列 nope"):
        kefu.load_table("orders.csv", columns=["order_id", "nope"])
    path = data_copy / "orders.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = text[3].split(",")
    row[header.index("created_at")] = "昨天下午"
    text[3] = ",".join(row)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(DataFileMalformed, match="昨天下午") as info:
        kefu.load_table("orders.csv", parse_dates=["created_at"])
    assert info.value.line == 4


def test_empty_csv(data_copy):
    """Is an empty file reported instead of a pandas traceback?"""
    (data_copy / "orders.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataFileMalformed, match="文件是空的"):
        kefu.load_table("orders.csv")


def test_yaml_syntax_error_names_the_line(data_copy):
    """Does a broken YAML file give its line number?"""
    path = data_copy / "standards.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[11] = "    value: [30"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileMalformed, match="YAML 语法错误") as info:
        kefu.load_standards()
    assert info.value.line is not None and 12 <= info.value.line <= 14


def test_standard_without_source_is_rejected_at_its_line(data_copy):
    """Is a standard that lost its source reported with the key's line?"""
    path = data_copy / "standards.yaml"
    text = path.read_text(encoding="utf-8").replace('    source: "[000] 响应时效要求"\n', "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileMalformed, match="single_reply_s 缺少字段 source") as info:
        kefu.load_standards()
    expected_line = text.splitlines().index("  single_reply_s:") + 1
    assert info.value.line == expected_line


def test_tables_have_the_documented_columns():
    """Do the loaders return the columns data/README.md documents?"""
    chats = kefu.load_table("chat_sessions.csv", parse_dates=["start_time"])
    assert pd.api.types.is_datetime64_any_dtype(chats["start_time"])
    assert {"session_id", "stage", "buyer_message", "first_response_s"} <= set(chats.columns)
