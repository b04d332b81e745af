"""China's provinces and its four economic regions, in Chinese and English: the place a figure is
given for ("江苏省…比例" is not "西部地区…约15%"). Each place has one key, its Chinese short name, so an
English sentence and a Chinese source name the same place alike."""

from __future__ import annotations

import re

# key (Chinese short name): English names
PLACES: dict[str, tuple[str, ...]] = {
    "北京": ("Beijing",), "天津": ("Tianjin",), "河北": ("Hebei",), "山西": ("Shanxi",),
    "内蒙古": ("Inner Mongolia",), "辽宁": ("Liaoning",), "吉林": ("Jilin",), "黑龙江": ("Heilongjiang",),
    "上海": ("Shanghai",), "江苏": ("Jiangsu",), "浙江": ("Zhejiang",), "安徽": ("Anhui",), "福建": ("Fujian",),
    "江西": ("Jiangxi",), "山东": ("Shandong",), "河南": ("Henan",), "湖北": ("Hubei",), "湖南": ("Hunan",),
    "广东": ("Guangdong",), "广西": ("Guangxi",), "海南": ("Hainan",), "重庆": ("Chongqing",), "四川": ("Sichuan",),
    "贵州": ("Guizhou",), "云南": ("Yunnan",), "西藏": ("Tibet", "Xizang"), "陕西": ("Shaanxi",), "甘肃": ("Gansu",),
    "青海": ("Qinghai",), "宁夏": ("Ningxia",), "新疆": ("Xinjiang",), "台湾": ("Taiwan",), "香港": ("Hong Kong",),
    "澳门": ("Macau", "Macao"),
    "东部地区": ("eastern region", "eastern China", "east China"), "中部地区": ("central region", "central China"),
    "西部地区": ("western region", "western China", "west China"), "东北地区": ("northeastern region", "northeast China"),
}
# "山西" is inside "陕西" nowhere, but "江西" holds no other key and "西部" must not match inside "西部地区"
# twice: longest names first, and English names as whole words.
_NAMES = sorted(((name, key) for key, english in PLACES.items() for name in (key, *english)), key=lambda p: -len(p[0]))
PLACE = re.compile("|".join(rf"\b{re.escape(n)}\b" if n.isascii() else re.escape(n) for n, _ in _NAMES), re.I)
_KEY = {name.lower(): key for name, key in _NAMES}
_REGION_SHORT = re.compile(r"(东部|中部|西部|东北)(?!地区)")


# The members a region is given as, in brackets after it: "东部地区（包括北京、天津、…江苏…）".
MEMBER_LIST = re.compile(r"[（(](?:包括|包含|含|即|including|incl\.)?[^（()）]*[、,，][^（()）]*[)）]", re.I)


def places(text: str) -> set[str]:
    """The provinces and regions a text names, by their keys ("东部" and "东部地区" alike), less
    those it names only as members of a region in brackets: "东部地区（包括…江苏…）将占据约55%的份额"
    gives the eastern region's figure, not Jiangsu's."""
    text = _REGION_SHORT.sub(r"\1地区", MEMBER_LIST.sub("", text))
    return {_KEY[m.group(0).lower()] for m in PLACE.finditer(text)}


# A place that names a document's issuer or reach, not a figure's place: "the Jiangsu local standard",
# "江苏省地方标准", "浙江的政策" (a province's standard holds figures for a county, a plant, a product).
DOCUMENT_AFTER = re.compile(r"^(?:省|市|自治区)?的?(?:地方|省级)?(?:标准|规定|政策|文件|通知|办法|方案)|"
                            r"^(?:(?:local|provincial)\s+)?(?:standards?|rules?|polic(?:y|ies)|notices?|plans?)\b", re.I)


def figure_places(text: str) -> set[str]:
    """The places a text gives figures for: those it names, less those that only name a document's
    issuer ("the Jiangsu local standard")."""
    text = _REGION_SHORT.sub(r"\1地区", text)
    return {_KEY[m.group(0).lower()] for m in PLACE.finditer(text) if not DOCUMENT_AFTER.match(text[m.end():].lstrip())}
