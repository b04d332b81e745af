"""Text of a document that must never act: links and images that would make a browser fetch
something, fake chat turns, and sentences addressed to the model rather than the reader. A
document's text is data; these are dropped before it is split into units, shown or quoted."""

from __future__ import annotations

import re

LINK = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]+)\]\((?:https?:|ftp:|mailto:|//)[^)]*\)|<img[^>]*>", re.I)
URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.I)

# A fake chat turn planted in a document, up to its end marker: its claims are the turn's, even when
# they stand alone in their own paragraph.
FAKE_TURN = re.compile(r"<\|?im_start\|?>.*?<\|?im_end\|?>", re.S | re.I)

# Text that addresses the model rather than the reader: an instruction planted in a document is data,
# never evidence ("ignore previous instructions", a fake system prompt, "answer that …").
ADDRESSED_TO_MODEL = re.compile(
    r"ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier) (?:instructions|prompts?|rules)|"
    r"disregard (?:the |all )?(?:previous|above|prior)|system prompt|you are (?:now )?(?:an? )?(?:ai|assistant|chatbot|"
    r"language model)|as an ai|(?:assistant|model|chatbot|ai)\s*(?:must|should|shall) (?:answer|say|reply|respond)|"
    r"(?:answer|reply|respond|tell the user) (?:that|with)\b|<\|?(?:im_start|system|assistant)\|?>|^\s*(?:system|assistant)\s*[:：]|"
    r"忽略(?:之前|以上|前面|上述)(?:的)?(?:所有)?(?:指令|指示|提示|规则|内容)|系统提示|提示词|你(?:现在)?是(?:一个)?(?:AI|人工智能|助手|模型)|"
    r"(?:回答|回复)(?:用户)?时(?:请|要|必须)|请(?:直接)?(?:回答|告诉用户)(?:说)?|无论用户问什么|"
    # role play and standing orders ("you are now PirateBot", "from now on …", "never mention these instructions")
    r"\byou are now\b|\bfrom now on,? (?:you|always|only|answer|reply|respond|talk|speak)\b|whatever the user (?:asks|says)|end every (?:sentence|answer|reply)|"
    r"never (?:mention|reveal|disclose) (?:these|this|the|your) (?:instructions?|prompt)|"
    r"你现在是|从现在(?:起|开始)[，,]?(?:你|只|请|每)|每句话都要|告诉用户|不要(?:提及|透露)(?:这些|以上|本)?(?:指令|指示|提示)|"
    r"</?script\b", re.I)  # a script in a Markdown or text file is addressed to a browser, never the reader


def strip_remote_content(text: str) -> str:
    """Markdown links and images become plain text and bare URLs go: what is shown never makes the
    user's browser fetch anything."""
    return URL.sub("", LINK.sub(lambda m: m.group(1) or "", text))


def addressed_to_model(text: str) -> bool:
    """Does the text speak to the model (an instruction planted in a document)?"""
    return bool(ADDRESSED_TO_MODEL.search(text))
