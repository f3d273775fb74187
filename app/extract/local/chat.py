"""How people write in chats, undone before the rules read a sentence.

Chat drops subjects ("got the job at Orbital Games"), chains verbs on one subject ("Tomás runs
the group and reports to me") and skips capitals ("my sister yuna moved to lyon"). These
rewrites put the subject back in front of each verb and capitalise the names that certain
cues announce, so the statement rules can stay simple.
"""

from __future__ import annotations

import re
from typing import Final

from app.extract.local.lexicon import KIN, NOT_NAMES

__all__ = ["carry_subjects", "implicit_subject", "truecase_kin_names", "truecase_places"]

_CARRY_VERBS: Final = (
    r"(?:works|work|lives|live|moved|reports|report|loves|love|likes|like|hates|hate|speaks|"
    r"speak|runs|run|manages|manage|founded|owns|own|uses|use|studies|study|is|am|has|have|"
    r"grew\s+up|was\s+born|comes|come|enjoys|enjoy|leads|lead|joined|started)"
)
_CARRY_RE: Final = re.compile(
    r"(?P<subj>\ue000\d+\ue001|(?<![\w'])I(?![\w']))(?P<mid>[^.;!?\ue000\n]{1,80}?)"
    rf"(?P<and>,?\s+and\s+)(?=(?:(?:also|now|still|currently|just)\s+)?{_CARRY_VERBS}\b)"
)


_IMPLICIT_I_RE: Final = re.compile(
    r"^(?P<lead>[\s\W]*(?:(?i:yep|yeah|yes|yup|well|oh|ok|okay|so|and|but|also|btw|lol|omg|"
    r"update|news|anyway)\b[\s,!.:]*)*)(?=(?:(?i:just|finally|recently|also|already|still)\s+)?"
    r"(?i:got|moved|started|joined|booked|found|finished|quit|left|graduated|turned|bought|"
    r"adopted|work|working|live|living|love|hate|studying|study|speak|retired|been)\b)"
)


def implicit_subject(text: str) -> str:
    """Chat drops the "I": "got the job at Orbital Games" → "I got the job at …"."""
    return _IMPLICIT_I_RE.sub(lambda m: f"{m['lead']}I ", text, count=1)


def carry_subjects(text: str) -> str:
    """ "Tomás runs the group and reports to me" → "… and Tomás reports to me", so each
    verb has its subject in front of it."""
    return _CARRY_RE.sub(lambda m: f"{m['subj']}{m['mid']}{m['and']}{m['subj']} ", text)


_LOWER_PLACE_CUE: Final = re.compile(
    r"\b(?:(?:lives?|living|moved|relocated|based|settled|staying|grew\s+up|born)\s+(?:to|in)|"
    r"(?:'m|am|is|are|'re|come|comes|came|originally)\s+from|(?:works?|working|job)\s+at|"
    r"(?:'s|is|'m|am|'re|are)\s+(?:now\s+)?in)\s+"
    r"(?P<words>[a-z][\w'-]*(?:\s+[a-z][\w'-]*)?)"
)
_LOWER_STOP: Final = frozenset(
    {"the", "a", "an", "my", "his", "her", "our", "their", "this", "that", "home", "here",
     "there", "town", "city", "work", "school", "uni", "college", "for", "with", "and", "but",
     "now", "last", "next", "since", "so", "because", "at", "in", "on", "to", "from", "by",
     "near", "around", "tho", "though", "too", "as", "again", "yet", "already", "rn", "atm",
     "right", "soon", "today", "yesterday", "tomorrow", "week", "month", "year", "ago",
     "it", "them", "you", "me", "him", "same", "different", "another", "one", "two", "some",
     "where", "which", "what", "when", "who", "how", "if", "or", "nor", "not", "never",
     "still", "just", "really", "very", "pretty", "quite", "all", "both", "each", "few",
     "many", "much", "more", "most", "other", "such", "only", "own", "than", "then", "once",
     "is", "was", "are", "were", "be", "been", "being", "have", "has", "had", "do", "does",
     "did", "will", "would", "should", "can", "could", "may", "might", "must", "shall",
     "started", "starting", "done", "got", "get", "going", "go", "went", "came", "like",
     "remote", "remotely", "office", "abroad", "overseas", "downtown", "upstate",
     "nearby", "somewhere", "anywhere", "everywhere", "nowhere", "mine", "yours", "ours",
     "bed", "love", "trouble", "charge", "class", "pain", "shock", "tears", "luck", "debt",
     "line", "queue", "touch", "time", "shape", "good", "bad", "fact", "general", "theory",
     "person", "public", "private", "total", "case", "hospital", "meeting", "meetings",
     "traffic", "heaven", "hell", "labour", "labor", "recovery", "therapy", "rehab"}
    | NOT_NAMES
)  # fmt: skip


_LOWER_KIN_CUE: Final = re.compile(
    r"\b(?:my|our|his|her)\s+(?:(?:little|big|older|younger|baby|best|twin|old)\s+)*(?:"
    + "|".join(sorted((re.escape(k) for k in KIN), key=len, reverse=True))
    + r")\s+(?P<words>[a-z][\w'-]*)"
)
_LOWER_VERBS: Final = frozenset(
    [
        "moved",
        "lives",
        "said",
        "says",
        "told",
        "got",
        "has",
        "had",
        "is",
        "was",
        "wants",
        "loves",
        "likes",
        "works",
        "thinks",
        "came",
        "went",
        "called",
        "texted",
        "sent",
        "gave",
        "made",
        "bought",
        "does",
        "did",
        "knows",
        "needs",
        "asked",
        "started",
        "finally",
        "always",
        "never",
        "proposed",
        "married",
        "left",
        "broke",
        "visited",
        "keeps",
        "kept",
        "lost",
        "found",
        "met",
        "sees",
        "saw",
        "hates",
        "loved",
        "hated",
        "wanted",
        "will",
        "would",
        "can",
        "could",
        "should",
        "might",
        "must",
        "isn't",
        "wasn't",
        "doesn't",
        "didn't",
        "won't",
        "can't",
        "couldn't",
        "is's",
        "who's",
        "that's",
        "lol",
        "haha",
        "omg",
        "tho",
        "though",
    ]
)


def truecase_kin_names(text: str) -> str:
    """In an all-lower-case message, "my sister yuna" → "my sister Yuna"."""

    def fix(m: re.Match[str]) -> str:
        word = m["words"]
        if word in _LOWER_STOP or word in _LOWER_VERBS or word.endswith(("ed", "ing", "ly")):
            return m.group()
        after = re.match(r"\s*(?:[,.!?;:)]|$|([a-z']+))", text[m.end() :])
        if after is None or (after.group(1) and after.group(1) not in _LOWER_VERBS):
            return m.group()  # a name is followed by a pause or by what it did
        return m.group()[: m.start("words") - m.start()] + word.capitalize()

    return _LOWER_KIN_CUE.sub(fix, text)


def truecase_places(text: str) -> str:
    """In an all-lower-case message, capitalise the name after "lives in", "moved to", "from",
    "works at", so the rules see "moved to Lyon" as they would in a careful message."""

    def fix(m: re.Match[str]) -> str:
        words = m["words"].split()
        kept: list[str] = []
        for word in words:
            if word in _LOWER_STOP or word.endswith(("ing", "ly")):
                break
            kept.append(word.capitalize())
        if not kept:
            return m.group()
        start = m.start("words") - m.start()
        rest = m["words"][len(" ".join(words[: len(kept)])) :]
        return m.group()[:start] + " ".join(kept) + rest

    return _LOWER_PLACE_CUE.sub(fix, text)
