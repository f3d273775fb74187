"""Common given names with a clear gender, used only to choose whom a "she" or "he" means."""

from __future__ import annotations

from typing import Final

__all__ = ["FEMALE_NAMES", "MALE_NAMES"]

_FEMALE: Final = """
abigail ada adaeze adriana agnes aiko aisha akua alba alejandra alessandra alexandra alice
alicia alina alma ama amanda amara amelia amira amy ana anastasia andrea angela angelica anita
ann anna anne annika antonia ariana astrid aurora ava ayesha aylin barbara bea beatrice
beatriz bella bianca brenda bridget camila carla carmen carolina caroline catalina catherine
cecilia charlotte chiamaka chiara chloe christina claire clara claudia constance cristina dana
daniela daphne deborah denise devi diana dolores dominika doris dorothy efua eleanor elena
eliza elizabeth ella ellie elsa emilia emily emma erika esther eva evelyn fatima fernanda
fiona florence frances freya fátima gabriela gemma georgia giulia grace greta hana hannah
harriet haruka heidi helen helena hilda ida ilse ines ingrid inês irene iris isabel isabella
isla ivy jacqueline jane janet jasmine jen jennifer jessica jill joana joanna josephine joy
judith julia julie kaja karen karin kat kate katherine kathleen katie katrin keisha lara
laura lea leah lena leticia lily linda ling lisa liv lola lucia lucy luisa lurdes madison
magdalena maja margaret margarida maria mariana marie marina marta martha mary maya mei
mei-ling melissa mia michelle mila miriam monica nadia naomi natalia natasha ngozi nicole nina
noor nora olga olivia paola patricia paula petra pia priya priyanka rachel rebecca renata rita
rosa rose ruth sabrina sakura sandra sara sarah sasha silvia simone sinead sofia sonia sophia
sophie stella susan suzanne tanya teresa tina valentina vanessa vera veronica victoria violet
wanda wanjiru wendy xiu yasmin yuki yuna zara zoe
"""
_MALE: Final = """
aaron abdul adam adebayo adrian ahmed alan albert alejandro alexander ali andre andrew andrés
angelo anthony antoine antonio arjun arthur ben benjamin bilal bob bogdan brian bruno carl
carlos charles chidi chinedu chris christian christopher colin dan daniel david deniz dennis
diego dmitri dominic douglas duncan ed eduardo edward elias emil emmanuel enrique eric erik
ethan felix femi fernando filip francesco francis frank frederick gabriel gareth gary george
gerald giovanni gordon greg gregory gustavo hamza hans harry haruto henrik henry hiro hiroshi
hugo ian igor isaac ivan jack jacob jakub jamal james jason javier jeff jeremy joe joel johan
john jonas jonathan jorge jose joseph joshua josé juan julian karl keith ken kenji kenneth
kevin kofi kwabena kwame lars leo leon liam lorenzo louis lucas luis luke malik manuel marc
marcel marco marcus mario mark martin mateo matt matteo matthew max mehmet michael miguel mike
mohamed mohammed muhammad nathan neil nick nicolas noah oliver olu omar oscar owen pablo
patrick paul pedro pete peter philip pierre rafa rafael raj ravi ricardo richard robert
roberto rodrigo roger ruben rui ryan samuel santiago sean sebastian sergei simon stefan
stephen steve steven sven takeshi thomas tiago tim timothy tom tomas tomás tony victor vincent
walter william xavier yusuf zach
"""
FEMALE_NAMES: Final = frozenset(_FEMALE.split())
MALE_NAMES: Final = frozenset(_MALE.split())
