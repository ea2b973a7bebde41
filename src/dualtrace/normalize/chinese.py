"""Chinese characters to Latin letters: generic company words translated to the English that the
same firms' English names use, the rest as pinyin (pypinyin), one token per run."""

from __future__ import annotations

from pypinyin import lazy_pinyin

from dualtrace.normalize.scripts import char_script

__all__ = ["han_run", "is_han"]

# Generic words of Chinese company names and what English names of the same firms use.
# "" drops the word (legal forms, administrative markers). Traditional forms included.
_ZH_WORDS = {
    "股份有限公司": "", "有限责任公司": "", "有限責任公司": "", "有限公司": "", "集团公司": "group",
    "集團公司": "group", "总公司": "", "總公司": "", "分公司": "branch", "公司": "", "集团": "group",
    "集團": "group", "股份": "", "控股": "holding", "微电子": "micro electronic",
    "微電子": "micro electronic", "电子": "electronic", "電子": "electronic", "科技": "technology",
    "技术": "technology", "技術": "technology", "贸易": "trading", "貿易": "trading",
    "商贸": "trading", "商貿": "trading", "进出口": "import export", "進出口": "import export",
    "国际": "international", "國際": "international", "实业": "industrial", "實業": "industrial",
    "工业": "industry", "工業": "industry", "机械": "machinery", "機械": "machinery",
    "设备": "equipment", "設備": "equipment", "激光": "laser", "光学": "optics", "光學": "optics",
    "光电": "optoelectronic", "光電": "optoelectronic", "航空": "aviation", "航天": "aerospace",
    "航电": "avionics", "航電": "avionics", "半导体": "semiconductor", "半導體": "semiconductor",
    "仪器": "instrument", "儀器": "instrument", "精密": "precision", "制造": "manufacturing",
    "製造": "manufacturing", "供应链": "supply chain", "供應鏈": "supply chain", "管理": "management",
    "物流": "logistics", "发展": "development", "發展": "development", "投资": "investment",
    "投資": "investment", "工程": "engineering", "软件": "software", "軟件": "software",
    "通信": "communication", "通讯": "communication", "通訊": "communication", "网络": "network",
    "網絡": "network", "信息": "information", "资讯": "information", "能源": "energy",
    "化工": "chemical", "材料": "material", "汽车": "automobile", "汽車": "automobile",
    "船舶": "shipbuilding", "重工": "heavy industry", "研究所": "research institute",
    "研究院": "research institute", "大学": "university", "大學": "university",
    "服务": "services", "服務": "services", "食品": "food", "中国": "china", "中國": "china",
    "香港": "hong kong", "元件": "components", "器件": "devices", "传感器": "sensor",
    "傳感器": "sensor", "传感": "sensor", "傳感": "sensor", "系统": "system", "系統": "system",
    "智能": "intelligent", "特种": "special", "特種": "special", "车辆": "vehicle",
    "車輛": "vehicle", "雷达": "radar", "雷達": "radar", "测量": "measurement",
    "測量": "measurement", "推进剂": "propellant", "推進劑": "propellant", "海洋": "marine",
    "电器": "electrical", "電器": "electrical", "新材料": "new material", "装备": "equipment",
    "裝備": "equipment", "兵器": "ordnance", "工贸": "industry trading", "工貿": "industry trading",
    "市": "", "省": "", "县": "", "縣": "", "区": "", "區": "", "自治区": "", "自治區": "",
}  # fmt: skip
# Places that begin most Chinese company names: translated to pinyin as a token of their own so
# "厦门翔穹" splits like "Xiamen Xiangqiong".
_ZH_PLACES = [
    "深圳",
    "北京",
    "上海",
    "广州",
    "廣州",
    "天津",
    "武汉",
    "武漢",
    "厦门",
    "廈門",
    "济南",
    "濟南",
    "宁波",
    "寧波",
    "杭州",
    "成都",
    "西安",
    "南京",
    "苏州",
    "蘇州",
    "东莞",
    "東莞",
    "珠海",
    "惠州",
    "青岛",
    "青島",
    "大连",
    "大連",
    "沈阳",
    "瀋陽",
    "哈尔滨",
    "長沙",
    "长沙",
    "郑州",
    "鄭州",
    "重庆",
    "重慶",
    "合肥",
    "福州",
    "昆明",
    "南昌",
    "石家庄",
    "太原",
    "长春",
    "長春",
    "兰州",
    "蘭州",
    "贵阳",
    "南宁",
    "海口",
    "佛山",
    "无锡",
    "無錫",
    "常州",
    "温州",
    "泉州",
    "烟台",
    "绵阳",
    "綿陽",
    "洛阳",
    "洛陽",
    "宝鸡",
    "寶雞",
    "中山",
    "汕头",
    "广东",
    "廣東",
    "浙江",
    "江苏",
    "江蘇",
    "山东",
    "山東",
    "河北",
    "河南",
    "湖北",
    "湖南",
    "四川",
    "陕西",
    "陝西",
    "山西",
    "福建",
    "安徽",
    "江西",
    "辽宁",
    "遼寧",
    "吉林",
    "黑龙江",
    "云南",
    "雲南",
    "贵州",
    "貴州",
    "甘肃",
    "甘肅",
    "广西",
    "廣西",
    "内蒙古",
    "新疆",
    "齐鲁",
    "齊魯",
    "中原",
    "华北",
    "华南",
    "华东",
    "西南",
    "西北",
    "东北",
]
for _place in _ZH_PLACES:
    _ZH_WORDS.setdefault(_place, "".join(lazy_pinyin(_place)))
_ZH_MAX = max(len(k) for k in _ZH_WORDS)


def is_han(char: str) -> bool:
    return char_script(char) == "Hani"


def han_run(run: str) -> str:
    """Translate generic words of a run of Chinese characters; the rest becomes pinyin."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            out.append("".join(lazy_pinyin("".join(pending))))
            pending.clear()

    i = 0
    while i < len(run):
        for size in range(min(_ZH_MAX, len(run) - i), 0, -1):
            piece = run[i : i + size]
            if piece in _ZH_WORDS:
                flush()
                if _ZH_WORDS[piece]:
                    out.append(_ZH_WORDS[piece])
                i += size
                break
        else:
            pending.append(run[i])
            i += 1
    flush()
    return " ".join(out)
