"""What the web app says about its accessibility and, in plain words, about itself (French:
these texts are for its users)."""

from __future__ import annotations

STATEMENT = """
Le centre de ressources s'engage à rendre Boussole accessible à toutes et à tous, conformément
à l'article 47 de la loi n° 2005-102 du 11 février 2005 et au référentiel général d'amélioration
de l'accessibilité (RGAA, version 4.1).

## État de conformité

Boussole est **partiellement conforme** au RGAA 4.1 : aucun audit complet n'a encore été réalisé
par une personne qualifiée. Cette déclaration sera mise à jour après cet audit.

## Ce qui est vérifié automatiquement

À chaque modification du logiciel, des tests ouvrent toutes les pages dans un vrai navigateur et
vérifient, avec l'outil axe-core, qu'elles ne présentent **aucune erreur détectable
automatiquement** (contrastes, titres, étiquettes des champs, noms des boutons et des liens,
langue de la page…), sur ordinateur et sur un écran de 320 pixels de large, avant et après une
réponse. Un test parcourt aussi tout le chemin au clavier seul : aller au champ de question,
poser la question, atteindre les liens du premier extrait, ouvrir le document et revenir.

Les pages sont en français (langue déclarée « fr »). Un lien « Aller à la question », le premier
élément atteint avec la touche Tab, mène directement au champ de question. La réponse est
annoncée aux lecteurs d'écran quand elle est prête, et le curseur du clavier se place sur elle
(une zone nommée « Réponse ») : on lit ensuite ses extraits avec Tab. Le contenu se réorganise
sans défilement horizontal sur un écran étroit ou avec un zoom à 200 %.

## Ce qui doit encore être vérifié par une personne

- l'usage réel avec des lecteurs d'écran (NVDA, JAWS, VoiceOver, TalkBack) ;
- la pertinence des textes alternatifs des images de pages de documents ;
- l'accessibilité des documents eux-mêmes (PDF d'origine), qui ne dépend pas de Boussole ;
- la compréhension des textes par les personnes qui lisent difficilement.

## Signaler un problème

Si vous n'arrivez pas à utiliser une partie de Boussole, dites-le-nous : nous vous aiderons à
obtenir l'information autrement et nous corrigerons le problème.

Si vous n'obtenez pas de réponse, vous pouvez saisir le Défenseur des droits
(https://www.defenseurdesdroits.fr, ou par courrier gratuit : Défenseur des droits, Libre
réponse 71120, 75342 Paris CEDEX 07).
"""

PLAIN_WORDS = """
**Boussole, c'est quoi ?**
Boussole cherche dans les documents du centre de ressources.
Ces documents parlent de la politique de la ville :
la vie dans les quartiers, l'emploi, l'école, la santé, le logement.

**Comment poser une question ?**
Écrivez votre question avec vos mots, en bas de la page.
Par exemple : « Comment aider les jeunes du quartier à trouver un emploi ? »
Appuyez sur Entrée.

**Ce que Boussole répond**
Boussole recopie des phrases des documents.
Boussole n'invente rien.
Chaque phrase a un numéro entre crochets, par exemple [1].
Ce numéro renvoie à un extrait, plus bas.

**Comment lire un extrait ?**
Un extrait est un morceau d'un document.
Au-dessus de l'extrait, il y a le titre du document et sa date.
Le bouton « Ouvrir la source » ouvre le document entier.
Le lien « Voir le passage » montre l'extrait dans sa page.

**Ce que Boussole ne sait pas faire**
Boussole ne connaît que les documents du centre de ressources.
Boussole ne connaît pas votre situation personnelle.
Pour une démarche personnelle, demandez à une personne :
le centre de ressources, la mairie, un centre social ou une maison France services.

**Les sigles**
Les mots en majuscules, comme QPV, sont des sigles.
Passez la souris ou le doigt sur un sigle : son sens s'affiche.
QPV veut dire « quartier prioritaire de la politique de la ville ».

**Ce que Boussole garde**
Boussole ne garde pas votre nom, ni votre adresse, ni l'heure.
Le centre de ressources peut choisir de garder certaines questions :
celles où Boussole n'a pas trouvé de réponse,
et celles dont la réponse a reçu un pouce vers le bas.
Avant de les garder, Boussole efface les noms, les adresses,
les numéros de téléphone, les courriels et les numéros de dossier.
Le centre lit ces questions pour savoir quels guides écrire.
Elles sont effacées après un temps limité : 6 mois, si le centre ne change rien.
"""


def privacy_text(enabled: bool, days: int) -> str:
    """The Confidentialité section of the Accessibilité page: what is kept, said plainly."""
    if not enabled:
        return ("Boussole ne garde aucune question. Les votes (pouce vers le haut ou "
                "vers le bas) gardent seulement les extraits montrés, pas la question.")
    return ("Le centre de ressources garde deux sortes de questions : celles auxquelles "
            "Boussole n'a pas su répondre, et celles dont la réponse a reçu un pouce vers le bas. Avant d'être "
            "gardée, chaque question est nettoyée : les noms, adresses, numéros de téléphone, courriels et "
            "numéros de dossier sont remplacés par « [nom] », « [adresse] »… Seul le jour est gardé, jamais "
            "l'heure, ni votre adresse internet, ni rien qui vous identifie. Les questions sont effacées au bout "
            f"de {days} jours. Elles servent à savoir quels documents publier.")


def contact_line(contact: str) -> str:
    if not contact:
        return "Pour nous écrire, adressez-vous au centre de ressources qui publie Boussole."
    return f"Pour nous écrire : {contact}"
