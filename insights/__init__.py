"""What visitors look for and do not find: the questions Boussole declined or whose answer got a
thumbs-down, kept only when the centre turns it on (``BOUSSOLE_INSIGHTS=1``), stripped of
personal data before they are written (``scrub.py``), for a limited time (``store.py``), and
grouped into themes for staff (``themes.py``)."""
