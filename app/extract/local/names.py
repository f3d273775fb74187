"""Common given names with a clear gender: whom a "she" or "he" means, and whether a word the
recogniser missed or mistyped is someone's first name ("Owen proposed…", "Lakshmi Natarajan")."""

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
# More given names from the places the people of real chats come from (Irish, Scottish, South
# Asian, West African, East Asian, Slavic, Nordic, Arabic, Turkish…); names that are mostly
# cities in chat ("Austin", "Dallas") are left out, so that the gazetteer keeps them places.
_FEMALE_MORE: Final = """
abby abena adwoa agnieszka aditi aisling amaka amelie ananya anjali anneke aoife ashley aubrey
ayse becky bernadette birgit brigitte brittany caitlin camille carol carolyn catriona celine
cheryl chioma christine ciara clementine colleen consuelo courtney cynthia danielle deepa
deirdre defne diane divya donna ebba eileen eilidh elif elin elodie emine erin esi eun-ji ewa
federica femke folake francesca freja funmi gia giovanna gloria guadalupe hailey heather hedda
heike hiba hina hollie holly huda hye-jin ilaria imogen ingeborg irina isabelle ishani itzel
jenna jenny ji-woo jia jimena joan joyce juliette juno kathryn katarzyna katya kavya kayla
keiko kelly kimberly kirsty kristen ksenia lakshmi lauren layla leila leilani lenka lindsay
lotte lourdes maeve mai malgorzata manon mareike margaux mariam marisol marketa matilda maureen
meera megan meghan melanie merve milagros min-ji molly montserrat morag nancy naoko natalie
nathalie niamh nisha noreen nuria oksana orla paige pamela peggy phoebe phyllis pilar pooja
poppy radha rania renee riya rocio roisin rosie ruby salma sanna sanne saoirse scarlett seo-yeon
serena shannon sharon shelby shirley shreya sienna sigrid siobhan solveig soo-jin stefanie
sunita svetlana swati sylvie tamara tamsin tatiana tess tessa theresa tiffany tilly tracy
ulrike valerie wanjiku whitney willow ximena yesenia yolanda yulia yumi yvonne zainab zeynep zofia
zoey
"""
_MALE_MORE: Final = """
abdullah aditya ajay alasdair alexei amit anders andy angus anil baptiste bernard bjorn brad
brandon burak caleb callum chad cian ciaran clifford cody connor cormac craig darren declan
deepak derek dustin dylan earl emeka emre enzo eoin etienne euan eugene evan ewan fergus finn
florian gavin giacomo giuseppe graham grant hamish harold hassan herbert howard hussein
hyun ishaan jake jannik jared jens jesse ji-hoon jonah jordan josh joaquin julien jürgen kabir
kaito karan karim khalid klaus kojo krzysztof kurt kyle lance leonard lloyd lorcan luca lukas
magnus marek matthias mathieu mikkel min-jun mustafa niall nikhil nikolai nils obinna oisin
padraig pavel pawel phil piotr pranav rahul rajesh raymond riccardo rick rob rohan ronan rory
roy russell sanjay seamus seo-jun seth shane sipho spencer stanley suresh tadhg tariq tendai
thabo theo thibault tobias todd travis trevor troy tunde tyler vernon vijay vik vikram vince
vladimir wade walt wayne wes wesley yaw zachary
"""
FEMALE_NAMES: Final = frozenset((_FEMALE + _FEMALE_MORE).split())
MALE_NAMES: Final = frozenset((_MALE + _MALE_MORE).split())
