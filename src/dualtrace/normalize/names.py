"""Name normalisation for screening: one comparable form for a name in any script or spelling.

``analyze("ООО «Вектрамаш»")`` and ``analyze("VEKTRAMASH LIMITED LIABILITY COMPANY")`` both give the
tokens ``["vektramash"]``. The steps, in order:

1. Unicode NFKC and case folding; quotes, brackets and punctuation become spaces.
2. Chinese runs: longest-match translation of generic company words (电子 -> electronic,
   科技 -> technology, 有限公司 -> a legal form, 市 -> a city marker that is dropped), the
   remaining characters become pinyin (pypinyin), one token per run ("联芯锐达" -> "lianxinruida").
   Traditional and simplified characters give the same pinyin.
3. Cyrillic: legal forms are removed in Russian (rigour: "общество с ограниченной
   ответственностью", "ООО", "АО"...), then transliterated (BGN/PCGN-like, the way Russian
   names appear in English lists); English loanwords spelled in Cyrillic ("ЭЛЕКТРОНИК",
   "ТЕКНОЛОДЖИ", "ЛИМИТЕД") go back to English.
4. Latin: legal forms removed (rigour's org-type tables: "Co., Ltd.", "LLC", "JSC", "OOO", "GmbH"...),
   customs abbreviations expanded ("ELEC" -> electronic, "TECH" -> technology, "INTL",
   "TRDG", "SRVCS"...), "HK" -> hong kong, light stemming ("electronics" -> electronic,
   "technologies" -> technology), Russian org-type phrases ("NPO", "scientific and production
   association") dropped.

A token's *skeleton* (``skeleton``) collapses transliteration variants (kh/h, ch/h, c/k, y/i,
double letters) so "Tekhkrim" and "Techkrim" compare equal. A token's *weight* says how much it
identifies a company: generic words ("technology", "trading") and place names count little.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from normality import ascii_text
from pypinyin import lazy_pinyin
from rigour.names import remove_org_types

__all__ = [
    "GENERIC",
    "NameKey",
    "analyze",
    "latinize",
    "phonetic",
    "script_of",
    "skeleton",
    "token_weight",
]

# --- scripts -------------------------------------------------------------------------------


def _char_script(char: str) -> str | None:
    if not char.isalpha():
        return None
    code = ord(char)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "Latn"
    if 0x400 <= code <= 0x52F:
        return "Cyrl"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "Hani"
    if 0x370 <= code <= 0x3FF:
        return "Grek"
    if 0x600 <= code <= 0x6FF or 0x750 <= code <= 0x77F:
        return "Arab"
    if 0x590 <= code <= 0x5FF:
        return "Hebr"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
        return "Hang"
    if 0x3040 <= code <= 0x30FF:
        return "Jpan"
    return "Zyyy"


def script_of(text: str) -> str:
    """The ISO 15924 code of the script most letters of text are written in ("Zyyy" if none)."""
    counts: dict[str, int] = {}
    for char in text:
        script = _char_script(char)
        if script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "Zyyy"
    return max(counts.items(), key=lambda kv: kv[1])[0]


# --- Cyrillic --------------------------------------------------------------------------------

_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ә": "a", "ө": "o", "ү": "u", "ұ": "u",
    "қ": "k", "ғ": "g", "ң": "n", "һ": "h",
}  # fmt: skip

# English words that Russian declarations spell in Cyrillic (names of foreign suppliers).
_CYR_LOANWORDS = {
    "электроник": "electronic", "электроникс": "electronics", "электрикал": "electrical",
    "текнолоджи": "technology", "технолоджи": "technology", "текнолоджиз": "technologies",
    "технолоджиз": "technologies", "трейдинг": "trading", "трейд": "trade", "лимитед": "limited",
    "ко": "co", "лтд": "ltd", "инк": "inc", "корп": "corp", "корпорейшн": "corporation",
    "интернэшнл": "international", "интернешнл": "international", "интернешенел": "international",
    "групп": "group", "груп": "group", "компани": "company", "индастри": "industry",
    "индастриз": "industries", "холдинг": "holding", "холдингс": "holdings", "микро": "micro",
    "лазер": "laser", "авионикс": "avionics", "оптикс": "optics", "инжиниринг": "engineering",
    "систем": "system", "системс": "systems", "девайс": "device", "девайсиз": "devices",
    "компонентс": "components", "сэмикондактор": "semiconductor", "гонконг": "hong kong",
    "хонг": "hong", "конг": "kong", "энд": "and", "импорт": "import", "экспорт": "export",
    "солюшнс": "solutions", "солюшн": "solution", "сервис": "service", "логистик": "logistics",
    "энерджи": "energy", "пасифик": "pacific", "глобал": "global",
}  # fmt: skip


def _translit_cyrillic(word: str) -> str:
    if word in _CYR_LOANWORDS:
        return _CYR_LOANWORDS[word]
    out = []
    for i, char in enumerate(word):
        if char == "е" and (i == 0 or word[i - 1] in "аеёиоуыэюяъь"):
            out.append("ye" if i > 0 else "e")  # BGN/PCGN: ye after vowels; lists write E- at start
        else:
            out.append(_CYR.get(char, char))
    return "".join(out)


# --- Chinese ---------------------------------------------------------------------------------

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


def _is_han(char: str) -> bool:
    return _char_script(char) == "Hani"


def _han_run(run: str) -> str:
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


# --- Latin -----------------------------------------------------------------------------------

# Customs-style abbreviations and their full words (after case folding).
_ABBREVIATIONS = {
    "elec": "electronic", "elect": "electronic", "electr": "electronic", "elecs": "electronic",
    "tech": "technology", "techn": "technology", "technol": "technology", "tec": "technology",
    "intl": "international", "int'l": "international", "inter": "international",
    "comm": "communication", "comms": "communication", "grp": "group", "gp": "group",
    "srvcs": "services", "svcs": "services", "svc": "services", "serv": "services",
    "trdg": "trading", "trd": "trading", "mfg": "manufacturing", "mfr": "manufacturing",
    "eqpt": "equipment", "equip": "equipment", "ind": "industrial", "indus": "industrial",
    "inds": "industries", "dev": "development", "devt": "development", "eng": "engineering",
    "engg": "engineering", "sci": "scientific", "instr": "instrument", "mach": "machinery",
    "mgmt": "management", "hldgs": "holdings", "hldg": "holding", "natl": "national",
    "imp": "import", "exp": "export", "impexp": "import export", "ctr": "center", "cntr": "center",
    "assn": "association", "assoc": "association", "logist": "logistics", "sys": "system",
    "semicon": "semiconductor", "hk": "hong kong", "hkg": "hong kong",
    "prc": "china", "gen": "general", "info": "information", "kontsern": "concern",
    "rossii": "russia", "rossiya": "russia", "rossiyskaya": "russian", "rf": "russia",
}  # fmt: skip

# Phrases that are org types in Russian practice but not in rigour's tables; dropped.
_ORG_PHRASES = re.compile(
    r"\b(?:scientific (?:and )?production (?:association|enterprise|company|center|centre)"
    r"|research (?:and )?production (?:association|enterprise|company|center|centre)"
    r"|nauchno proizvodstvennoye? (?:obyedineniye|obedinenie|obyedinenie|predpriyatiye|predpriyatie)"
    r"|goskorporatsiya|gosudarstvennaya korporatsiya|state corporation|state corp"
    r"|npo|npp|nii|fgup|gup|mup|nao|ano)\b"
)

_LEGAL_TAIL = re.compile(
    r"\b(?:co|company|limited|ltd|llc|inc|corp|corporation|plc|llp|lp|sa|ag|gmbh|bv|nv|srl|spa"
    r"|sirketi|sti|fze|fzco|fz llc|jsc|pjsc|ojsc|cjsc|ooo|oao|zao|pao|ao|tov|too|osoo|pte|pvt"
    r"|sdn bhd|bhd|kg|kft|sro|s r o|oy|ab|as|a s|doo|d o o|coltd)\b"
)

# Words that say what a firm does or where, not which firm it is (weight < 1).
GENERIC = {
    # activity words
    "technology", "electronic", "electrical", "trading", "trade", "industrial", "industry",
    "international", "group", "holding", "holdings", "company", "corporation", "enterprise",
    "import", "export", "development", "engineering", "manufacturing", "machinery", "equipment",
    "services", "service", "system", "logistics", "supply", "chain", "management", "investment",
    "scientific", "research", "institute", "production", "plant", "factory", "center", "centre",
    "general", "global", "new", "material", "materials", "component", "components", "device",
    "devices", "precision", "instrument", "communication", "network", "information", "energy",
    "chemical", "software", "micro", "optics", "optical", "laser", "aviation", "aerospace",
    "avionic", "semiconductor", "sensor", "special", "vehicle", "marine", "national", "state",
    "federal", "joint", "stock", "limited", "liability", "association", "union", "branch",
    "solution", "product", "products", "commercial", "business", "bureau", "design", "and", "of",
    "the", "for", "de", "la", "le", "del", "al", "el", "firm", "concern", "heavy", "automobile",
    "shipbuilding", "university", "radar", "measurement", "propellant", "food", "intelligent",
    "optoelectronic", "ordnance", "tech", "sales", "agency", "partner", "partners", "capital",
    "consulting", "resources", "resource", "power", "metal", "metals", "oil", "gas", "bank",
    "import export", "zavod", "kompaniya", "gruppa", "optika", "spetsialnoy", "tekhnologii",
    # places that many names begin with
    "china", "hong", "kong", "shenzhen", "beijing", "shanghai", "guangzhou", "tianjin", "wuhan",
    "xiamen", "jinan", "ningbo", "hangzhou", "chengdu", "xian", "nanjing", "suzhou", "dongguan",
    "zhuhai", "huizhou", "moscow", "moskva", "russia", "russian", "rossiya", "sankt", "petersburg",
    "peterburg", "ural", "uralskiy", "siberian", "sibirskiy", "asia", "euro", "eurasia", "dubai",
    "emirates", "istanbul", "almaty", "bishkek", "yerevan", "minsk", "tashkent", "rossii",
    "rossiyskoy", "federatsii", "federation", "shaanxi", "shanxi", "sichuan", "zhongyuan", "hebei",
    "henan", "hubei", "hunan", "guangdong", "jiangsu", "zhejiang", "shandong", "fujian", "anhui",
    "jiangxi", "liaoning", "jilin", "yunnan", "guizhou", "gansu", "guangxi", "xinjiang", "qilu",
    "huabei", "huanan", "huadong", "xinan", "xibei", "dongbei", "sz",
}  # fmt: skip
# Words that only say a firm is a firm: nearly weightless.
ORG_WORDS = {
    "concern", "group", "holding", "holdings", "company", "corporation", "corp", "enterprise",
    "firm", "organization", "organisation", "incorporated",
}  # fmt: skip
# Patronymics are often left out of a person's name: they weigh little.
_PATRONYMIC = re.compile(r".+(?:ovich|evich|ovna|evna|ichna|vich|ovych|ivna)$")

_PUNCT = re.compile(r"[^\w]+", re.UNICODE)
_DIGITS_LETTERS = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")


def _stem(token: str) -> str:
    if len(token) <= 4 or token.isdigit():
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith("ics"):
        return token[:-1]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


# Markup pasted with a name from a web page or an export: a script or style element with its
# content, a comment, or a tag. Kept, it weighs as words of the name ("script alert 1 script").
_MARKUP = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|</?[a-z][^<>]{0,200}>", re.S | re.I)
# Invisible characters a web page leaves inside words (soft hyphen, zero-width space and joiners).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


def _unmarkup(text: str) -> str:
    if "<" in text:
        text = _MARKUP.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return _INVISIBLE.sub("", text)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", _unmarkup(text)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("’", "").replace("`", "")
    return text


@lru_cache(maxsize=200_000)
def latinize(name: str) -> str:
    """Name in lower-case Latin letters: Chinese to pinyin (with generic words in English),
    Cyrillic transliterated; legal forms are kept."""
    text = _clean(name)
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if _is_han(char):
            j = i
            while j < len(text) and _is_han(text[j]):
                j += 1
            out.append(" " + _han_run(text[i:j]) + " ")
            i = j
            continue
        out.append(char)
        i += 1
    text = "".join(out)
    if any(_char_script(c) == "Cyrl" for c in text):
        # Russian legal forms are known to rigour in Cyrillic; remove them before transliterating.
        text = remove_org_types(" ".join(_PUNCT.sub(" ", text).split()))
        text = " ".join(
            _translit_cyrillic(w) if any(_char_script(c) == "Cyrl" for c in w) else w for w in text.split()
        )
    if any(_char_script(c) in _ICU_SCRIPTS for c in text):
        # Arabic, Hebrew, Greek, Korean, Japanese: ICU transliteration through normality (the
        # library nomenklatura and rigour use), word by word so Latin words stay as they are.
        text = " ".join(
            (ascii_text(w) or w) if any(_char_script(c) in _ICU_SCRIPTS for c in w) else w
            for w in text.split()
        )
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", text).replace("_", " ").split())


_ICU_SCRIPTS = {"Arab", "Hebr", "Grek", "Hang", "Jpan", "Zyyy"}
# Scripts that do not write short vowels: their transliterations compare by consonants.
VOWELLESS = {"Arab", "Hebr"}


def _number_tables() -> tuple[dict[str, str], frozenset[str]]:
    text = resources.files(__package__).joinpath("data/number_words.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {str(k): str(v) for k, v in data["numbers"].items()}, frozenset(data["number_markers"])


_NUMBER_WORDS, _NUMBER_MARKERS = _number_tables()
# A legal form glued to the name in the list's own capitals ("SiemensAG", "GazpromOOO").
_GLUED_FORM = re.compile(
    r"(?<=[a-z])(AG|GmbH|LLC|LLP|Ltd|LTD|Inc|Corp|SA|SpA|BV|NV|PLC|JSC|OOO|OAO|ZAO|PAO)\b"
)


def _numbers(words: list[str]) -> list[str]:
    """Number words to digits; "number"/"no"/"nomer" before a number dropped."""
    out = [_NUMBER_WORDS.get(w, w) for w in words]
    return [
        w
        for i, w in enumerate(out)
        if not (w in _NUMBER_MARKERS and i + 1 < len(out) and out[i + 1].isdigit())
    ]


@lru_cache(maxsize=200_000)
def _tokens(name: str) -> tuple[str, ...]:
    name = _GLUED_FORM.sub(r" \1", name)
    # Legal forms are removed before accents are: rigour's tables spell them with accents
    # ("Gesellschaft mit beschränkter Haftung").
    cleaned = " ".join(_PUNCT.sub(" ", _clean(name)).split())
    unformed = remove_org_types(cleaned).strip()
    text = latinize(unformed if unformed and unformed != cleaned else name)
    text = _DIGITS_LETTERS.sub(" ", text) if re.search(r"\d", text) else text
    words = _numbers([_ABBREVIATIONS.get(w, w) for w in text.split()])
    text = " ".join(words)
    stripped = remove_org_types(text)
    stripped = _ORG_PHRASES.sub(" ", stripped)
    stripped = _LEGAL_TAIL.sub(" ", stripped)
    tokens = [_stem(t) for t in stripped.split() if t]
    if not tokens:  # a name that is only a legal form or an org word: keep what there was
        tokens = [_stem(t) for t in text.split()]
    return tuple(tokens)


@lru_cache(maxsize=400_000)
def skeleton(token: str) -> str:
    """Collapse transliteration variants of one Latin token (kh/ch -> h, c/q -> k, y/j -> i,
    w -> v, ph -> f, x -> ks, doubled letters)."""
    s = token
    if s.startswith("ye"):  # Yevgeniy / Evgeniy
        s = s[1:]
    for a, b in (
        ("shch", "sh"), ("sch", "sh"), ("tch", "ch"), ("ch", "h"), ("kh", "h"), ("ph", "f"),
        ("zh", "j"), ("yo", "e"),
    ):  # fmt: skip
        s = s.replace(a, b)
    s = s.replace("ck", "k").replace("x", "ks").replace("q", "k").replace("c", "k").replace("w", "v")
    s = s.replace("y", "i").replace("j", "i").replace("ie", "i")
    out: list[str] = []
    for char in s:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=400_000)
def phonetic(token: str) -> str:
    """A coarse blocking key: the skeleton's first letter and its consonants ("svetorog" ->
    "svtrg"), so one-letter vowel typos share a key. A leading vowel is any vowel and z is s
    ("Ambrella"/"Umbrella", "Dagdizel"/"Dagdiesel"): transliterations differ there most."""
    s = skeleton(token)
    if not s:
        return s
    head = "a" if s[0] in "aeiou" else s[0]
    return (head + "".join(c for c in s[1:] if c not in "aeiou")).replace("z", "s")


def token_weight(token: str) -> float:
    """How much a token identifies a firm: org words 0.1, generic words, places and patronymics
    0.3, short tokens less than long ones."""
    if token in ORG_WORDS:
        return 0.1
    if token in GENERIC or _PATRONYMIC.fullmatch(token):
        return 0.3
    if token.isdigit():
        return 0.5
    if len(token) <= 2:
        return 0.4
    if len(token) == 3:
        return 0.7
    return 1.0


@dataclass(frozen=True)
class NameKey:
    """A name ready for comparison."""

    name: str
    script: str
    latin: str
    tokens: tuple[str, ...]
    skeletons: tuple[str, ...]
    weights: tuple[float, ...]

    @property
    def norm(self) -> str:
        return " ".join(self.tokens)

    @property
    def total_weight(self) -> float:
        return sum(self.weights)


@lru_cache(maxsize=200_000)
def analyze(name: str) -> NameKey:
    """Normalise a name for comparison (see the module docstring)."""
    tokens = _tokens(name)
    return NameKey(
        name=name,
        script=script_of(name),
        latin=latinize(name),
        tokens=tokens,
        skeletons=tuple(skeleton(t) for t in tokens),
        weights=tuple(token_weight(t) for t in tokens),
    )


# --- Chinese names spelled in Cyrillic (Palladius) --------------------------------------------

_PALLADIUS_MARKS = ("чж", "цз", "нь", "ао", "уа", "уй", "эй", "ай", "ян", "сюй")
_PAL_CONSONANTS = {
    "ш": "sh", "ч": "ch", "ж": "r", "х": "h", "к": "k", "г": "g", "б": "b", "п": "p", "д": "d",
    "т": "t", "м": "m", "ф": "f", "л": "l", "з": "z", "в": "w", "р": "r",
}  # fmt: skip
_VOWELS = "аеёиоуыэюя"


def _palladius_token(word: str) -> str:
    out: list[str] = []
    i = 0
    n = len(word)
    while i < n:
        ch = word[i]
        nxt = word[i + 1] if i + 1 < n else ""
        prev = word[i - 1] if i > 0 else ""
        after_consonant = bool(prev) and prev not in _VOWELS and prev != "ь"
        if word.startswith("чж", i):
            out.append("zh")
            i += 2
            continue
        if word.startswith("цз", i):
            out.append("j")
            i += 2
            continue
        if word.startswith("ынь", i):
            out.append("en")
            i += 3
            continue
        if ch == "ц":
            out.append("q" if nxt in "июя" else "c")
        elif ch == "с":
            out.append("x" if nxt in "июя" else "s")
        elif ch == "н":
            if nxt == "ь":
                out.append("n")
                i += 1
            elif not nxt or nxt not in _VOWELS:
                out.append("ng")
            else:
                out.append("n")
        elif ch == "я":
            out.append("ia" if after_consonant else "ya")
        elif ch == "ю":
            ng = nxt == "н" and (i + 2 >= n or word[i + 2] != "ь")
            out.append(("io" if ng else "iu") if after_consonant else ("yo" if ng else "yu"))
        elif ch == "е":
            out.append("ie" if after_consonant else "ye")
        elif ch in "ыэ":
            out.append("i" if ch == "ы" else "e")
        elif ch == "й":
            out.append("i")
        elif ch == "ь":
            pass
        else:
            out.append(_PAL_CONSONANTS.get(ch, _CYR.get(ch, ch)))
        i += 1
    return "".join(out)


@lru_cache(maxsize=50_000)
def _surname_tables() -> tuple[frozenset[str], frozenset[str]]:
    text = resources.files(__package__).joinpath("data/chinese_surnames.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return frozenset(data["compound"]), frozenset(data["single"])


_ZH_COMPOUND_SURNAMES, _ZH_SURNAMES = _surname_tables()


def _chinese_person(name: str) -> NameKey | None:
    """A Chinese person's name of two to four characters read as "surname given" ("李尚福" ->
    "li shangfu"), the way lists write it in Latin letters; None for anything else."""
    text = "".join(_clean(name).split())
    if not 2 <= len(text) <= 4 or not all(_is_han(c) for c in text):
        return None
    if text[:2] in _ZH_COMPOUND_SURNAMES and len(text) >= 3:
        surname, given = text[:2], text[2:]
    elif text[0] in _ZH_SURNAMES:
        surname, given = text[0], text[1:]
    else:
        return None
    key = analyze("".join(lazy_pinyin(surname)) + " " + "".join(lazy_pinyin(given)))
    return NameKey(name, "Hani", key.latin, key.tokens, key.skeletons, key.weights)


@lru_cache(maxsize=400_000)  # asked of every listed name a query is compared with
def alternates(name: str) -> tuple[NameKey, ...]:
    """Other readings of a name worth comparing: a Chinese name written in Cyrillic
    ("ШЭНЬЧЖЭНЬ ЛЯНЬСИНЬ ЖУЙДА") is read back as pinyin ("shenzhen lianxin ruida"); a short
    Chinese name is also read as a person's "surname given" ("李尚福" -> "li shangfu")."""
    person = _chinese_person(name)
    if person is not None:
        return (person,)
    low = _clean(name)
    if not any(m in low for m in _PALLADIUS_MARKS) or script_of(low) != "Cyrl":
        return ()
    words = _PUNCT.sub(" ", low).split()
    out = []
    for w in words:
        if w in _CYR_LOANWORDS or not any(_char_script(c) == "Cyrl" for c in w):
            out.append(_CYR_LOANWORDS.get(w, w))
        else:
            out.append(_palladius_token(w))
    text = " ".join(out)
    key = analyze(text)
    return (NameKey(name, key.script, key.latin, key.tokens, key.skeletons, key.weights),)
