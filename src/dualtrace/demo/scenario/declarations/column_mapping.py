"""The YAML column mapping of each declarations file (the ingest layer's contract)."""

from __future__ import annotations

from typing import Any

from dualtrace.demo.scenario.declarations.codes import CN_TRANSPORT, CN_UNITS, RU_TRANSPORT, RU_UNITS
from dualtrace.demo.scenario.model import FileKey


def mapping(file: FileKey) -> dict[str, Any]:
    """The YAML column mapping for a declarations file (the ingest layer's contract)."""
    columns, constants, transport, units, options = _MAPPING_PARTS[file]
    return _mapping(columns, constants, transport, units, options)


def _mapping(
    columns: dict[str, str],
    constants: dict[str, str],
    transport: dict[str, str],
    units: dict[str, str],
    options: dict[str, str],
) -> dict[str, Any]:
    """A shipments mapping: the file's columns, what it leaves implied, its codes and its format."""
    return {
        "table": "shipments",
        "columns": dict(columns),
        "constants": dict(constants),
        "values": {"transport": {v: k for k, v in transport.items()}, "qty_unit": dict(units)},
        "options": dict(options),
    }


# Field -> header of each declarations file
RU_COLUMNS = {
    "date": "Дата ДТ",
    "declaration_no": "Номер ДТ",
    "line_no": "№ товара",
    "shipper_name": "Отправитель",
    "shipper_address": "Адрес отправителя",
    "shipper_country": "Страна отправителя",
    "consignee_name": "Получатель",
    "consignee_id": "ИНН получателя",
    "consignee_address": "Адрес получателя",
    "declarant_name": "Декларант",
    "declarant_id": "ИНН декларанта",
    "origin_country": "Страна происхождения",
    "departure_country": "Страна отправления",
    "hs_code": "Код ТН ВЭД",
    "description": "Описание товара",
    "manufacturer": "Производитель",
    "brand": "Товарный знак",
    "value": "Фактурная стоимость",
    "currency": "Валюта",
    "value_usd": "Статистическая стоимость, USD",
    "net_kg": "Вес нетто, кг",
    "qty": "Количество",
    "qty_unit": "Ед. изм.",
    "transport": "Вид транспорта",
}
CN_COLUMNS = {
    "date": "申报日期",
    "declaration_no": "报关单号",
    "line_no": "项号",
    "shipper_name": "发货人",
    "shipper_id": "发货人统一社会信用代码",
    "consignee_name": "收货人",
    "consignee_country": "收货人国家",
    "destination_country": "运抵国",
    "origin_country": "原产国",
    "hs_code": "商品编码",
    "description": "商品名称",
    "brand": "品牌",
    "manufacturer": "生产销售单位",
    "value": "成交总价",
    "currency": "币制",
    "value_usd": "美元总价",
    "qty": "法定数量",
    "qty_unit": "法定单位",
    "net_kg": "净重(千克)",
    "transport": "运输方式",
}


# Per file: the fields it leaves implied and its format
RU_IMPLIED = {"direction": "import", "destination_country": "RU", "consignee_country": "RU"}
CN_IMPLIED = {"direction": "export", "shipper_country": "CN", "departure_country": "CN"}
RU_FORMAT = {"encoding": "cp1251", "delimiter": ";", "decimal": ",", "date_format": "%d.%m.%Y"}
CN_FORMAT = {"encoding": "gb18030", "delimiter": ",", "decimal": ".", "date_format": "%Y-%m-%d"}
# columns, implied fields, transport codes, units, format
_MAPPING_PARTS: dict[FileKey, tuple[dict[str, str], ...]] = {
    "ru": (RU_COLUMNS, RU_IMPLIED, RU_TRANSPORT, RU_UNITS, RU_FORMAT),
    "cn": (CN_COLUMNS, CN_IMPLIED, CN_TRANSPORT, CN_UNITS, CN_FORMAT),
}
