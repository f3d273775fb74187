"""The verbs of the dependency-parse statements: which carry knowledge, what they are called in
the graph, and what they say about their object's type and about time.

A predicate is the verb's lemma, with its particle and preposition when it has them
(``move_to``, ``take_up``, ``go_to``): a form the schema registry's lemma match stabilises
(``moved_to`` and ``move_to`` are one label). A few map onto the vocabulary the rest of the
extractor already uses (``work_at`` is ``works_at``, ``live_in`` is ``lives_in``).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ABSTRACT_OBJECTS",
    "CANONICAL",
    "ENDS_STATE",
    "FUTURE_CUES",
    "LIGHT_VERBS",
    "MODALS",
    "OBJECT_KINDS",
    "OBJECT_TYPES",
    "PERSON_VERBS",
    "PLACE_PREDICATES",
    "STARTS_STATE",
    "STATE_PREDICATES",
    "WRAPPER_VERBS",
]

# Verbs that say nothing lasting about their subject on their own: opinions, talk, perception,
# wishes, and the light verbs whose object carries the meaning elsewhere.
LIGHT_VERBS: Final = frozenset(
    {
        "be", "do", "say", "tell", "ask", "think", "know", "mean", "guess", "feel", "look",
        "seem", "sound", "want", "need", "hope", "wish", "try", "let", "make", "bet",
        "believe", "suppose", "remember", "forget", "wonder", "agree", "check", "text",
        "call", "message", "send", "hear", "talk", "chat", "catch", "thank", "wait", "mind",
        "care", "kid", "joke", "laugh", "happen", "keep", "put", "give", "show", "help",
        "find", "come", "like", "love", "enjoy", "hate", "dislike", "miss", "understand",
        "imagine", "appreciate", "sorry", "worry", "promise", "plan", "decide", "manage",
        "adore", "prefer", "figure", "realize", "realise", "notice", "admit", "lol",
        "haha", "omg", "get", "take", "see", "use", "pay", "spend", "cost", "sleep", "eat",
        "drink", "leave", "stay", "wake", "hang", "pick", "grab", "bring", "buy", "order",
        "reply", "respond", "answer", "share", "post", "read", "write", "watch", "listen",
        "hold", "sit", "stand", "run", "walk", "turn", "change", "fix", "clean", "cook",
        "open", "close", "win", "lose", "meet", "visit", "play", "drive", "ride", "move",
        "work", "live", "study", "start", "begin", "finish", "stop", "quit", "join", "go",
    }
)  # fmt: skip
# Of the light verbs above, those that do carry knowledge with the right object: a named or
# concrete thing ("read Dune", "visited Porto", "play Hollow Knight", "got a parrot").
CONTENT_WITH_OBJECT: Final = frozenset(
    {
        "get", "take", "see", "buy", "read", "write", "watch", "listen", "win", "meet",
        "visit", "play", "drive", "ride", "move", "work", "live", "study", "start", "begin",
        "finish", "quit", "join", "go", "leave", "cook", "eat", "adopt", "run", "fix",
        "miss", "stay",
    }
)  # fmt: skip
# Verbs that tie their subject to the person they are done to, when that person is a pronoun
# ("he basically trained me", "Owen proposed to me", "she hired him").
PERSON_VERBS: Final = frozenset(
    {
        "train", "teach", "mentor", "coach", "tutor", "hire", "fire", "promote", "recruit",
        "interview", "replace", "supervise", "marry", "date", "propose", "divorce", "dump",
        "introduce", "babysit", "invite", "visit", "meet",
    }
)  # fmt: skip
# Verbs whose complement is the real statement: "started learning Italian" is learning Italian,
# "I'm going to visit Lisbon" is visiting it (in the future).
WRAPPER_VERBS: Final = frozenset(
    {"start", "begin", "keep", "continue", "go", "plan", "decide", "try", "finally", "get", "use"}
)
MODALS: Final = frozenset(
    {"would", "could", "should", "might", "may", "must", "can", "ca", "shall", "'d"}
)
FUTURE_CUES: Final = frozenset({"will", "'ll", "gonna", "shall"})

# Objects that are never knowledge: pronouns, quantities, small talk.
ABSTRACT_OBJECTS: Final = frozenset(
    {
        "it", "that", "this", "these", "those", "them", "one", "ones", "something", "anything",
        "everything", "nothing", "lot", "lots", "stuff", "thing", "things", "time", "times",
        "way", "day", "days", "bit", "idea", "chance", "fun", "problem", "question", "feeling",
        "point", "sense", "look", "break", "rest", "nap", "moment", "minute", "second", "while",
        "kind", "sort", "deal", "word", "words", "news", "photo", "photos", "pic", "pics",
        "picture", "pictures", "video", "message", "text", "call", "chat", "update", "what",
        "which", "who", "all", "some", "any", "more", "most", "much", "other", "others", "place",
        "part", "side", "ton", "tons", "mess", "yes", "no", "hell", "heck", "luck",
        "care", "night", "week", "weekend", "month", "year", "morning", "evening", "today",
        "tomorrow", "yesterday", "tonight", "home", "here", "there", "he", "she", "you", "me",
        "him", "her", "us", "we", "they", "i", "myself", "yourself", "himself", "herself",
        "attention", "sure", "shot", "go", "pass", "advice", "help", "notes", "note", "step",
    }
)  # fmt: skip

# Predicate → canonical label shared with the rest of the extractor and the golden vocabulary.
CANONICAL: Final = {
    "work_at": "works_at",
    "work_for": "works_at",
    "work_in": "works_in",
    "live_in": "lives_in",
    "live_at": "lives_in",
    "study_at": "studies_at",
    "study": "studies",
    "marry": "married_to",
    "date": "dating",
    "like": "likes",
    "love": "likes",
    "enjoy": "likes",
    "adore": "likes",
    "hate": "dislikes",
    "dislike": "dislikes",
    "move_to": "moved_to",
    "join": "joined",
    "quit": "quit",
    "leave": "left",
    "adopt": "adopted",
    "visit": "visited",
    "go_to": "went_to",
    "travel_to": "went_to",
    "fly_to": "went_to",
    "play": "plays",
    "read": "reads",
    "watch": "watches",
    "rewatch": "watches",
    "rewatche": "watches",  # the lemmatiser's form of "rewatching"
    "binge": "watches",
    "stream": "watches",
    "drive": "drives",
    "learn": "learning",
    "buy": "bought",
    "get": "got",
    "start_at": "works_at",
    "start": "started",
    "begin": "started",
    "finish": "finished",
    "win": "won",
    "run": "runs",
    "own": "owns",
    "teach": "teaches",
    "restore": "restoring",
    "build": "building",
    "volunteer_at": "volunteers_at",
    "volunteer": "volunteers",
    "train_for": "training_for",
    "grow": "grows",
    "collect": "collects",
    "practice": "practices",
    "practise": "practices",
}
# Predicates that describe a lasting state (validFrom/validTo) rather than a dated event.
STATE_PREDICATES: Final = frozenset(
    {"works_at", "works_in", "lives_in", "studies_at", "studies", "married_to", "dating",
     "plays", "reads", "drives", "owns", "teaches", "learning", "volunteers_at", "likes",
     "dislikes", "runs", "grows", "collects", "practices", "restoring", "building"}
)  # fmt: skip
# An event that starts or ends a state: "moved to Denver in 2022" → lives_in Denver from 2022.
STARTS_STATE: Final = {"moved_to": "lives_in", "joined": "works_at", "started_at": "works_at"}
ENDS_STATE: Final = {"quit": "works_at", "left": "works_at"}
PLACE_PREDICATES: Final = frozenset({"lives_in", "moved_to", "went_to", "visited", "from"})
# What a verb says about its object's type: "play Hollow Knight" is a game.
OBJECT_KINDS: Final = {
    "plays": "game",
    "reads": "book",
    "finished": "book",
    "watches": "film",
    "drives": "vehicle",
    "listen_to": "music",
}
OBJECT_TYPES: Final = {
    "plays": "product",
    "reads": "product",
    "watches": "product",
    "drives": "product",
    "listen_to": "product",
    "works_at": "organization",
    "joined": "organization",
    "quit": "organization",
    "left": "organization",
    "studies_at": "organization",
    "volunteers_at": "organization",
    "lives_in": "place",
    "moved_to": "place",
    "went_to": "place",
    "visited": "place",
    "married_to": "person",
    "dating": "person",
}
