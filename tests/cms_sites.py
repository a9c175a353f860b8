"""Publication listings written the way four CMSs common among French public bodies and
associations write them — WordPress (category archive), SPIP (rubrique with articles and
attached documents), Drupal (a view with a pager) and Joomla (category blog) — each on two
pages in its own pagination style, with the markup of their default templates around the
entries (navigation, widgets, screen-reader headings). The WordPress listing declares no charset
anywhere; SPIP's first page is windows-1252 declared in the header, its second windows-1252
declared nowhere.

``PUBLICATIONS`` is what a harvest must find: address -> (title, date)."""

from __future__ import annotations


WP, SPIP, DRUPAL, JOOMLA = "wp.centre-test.fr", "spip.centre-test.fr", "drupal.centre-test.fr", "joomla.centre-test.fr"


def _wp_post(port, slug, title, iso, shown, pdf):
    base = f"http://{WP}:{port}"
    return f"""
<article id="post-{len(slug)}" class="post type-post status-publish format-standard hentry category-publications entry">
 <header class="entry-header"><h2 class="entry-title default-max-width"><a href="{base}/{iso[:4]}/{iso[5:7]}/{slug}/">{title}</a></h2></header>
 <div class="entry-content"><p>Une publication du centre de ressources.</p>
  <p><a href="{base}/wp-content/uploads/{iso[:4]}/{iso[5:7]}/{pdf}">Télécharger le document (PDF, 1,2 Mo)</a></p></div>
 <footer class="entry-footer default-max-width"><div class="posted-by"><span class="posted-on">Publié le
  <time class="entry-date published updated" datetime="{iso}T10:12:04+01:00">{shown}</time></span></div></footer>
</article>"""


def wordpress(port, page):
    base = f"http://{WP}:{port}"
    posts = {1: [("guide-egalite", "Intégrer l’égalité femmes-hommes dans les contrats de ville", "2021-03-25", "25 mars 2021", "guide-egalite.pdf"),
                 ("emancipation", "L’émancipation au féminin, au-delà d’un idéal", "2021-02-11", "11 février 2021", "emancipation-feminin.pdf")],
             2: [("reussite-educative", "Réussite éducative : les données à réutiliser", "2020-06-02", "2 juin 2020", "donnees-reussite-educative.pdf")]}
    nav = (f'<a class="page-numbers" href="{base}/categorie/publications/page/2/">2</a>'
           f'<a class="next page-numbers" href="{base}/categorie/publications/page/2/">Articles suivants</a>' if page == 1 else
           f'<a class="prev page-numbers" href="{base}/categorie/publications/">Articles précédents</a>'
           f'<a class="page-numbers" href="{base}/categorie/publications/">1</a>')
    return f"""<!doctype html><html lang="fr-FR"><head><title>Publications – Centre de ressources</title>
<link rel="stylesheet" href="{base}/wp-content/themes/twentytwentyone/style.css"></head>
<body class="archive category category-publications"><div id="page" class="site">
<header id="masthead" class="site-header"><p class="site-title"><a href="{base}/">Centre de ressources</a></p>
<nav id="site-navigation" class="primary-navigation"><ul id="primary-menu-list" class="menu-wrapper">
<li class="menu-item"><a href="{base}/le-centre/">Le centre</a></li><li class="menu-item"><a href="{base}/contact/">Contact</a></li></ul></nav></header>
<main id="main" class="site-main"><header class="page-header alignwide"><h1 class="page-title">Catégorie : <span>Publications</span></h1></header>
{"".join(_wp_post(port, *p) for p in posts[page])}
<nav class="navigation pagination" aria-label="Articles"><h2 class="screen-reader-text">Navigation des articles</h2>
<div class="nav-links">{nav}</div></nav></main>
<aside class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Articles récents</h2>
<ul><li><a href="{base}/2021/05/04/assemblee-generale/">Assemblée générale 2021</a></li></ul></section></aside>
</div></body></html>"""


def spip(port, page):
    base = f"http://{SPIP}:{port}/"
    items = {1: [("34", "Santé des habitants : journée des conseils citoyens", "2019-11-06", "6 novembre 2019", "IMG/pdf/sante_conseils_citoyens.pdf"),
                 ("35", "Gestion urbaine de proximité : capitalisation", "2020-11-03", "3 novembre 2020", "")],
             2: [("36", "Éducation prioritaire et cités éducatives", "2018-09-20", "20 septembre 2018", "IMG/pdf/cites_educatives.pdf")]}

    def item(number, title, iso, shown, pdf):
        doc = (f'<div class="documents_joints"><a href="{pdf}" class="spip_doc spip_out" type="application/pdf">'
               f'{pdf.rsplit("/", 1)[1]} (PDF - 480.3 ko)</a></div>' if pdf else "")
        return (f'<li class="item hentry"><h3 class="h3 entry-title"><a href="spip.php?article{number}" rel="bookmark">{title}</a></h3>'
                f'<p class="info-publi"><abbr class="published" title="{iso}T09:00:00Z">{shown}</abbr></p>'
                f'<div class="introduction entry-content"><p>Retour sur la rencontre régionale.</p></div>{doc}</li>')
    pagination = ('<p class="pagination"><span class="pages"><strong class="on">1</strong><span class="sep"> | </span>'
                  '<a href="spip.php?rubrique7&amp;debut_articles=2#pagination_articles" class="lien_pagination" rel="nofollow">2</a>'
                  '</span></p>' if page == 1 else
                  '<p class="pagination"><span class="pages"><a href="spip.php?rubrique7#pagination_articles" '
                  'class="lien_pagination" rel="nofollow">1</a><span class="sep"> | </span><strong class="on">2</strong></span></p>')
    return f"""<!DOCTYPE html><html dir="ltr" lang="fr" class="ltr fr no-js"><head><base href="{base}">
<title>Nos publications - Centre de ressources</title></head><body class="page_rubrique">
<div class="page"><div class="header"><a rel="start home" href="{base}" title="Accueil">Centre de ressources</a></div>
<div class="nav"><ul class="menu-liste"><li class="menu-entree"><a href="spip.php?rubrique2">Le centre</a></li></ul></div>
<div class="main"><div class="wrapper"><div class="content" id="content">
<p class="arbo"><a href="{base}">Accueil</a> &gt; <strong class="on">Nos publications</strong></p>
<div class="cartouche"><h1 class="surligne">Nos publications</h1></div>
<div class="liste articles"><a id="pagination_articles"></a><h2 class="h2">Articles de cette rubrique</h2>
<ul class="liste-items">{"".join(item(*i) for i in items[page])}</ul>{pagination}</div>
</div></div></div></div></body></html>"""


def drupal(port, page):
    def node(slug, title, iso, shown, pdf):
        return (f'<div class="views-row"><article role="article" class="node node--type-publication node--view-mode-teaser">'
                f'<h2 class="node__title"><a href="/ressources/publications/{slug}" rel="bookmark">'
                f'<span class="field field--name-title field--type-string">{title}</span></a></h2>'
                f'<footer class="node__meta"><div class="node__submitted">Publié le <span class="field--name-created">'
                f'<time datetime="{iso}T12:00:00Z" class="datetime">{shown}</time></span></div></footer>'
                f'<div class="node__content"><div class="field field--name-body"><p>Synthèse du webinaire.</p></div>'
                f'<div class="field field--name-field-fichier"><span class="file file--mime-application-pdf file--application-pdf">'
                f'<a href="/sites/default/files/{iso[:7]}/{pdf}" type="application/pdf">{pdf}</a></span> <span>(245.67 Ko)</span></div>'
                f'</div></article></div>')
    rows = {1: [("nouveaux-leviers-emploi", "Nouveaux leviers pour l’emploi dans les quartiers prioritaires", "2022-05-12", "jeu 12/05/2022 - 12:00", "leviers-emploi.pdf"),
                ("budget-participatif", "Budgets participatifs : retours d’expériences", "2021-10-07", "jeu 07/10/2021 - 12:00", "budgets-participatifs.pdf")],
            2: [("tranquillite-publique", "Tranquillité publique et prévention de la délinquance", "2019-01-15", "mar 15/01/2019 - 12:00", "tranquillite-publique.pdf")]}
    pager = ('<li class="pager__item is-active"><a href="?page=0" title="Page courante"><span class="visually-hidden">Page courante</span>1</a></li>'
             '<li class="pager__item"><a href="?page=1" title="Aller à la page 2"><span class="visually-hidden">Page</span>2</a></li>'
             '<li class="pager__item pager__item--next"><a href="?page=1" title="Aller à la page suivante" rel="next">'
             '<span class="visually-hidden">Page suivante</span><span aria-hidden="true">››</span></a></li>' if page == 1 else
             '<li class="pager__item pager__item--previous"><a href="?page=0" title="Aller à la page précédente" rel="prev">'
             '<span class="visually-hidden">Page précédente</span><span aria-hidden="true">‹‹</span></a></li>')
    return f"""<!DOCTYPE html><html lang="fr" dir="ltr"><head><meta charset="utf-8" />
<title>Publications | Centre de ressources</title></head><body class="path-ressources">
<a href="#main-content" class="visually-hidden focusable skip-link">Aller au contenu principal</a>
<div class="dialog-off-canvas-main-canvas"><header role="banner"><nav role="navigation" aria-labelledby="block-main-menu">
<h2 class="visually-hidden" id="block-main-menu">Navigation principale</h2><ul class="menu"><li class="menu-item"><a href="/ressources">Ressources</a></li></ul></nav></header>
<main role="main"><a id="main-content" tabindex="-1"></a><h1 class="page-title">Publications</h1>
<div class="views-element-container"><div class="view view-publications view-display-id-page_1">
<div class="view-content">{"".join(node(*r) for r in rows[page])}</div>
<nav class="pager" role="navigation" aria-labelledby="pagination-heading"><h4 id="pagination-heading" class="visually-hidden">Pagination</h4>
<ul class="pager__items js-pager__items">{pager}</ul></nav></div></div></main></div></body></html>"""


def joomla(port, page):
    def item(number, slug, title, iso, shown, pdf):
        return (f'<div class="com-content-category-blog__item blog-item" itemprop="blogPost" itemscope itemtype="https://schema.org/BlogPosting">'
                f'<div class="item-content"><div class="page-header"><h2 itemprop="name">'
                f'<a href="/index.php/publications/{number}-{slug}" itemprop="url">{title}</a></h2></div>'
                f'<dl class="article-info text-muted"><dt class="article-info-term">Détails</dt><dd class="published">'
                f'<span class="icon-calendar icon-fw" aria-hidden="true"></span><time datetime="{iso}T09:00:00+00:00" itemprop="datePublished">'
                f'Publication : {shown}</time></dd></dl><p>Les actes de la rencontre.</p>'
                f'<p><a href="/images/documents/{pdf}">Télécharger les actes</a></p>'
                f'<p class="readmore"><a class="btn btn-secondary" href="/index.php/publications/{number}-{slug}" '
                f'aria-label="Lire la suite : {title}">Lire la suite…</a></p></div></div>')
    items = {1: [("12", "journee-lodeve", "Journée régionale des conseils citoyens à Lodève", "2019-11-06", "6 novembre 2019", "journee-lodeve.pdf"),
                 ("14", "dix-ans", "Une journée pour imaginer la politique de la ville dans 10 ans", "2020-11-03", "3 novembre 2020", "dix-ans.pdf")],
             2: [("17", "seminaire-fse", "Séminaire : mobiliser le FSE+ dans les quartiers", "2023-04-18", "18 avril 2023", "seminaire-fse.pdf")]}
    nav = ('<li class="active page-item"><a aria-current="true" aria-label="Page 1" href="#" class="page-link">1</a></li>'
           '<li class="page-item"><a aria-label="Aller à la page 2" href="/index.php/publications?start=2" class="page-link">2</a></li>'
           '<li class="page-item"><a aria-label="Aller à la page suivante" href="/index.php/publications?start=2" class="page-link">'
           '<span class="icon-angle-right" aria-hidden="true"></span></a></li>' if page == 1 else
           '<li class="page-item"><a aria-label="Aller à la page 1" href="/index.php/publications" class="page-link">1</a></li>')
    return f"""<!DOCTYPE html><html lang="fr-fr" dir="ltr"><head><meta charset="utf-8">
<title>Publications</title></head><body class="site com_content view-category layout-blog">
<header class="header container-header full-width"><div class="navbar-brand"><a class="brand-logo" href="/">Centre de ressources</a></div>
<nav class="navbar navbar-expand-md"><ul class="mod-menu mod-list nav "><li class="nav-item item-101"><a href="/index.php">Accueil</a></li>
<li class="nav-item item-102 current active"><a href="/index.php/publications" aria-current="page">Publications</a></li></ul></nav></header>
<main><div class="com-content-category-blog blog" itemscope itemtype="https://schema.org/Blog">
<div class="com-content-category-blog__items blog-items">{"".join(item(*i) for i in items[page])}</div>
<div class="com-content-category-blog__navigation w-100"><p class="com-content-category-blog__counter counter float-end pt-3 pe-2">Page {page} sur 2</p>
<div class="com-content-category-blog__pagination"><nav class="pagination__wrapper" aria-label="Pagination">
<ul class="pagination ms-0 mb-4">{nav}</ul></nav></div></div></div></main></body></html>"""


# Three more layouts taken from real themes, where the date does not follow the heading:
# a Drupal view of fields (no heading: the title is a link, the date after it — the row where
# the second entry took the first one's date), Typo3's news list (the date before the title),
# and a Bootstrap row (Drupal's Bootstrap theme, many agencies') with a calendar badge in a
# sibling column. ``MORE_PUBLICATIONS`` is what a harvest must find: host/path -> (title, date).
VIEWS, TYPO3, BADGE = "views.centre-test.fr", "typo3.centre-test.fr", "badge.centre-test.fr"
MORE_ROWS = {
    VIEWS: {1: [("rapport-annuel-2022", "Rapport d’activité 2022", "2023-03-14"), ("atlas-quartiers", "Atlas des quartiers prioritaires", "2022-11-30")],
            2: [("guide-gup", "Guide de la gestion urbaine de proximité", "2021-06-08")]},
    TYPO3: {1: [("rencontre-emploi", "Rencontre régionale : l’emploi des jeunes", "2023-02-02"), ("cahier-sante", "Cahier santé et quartiers", "2022-09-19")],
            2: [("vie-associative", "La vie associative dans les quartiers", "2020-01-27")]},
    BADGE: {1: [("webinaire-climat", "Webinaire : adaptation au climat dans les quartiers", "2024-05-21"), ("fiche-adultes-relais", "Fiche : les adultes-relais", "2023-12-04")],
            2: [("synthese-cites", "Synthèse : cités éducatives", "2022-04-12")]},
}
_MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]


def _shown(iso: str) -> str:
    return f"{int(iso[8:])} {_MOIS[int(iso[5:7]) - 1]} {iso[:4]}"


def views_fields(port, page):
    rows = MORE_ROWS[VIEWS][page]

    def row(n, slug, title, iso):
        parity = "odd" if n % 2 else "even"
        return (f'<div class="views-row views-row-{n} views-row-{parity}"><div class="views-field views-field-title">'
                f'<span class="field-content"><a href="/publications/{slug}" hreflang="fr">{title}</a></span></div>'
                f'<div class="views-field views-field-created"><span class="views-label">Date : </span><span class="field-content">'
                f'<time datetime="{iso}T12:00:00Z">{iso[8:]}/{iso[5:7]}/{iso[:4]}</time></span></div>'
                f'<div class="views-field views-field-field-document"><div class="field-content"><span class="file file--application-pdf">'
                f'<a href="/sites/default/files/{slug}.pdf" type="application/pdf">{slug}.pdf</a></span></div></div></div>')
    pager = ('<a href="?page=1" title="Aller à la page suivante" rel="next">Suivant ›</a>' if page == 1 else
             '<a href="?page=0" title="Aller à la page précédente" rel="prev">‹ Précédent</a>')
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Publications</title></head><body>
<div class="region region-content"><h1 class="page-header">Publications</h1><div class="view view-publications">
<div class="view-header"><p>Toutes les publications du centre.</p></div>
<div class="view-content">{"".join(row(n, *r) for n, r in enumerate(rows, start=1))}</div>
<nav class="pager" role="navigation"><ul class="pager__items"><li class="pager__item">{pager}</li></ul></nav></div></div></body></html>"""


def typo3_news(port, page):
    def item(slug, title, iso):
        return (f'<div class="article articletype-0" itemscope="itemscope" itemtype="http://schema.org/Article">'
                f'<div class="news-list-date"><time itemprop="datePublished" datetime="{iso}">{iso[8:]}.{iso[5:7]}.{iso[:4]}</time></div>'
                f'<div class="header"><h3><a title="{title}" href="/publications/detail/{slug}/"><span itemprop="headline">{title}</span></a></h3></div>'
                f'<div class="teaser-text"><div itemprop="description"><p>Les actes et la synthèse de la journée.</p></div>'
                f'<a class="more" title="{title}" href="/publications/detail/{slug}/">Lire la suite</a></div>'
                f'<div class="news-related-files"><ul><li><span class="news-related-files-link">'
                f'<a href="/fileadmin/user_upload/{slug}.pdf" target="_blank">{slug}.pdf</a></span></li></ul></div></div>')
    items = "".join(item(*r) for r in MORE_ROWS[TYPO3][page])
    nav = ('<li class="current">1</li><li><a href="/publications/?tx_news_pi1%5BcurrentPage%5D=2">2</a></li>'
           '<li class="next"><a href="/publications/?tx_news_pi1%5BcurrentPage%5D=2">Suivant</a></li>' if page == 1 else
           '<li><a href="/publications/">1</a></li><li class="current">2</li>')
    return f"""<!DOCTYPE html><html lang="fr-FR"><head><meta charset="utf-8"><title>Publications</title></head><body>
<div id="content"><h1>Nos publications</h1><div class="news"><div class="news-list-view" id="news-container-12">{items}
<div class="page-navigation"><p>Page {page} sur 2.</p><ul class="f3-widget-paginator">{nav}</ul></div></div></div></div></body></html>"""


def bootstrap_badge(port, page):
    def row(slug, title, iso):
        day, month, year = _shown(iso).split(" ")
        return (f'<div class="views-row"><div class="row"><div class="col-sm-2"><div class="date-badge">'
                f'<span class="day">{day}</span> <span class="month">{month}</span> <span class="year">{year}</span></div></div>'
                f'<div class="col-sm-10"><h3 class="title"><a href="/ressources/{slug}">{title}</a></h3>'
                f'<p>Retrouvez la présentation et les documents de la séance.</p>'
                f'<a class="btn btn-default" href="/sites/default/files/{slug}.pdf">Télécharger le document</a></div></div></div>')
    rows = "".join(row(*r) for r in MORE_ROWS[BADGE][page])
    nav = ('<li class="next"><a href="/ressources?page=1" title="Aller à la page suivante">suivant ›</a></li>' if page == 1 else
           '<li class="prev"><a href="/ressources" title="Aller à la page précédente">‹ précédent</a></li>')
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Ressources</title></head><body>
<div class="main-container container"><section class="col-sm-9"><h1 class="page-header">Ressources</h1>
<div class="view view-ressources"><div class="view-content">{rows}</div>
<div class="text-center"><ul class="pagination">{nav}</ul></div></div></section>
<aside class="col-sm-3"><h2 class="block-title">À la une</h2><p><time datetime="2019-01-01">1er janvier 2019</time></p>
<a href="https://www.anct.gouv.fr/agenda">Agenda</a></aside></div></body></html>"""


def more_listings(port) -> dict[str, bytes]:
    """host/path -> page, for the three layouts above."""
    return {f"{VIEWS}/publications": views_fields(port, 1).encode(), f"{VIEWS}/publications?page=0": views_fields(port, 1).encode(),
            f"{VIEWS}/publications?page=1": views_fields(port, 2).encode(),
            f"{TYPO3}/publications/": typo3_news(port, 1).encode(),
            f"{TYPO3}/publications/?tx_news_pi1%5BcurrentPage%5D=2": typo3_news(port, 2).encode(),
            f"{BADGE}/ressources": bootstrap_badge(port, 1).encode(), f"{BADGE}/ressources?page=1": bootstrap_badge(port, 2).encode()}


MORE_PUBLICATIONS = {
    **{f"{VIEWS}/{where}{slug}{suffix}": (title, iso) for page in MORE_ROWS[VIEWS].values() for slug, title, iso in page
       for where, suffix in (("publications/", ""), ("sites/default/files/", ".pdf"))},
    **{f"{TYPO3}/{where}{slug}{suffix}": (title, iso) for page in MORE_ROWS[TYPO3].values() for slug, title, iso in page
       for where, suffix in (("publications/detail/", "/"), ("fileadmin/user_upload/", ".pdf"))},
    **{f"{BADGE}/{where}{slug}{suffix}": (title, iso) for page in MORE_ROWS[BADGE].values() for slug, title, iso in page
       for where, suffix in (("ressources/", ""), ("sites/default/files/", ".pdf"))},
}
