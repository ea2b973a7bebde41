"""The syllables, cities, activities, legal forms and abbreviations fictional firms are made of."""

from __future__ import annotations


def words(text: str) -> list[str]:
    return text.split()


HAN = (
    "华瑞鑫达泰盛宏恒源丰兴德信诚嘉润博创力远明银龙凯宇峰捷迅锐拓星辰腾飞汇聚富康晟昊宸铭钧晖晨卓越杰豪鹏旭坤"
    "乾毅弘伟耀灿澜泓浩瀚翔骏祥茂荣益邦众佳美尚优品正方圆振立永顺昌隆恩禾鼎睿维悦琪璟朗彤丰凌霖森林柏松桦榕"
    "楠杉梓桐雅逸俊杰岚嵘峻崇岳岩磊鑫钰锦铭锋钢铸铠锐钛锂镭纬纶绮绣缘纳纵绿蓝紫红青赤橙黛墨白玄黄朱丹彩"
    "霞雯雪雷霆露霏晶晴暄曦昕昀晔晓曜昱烨焕炜炫煜熠灵秀英豪雄威武勇毅刚健强盈裕隆亨通达顺畅和谐协同"
    "众志联合协力凯旋胜利鸿鹄鹰鹤凤麟骐骥驰骋腾跃奔航舟帆楫桥梁"
)
HAN = "".join(dict.fromkeys(HAN))
CITIES = [
    ("SHENZHEN", "深圳"), ("GUANGZHOU", "广州"), ("DONGGUAN", "东莞"), ("SHANGHAI", "上海"),
    ("BEIJING", "北京"),
    ("HANGZHOU", "杭州"), ("NINGBO", "宁波"), ("XIAMEN", "厦门"), ("SUZHOU", "苏州"), ("WUXI", "无锡"),
    ("NANJING", "南京"), ("WUHAN", "武汉"), ("CHENGDU", "成都"), ("TIANJIN", "天津"), ("QINGDAO", "青岛"),
    ("JINAN", "济南"), ("CHANGSHA", "长沙"), ("ZHENGZHOU", "郑州"), ("XI'AN", "西安"), ("HEFEI", "合肥"),
    ("FOSHAN", "佛山"), ("ZHUHAI", "珠海"), ("HUIZHOU", "惠州"), ("WENZHOU", "温州"), ("CHANGZHOU", "常州"),
    ("DALIAN", "大连"), ("SHENYANG", "沈阳"), ("HARBIN", "哈尔滨"), ("YIWU", "义乌"), ("KUNSHAN", "昆山"),
]  # fmt: skip
ACTIVITIES = [
    ("ELECTRONIC TECHNOLOGY", "电子科技"), ("TRADING", "贸易"), ("MACHINERY EQUIPMENT", "机械设备"),
    ("OPTOELECTRONIC TECHNOLOGY", "光电科技"), ("IMPORT AND EXPORT", "进出口"),
    ("INTERNATIONAL TRADING", "国际贸易"), ("PRECISION INSTRUMENT", "精密仪器"), ("NEW MATERIAL", "新材料"),
    ("SUPPLY CHAIN MANAGEMENT", "供应链管理"), ("SEMICONDUCTOR", "半导体"),
    ("AVIATION TECHNOLOGY", "航空科技"),
    ("INDUSTRIAL", "实业"), ("ENERGY TECHNOLOGY", "能源科技"), ("COMMUNICATION TECHNOLOGY", "通信技术"),
    ("INTELLIGENT TECHNOLOGY", "智能科技"), ("CHEMICAL", "化工"), ("AUTO PARTS", "汽车配件"),
    ("TECHNOLOGY", "科技"), ("ELECTRONICS", "电子"), ("LOGISTICS", "物流"),
]  # fmt: skip
RU_PIECES = words(
    "Вект Ра Маш Терм Квант Сиб Тех Пром Снаб Нефт Строй Комп Лект Опт Рад Мет Ал Вол Нор Сев Юг "
    "Пульс Гран Ит Ком Арс Стал Лаб Эл Кон Тор Рус Век Арм Бал Бор Гор Дон Енис Кам Лен Мир Нев Ок "
    "Пер Сар Тав Урал Фар Хим Центр Энерг Ямал Астр Вест Глоб Дельт Зен Ирид Квар Лид Магн Нов Ом "
    "Пол Рем Свет Тран Фор Циф Аэр Мед Гео Био Авто Агро Спец Инж Крон Зар Мост Рос Верс Лог Тайг "
    "Север Кедр Сокол Рубеж Ладь Акв Бий Вит Гал Даль Жел Зл Изм Йод Кирс Луч Мил Нар Обл Пик Реж "
    "Сол Тим Уд Фл Хол Цел Чист Шир Щит Эксп Юн Яр Алм Бер Вис Гранит Дуб Ель Жар Зор Ив Кал Лад Мар "
    "Неф Орл Пл Рит Сим Топ Улан Фен Хар "
)
LATIN_PIECES = words(
    "ANA DOLU MAR MARA EGE YIL DIZ KAR DE NIZ AT LAS KUZ EY ZIR VE TEK NO ARGEN TUM AL PHA QASR SIL "
    "ICA NUR LY ZHOL SAR YAR KA TEN GRI SE VAN HAN SEONG DAE JIN SE OIL MI RAE HYUN WOO SUNG KYUNG "
    "BO RA ORION NOVA STAR LINE TREK WAVE PEAK GATE ROCK FORT BRIDGE "
)
RU_FORMS = [("ООО", "LLC", "OOO"), ("АО", "JSC", "AO"), ("ПАО", "PJSC", "PAO"), ("ЗАО", "CJSC", "ZAO")]
RU_FORM_LONG = {
    "ООО": "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ",
    "АО": "АКЦИОНЕРНОЕ ОБЩЕСТВО",
    "ПАО": "ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО",
    "ЗАО": "ЗАКРЫТОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО",
}
RU_FORM_EN_LONG = {
    "LLC": "LIMITED LIABILITY COMPANY",
    "JSC": "JOINT STOCK COMPANY",
    "PJSC": "PUBLIC JOINT STOCK COMPANY",
    "CJSC": "CLOSED JOINT STOCK COMPANY",
}
RU_CITIES = ["Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Самара", "Омск", "Пермь"]
FOREIGN_FORMS = {
    "TUR": ["DIS TICARET LTD. STI.", "SANAYI VE TICARET A.S."],
    "ARE": ["GENERAL TRADING L.L.C.", "FZE", "FZCO"],
    "KAZ": ["LLP", "TOO"],
    "KOR": ["CO., LTD.", "CORPORATION"],
    "HKG": ["LIMITED", "CO., LIMITED"],
    "DEU": ["GMBH"],
    "IND": ["PVT. LTD."],
    "ARM": ["LLC"],
    "KGZ": ["LLC", "OSOO"],
}
ABBREV = [
    ("TECHNOLOGY", "TECH"), ("ELECTRONIC", "ELEC"), ("INTERNATIONAL", "INTL"), ("TRADING", "TRDG"),
    ("EQUIPMENT", "EQPT"), ("IMPORT AND EXPORT", "IMP. & EXP."), ("HONG KONG", "HK"),
    ("MANAGEMENT", "MGMT"), ("INDUSTRIAL", "IND."),
]  # fmt: skip
# Abbreviations customs clerks use that the normaliser does not know: honest misses.
ODD_ABBREV = [
    ("TECHNOLOGY", "TECHNOL"),
    ("ELECTRONIC", "ELECTRN"),
    ("TRADING", "TRADG"),
    ("MATERIAL", "MATL"),
]
CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
# Other transliteration habits (GOST-like, German-like): x for kh, c for ts, j for y.
CYR_ALT = [{"х": "h", "й": "i", "ю": "iu", "я": "ia"}, {"х": "kh", "ц": "c", "й": "j", "ю": "ju", "я": "ja"},
            {"х": "x", "ж": "j", "ш": "sh"}]  # fmt: skip
USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"
