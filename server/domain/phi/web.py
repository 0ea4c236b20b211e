"""Email addresses, web addresses (URLs), IP addresses and device MAC addresses, and social-media
handles (Safe Harbor's "any other unique identifying number, characteristic, or code").

Addresses are found by shape, and also when written out to dodge filters ("maria at gmail dot com"). A
bare "@word" is shorthand for "at" in terse notes ("@home", "@hs"), so a handle needs a handle's shape or
a social-media word nearby; cheap substring tests skip the costly patterns on text that has neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.hits import REASON, Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.text import (
    word_set,
)

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")

_EMAIL_SPELLED = re.compile(
    r"\b[A-Za-z0-9._-]+\s*(?:\(at\)|\[at\]|\{at\}|<at>|\sat\s|\sAT\s|\s@\s)\s*[A-Za-z0-9-]+"
    r"\s*(?:\(dot\)|\[dot\]|\{dot\}|<dot>|\sdot\s|\sDOT\s|\s\.\s)\s*"
    r"(?:com|org|net|edu|gov|co|io|us|uk|ca|in|COM|ORG|NET|EDU)\b"
)

# "maria.lopez at gmail", "jsmith AT yahoo": a webmail provider names the address even without "dot com".
_EMAIL_PROVIDER = re.compile(
    r"\b[A-Za-z0-9._-]*[A-Za-z0-9_]\s*(?:\(at\)|\[at\]|\sat\s|\sAT\s|@\s|\s@)\s*"
    r"(?i:gmail|googlemail|yahoo|hotmail|outlook|icloud|aol|proton(?:mail)?|live|msn|ymail|mail\.ru|rediffmail)\b"
)

# Social-media handles and user names: "@glutenfreegrace", "her TikTok is dialysis_diaries",
# "u/kidneywarrior".
_SOCIAL = (
    r"instagram|insta|IG|twitter|tweets?|tiktok|tik\s+tok|snapchat|snap|facebook|FB|youtube|reddit|X|threads|"
    r"linkedin|discord|telegram|whatsapp|twitch|onlyfans|pinterest|tumblr|mastodon|bluesky|substack|blog|vlog|"
    r"podcast|channel|handle|username|user\s*name|screen\s*name|gamertag|account|profile|followers?|posts|"
    r"posted|posting|DMs?|influencer|follow|follows|following|followed"
)

_SOCIAL_NEAR = re.compile(rf"\b(?:{_SOCIAL})\b", re.IGNORECASE)

# Substrings one of which any text that _SOCIAL_NEAR or _EMAIL_PROVIDER matches contains (lower-cased):
# a plain ``in`` test over them is far cheaper than the case-insensitive patterns on every text.
_SOCIAL_HINTS = (
    "insta",
    "tweet",
    "twitter",
    "tik",
    "snap",
    "facebook",
    "youtube",
    "reddit",
    "threads",
    "linkedin",
    "discord",
    "telegram",
    "whatsapp",
    "twitch",
    "onlyfans",
    "pinterest",
    "tumblr",
    "mastodon",
    "bluesky",
    "substack",
    "blog",
    "vlog",
    "podcast",
    "channel",
    "handle",
    "user",
    "screen",
    "gamertag",
    "account",
    "profile",
    "follow",
    "posts",
    "posted",
    "posting",
    "influencer",
)

_SOCIAL_HINTS_CASED = ("IG", "FB", "DM", "X")  # short cues, looked for in the text as written

_PROVIDER_HINTS = ("mail", "yahoo", "outlook", "icloud", "aol", "proton", "live", "msn")

_HANDLE = re.compile(r"(?<![\w.@/+-])@([A-Za-z_][A-Za-z0-9_.]{1,29}[A-Za-z0-9_])(?![\w@-]|\.[A-Za-z])")

_PLATFORM = (
    r"instagram|insta|IG|twitter|tiktok|tik\s+tok|snapchat|snap|facebook|FB|youtube|reddit|threads|linkedin|"
    r"discord|telegram|twitch|onlyfans|pinterest|tumblr|mastodon|bluesky|substack|X"
)

_HANDLE_NAMED = re.compile(
    rf"\b(?i:(?:(?:{_PLATFORM})\s+(?:name|ID|account|page|channel))|(?:(?:{_PLATFORM})\s+)?(?:handle|username"
    rf"|user\s*name|screen\s*name|gamertag))\s*(?:is|was|:|=|called|named)?\s*[\"'\u201c]?@?"
    r"([A-Za-z0-9_.]*(?:\d|_|\.[A-Za-z])[A-Za-z0-9_.]*|[a-z][a-z0-9]{6,29})\b"
)

# "twitch handle xXDrakonXx": after the word for a handle, a run-together word with capitals inside.
_HANDLE_MIXED = re.compile(
    r"\b(?i:handle|username|user\s*name|screen\s*name|gamertag)\s*(?:is|was|:|=)?\s*[\"'\u201c]?@?"
    r"([A-Za-z]*[a-z][A-Z][A-Za-z0-9]*)\b"
)

# "she posted from the waiting room as 'bella_r_2009'": a quoted user name after "as", near a platform.
_POSTED_AS = re.compile(
    r"\b(?:as|by)\s+[\"'\u2018\u201c]@?([A-Za-z_][A-Za-z0-9_.]*(?:\d|_)[A-Za-z0-9_.]*)[\"'\u2019\u201d]"
)

# Link shorteners and personal pages on short country domains ("amzn.to/3xQ8pL2", "discord.gg/ab12"):
# with a path, which prose never has after such a word.
_SHORT_LINK = re.compile(
    r"\b[a-z0-9-]{2,}\.(?:to|gg|fm|sh|tt|cc|ws|im|am|id|so|li|gd|is|la|vu|ee)/[A-Za-z0-9_-]{3,}",
    re.IGNORECASE,
)

_REDDIT = re.compile(r"(?<![\w/])u/[A-Za-z0-9_-]{3,20}\b")

# "her IG is kidney.warrior", "snapchat: lilmaria22", "Facebook page is called BeatingCancerWithBeth": a
# platform, a linking word, then something shaped like a user name (digits, "_" or "." inside, or
# CamelCase run-together words), which ordinary prose never is.
_HANDLE_SHAPE = (
    # starts with a letter and has three of them: "IG: 400mg/kg" (immunoglobulin), "FB: 2x3mm" (foreign body)
    r"(?:(?=[A-Za-z_](?:[^A-Za-z\s]*[A-Za-z]){2})[A-Za-z_][A-Za-z0-9_.]*(?:\d|_|[A-Za-z]\.[A-Za-z])[A-Za-z0-9_.]*[A-Za-z0-9_]"
    r"|[A-Z][a-z]+(?:[A-Z][a-z]+){2,}[A-Za-z]*)"
)

_HANDLE_AFTER_PLATFORM = re.compile(
    r"\b(?i:instagram|insta|IG|twitter|tiktok|tik\s+tok|snapchat|snap|facebook|FB|youtube|reddit|threads|"
    r"linkedin|discord|telegram|twitch|onlyfans|pinterest|tumblr|mastodon|bluesky|substack|whatsapp)"
    r"(?i:\s+(?:name|ID|account|page|channel|handle|username|profile|group))?"
    r"\s*(?i:is|was|:|=|-|called|named|is\s+called|is\s+named|as)\s*[\"'\u201c]?@?"
    rf"({_HANDLE_SHAPE})(?![\w@])"
)

# Words that follow "@" in terse clinical notes ("@ home", "@night", "@hs", "@baseline").
_AT_WORDS = word_set(
    """
home night nite rest bedtime hs qhs baseline least most risk times work school bedside noon midnight
discharge admission am pm this that the goal target approx about around ed er icu or clinic hosp
hospital facility snf rehab ltc shelter lunch dinner breakfast meals today tonight yesterday onset
presentation triage time first last end start peak nadir trough rate sat sats ra
"""
)

_TLDS = (
    "com|org|net|edu|gov|io|co|us|info|biz|me|ly|app|health|care|ca|uk|in|ai|tv|be|gl|site|online|blog|page|"
    "link|xyz|clinic|de|fr|es|it|nl|ng|pk|ph|au|nz|za|ke|gh|br|mx|ie|eu|tk|ru|cn|jp|kr"
)

_URL = re.compile(
    rf"(?:\bhttps?://[^\s<>\"']+|\bwww\.[^\s<>\"']+|\b(?:[a-z0-9-]+\.)+(?:{_TLDS})(?:/[^\s<>\"']*)?(?![\w-]|\.\w))",
    re.IGNORECASE,
)

_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]\d)"
)

_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){1,7}(?::?[0-9A-Fa-f]{1,4}){1,7}(?![\w:])")

_MAC = re.compile(r"(?<![\w:-])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![\w:-])")

# Cheap tests before the costlier patterns: a URL has a dot between a letter or digit and a letter (or a
# scheme), an IPv4 address three dotted numbers, an email written out "dot" or a spaced dot.
_URL_HINT = re.compile(r"[A-Za-z0-9-]\.[A-Za-z]|://")
_IP_HINT = re.compile(r"\d\.\d{1,3}\.\d")
_SPACED_DOT = re.compile(r"\s\.\s")

_URL_NOT = frozenset({"e.g", "i.e", "a.m", "p.m", "b.i.d", "t.i.d", "q.i.d", "p.o", "q.d", "q.h.s", "p.r.n"})


def find_web(text: str) -> Iterator[Finding]:
    """Email addresses (also written out), handles, URLs, IPv4 and IPv6 and MAC addresses."""
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield C.EMAIL, m.start(), m.end(), REASON[C.EMAIL]
    low = text.lower()
    if "dot" in low or _SPACED_DOT.search(text):
        for m in _EMAIL_SPELLED.finditer(text):
            yield C.EMAIL, m.start(), m.end(), "looks like an email address written out"
    if any(hint in low for hint in _PROVIDER_HINTS):
        for m in _EMAIL_PROVIDER.finditer(text):
            yield C.EMAIL, m.start(), m.end(), "looks like an email address written out"
    social_cue = (
        any(hint in low for hint in _SOCIAL_HINTS) or any(hint in text for hint in _SOCIAL_HINTS_CASED)
    ) and _SOCIAL_NEAR.search(text) is not None
    if "@" in text:
        for m in _HANDLE.finditer(text):
            handle = m.group(1)
            plain = handle.isalpha() and handle[1:].lower() == handle[1:]
            if handle.lower() in _AT_WORDS or (plain and not social_cue):
                continue  # "@home", "@hs": shorthand for "at", not an account
            yield C.OTHER_IDENTIFIER, m.start(), m.end(), "looks like a social-media handle"
    if social_cue:
        for m in _HANDLE_NAMED.finditer(text):
            if m.group(1).lower() in _AT_WORDS or m.group(1).lower() in ("unknown", "private", "deleted"):
                continue
            yield C.OTHER_IDENTIFIER, m.start(1), m.end(1), "looks like a social-media handle or user name"
        for m in _HANDLE_AFTER_PLATFORM.finditer(text):
            yield C.OTHER_IDENTIFIER, m.start(1), m.end(1), "looks like a social-media handle or user name"
        for rx in (_HANDLE_MIXED, _POSTED_AS):
            for m in rx.finditer(text):
                yield C.OTHER_IDENTIFIER, m.start(1), m.end(1), "looks like a social-media user name"
    if "u/" in text:
        for m in _REDDIT.finditer(text):
            yield C.OTHER_IDENTIFIER, m.start(), m.end(), "looks like a social-media user name"
    for m in _URL.finditer(text) if _URL_HINT.search(text) else ():
        s, e = m.start(), m.end()
        while e > s and text[e - 1] in ".,;:)]}!?'\"":
            e -= 1
        span = text[s:e]
        if span.lower() in _URL_NOT or (s > 0 and text[s - 1] == "@"):
            continue
        bare = not re.match(r"(?i)https?://|www\.", span)
        if bare and "/" not in span and len(span.split(".")[0]) < 3:
            continue  # "pt.in", "q.d": too short to be a domain written without www or http
        yield C.URL, s, e, REASON[C.URL]
    if "/" in text:
        for m in _SHORT_LINK.finditer(text):
            yield C.URL, m.start(), m.end(), REASON[C.URL]
    for m in _IPV4.finditer(text) if _IP_HINT.search(text) else ():
        yield C.IP_ADDRESS, m.start(), m.end(), REASON[C.IP_ADDRESS]
    if ":" not in text:
        return
    for m in _IPV6.finditer(text):
        if (
            sum(ch == ":" for ch in m.group()) >= 3
            and any(ch.isdigit() for ch in m.group())
            and not _MAC.fullmatch(m.group())
        ):
            yield C.IP_ADDRESS, m.start(), m.end(), "looks like an IPv6 address"
    for m in _MAC.finditer(text):
        yield C.DEVICE_IDENTIFIER, m.start(), m.end(), "looks like a device's hardware (MAC) address"
