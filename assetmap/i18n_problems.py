"""Dutch texts of the problems and errors that assetmap's readers and checks report.

The readers, checks and the CLI write every :class:`~assetmap.errors.Problem` and error in English
(the CLI stays English). The app shows them in the user's language: :func:`translate_problem`,
:func:`translate_text` and :func:`translate_error` look each English text up here.

:data:`DUTCH` maps the English *template* of a text (as written at its source, with ``{}`` where a
value goes in) to the Dutch template. A Dutch template may number its values (``{1} ... {0}``) when
the order changes, and may write ``{0!w}`` for a value that is itself an English word of assetmap
(see :data:`WORDS`), such as "the file". A text that matches no template is shown in English: a
translation that is missing never hides the problem. ``tests/test_problem_translation.py`` checks
that every text written at a source has a template here.
"""

from __future__ import annotations

import re
import string
from dataclasses import replace

from assetmap.errors import AssetmapError, InputError, Problem

#: English template -> Dutch template. Grouped by the module that writes the text.
DUTCH: dict[str, str] = {
    # ------------------------------------------------------------ layers/_validate.py
    "'{}' is not an allowed value": "'{}' is geen toegestane waarde",
    "use one of: {}": "gebruik een van: {}",
    "required column '{}' is missing": "verplichte kolom '{}' ontbreekt",
    "add a column '{}'": "voeg een kolom '{}' toe",
    "is empty": "is leeg",
    "fill in a {}": "vul een waarde in voor '{}'",
    "has no location": "heeft geen locatie",
    "give lat/lon, RD x/y or a buurt code": "vul lat/lon, RD x/y of een buurtcode in",
    "geometry type {} is not supported": "geometrietype {} wordt niet ondersteund",
    "geometry is invalid ({})": "de geometrie is ongeldig ({})",
    "redraw the shape so its edges do not cross (in QGIS: Fix geometries)":
        "teken de vorm opnieuw zodat de randen elkaar niet kruisen (in QGIS: Geometrieën repareren, "
        "Fix geometries)",
    "lies outside the Netherlands": "ligt buiten Nederland",
    "check the coordinates: lat is about 51-53 and lon about 3-7 in the Netherlands; were lat and lon swapped, "
    "or RD x/y given as lat/lon?":
        "controleer de coördinaten: in Nederland is lat ongeveer 51-53 en lon ongeveer 3-7; zijn lat en lon "
        "verwisseld, of is RD x/y als lat/lon ingevuld?",
    # ------------------------------------------------------------ layers/assets.py
    "column '{}' holds a special category of personal data":
        "kolom '{}' bevat een bijzondere categorie persoonsgegevens",
    "remove this column: assetmap stores no ethnicity, religion, health or similar data about people (the "
    "denomination of a place of worship belongs in its category or description)":
        "verwijder deze kolom: assetmap bewaart geen gegevens over afkomst, religie, gezondheid of iets "
        "vergelijkbaars van mensen (de geloofsrichting van een gebedshuis hoort in de categorie of de omschrijving)",
    "the asset table has no geometry with a coordinate system":
        "de assettabel heeft geen geometrie met een coördinatenstelsel",
    "give locations as lat/lon (EPSG:4326) or RD x/y (EPSG:28992)":
        "geef locaties als lat/lon (EPSG:4326) of RD x/y (EPSG:28992)",
    "id '{}' occurs more than once": "id '{}' komt meer dan één keer voor",
    "give every row its own id, or leave id empty for a new one":
        "geef elke rij een eigen id, of laat id leeg voor een nieuw id",
    "text is longer than {} characters": "de tekst is langer dan {} tekens",
    "shorten it": "maak de tekst korter",
    "'{}' is not a date": "'{}' is geen datum",
    "write a year (1985), a month (1985-06) or a day (1985-06-21 or 21-6-1985)":
        "schrijf een jaar (1985), een maand (1985-06) of een dag (1985-06-21 of 21-6-1985)",
    "'{}' is not yes or no": "'{}' is geen ja of nee",
    "write ja/nee or yes/no": "schrijf ja/nee of yes/no",
    # ------------------------------------------------------------ layers/boundaries.py
    "'{}' is not a CBS code": "'{}' is geen CBS-code",
    "use codes like GM0518, WK051800 or BU05180000": "gebruik codes zoals GM0518, WK051800 of BU05180000",
    "code {} occurs more than once": "code {} komt meer dan één keer voor",
    "keep one polygon per code (dissolve parts first)":
        "houd één polygoon per code over (voeg de delen eerst samen met 'dissolve')",
    # ------------------------------------------------------------ layers/links.py, imports.py
    "asset '{}' does not exist": "asset '{}' bestaat niet",
    "link existing assets only": "verbind alleen bestaande assets",
    "link to an existing asset id": "verwijs naar het id van een bestaande asset",
    "an asset cannot link to itself": "een asset kan niet met zichzelf verbonden worden",
    "choose another asset": "kies een andere asset",
    "give either an OSM file or a place name": "geef óf een OSM-bestand óf een plaatsnaam",
    "use --file PATH.osm.bz2 or --place 'Name'": "gebruik --file PAD.osm.bz2 of --place 'Naam'",
    "give a boundaries file or a gemeente code": "geef een grenzenbestand of een gemeentecode",
    "use --file PATH or --gemeente GM0518": "gebruik --file PAD of --gemeente GM0518",
    "the boundaries have no population": "de grenzen hebben geen inwonersaantallen",
    "coverage per buurt needs it: use a CBS wijk- en buurtkaart file with a population column (aantal_inwoners)":
        "het bereik per buurt heeft ze nodig: gebruik een bestand van de CBS wijk- en buurtkaart met een kolom "
        "inwoners (aantal_inwoners)",
    "the area file {} could not be read ({})": "het gebiedsbestand {} kan niet worden gelezen ({})",
    "give a GeoJSON polygon": "geef een GeoJSON-polygoon",
    "the area file {} holds no polygon": "het gebiedsbestand {} bevat geen polygoon",
    "give a GeoJSON with one polygon": "geef een GeoJSON met één polygoon",
    # ------------------------------------------------------------ sources/workshop.py
    "file {} does not exist": "bestand {} bestaat niet",
    "check the path": "controleer het pad",
    "{} is {} MB, more than the limit of {} MB": "{} is {} MB, meer dan de grens van {} MB",
    "split the file into smaller files": "splits het bestand in kleinere bestanden",
    "{} is empty": "{} is leeg",
    "fill in the template (data/workshop_template.csv)": "vul het sjabloon in (data/workshop_template.csv)",
    "{}: files of type '{}' are not supported": "{}: bestanden van het type '{}' worden niet ondersteund",
    "save the table as CSV, XLSX or GeoJSON": "sla de tabel op als CSV, XLSX of GeoJSON",
    "the table has {} rows, more than {}": "de tabel heeft {} rijen, meer dan {}",
    "split it into smaller files": "splits hem in kleinere bestanden",
    "add a column '{}' (or '{}')": "voeg een kolom '{}' toe (of '{}')",
    "add a column '{}' (or '{}'); columns not understood: {}":
        "voeg een kolom '{}' toe (of '{}'); deze kolommen worden niet herkend: {}",
    "the table has no rows": "de tabel heeft geen rijen",
    "add one row per asset below the header": "voeg onder de kopregel één rij per asset toe",
    "the file is not UTF-8; it was read as Windows-1252": "het bestand is geen UTF-8; het is gelezen als Windows-1252",
    "check accented letters (é, ë) in names; save as 'CSV UTF-8' next time":
        "controleer letters met accenten (é, ë) in namen; sla het bestand de volgende keer op als 'CSV UTF-8'",
    "the file contains binary data, not text": "het bestand bevat binaire gegevens, geen tekst",
    "save the table as CSV (UTF-8) or XLSX": "sla de tabel op als CSV (UTF-8) of XLSX",
    "the CSV cannot be read ({})": "de CSV kan niet worden gelezen ({})",
    "check that every row has as many separators as the header; quote texts that contain the separator":
        "controleer of elke rij evenveel scheidingstekens heeft als de kopregel; zet teksten met het "
        "scheidingsteken tussen aanhalingstekens",
    "the CSV has no header row": "de CSV heeft geen kopregel",
    "start from data/workshop_template.csv": "begin met het sjabloon data/workshop_template.csv",
    "the row has {} values but the header has {} columns":
        "de rij heeft {} waarden, maar de kopregel heeft {} kolommen",
    "remove the extra separator, or put quotes around a text that contains '{}'":
        "haal het extra scheidingsteken weg, of zet aanhalingstekens om een tekst met '{}' erin",
    "the rows have more values than the header has columns":
        "de rijen hebben meer waarden dan de kopregel kolommen heeft",
    "check that every row has as many separators as the header":
        "controleer of elke rij evenveel scheidingstekens heeft als de kopregel",
    "{} is not a valid Excel (.xlsx) file": "{} is geen geldig Excel-bestand (.xlsx)",
    "open it in Excel or LibreOffice and save it again as .xlsx":
        "open het in Excel of LibreOffice en sla het opnieuw op als .xlsx",
    "{} unpacks to {} MB, which is not a normal workshop table":
        "{} is uitgepakt {} MB groot; dat is geen gewone werksessietabel",
    "save only the table itself as a new .xlsx, or as CSV":
        "sla alleen de tabel zelf op als nieuw .xlsx-bestand, of als CSV",
    "{} could not be read as Excel ({})": "{} kan niet worden gelezen als Excel ({})",
    "the GeoJSON cannot be read ({})": "de GeoJSON kan niet worden gelezen ({})",
    "check that the file is complete and saved as UTF-8 GeoJSON":
        "controleer of het bestand compleet is en als UTF-8-GeoJSON is opgeslagen",
    "the GeoJSON is a {}, not a FeatureCollection": "de GeoJSON is een {0!w}, geen FeatureCollection",
    "export the layer as a GeoJSON FeatureCollection (one Feature per asset)":
        "exporteer de laag als GeoJSON-FeatureCollection (één Feature per asset)",
    "the geometry cannot be read ({})": "de geometrie kan niet worden gelezen ({})",
    "redraw this feature": "teken dit object opnieuw",
    "column '{}' is not used": "kolom '{}' wordt niet gebruikt",
    "rename it (see the template) if it matters":
        "geef de kolom een naam uit het sjabloon als de gegevens belangrijk zijn",
    "columns '{}' and '{}' both mean '{}'": "de kolommen '{}' en '{}' betekenen allebei '{}'",
    "keep one of them": "houd er één van over",
    "'{}' is not a number": "'{}' is geen getal",
    "write a number such as 52.0786": "schrijf een getal zoals 52.0786",
    "lat {} and lon {} look swapped": "lat {} en lon {} lijken verwisseld",
    "swap the lat and lon values": "verwissel de waarden van lat en lon",
    "lat/lon {}, {} look like RD x/y in metres": "lat/lon {}, {} lijken RD x/y in meters",
    "put RD coordinates in the columns x and y": "zet RD-coördinaten in de kolommen x en y",
    "lat {}, lon {} lies outside the Netherlands": "lat {}, lon {} ligt buiten Nederland",
    "check the coordinates (lat about 51-53, lon about 3-7)":
        "controleer de coördinaten (lat ongeveer 51-53, lon ongeveer 3-7)",
    "x/y {}, {} look like lon/lat degrees": "x/y {}, {} lijken lon/lat in graden",
    "put degrees in the columns lat and lon": "zet graden in de kolommen lat en lon",
    "RD x {}, y {} lies outside the Netherlands": "RD x {}, y {} ligt buiten Nederland",
    "check the coordinates (x 0-300000, y 300000-630000)": "controleer de coördinaten (x 0-300000, y 300000-630000)",
    "buurt {} is not in the workspace": "buurt {} staat niet in de werkruimte",
    "check the code (like BU05180000)": "controleer de buurtcode (zoals BU05180000)",
    "import the buurt boundaries first (assetmap import-boundaries), or give lat/lon":
        "importeer eerst de buurtgrenzen (op de startpagina of met assetmap import-boundaries), of vul lat/lon in",
    "only half a coordinate is given": "er is maar de helft van een coördinaat ingevuld",
    "fill in both lat and lon (or x and y)": "vul zowel lat als lon in (of x en y)",
    "lies outside the area of this workspace": "ligt buiten het gebied van deze werkruimte",
    "check the coordinates, or import the boundaries of that area first":
        "controleer de coördinaten, of importeer eerst de grenzen van dat gebied",
    # ------------------------------------------------------------ sources/cbs.py
    "{} is not a boundaries file": "{} is geen grenzenbestand",
    "give a file ending in {}": "geef een bestand dat eindigt op {}",
    "{} is larger than {} MB": "{} is groter dan {} MB",
    "keep only the gemeente you need (e.g. ogr2ogr -where \"gemeentecode='GM0518'\")":
        "houd alleen de gemeente over die je nodig hebt (bijv. ogr2ogr -where \"gemeentecode='GM0518'\")",
    "{} could not be read ({})": "{} kan niet worden gelezen ({})",
    "give a valid GeoJSON, GeoPackage or shapefile with CBS boundaries":
        "geef een geldig GeoJSON-, GeoPackage- of shapefile-bestand met CBS-grenzen",
    "PDOK could not be reached ({})": "PDOK is niet bereikbaar ({})",
    "check the internet connection, or import a local boundaries file with --file":
        "controleer de internetverbinding, of importeer een grenzenbestand vanaf deze computer (--file)",
    "{} holds no boundaries": "{} bevat geen grenzen",
    "check that you chose the right file": "controleer of je het goede bestand hebt gekozen",
    "{} has no CBS code column": "{} heeft geen kolom met CBS-codes",
    "the file needs a column such as buurtcode, wijkcode, statcode or code":
        "het bestand heeft een kolom nodig zoals buurtcode, wijkcode, statcode of code",
    "{} has no boundaries of {}": "{0!w} bevat geen grenzen van {1}",
    "check the gemeente code (Den Haag is GM0518, Delft GM0503, Almere GM0034)":
        "controleer de gemeentecode (Den Haag is GM0518, Delft GM0503, Almere GM0034)",
    "{} has no coordinate system and its coordinates are neither lon/lat nor RD New in the Netherlands":
        "{} heeft geen coördinatenstelsel, en de coördinaten zijn geen lon/lat en ook geen RD New in Nederland",
    "save the file with EPSG:4326 or EPSG:28992": "sla het bestand op met EPSG:4326 of EPSG:28992",
    "'{}' is not a gemeente code": "'{}' is geen gemeentecode",
    "write it like GM0518 (Den Haag) or GM0503 (Delft)": "schrijf de code als GM0518 (Den Haag) of GM0503 (Delft)",
    # ------------------------------------------------------------ sources/osm.py
    "{} lacks columns {}": "in {} ontbreken de kolommen {}",
    "restore the header of the mapping table": "herstel de kopregel van de koppeltabel",
    "{} could not be read as OSM XML ({})": "{} kan niet worden gelezen als OSM XML ({})",
    "export the area again as .osm or .osm.bz2 (e.g. with osmium or the OSM website)":
        "exporteer het gebied opnieuw als .osm of .osm.bz2 (bijv. met osmium of via de OSM-website)",
    "{} has no walkable streets or paths": "{} bevat geen straten of paden om over te lopen",
    "use an extract that contains the streets (highway=*) of the area":
        "gebruik een uitsnede met de straten (highway=*) van het gebied",
    "{} could not be read as OSM PBF ({})": "{} kan niet worden gelezen als OSM PBF ({})",
    "export the area again (e.g. with osmium extract)": "exporteer het gebied opnieuw (bijv. met osmium extract)",
    "OpenStreetMap could not be reached ({})": "OpenStreetMap is niet bereikbaar ({})",
    "check the internet connection, or import a local .osm or .osm.pbf file with --file":
        "controleer de internetverbinding, of importeer een .osm- of .osm.pbf-bestand vanaf deze computer (--file)",
    "'{}' was not found or holds no data ({})": "'{}' is niet gevonden of bevat geen gegevens ({})",
    "spell the place like 'Transvaal, Den Haag'": "schrijf de plaats als 'Transvaal, Den Haag'",
    "cut a smaller extract (one gemeente) with osmium extract":
        "maak een kleinere uitsnede (één gemeente) met osmium extract",
    "{} is not an OpenStreetMap PBF file": "{} is geen OpenStreetMap-PBF-bestand",
    "give an .osm.pbf, .osm or .osm.bz2 file exported from OpenStreetMap":
        "geef een .osm.pbf-, .osm- of .osm.bz2-bestand dat uit OpenStreetMap is geëxporteerd",
    "{} cannot be opened ({})": "{} kan niet worden geopend ({})",
    "give an .osm or .osm.bz2 file": "geef een .osm- of .osm.bz2-bestand",
    "{} is not an OpenStreetMap XML file": "{} is geen OpenStreetMap-XML-bestand",
    "give an .osm or .osm.bz2 file exported from OpenStreetMap":
        "geef een .osm- of .osm.bz2-bestand dat uit OpenStreetMap is geëxporteerd",
    # ------------------------------------------------------------ storage/geopackage.py
    "{} already exists": "{} bestaat al",
    "choose another file name, or open the existing workspace":
        "kies een andere bestandsnaam, of open de bestaande werkruimte",
    "{} does not end in .gpkg": "{} eindigt niet op .gpkg",
    "name the workspace file like buurt.gpkg": "geef het werkruimtebestand een naam zoals buurt.gpkg",
    "folder {} does not exist": "map {} bestaat niet",
    "create the folder first": "maak de map eerst aan",
    "workspace {} does not exist. Fix: create it with 'assetmap init {}'":
        "werkruimte {} bestaat niet. Los op: maak hem aan op de startpagina of met 'assetmap init {}'",
    "{} is not a GeoPackage. Fix: give an assetmap workspace (.gpkg)":
        "{} is geen GeoPackage. Los op: kies een assetmap-werkruimte (.gpkg)",
    "{} is a GeoPackage but not an assetmap workspace. Fix: create one with 'assetmap init'":
        "{} is wel een GeoPackage, maar geen assetmap-werkruimte. Los op: maak een werkruimte aan op de "
        "startpagina of met 'assetmap init'",
    "{} cannot be read as a workspace ({})": "{} kan niet worden gelezen als werkruimte ({})",
    "{} has workspace schema version {}, this assetmap knows up to {}. Fix: upgrade assetmap":
        "{} heeft werkruimteversie {}, deze assetmap kent versies tot en met {}. Los op: installeer een nieuwere "
        "assetmap",
    "the workspace has no table '{}'": "de werkruimte heeft geen tabel '{}'",
    "asset {} was never deleted": "asset {} is nooit verwijderd",
    "pick an asset from the history": "kies een asset uit de geschiedenis",
    "asset {} exists already": "asset {} bestaat al",
    "nothing to restore": "er valt niets terug te zetten",
    "asset {} does not exist": "asset {} bestaat niet",
    "refresh the list; someone may have removed it": "ververs de lijst; misschien heeft iemand hem verwijderd",
    "give your name or pseudonym first; only the person who added an entry may change it":
        "vul eerst je naam of tafel in; alleen wie iets heeft toegevoegd, mag het wijzigen",
    "asset {} was added by someone else; you can change only your own entries":
        "asset {} is door iemand anders toegevoegd; je kunt alleen je eigen invoer wijzigen",
    # ------------------------------------------------------------ export.py, analysis_cli.py
    "cannot export to '{}'": "exporteren naar '{}' kan niet",
    "name the output file with one of {}": "geef het bestand een van deze extensies: {}",
    "create it first": "maak de map eerst aan",
    "create it first or write the JSON elsewhere": "maak de map eerst aan, of sla de JSON ergens anders op",
    # ------------------------------------------------------------ coverage.py (errors and notes)
    "the workspace has no walking network": "de werkruimte heeft geen looproutenetwerk",
    "import OpenStreetMap data first: assetmap import-osm WORKSPACE --file F.osm.pbf":
        "importeer eerst OpenStreetMap-gegevens (op de startpagina of met assetmap import-osm WORKSPACE "
        "--file F.osm.pbf)",
    "the workspace has no CBS boundaries": "de werkruimte heeft geen CBS-grenzen",
    "import them first: assetmap import-boundaries WORKSPACE --file F --gemeente GM0518":
        "importeer ze eerst (op de startpagina of met assetmap import-boundaries WORKSPACE --file F "
        "--gemeente GM0518)",
    "the {} boundaries carry no population": "de {}grenzen hebben geen inwonersaantallen",
    "import CBS boundaries with the aantal_inwoners column (wijk- en buurtkaart)":
        "importeer CBS-grenzen met de kolom aantal_inwoners (wijk- en buurtkaart)",
    "walking speed {} km/h is not possible": "een loopsnelheid van {} km/u is niet mogelijk",
    "give a speed above 0, e.g. 4.5": "geef een snelheid boven 0, bijvoorbeeld 4,5",
    "{} minutes is not a walking time": "{} minuten is geen looptijd",
    "give a number of minutes above 0, e.g. 10": "geef een aantal minuten boven 0, bijvoorbeeld 10",
    "count {} is not a number of sites": "{} is geen geldig aantal locaties",
    "ask for 1 or more sites": "vraag om 1 of meer locaties",
    "{} residents live more than {} m from any walkable way in the workspace and count as unreachable":
        "{} bewoners wonen verder dan {} m van een looproute in de werkruimte en tellen als onbereikbaar",
    "the workspace has no meeting places: every resident counts as uncovered":
        "de werkruimte heeft geen ontmoetingsplekken: elke bewoner telt als buiten bereik",
    # ------------------------------------------------------------ ui.py
    "{} lies outside the Netherlands ({}, {})": "{} ligt buiten Nederland ({}, {})",
}

#: English words of assetmap that appear as a value in a text (``{0!w}`` in a Dutch template).
WORDS: dict[str, dict[str, str]] = {
    "nl": {"the file": "het bestand", "list": "lijst", "str": "tekst", "int": "getal", "float": "getal",
           "bool": "ja/nee-waarde", "NoneType": "lege waarde"},
}

#: A problem as one line, like :meth:`Problem.__str__` (which is the English form).
_ROW = {"nl": "rij {}", "en": "row {}"}
_COLUMN = {"nl": "kolom '{}'", "en": "column '{}'"}
_FIX = {"nl": " Los op: {}", "en": " Fix: {}"}
_MORE = {"nl": "... en nog {} problemen", "en": "... and {} more problems"}


def _pattern(template: str) -> re.Pattern:
    literal = template.split("{}")
    return re.compile("(.*?)".join(re.escape(part) for part in literal), re.DOTALL)


def _literal_length(template: str) -> int:
    return len(template.replace("{}", ""))


#: (compiled English template, English template), most specific (longest literal text) first.
_PATTERNS: list[tuple[re.Pattern, str]] = sorted(
    ((_pattern(english), english) for english in DUTCH), key=lambda p: -_literal_length(p[1]))


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        self.words = WORDS.get(lang, {})

    def convert_field(self, value, conversion):
        if conversion == "w":
            return self.words.get(value, value)
        return super().convert_field(value, conversion)


def _match(text: str) -> tuple[str, re.Match] | None:
    """The most specific English template that ``text`` was made from, with the values filled in."""
    for pattern, english in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return english, match
    return None


def template_of(text: str) -> str | None:
    """The English template that ``text`` was made from, or ``None`` when no template matches."""
    found = _match(text)
    return found[0] if found else None


def translate_text(text: str, lang: str) -> str:
    """``text`` (an English problem, fix, error or note) in ``lang``; the English text when there is no template."""
    if lang == "en" or not text:
        return text
    table = DUTCH if lang == "nl" else None
    if table is None:
        return text
    found = _match(text)
    if found is None:
        return text
    english, match = found
    try:
        return _Formatter(lang).format(table[english], *match.groups())
    except (IndexError, KeyError, ValueError):  # a broken template must not hide the problem
        return text


def translate_problem(problem: Problem, lang: str) -> Problem:
    """The problem with its message and fix in ``lang`` (row and column as they are)."""
    if lang == "en":
        return problem
    return replace(problem, message=translate_text(problem.message, lang), fix=translate_text(problem.fix, lang))


def problem_line(problem: Problem, lang: str) -> str:
    """One problem as one line in ``lang``: ``rij 3, kolom 'lat': ... Los op: ...``."""
    if lang == "en":
        return str(problem)
    problem = translate_problem(problem, lang)
    where = []
    if problem.row is not None:
        where.append(_ROW.get(lang, _ROW["en"]).format(problem.row))
    if problem.column:
        where.append(_COLUMN.get(lang, _COLUMN["en"]).format(problem.column))
    prefix = (", ".join(where) + ": ") if where else ""
    fix = _FIX.get(lang, _FIX["en"]).format(problem.fix) if problem.fix else ""
    return f"{prefix}{problem.message}.{fix}"


def translate_error(exc: BaseException, lang: str, limit: int = 50) -> str:
    """The text of an error in ``lang``: every problem of an :class:`InputError`, else the message."""
    if lang == "en" or not isinstance(exc, AssetmapError):
        return str(exc)
    if isinstance(exc, InputError):
        lines = [problem_line(p, lang) for p in exc.problems[:limit]]
        if len(exc.problems) > limit:
            lines.append(_MORE.get(lang, _MORE["en"]).format(len(exc.problems) - limit))
        return "\n".join(lines)
    return translate_text(str(exc), lang)
