"""Deterministic synthetic knowledge graphs for benchmarks: conversations, messages, entities,
facts and relations written straight into Neo4j in the shape the app writes them.

Usage: .venv/bin/python -m bench.synth --entities N --messages M [--seed 7]
       [--throwaway | --uri bolt://… --password …]
(without ``--uri``, the Neo4j of ``LIBRARIAN_*`` settings; ``--throwaway``: a fresh bench stack,
loaded, timed and removed). Bench scripts call ``await load(driver, entities, messages, seed)``.

Shape (the same for a given seed and sizes):

- Entities of five types (person 40%, organization 20%, place 15%, project 15%, product 10%),
  ``:Entity`` plus the type label, ids from ``entity_id(type, normalize_name(name))``, 0-2
  aliases (a person's first name or initial form, an organisation's acronym, a project's code
  name…), ``first_source_id``, an embedding, and ``MENTIONED_IN`` every message naming them.
- Conversations (``:Conversation:Source``, id from the content checksum as the app computes it)
  of 20-200 messages among 2-4 speakers, with ``HAS_MESSAGE`` and ``NEXT``. Messages carry id,
  conversation_id, seq, speaker, text, a zoned ``timestamp`` (from epoch ms, as
  store_messages.cypher does) and an embedding. Texts come from ~110 templates: statements of
  facts ("Ana Silva moved to Porto in March 2024."), of relations, questions, chat naming
  entities and topics, and short fillers ("ok, thanks!"), so the fulltext indexes see a real
  vocabulary of names, jobs, places, amounts, dates and topics.
- 1-3 facts per entity (job title, city, founded, budget, price…), ``HAS_FACT`` from the entity
  and ``FROM`` the messages that state them; relations (WORKS_AT, LIVES_IN, LEADS, PART_OF,
  MAKES, KNOWS, LOCATED_IN) as native relationships with ``evidence`` message ids.

Embeddings, and why (measured here, 2 cores, the real model ``create_embedder("local")``):
short entity texts (``"Ana Silva (person)"``, what the pipeline embeds) run at ~800 texts/s, so
every entity gets the real vector of its own text (100k entities: ~2 min, cached on disk by text
hash so a re-run skips it). Message texts (~20-30 tokens) run at ~210 texts/s: 1M messages would
take 80 min, so messages do not get their own vectors. Instead a pool of real vectors is
embedded once (every template rendered ~40 times with random entities and values: ~4,500 texts,
~20 s, also cached), and each message gets
``normalise(pool[own template, random rendering] + 0.5 * entity[named entity] + noise)``, with
Gaussian noise of sigma 0.02 per dimension (norm ~0.4). Vectors are therefore unit-length,
clustered by template the way real chat is by intent, spread within a cluster by the entity
they name, and never exact duplicates, which keeps the HNSW graph's work realistic (its build
and search cost depends on how clustered the data is; random or identical vectors would both
mislead). Vectors are written with ``db.create.setNodeVectorProperty`` as the app does
(``KnowledgeWriter.set_embeddings``), which stores float32 arrays.

Loading: batched UNWIND transactions (5,000 entities; whole conversations, ~4,000 messages, with
their HAS_MESSAGE, NEXT and MENTIONED_IN). Two choices make it about twice as fast, without
changing what ends up stored: vectors travel as int16 multiples of 1/32767 that Cypher divides
back (the Python driver packed floats at ~1.2M/s, ints ~5x faster; the error is < 2e-5 per
dimension), and the fulltext and vector indexes of messages, entities and facts are dropped for
the load and created again after it with the definitions SHOW INDEXES gave (names, analyzers,
HNSW and quantisation options), since bulk population beat per-transaction updates (20k
messages: ~19 s against ~38 s here). Intended for an empty, throwaway graph.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import math
import random
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import numpy as np
from numpy.typing import NDArray

from app.domain.labels import node_label
from app.domain.normalize import normalize_name
from app.domain.resolve import entity_id, entity_text
from app.domain.rows import fact_id, relation_id
from app.embed import create_embedder
from app.graph.conversations import checksum_of, conversation_id, message_id

DIM = 384
ENTITY_BATCH = 5_000
MESSAGE_BATCH = 4_000  # messages per write transaction (whole conversations)
ROW_BATCH = 10_000
POOL_PER_TEMPLATE = 40
MENTION_WEIGHT = 0.5
NOISE_SIGMA = 0.02
SCALE = 32767.0  # vectors travel as int16 multiples of 1/SCALE (quantisation error < 2e-5)
EPOCH_2023_MS = 1_672_531_200_000
CACHE_DIR = Path(tempfile.gettempdir()) / "librarian-synth-cache"
JOB_ID = "job_synth"
EXTRACTOR = "synthetic"

# ------------------------------------------------------------------------------------------------
# vocabulary


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


FIRST = _words(
    "Ana Bruno Carla Diego Elena Farid Greta Hugo Ines Jonas Kira Luca Maya Nadia Omar Paula "
    "Quentin Rosa Samir Tara Umar Vera Wendy Xavier Yara Zoe Adrian Bianca Cyril Dalia Emil "
    "Fatima Gustav Helena Ivan Julia Karim Lena Marco Nina Oscar Petra Rafael Sofia Tomas "
    "Ursula Viktor Wanda Yusuf Zara Aisha Ben Chloe Daniel Eva Felix Gina Henrik Isla Jakob "
    "Kai Laila Mateo Noor Olivia Pablo Rania Stefan Thea Uma Valentin Willa Amir Beatriz "
    "Clara David Erik Frida Gabriel Hana Igor Jana Kenji Lucia Milan Nora Otto Priya Ruben "
    "Selma Theo Amara Boris Celine Dmitri Esther Fabio Giulia Hamid Ingrid Joao Katya Leon "
    "Mira Nikolai Ola Pedro Ravi Sven Tomoko Andrea Bastian Cora Dario Elif Filip Hedda Ilse "
    "Jorge Kalinda Lars Marisol"
)
LAST = _words(
    "Silva Novak Okafor Lindqvist Moreau Tanaka Haddad Fischer Kowalski Rossi Jensen Petrov "
    "Santos Nakamura Dubois Schmidt Costa Andersen Ivanova Mendes Bauer Horvat Kaya Larsen "
    "Meyer Nowak Oliveira Pereira Quinn Ramos Sato Torres Ueda Varga Weber Yilmaz Zhang "
    "Abbott Becker Castro Delgado Eriksen Ferreira Garcia Hoffmann Ito Jovanovic Keller "
    "Lopez Martins Nilsen Ortega Park Reyes Suzuki Thompson Vogel Wagner Young Almeida "
    "Brandt Chen Duarte Engel Fuchs Gomes Hartmann Ibrahim Jung Klein Lambert Marsh Nguyen "
    "Olsen Popescu Richter Schulz Tran Vidal Walsh Arnaud Bianchi Carvalho Dahl Esposito "
    "Fontaine Greco Hansen Iqbal Johansson Kumar Laurent Moretti Nielsen Osei Pham Romano "
    "Sorensen Takahashi Vasquez Winter Adeyemi Baptiste Conti Dragan Ekman Fonseca Gallo "
    "Holm Ionescu Jaramillo Kovac Lund Mancini Nystrom Orlov Pinto Rahman Sandoval Toivonen "
    "Uribe Volkov Wood Abe Barros Cruz Dimitrov Evans Falk Gill Hayes Ishikawa Jaeger Kruger "
    "Lima Molina Noor Obi Paredes Rocha Stone Tavares Vance"
)
ORG_ROOTS = _words(
    "North Blue Iron Silver Bright Cedar Harbor Summit Atlas Nimbus Copper Granite Vertex "
    "Aurora Beacon Falcon Meridian Pioneer Quantum Redwood Sterling Tidal Umbra Vanguard "
    "Willow Zenith Amber Boreal Cobalt Delta Ember Fjord Glacier Helix Indigo Juniper "
    "Keystone Lumen Mosaic Nova Orbit Prism Quartz Riverstone Sable Terra Ultra Velvet "
    "Wildfire Apex Birch Crescent Drift Echo Flint Grove Horizon Inkwell Jade Kestrel "
    "Lattice Maple Nexus Onyx Pinnacle Quill Ridge Solace Thistle Unity Vista Wave Yonder "
    "Arbor Basalt Canopy Dune Evergreen"
)
ORG_SUFFIX = _words(
    "Labs Analytics Logistics Health Robotics Capital Foods Energy Systems Studios Partners "
    "Consulting Bank Pharma Media Motors Software Networks Insurance Foundation Group Works "
    "Dynamics Holdings Ventures Architects Bakery Brewing Clinic University"
)
CITIES = _phrases(
    "Lisbon|Porto|Berlin|Hamburg|Munich|Paris|Lyon|Marseille|Madrid|Barcelona|Valencia|"
    "Seville|Rome|Milan|Turin|Naples|Vienna|Zurich|Geneva|Basel|Amsterdam|Rotterdam|Utrecht|"
    "Brussels|Antwerp|Copenhagen|Aarhus|Oslo|Bergen|Stockholm|Gothenburg|Helsinki|Tampere|"
    "Tallinn|Riga|Vilnius|Warsaw|Krakow|Gdansk|Prague|Brno|Budapest|Bratislava|Ljubljana|"
    "Zagreb|Belgrade|Sofia|Bucharest|Athens|Thessaloniki|Istanbul|Ankara|Dublin|Cork|"
    "Edinburgh|Glasgow|London|Manchester|Bristol|Leeds|Reykjavik|Toronto|Montreal|Vancouver|"
    "Boston|Chicago|Denver|Austin|Seattle|Portland|Atlanta|Miami|Mexico City|Bogota|Lima|"
    "Santiago|Buenos Aires|Sao Paulo|Nairobi|Lagos|Accra|Cairo|Casablanca|Cape Town|Dubai|"
    "Mumbai|Bangalore|Delhi|Singapore|Jakarta|Manila|Seoul|Busan|Tokyo|Osaka|Kyoto|Taipei|"
    "Sydney|Melbourne|Auckland|Wellington"
)
PLACE_A = _words(
    "Val Kings Ash Elm Stone Fair Green Red Black White Oak Wood Brook Clear Deep High Low "
    "Mill Port Wick Bright Cold Fox Hawk Raven Lark Swan Wolf"
)
PLACE_B = _words(
    "ford bridge haven field dale mouth wood stead ton bury more moor gate water vale holm "
    "crest burgh wick minster"
)
COUNTRIES = _phrases(
    "Portugal|Germany|France|Spain|Italy|Austria|Switzerland|the Netherlands|Belgium|Denmark|"
    "Norway|Sweden|Finland|Estonia|Poland|Czechia|Hungary|Greece|Ireland|Scotland|Canada|"
    "the United States|Mexico|Brazil|Argentina|Chile|Kenya|Nigeria|Ghana|Egypt|Morocco|"
    "South Africa|India|Japan|South Korea|Australia|New Zealand"
)
CODENAMES = _words(
    "Orion Falcon Kestrel Atlas Phoenix Hydra Lynx Cobalt Osprey Pegasus Nimbus Tundra "
    "Sierra Mistral Sirocco Zephyr Halcyon Borealis Cascade Ember Granite Harbor Icarus Juno "
    "Kepler Lyra Meteor Nebula Obsidian Polaris Quasar Rainier Saturn Titan Umbriel Vega "
    "Wren Xenon Yukon Zircon Aster Bramble Condor Dynamo Everest Fulcrum Gemini Heron Ibis "
    "Jasper Kodiak Lagoon Magpie Neptune Oberon Pelican Quartz Raptor Sequoia Tempest Ursa "
    "Vortex Walrus Yeti"
)
GREEK = _words(
    "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Sigma Omega Prime Nova"
)
BRANDS = _words(
    "Nimbus Vertex Lumo Pulse Aero Kite Terra Flux Spark Echo Halo Orbit Pixel Quanta Rivet "
    "Sonic Tala Vibe Zest Arc Bolt Cirrus Drift Fable Glint Hue Iris Jolt Knot Loom"
)
MODELS = _words("X S Pro Max Air Go Mini One Edge Lite Neo Flex")
JOBS = _phrases(
    "data engineer|product manager|nurse|civil engineer|pastry chef|high school teacher|"
    "backend developer|UX designer|accountant|lawyer|veterinarian|architect|pharmacist|"
    "project manager|sales director|marine biologist|translator|journalist|photographer|"
    "electrician|physiotherapist|research scientist|CFO|CTO|operations lead|recruiter|"
    "barista|pilot|dentist|librarian|carpenter|security analyst|machine learning engineer|"
    "sommelier|urban planner|social worker|chemist|DevOps engineer|copywriter|economist"
)
INDUSTRIES = _phrases(
    "logistics|healthcare|fintech|renewable energy|biotech|retail|construction|gaming|"
    "agriculture|insurance|telecom|education|tourism|cybersecurity|aerospace|food delivery"
)
STATUSES = _phrases("planning|in progress|blocked|on hold|in review|shipped|cancelled|in beta")
STACKS = _words("Python Rust Go Kotlin TypeScript Java Elixir Scala Swift C++")
MONTHS = _words(
    "January February March April May June July August September October November December"
)
TOPICS = _phrases(
    "quarterly report|hiring plan|budget review|database migration|marketing launch|"
    "offsite agenda|security audit|pricing change|customer churn|onboarding flow|"
    "supplier contract|board meeting|product roadmap|performance reviews|office move|"
    "tax filing|grant application|press release|conference talk|user interviews|"
    "on-call rotation|cloud costs|data retention policy|mobile app redesign|warehouse lease|"
    "holiday schedule|sustainability report|partnership deal|API deprecation|"
    "incident postmortem|sales pipeline|training budget|vendor evaluation|team dinner|"
    "recruiting event|wedding plans|apartment search|marathon training|book club|"
    "kids' school trip"
)
FILLERS = _phrases(
    "ok|ok, thanks!|sounds good|haha yes|sure|got it|let me check and get back to you|"
    "thanks, that helps|no worries|perfect|will do|agreed|makes sense|good morning!|"
    "talk tomorrow?|one sec|sorry, I was in a meeting|lol|great news|hmm, not sure|"
    "can you send me the link?|done|I'll ask around|nice!|see you then|yes please|not yet|"
    "I think so|fair point|oops, my bad"
)

TYPES = ("person", "organization", "place", "project", "product")
TYPE_SHARE = (0.40, 0.20, 0.15, 0.15, 0.10)

# Fields per type, each with the message templates that state it ({a}: entity, {v}: value).
FACT_TEMPLATES: dict[str, dict[str, list[str]]] = {
    "person": {
        "job_title": [
            "{a} works as a {v} now.",
            "Did you know {a} became a {v} last year?",
            "{a} is a {v}, I heard over coffee.",
            "Apparently {a} retrained and is a {v} these days.",
        ],
        "city": [
            "{a} moved to {v} in {when}.",
            "{a} lives in {v} now, near the old harbour.",
            "I think {a} is still based in {v}.",
        ],
        "birthday": [
            "{a}'s birthday is on {v}, don't forget the card.",
            "Reminder: {a} was born on {v}.",
        ],
        "email": [
            "You can reach {a} at {v}.",
            "{a}'s new email address is {v}.",
        ],
    },
    "organization": {
        "founded": [
            "{a} was founded in {v}.",
            "Fun fact: {a} has been around since {v}.",
        ],
        "industry": [
            "{a} is mostly in {v} now.",
            "{a} pivoted into {v} after the funding round.",
        ],
        "employees": [
            "{a} has about {v} employees after the last round of hiring.",
            "Someone said {a} is up to {v} people.",
        ],
        "revenue": [
            "{a} reported revenue of {v} last year.",
            "The annual revenue of {a} was {v}, higher than expected.",
        ],
    },
    "place": {
        "country": [
            "{a} is in {v}, a couple of hours from the capital.",
            "We drove through {a} in {v} last summer.",
        ],
        "population": [
            "{a} has a population of about {v}.",
            "Only {v} people live in {a}.",
        ],
    },
    "project": {
        "budget": [
            "The budget for {a} is {v}.",
            "{a} got approved with a budget of {v}.",
            "Finance cut the {a} budget to {v}.",
        ],
        "deadline": [
            "The deadline for {a} is {v}.",
            "{a} has to ship by {v}.",
            "We moved the {a} deadline to {v}.",
        ],
        "status": [
            "{a} is {v} right now.",
            "Status update: {a} is {v}.",
        ],
        "language": [
            "{a} is written in {v}.",
            "The team rewrote {a} in {v}.",
        ],
    },
    "product": {
        "price": [
            "The {a} costs {v}.",
            "They dropped the price of the {a} to {v}.",
        ],
        "release_date": [
            "The {a} comes out on {v}.",
            "{a} launches {v}, pre-orders are open.",
        ],
        "version": [
            "The {a} is on firmware {v} now.",
            "Update the {a} to version {v} before the demo.",
        ],
    },
}

# Relations: label, source type, target type, templates ({a}: source, {b}: target).
RELATIONS: list[tuple[str, str, str, list[str]]] = [
    (
        "works_at",
        "person",
        "organization",
        [
            "{a} works at {b}.",
            "{a} just joined {b}.",
            "{a} has been at {b} for three years.",
            "I heard {a} got an offer from {b} and took it.",
        ],
    ),
    (
        "lives_in",
        "person",
        "place",
        ["{a} lives in {b}.", "{a} bought a flat in {b}.", "{a} is renting a place in {b}."],
    ),
    (
        "leads",
        "person",
        "project",
        ["{a} leads {b}.", "{a} is running {b} now.", "{b} is {a}'s project, ask them."],
    ),
    (
        "knows",
        "person",
        "person",
        ["{a} and {b} studied together.", "{a} introduced me to {b}.", "{a} knows {b} well."],
    ),
    (
        "part_of",
        "project",
        "organization",
        ["{a} is a {b} project.", "{b} is funding {a}.", "{a} belongs to {b}."],
    ),
    (
        "makes",
        "organization",
        "product",
        ["{a} makes the {b}.", "The {b} is made by {a}.", "{a} is about to launch the {b}."],
    ),
    (
        "located_in",
        "organization",
        "place",
        ["{a} is based in {b}.", "{a} opened an office in {b}.", "{a} has its HQ in {b}."],
    ),
]

QUESTIONS: dict[str, list[str]] = {
    "person": [
        "Do you remember where {a} works?",
        "Has anyone heard from {a} lately?",
        "What's {a}'s phone number again?",
        "Is {a} coming to the {topic} on Friday?",
    ],
    "organization": [
        "Who is our contact at {a}?",
        "Did {a} ever pay that invoice?",
        "Are we still working with {a} on the {topic}?",
    ],
    "place": ["How long is the train from here to {a}?", "Has anyone been to {a} recently?"],
    "project": [
        "What's the status of {a}?",
        "Who is on the {a} team now?",
        "Is {a} blocked on the {topic}?",
    ],
    "product": ["Does the {a} support USB-C?", "Should we order the {a} for the team?"],
}
CHAT = [
    "I had lunch with {a} yesterday, we talked about the {topic}.",
    "Let's ask {a} about the {topic}.",
    "{a} sent over the notes from the {topic}.",
    "Can you loop in {a} on the {topic} thread?",
    "{a} thinks we should postpone the {topic} until {when}.",
    "I'm meeting {a} in {when} to go over the {topic}.",
    "Not sure {a} agrees with the {topic} proposal.",
    "{a} mentioned something about the {topic} but I missed the details.",
]


@dataclass(frozen=True)
class Template:
    kind: str  # fact, relation, question, chat, filler
    text: str
    key: str = ""  # the field or relation label


def _templates() -> list[Template]:
    out: list[Template] = []
    for fields in FACT_TEMPLATES.values():
        for fld, texts in fields.items():
            out += [Template("fact", t, fld) for t in texts]
    for label, _, _, texts in RELATIONS:
        out += [Template("relation", t, label) for t in texts]
    for type_, texts in QUESTIONS.items():
        out += [Template("question", t, type_) for t in texts]
    out += [Template("chat", t) for t in CHAT]
    out += [Template("filler", t) for t in FILLERS]
    return out


TEMPLATES = _templates()
TEMPLATE_INDEX = {(t.kind, t.text): i for i, t in enumerate(TEMPLATES)}

# ------------------------------------------------------------------------------------------------
# entities


@dataclass
class Entity:
    index: int
    id: str
    name: str
    type: str
    aliases: list[str]
    facts: list[tuple[str, str]]  # (field, value)
    first_mention: str | None = None  # message id
    first_source: str | None = None  # conversation id


@dataclass
class SynthStats:
    entities: int = 0
    messages: int = 0
    conversations: int = 0
    facts: int = 0
    relations: int = 0
    mentions: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    #: A sample of entities (name, type, aliases, facts) for building queries.
    sample: list[Entity] = field(default_factory=list)
    topics: tuple[str, ...] = TOPICS

    def report(self) -> str:
        phases = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        return (
            f"{self.entities} entities, {self.conversations} conversations, {self.messages} "
            f"messages, {self.facts} facts, {self.relations} relations, {self.mentions} "
            f"mentions; {phases}"
        )


def _names(type_: str, count: int, rng: random.Random) -> list[str]:
    """``count`` distinct names of one type, in a seeded order."""
    if type_ == "person":
        space: Iterator[str] = (f"{f} {la}" for f in FIRST for la in LAST)
        extra: Iterator[str] = (
            f"{f} {chr(65 + m)}. {la}" for m in range(26) for f in FIRST for la in LAST
        )
    elif type_ == "organization":
        space = (f"{r} {s}" for r in ORG_ROOTS for s in ORG_SUFFIX)
        extra = (f"{r}{q.lower()} {s}" for r in ORG_ROOTS for q in ORG_ROOTS for s in ORG_SUFFIX)
    elif type_ == "place":
        space = iter([*CITIES, *(f"{a}{b}" for a in PLACE_A for b in PLACE_B)])
        extra = (
            f"{p} {a}{b}"
            for p in ("North", "South", "East", "West", "Upper", "Lower", "New", "Old", "Port")
            for a in PLACE_A
            for b in PLACE_B
        )
        extra = itertools.chain(
            extra, (f"{a}{b} {n}" for n in range(2, 10_000) for a in PLACE_A for b in PLACE_B)
        )
    elif type_ == "project":
        space = (f"Project {c}" for c in CODENAMES)
        extra = itertools.chain(
            (f"{c} {g}" for g in GREEK for c in CODENAMES),
            (f"{c} {g} {n}" for n in range(2, 10_000) for g in GREEK for c in CODENAMES),
        )
    else:
        space = (f"{b} {m}" for b in BRANDS for m in MODELS)
        extra = (f"{b} {m}{n}" for n in range(2, 100_000) for b in BRANDS for m in MODELS)
    names: list[str] = []
    seen: set[str] = set()
    for source in (space, extra):
        pool = list(itertools.islice(source, count * 3 if source is extra else None))
        rng.shuffle(pool)
        for name in pool:
            norm = normalize_name(name)
            if norm not in seen:
                seen.add(norm)
                names.append(name)
                if len(names) == count:
                    return names
    raise ValueError(f"cannot make {count} distinct {type_} names")


def _aliases(type_: str, name: str, rng: random.Random) -> list[str]:
    roll = rng.random()
    if roll < 0.5:
        return []
    words = name.split()
    if type_ == "person":
        options = [words[0], f"{words[0][0]}. {words[-1]}"]
    elif type_ == "organization":
        options = ["".join(w[0] for w in words).upper(), words[0]]
    elif type_ == "project":
        options = [words[-1] if words[0] == "Project" else words[0]]
    elif type_ == "product":
        options = [words[-1] if len(words) > 1 else name]
    else:
        options = [f"{name} area"]
    return options[: 1 if roll < 0.85 else 2]


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2023, 2027)}"


def _amount(rng: random.Random, low: int, high: int) -> str:
    value = rng.randint(low, high)
    cur = rng.choice("€$£")
    if value >= 1_000_000:
        return f"{cur}{value / 1_000_000:.1f} million"
    return f"{cur}{value:,}"


def _value(type_: str, fld: str, name: str, rng: random.Random) -> str:
    if fld == "job_title":
        return rng.choice(JOBS)
    if fld == "city":
        return rng.choice(CITIES)
    if fld in ("birthday", "deadline", "release_date"):
        return _date(rng)
    if fld == "email":
        local = ".".join(normalize_name(name).split()[:: max(1, len(name.split()) - 1)])
        return f"{local}@{rng.choice(ORG_ROOTS).lower()}.example"
    if fld == "founded":
        return str(rng.randint(1890, 2023))
    if fld == "industry":
        return rng.choice(INDUSTRIES)
    if fld == "employees":
        return f"{rng.randint(5, 20_000):,}"
    if fld == "revenue":
        return _amount(rng, 200_000, 900_000_000)
    if fld == "country":
        return rng.choice(COUNTRIES)
    if fld == "population":
        return f"{rng.randint(800, 3_000_000):,}"
    if fld == "budget":
        return _amount(rng, 5_000, 4_000_000)
    if fld == "status":
        return rng.choice(STATUSES)
    if fld == "language":
        return rng.choice(STACKS)
    if fld == "price":
        return _amount(rng, 19, 2_500)
    if fld == "version":
        return f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
    raise ValueError(fld)


def make_entities(count: int, seed: int) -> list[Entity]:
    rng = random.Random(f"{seed}:entities")
    per_type = [math.floor(count * s) for s in TYPE_SHARE]
    per_type[0] += count - sum(per_type)
    out: list[Entity] = []
    for type_, n in zip(TYPES, per_type, strict=True):
        for name in _names(type_, n, rng):
            fields = list(FACT_TEMPLATES[type_])
            chosen = rng.sample(fields, min(len(fields), rng.choice((1, 1, 2, 2, 3))))
            out.append(
                Entity(
                    index=0,
                    id=entity_id(type_, normalize_name(name)),
                    name=name,
                    type=type_,
                    aliases=_aliases(type_, name, rng),
                    facts=[(f, _value(type_, f, name, rng)) for f in chosen],
                )
            )
    rng.shuffle(out)  # types interleaved, so coverage order mixes them
    for i, e in enumerate(out):
        e.index = i
    return out


# ------------------------------------------------------------------------------------------------
# embeddings


def _embed_cached(texts: Sequence[str], what: str) -> NDArray[np.float32]:
    """Real vectors of ``texts``, from the on-disk cache when these exact texts were embedded
    before."""
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:20]
    path = CACHE_DIR / f"{what}-{len(texts)}-{digest}.npy"
    if path.exists():
        cached: NDArray[np.float32] = np.load(path)
        return cached
    embedder = create_embedder("local")
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    step = 4096
    started = time.perf_counter()
    for start in range(0, len(texts), step):
        out[start : start + step] = embedder.embed(list(texts[start : start + step]))
    elapsed = time.perf_counter() - started
    print(f"  embedded {len(texts)} {what} texts in {elapsed:.1f} s ({len(texts) / elapsed:.0f}/s)")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, out)
    tmp.replace(path)
    return out


# ------------------------------------------------------------------------------------------------
# conversations


@dataclass
class _Line:
    text: str
    template: int
    lean: Entity | None  # the entity the message's vector leans towards
    mentioned: list[Entity]
    fact: tuple[Entity, str, str] | None = None  # (entity, field, value) stated
    relation: tuple[Entity, str, Entity] | None = None  # (source, label, target) stated


@dataclass
class _Message:
    id: str
    conversation_id: str
    seq: int
    speaker: str
    text: str
    epoch_ms: int
    template: int
    pool: int  # which rendering of the template gives the vector
    lean: int  # index of the entity the vector leans towards (-1: none)
    mentions: list[str]  # entity ids


@dataclass
class _Conversation:
    id: str
    title: str
    checksum: str
    created_ms: int
    messages: list[_Message]


KIND_WEIGHTS = (("fact", 0.35), ("relation", 0.15), ("question", 0.12), ("chat", 0.23))


class _World:
    """The generator's state: entities, coverage cursor, facts and relations stated so far."""

    def __init__(self, entities: list[Entity], messages: int, seed: int) -> None:
        self.entities = entities
        self.by_type: dict[str, list[Entity]] = {t: [] for t in TYPES}
        for e in entities:
            self.by_type[e.type].append(e)
        self.rng = random.Random(f"{seed}:conversations")
        self.cursor = 0
        expected = max(1, messages // 110)
        self.new_per_conversation = max(2, math.ceil(len(entities) / expected))
        self.facts: dict[str, dict[str, Any]] = {}  # fact id → row
        self.relations: dict[str, dict[str, Any]] = {}  # relation id → row

    def popular(self) -> Entity:
        # Zipf-like: a few entities come up everywhere, most rarely.
        rank = min(len(self.entities) - 1, int(self.rng.paretovariate(1.1)) - 1)
        return self.entities[rank]

    def focus(self) -> list[Entity]:
        chosen: dict[str, Entity] = {}
        for _ in range(self.new_per_conversation):
            if self.cursor < len(self.entities):
                e = self.entities[self.cursor]
                self.cursor += 1
                chosen[e.id] = e
        for _ in range(self.rng.randint(1, 4)):
            e = self.popular()
            chosen[e.id] = e
        while len(chosen) < 3:
            e = self.rng.choice(self.entities)
            chosen[e.id] = e
        return list(chosen.values())

    def pick(self, focus: list[Entity], type_: str) -> Entity:
        candidates = [e for e in focus if e.type == type_]
        if candidates and self.rng.random() < 0.85:
            return self.rng.choice(candidates)
        return self.rng.choice(self.by_type[type_])

    def line(self, focus: list[Entity]) -> _Line:
        return render(self.rng, focus, self.pick)

    def conversation(self, length: int, start_ms: int) -> _Conversation:
        rng = self.rng
        focus = self.focus()
        speakers = rng.sample(FIRST, rng.randint(2, 4))
        lines: list[tuple[str, int, _Line]] = []
        ms = start_ms
        for seq in range(length):
            ms += rng.randint(5_000, 600_000)
            speaker = speakers[seq % len(speakers)] if rng.random() < 0.7 else rng.choice(speakers)
            lines.append((speaker, ms, self.line(focus)))
        checksum = checksum_of([[sp, ln.text, t, None] for sp, t, ln in lines])
        conv = conversation_id(checksum)
        title = f"{rng.choice(TOPICS).capitalize()} ({', '.join(speakers)})"
        messages: list[_Message] = []
        for seq, (speaker, t, ln) in enumerate(lines):
            mid = message_id(conv, seq)
            for e in ln.mentioned:
                if e.first_mention is None:
                    e.first_mention, e.first_source = mid, conv
            if ln.fact is not None:
                self._cite_fact(*ln.fact, mid)
            if ln.relation is not None:
                self._cite_relation(*ln.relation, mid)
            messages.append(
                _Message(
                    id=mid,
                    conversation_id=conv,
                    seq=seq,
                    speaker=speaker,
                    text=ln.text,
                    epoch_ms=t,
                    template=ln.template,
                    pool=rng.randrange(POOL_PER_TEMPLATE),
                    lean=ln.lean.index if ln.lean is not None else -1,
                    mentions=list(dict.fromkeys(e.id for e in ln.mentioned)),
                )
            )
        return _Conversation(conv, title, checksum, ms + 1_000, messages)

    def _cite_fact(self, e: Entity, fld: str, value: str, mid: str) -> None:
        fid = fact_id(e.id, fld, normalize_name(value) or value.casefold())
        row = self.facts.get(fid)
        if row is None:
            conf = round(0.6 + 0.4 * self.rng.random(), 2)
            self.facts[fid] = {
                "id": fid,
                "entity_id": e.id,
                "field": fld,
                "value": value,
                "confidence": conf,
                "message_ids": [mid],
            }
        elif len(row["message_ids"]) < 20:
            row["message_ids"].append(mid)

    def _cite_relation(self, a: Entity, label: str, b: Entity, mid: str) -> None:
        rel_type = label.upper()
        rid = relation_id(a.id, rel_type, b.id)
        row = self.relations.get(rid)
        if row is None:
            conf = round(0.6 + 0.4 * self.rng.random(), 2)
            self.relations[rid] = {
                "id": rid,
                "source_id": a.id,
                "target_id": b.id,
                "type": rel_type,
                "label": label,
                "confidence": conf,
                "message_ids": [mid],
            }
        elif len(row["message_ids"]) < 20:
            row["message_ids"].append(mid)

    def unstated_facts(self) -> list[dict[str, Any]]:
        """Every entity's facts that no message stated, citing the entity's first mention (as
        an extractor might infer them), or nothing when it was never mentioned."""
        rows = []
        for e in self.entities:
            for fld, value in e.facts:
                fid = fact_id(e.id, fld, normalize_name(value) or value.casefold())
                if fid not in self.facts:
                    rows.append(
                        {
                            "id": fid,
                            "entity_id": e.id,
                            "field": fld,
                            "value": value,
                            "confidence": 0.7,
                            "message_ids": [e.first_mention] if e.first_mention else [],
                        }
                    )
        return rows


Picker = Callable[[list[Entity], str], Entity]  # (focus, type) -> an entity of that type


def render(rng: random.Random, focus: list[Entity], pick: Picker) -> _Line:
    """One message line about ``focus`` entities; ``pick(focus, type)`` chooses a partner."""
    roll = rng.random()
    when = f"{rng.choice(MONTHS)} {rng.randint(2023, 2026)}"
    topic = rng.choice(TOPICS)
    kind = "filler"
    for name, weight in KIND_WEIGHTS:
        if roll < weight:
            kind = name
            break
        roll -= weight
    if kind == "fact":
        e = rng.choice(focus)
        fld, value = rng.choice(e.facts)
        text = rng.choice(FACT_TEMPLATES[e.type][fld])
        return _Line(
            text.format(a=e.name, v=value, when=when),
            TEMPLATE_INDEX[("fact", text)],
            e,
            [e],
            fact=(e, fld, value),
        )
    if kind == "relation":
        present = {e.type for e in focus}
        options = [r for r in RELATIONS if r[1] in present] or RELATIONS
        label, src, tgt, texts = rng.choice(options)
        a = pick(focus, src)
        b = pick(focus, tgt)
        if a.id != b.id:
            text = rng.choice(texts)
            return _Line(
                text.format(a=a.name, b=b.name),
                TEMPLATE_INDEX[("relation", text)],
                a,
                [a, b],
                relation=(a, label, b),
            )
        kind = "chat"
    if kind == "question":
        e = rng.choice(focus)
        text = rng.choice(QUESTIONS[e.type])
        return _Line(text.format(a=e.name, topic=topic), TEMPLATE_INDEX[("question", text)], e, [e])
    if kind == "chat":
        e = rng.choice(focus)
        text = rng.choice(CHAT)
        return _Line(
            text.format(a=e.name, topic=topic, when=when), TEMPLATE_INDEX[("chat", text)], e, [e]
        )
    text = rng.choice(FILLERS)
    return _Line(text, TEMPLATE_INDEX[("filler", text)], None, [])


def pool_texts(entities: list[Entity], seed: int) -> list[str]:
    """``POOL_PER_TEMPLATE`` renderings of every template, in template order."""
    rng = random.Random(f"{seed}:pool")
    by_type: dict[str, list[Entity]] = {t: [e for e in entities if e.type == t] for t in TYPES}
    out: list[str] = []

    def pick(_: list[Entity], type_: str) -> Entity:
        return rng.choice(by_type[type_] or entities)

    for template in TEMPLATES:
        for _ in range(POOL_PER_TEMPLATE):
            when = f"{rng.choice(MONTHS)} {rng.randint(2023, 2026)}"
            topic = rng.choice(TOPICS)
            if template.kind == "fact":
                type_ = next(t for t, f in FACT_TEMPLATES.items() if template.key in f)
                e = pick([], type_)
                value = _value(type_, template.key, e.name, rng)
                out.append(template.text.format(a=e.name, v=value, when=when))
            elif template.kind == "relation":
                _, src, tgt, _ = next(r for r in RELATIONS if r[0] == template.key)
                a, b = pick([], src), pick([], tgt)
                out.append(template.text.format(a=a.name, b=b.name))
            elif template.kind == "question":
                e = pick([], template.key)
                out.append(template.text.format(a=e.name, topic=topic))
            elif template.kind == "chat":
                e = rng.choice(entities)
                out.append(template.text.format(a=e.name, topic=topic, when=when))
            else:
                out.append(template.text)
    return out


def conversations(world: _World, messages: int, seed: int) -> Iterator[_Conversation]:
    rng = random.Random(f"{seed}:lengths")
    left = messages
    span_ms = 3 * 365 * 86_400_000
    while left > 0:
        length = min(left, rng.randint(20, 200))
        left -= length
        yield world.conversation(length, EPOCH_2023_MS + rng.randrange(span_ms))


def message_vectors(
    batch: list[_Message],
    pool: NDArray[np.float32],
    entity_vectors: NDArray[np.float32],
    rng: np.random.Generator,
) -> NDArray[np.float32]:
    rows = np.array([m.template * POOL_PER_TEMPLATE + m.pool for m in batch])
    leans = np.array([max(m.lean, 0) for m in batch])
    has_lean = np.array([m.lean >= 0 for m in batch], dtype=np.float32)[:, None]
    vectors: NDArray[np.float32] = pool[rows] + MENTION_WEIGHT * has_lean * entity_vectors[leans]
    vectors += rng.standard_normal(vectors.shape, dtype=np.float32) * NOISE_SIGMA
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


# ------------------------------------------------------------------------------------------------
# writing

WRITE_ENTITIES = """
UNWIND $rows AS e
CREATE (n:Entity {id: e.id, name: e.name, normalized_name: e.norm, type: e.type,
                  aliases: e.aliases, created_at: datetime(), updated_at: datetime()})
SET n:$(e.label)
WITH n, e
CALL db.create.setNodeVectorProperty(n, 'embedding', [x IN e.v | x / $scale])
"""

WRITE_CONVERSATIONS = """
UNWIND $convs AS c
CREATE (conv:Conversation:Source {id: c.id, title: c.title, origin: 'synthetic',
  checksum: c.checksum, message_count: size(c.messages),
  created_at: datetime({epochMillis: c.created_ms})})
WITH conv, c
CALL (conv, c) {
  UNWIND c.messages AS m
  CREATE (msg:Message {id: m.id, conversation_id: conv.id, seq: m.seq, speaker: m.speaker,
                       text: m.text, timestamp: datetime({epochMillis: m.epoch_ms})})
  CREATE (conv)-[:HAS_MESSAGE]->(msg)
  WITH msg, m
  CALL db.create.setNodeVectorProperty(msg, 'embedding', [x IN m.v | x / $scale])
  WITH msg, m
  CALL (msg, m) {
    UNWIND m.mentions AS eid
    MATCH (e:Entity {id: eid})
    CREATE (e)-[:MENTIONED_IN]->(msg)
  }
  WITH msg ORDER BY msg.seq
  WITH collect(msg) AS ordered
  UNWIND range(0, size(ordered) - 2) AS i
  WITH ordered[i] AS a, ordered[i + 1] AS b
  CREATE (a)-[:NEXT]->(b)
}
"""

WRITE_FACTS = """
UNWIND $rows AS f
MATCH (e:Entity {id: f.entity_id})
CREATE (e)-[:HAS_FACT]->(x:Fact {id: f.id, field: f.field, raw_field: f.field, value: f.value,
  confidence: f.confidence, created_at: datetime(), job_id: $job_id, extractor: $extractor,
  entity_id: e.id})
WITH x, f
CALL (x, f) {
  UNWIND f.message_ids AS mid
  MATCH (m:Message {id: mid})
  CREATE (x)-[:FROM]->(m)
}
"""

WRITE_RELATIONS = """
UNWIND $rows AS r
MATCH (a:Entity {id: r.source_id})
MATCH (b:Entity {id: r.target_id})
CREATE (a)-[x:$(r.type) {id: r.id}]->(b)
SET x.raw_label = r.label, x.label = r.label, x.confidence = r.confidence,
    x.evidence = r.message_ids, x.first_seen = datetime(), x.last_seen = datetime(),
    x.job_id = $job_id, x.extractor = $extractor
"""

WRITE_SOURCES = """
UNWIND $rows AS r
MATCH (e:Entity {id: r.id})
SET e.first_source_id = r.source
"""


def _quantised(vectors: NDArray[np.float32]) -> list[list[int]]:
    """Vectors as int16 steps of 1/SCALE: the Python driver packs ints ~5x faster than floats
    (the client's CPU was the bottleneck of loading); Cypher divides them back."""
    quantised: list[list[int]] = np.round(vectors * SCALE).astype(np.int16).tolist()
    return quantised


def _batches(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _message_batches(world: _World, messages: int, seed: int) -> Iterator[list[_Conversation]]:
    batch: list[_Conversation] = []
    count = 0
    for conv in conversations(world, messages, seed):
        batch.append(conv)
        count += len(conv.messages)
        if count >= MESSAGE_BATCH:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def _conversation_rows(
    batch: list[_Conversation],
    pool: NDArray[np.float32],
    entity_vectors: NDArray[np.float32],
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    flat = [m for c in batch for m in c.messages]
    vectors = _quantised(message_vectors(flat, pool, entity_vectors, rng))
    rows = []
    i = 0
    for c in batch:
        msgs = []
        for m in c.messages:
            msgs.append(
                {
                    "id": m.id,
                    "seq": m.seq,
                    "speaker": m.speaker,
                    "text": m.text,
                    "epoch_ms": m.epoch_ms,
                    "mentions": m.mentions,
                    "v": vectors[i],
                }
            )
            i += 1
        rows.append(
            {
                "id": c.id,
                "title": c.title,
                "checksum": c.checksum,
                "created_ms": c.created_ms,
                "messages": msgs,
            }
        )
    return rows


class _Phases:
    def __init__(self, stats: SynthStats, verbose: bool) -> None:
        self.stats = stats
        self.verbose = verbose
        self.started = time.perf_counter()

    def done(self, name: str, detail: str = "") -> None:
        now = time.perf_counter()
        self.stats.seconds[name] = now - self.started
        if self.verbose:
            print(
                f"  {name}: {now - self.started:.1f} s{f' ({detail})' if detail else ''}",
                flush=True,
            )
        self.started = now


async def load(
    driver: neo4j.AsyncDriver,
    entities: int,
    messages: int,
    seed: int = 7,
    *,
    database: str = "neo4j",
    verbose: bool = True,
) -> SynthStats:
    """Write ``entities`` entities and ``messages`` messages (with facts, relations, mentions
    and embeddings) into an empty graph; returns counts, phase times and a sample of entities
    for building queries. Waits until the search indexes hold everything written."""
    stats = SynthStats(entities=entities, messages=messages)
    phase = _Phases(stats, verbose)
    ents = make_entities(entities, seed)
    phase.done("generate entities")
    entity_vectors = _embed_cached([entity_text(e.name, e.type) for e in ents], "entity")
    pool_list = pool_texts(ents, seed)
    unique = list(dict.fromkeys(pool_list))
    unique_vectors = _embed_cached(unique, "pool")
    where = {t: i for i, t in enumerate(unique)}
    pool = unique_vectors[[where[t] for t in pool_list]]
    phase.done("embed", f"{len(ents)} entity texts, {len(unique)} pool texts")

    async def write(cypher: str, **params: Any) -> None:
        await driver.execute_query(cypher, params, database_=database)

    # Search indexes are rebuilt after the load: populating them in bulk took half the time of
    # updating them transaction by transaction (20k messages: 19 s against 38 s).
    indexes = await _search_indexes(driver, database)
    for index in indexes:
        await write(f"DROP INDEX `{index['name']}`")

    vectors = _quantised(entity_vectors)
    rows = [
        {
            "id": e.id,
            "name": e.name,
            "norm": normalize_name(e.name),
            "type": e.type,
            "label": node_label(e.type),
            "aliases": e.aliases,
            "v": vectors[e.index],
        }
        for e in ents
    ]
    for batch in _batches(rows, ENTITY_BATCH):
        await write(WRITE_ENTITIES, rows=list(batch), scale=SCALE)
    del rows, vectors
    phase.done(
        "write entities",
        f"{entities / max(stats.seconds.get('write entities', 1), 1e-9):.0f}/s" if False else "",
    )

    world = _World(ents, messages, seed)
    batches = _message_batches(world, messages, seed)
    noise = np.random.default_rng([seed, 1])

    def next_rows() -> list[dict[str, Any]] | None:
        batch = next(batches, None)
        return None if batch is None else _conversation_rows(batch, pool, entity_vectors, noise)

    # Build the next batch (Python) while Neo4j writes this one.
    last_text = ""
    pending = asyncio.create_task(asyncio.to_thread(next_rows))
    written = 0
    next_report = 100_000
    while (conv_rows := await pending) is not None:
        pending = asyncio.create_task(asyncio.to_thread(next_rows))
        await write(WRITE_CONVERSATIONS, convs=conv_rows, scale=SCALE)
        stats.conversations += len(conv_rows)
        written += sum(len(c["messages"]) for c in conv_rows)
        stats.mentions += sum(len(m["mentions"]) for c in conv_rows for m in c["messages"])
        last_text = conv_rows[-1]["messages"][-1]["text"]
        if verbose and written >= next_report:
            print(
                f"    {written} messages, {time.perf_counter() - phase.started:.0f} s", flush=True
            )
            next_report += 100_000
    phase.done("write messages", f"{stats.conversations} conversations, {stats.mentions} mentions")

    fact_rows = list(world.facts.values()) + world.unstated_facts()
    for batch in _batches(fact_rows, ROW_BATCH):
        await write(WRITE_FACTS, rows=list(batch), job_id=JOB_ID, extractor=EXTRACTOR)
    stats.facts = len(fact_rows)
    rel_rows = list(world.relations.values())
    for batch in _batches(rel_rows, ROW_BATCH):
        await write(WRITE_RELATIONS, rows=list(batch), job_id=JOB_ID, extractor=EXTRACTOR)
    stats.relations = len(rel_rows)
    sources = [{"id": e.id, "source": e.first_source} for e in ents if e.first_source]
    for batch in _batches(sources, ROW_BATCH):
        await write(WRITE_SOURCES, rows=list(batch))
    phase.done("write facts and relations", f"{stats.facts} facts, {stats.relations} relations")

    for index in indexes:
        await write(_create_index(index))
    await write("CALL db.awaitIndexes(3600)")
    await _await_fulltext(driver, database, last_text)
    phase.done("indexes online", ", ".join(i["name"] for i in indexes))
    sample_rng = random.Random(f"{seed}:sample")
    mentioned = [e for e in ents if e.first_mention is not None] or ents
    stats.sample = sample_rng.sample(mentioned, min(len(mentioned), 3_000))
    return stats


async def _search_indexes(driver: neo4j.AsyncDriver, database: str) -> list[dict[str, Any]]:
    """The fulltext and vector indexes on messages, entities and facts, as SHOW INDEXES
    describes them (enough to create them again exactly)."""
    records, _, _ = await driver.execute_query(
        "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, options "
        "WHERE type IN ['FULLTEXT', 'VECTOR'] AND entityType = 'NODE' "
        "AND size(labelsOrTypes) = 1 AND labelsOrTypes[0] IN ['Message', 'Entity', 'Fact'] "
        "RETURN name, type, labelsOrTypes[0] AS label, properties, options",
        database_=database,
    )
    return [dict(r) for r in records]


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{k}`: {_literal(v)}" for k, v in value.items()) + "}"
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _create_index(index: dict[str, Any]) -> str:
    props = [f"n.`{p}`" for p in index["properties"]]
    target = f"`{index['name']}` FOR (n:`{index['label']}`)"
    options = _literal(index["options"])
    if index["type"] == "VECTOR":
        return f"CREATE VECTOR INDEX {target} ON {props[0]} OPTIONS {options}"
    return f"CREATE FULLTEXT INDEX {target} ON EACH [{', '.join(props)}] OPTIONS {options}"


async def _await_fulltext(driver: neo4j.AsyncDriver, database: str, text: str) -> None:
    """Message fulltext indexes are eventually consistent: wait until the last message written
    is found by each of them."""
    records, _, _ = await driver.execute_query(
        "SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes WHERE 'Message' IN labelsOrTypes "
        "RETURN name",
        database_=database,
    )
    words = [w for w in normalize_name(text).split() if len(w) > 3][:6]
    if not words:
        return
    for index in [r["name"] for r in records]:
        deadline = time.monotonic() + 600
        while True:
            found, _, _ = await driver.execute_query(
                "CALL db.index.fulltext.queryNodes($index, $q) YIELD node "
                "WITH node WHERE node.text = $text RETURN count(*) AS n",
                index=index,
                q=" AND ".join(words),
                text=text,
                database_=database,
            )
            if found and found[0]["n"]:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"fulltext index {index} did not catch up within 600 s")
            await asyncio.sleep(0.5)


# ------------------------------------------------------------------------------------------------
# CLI


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--throwaway", action="store_true", help="load into a fresh bench stack")
    parser.add_argument("--pagecache-mb", type=int, default=512)
    parser.add_argument("--uri", help="bolt URI (default: from LIBRARIAN_* settings)")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password")
    args = parser.parse_args()

    async def run(driver: neo4j.AsyncDriver) -> None:
        started = time.perf_counter()
        stats = await load(driver, args.entities, args.messages, args.seed)
        print(f"loaded in {time.perf_counter() - started:.0f} s: {stats.report()}")

    if args.throwaway:
        from bench._stack import bench_stack

        with bench_stack(pagecache_mb=args.pagecache_mb) as stack:
            print(f"load average at start: {_load_average()}")
            asyncio.run(_with_driver(create_driver_for(stack.settings), run))
            print(f"load average at end: {_load_average()}")
        return
    if args.uri:
        driver = neo4j.AsyncGraphDatabase.driver(args.uri, auth=(args.user, args.password or ""))
    else:
        from app.config import get_settings

        driver = create_driver_for(get_settings())
    asyncio.run(_with_driver(driver, run))


def create_driver_for(settings: Any) -> neo4j.AsyncDriver:
    from app.graph.driver import create_driver

    return create_driver(settings)


async def _with_driver(driver: neo4j.AsyncDriver, fn: Any) -> None:
    try:
        await fn(driver)
    finally:
        await driver.close()


def _load_average() -> str:
    import os

    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


if __name__ == "__main__":
    main()
