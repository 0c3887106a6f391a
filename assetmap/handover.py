"""The handover bundle: what a successor needs to carry on in a buurt.

``assetmap handover WS --area CODE --out DIR`` writes into ``DIR``:

* ``overdracht.gpkg``, a GeoPackage that opens in QGIS, with the layers ``public_assets`` (the
  public map), ``open_initiatives`` (with what they seek and offer), ``links``, ``changes`` (what
  happened lately), ``contacts`` (the contacts their owners made visible) and ``boundaries``;
* ``kaart.html``, the public map (:func:`assetmap.maps.asset_map`);
* ``fotos/``, the approved photos of the public entries (``<id>.jpg``, as stored: no metadata), listed
  with entry, caption, credit, licence and checksum in the layer ``photos``;
* ``README.md`` and ``index.html``, a short overview in Dutch or English.

Everything comes from the privacy layer: the public view for entries and links (a link only when
both ends are public), :func:`assetmap.privacy.handover_contacts` for contacts (public entries with
consent, never a person's), and the changes of public entries only, without pseudonyms. No private
or group entry and no owner is in any file.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from assetmap import maps
from assetmap.changes import summarise_changes
from assetmap.errors import InputError
from assetmap.export import _for_ogr
from assetmap.files import PREFIX, check_folder
from assetmap.i18n import block_label, code_label, codes_label, t
from assetmap.layers.initiatives import is_archived
from assetmap.layers.schema import INITIATIVE
from assetmap.privacy import handover_contacts, mask_contact_details
from assetmap.service import Actor

__all__ = ["GEOPACKAGE", "BUNDLE_FILES", "CHANGES_DAYS", "INITIATIVE_COLUMNS", "PHOTO_FOLDER", "Handover",
           "write_handover"]

#: The GeoPackage of the bundle.
GEOPACKAGE = "overdracht.gpkg"
#: The bundle's folder of photo files.
PHOTO_FOLDER = "fotos"
#: Every file a bundle holds (and :data:`PHOTO_FOLDER` when it has photos): what ``--force`` may replace
#: in a folder that holds files already.
BUNDLE_FILES = (GEOPACKAGE, "kaart.html", "changes.json", "README.md", "index.html")
#: How far back the bundle's changes go, by default (days).
CHANGES_DAYS = 365
#: Columns of the open initiatives, as the successor reads them.
INITIATIVE_COLUMNS = ("id", "name", "status", "seeks", "offers", "tags", "description", "buurt_code", "wijk_code",
                      "created_at", "last_checked")


@dataclass
class Handover:
    """What :func:`write_handover` wrote.

    Parameters
    ----------
    folder : pathlib.Path
        The bundle's folder.
    assets : int
        Public entries in the bundle.
    open_initiatives : int
        Initiatives that have not stopped.
    links : int
        Links between public entries.
    changes : int
        Changes listed.
    contacts : int
        Contacts their owners made visible.
    photos : int
        Approved photos of the public entries.
    """

    folder: Path
    assets: int
    open_initiatives: int
    links: int
    changes: int
    contacts: int
    photos: int = 0


def write_handover(ws, out: str | os.PathLike, area: str | None = None, *, since: str | None = None,
                   lang: str = "nl", force: bool = False) -> Handover:
    """Write the handover bundle of an area (or of the whole workspace) into a folder.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The workspace, opened by a coordinator (the changes come from the history).
    out : path-like
        The folder to write: missing or empty; made when missing. With ``force`` a folder that
        holds files, whose files of the bundle's names are replaced (never a workspace, never in
        the folder of the workspace read; see :func:`assetmap.files.check_folder`).
    area : str, optional
        A buurt, wijk or gemeente code; default the whole workspace.
    since : str, optional
        First day of the changes listed; default :data:`CHANGES_DAYS` days ago.
    lang : {'nl', 'en'}
        Language of the README, the overview and the map.
    force : bool
        Write into a folder that holds files already.

    Returns
    -------
    Handover
        What was written.

    Raises
    ------
    InputError
        ``area`` is no boundary code of the workspace, the parent folder of ``out`` is missing, or
        ``out`` may not be written (:func:`assetmap.files.check_folder`).
    PermissionDenied
        The workspace's actor is not a coordinator.
    """
    folder = check_folder(out, force=force, workspace=ws.path, names=(*BUNDLE_FILES, PHOTO_FOLDER))
    boundaries = ws.boundaries()
    code = area.strip().upper() if area else None
    if code and not (boundaries["code"] == code).any():
        raise InputError("area_unknown", "fix_area_code", code=code)
    public = ws.assets(actor=Actor(None, "public"))
    public = _in_area(public, code)
    names = dict(zip(public["id"], public["name"].astype(object)))
    links = ws.links(actor=Actor(None, "public"))
    links = links[links["from_asset_id"].isin(names) & links["to_asset_id"].isin(names)] if len(links) else links
    link_table = pd.DataFrame({
        "from_asset_id": links["from_asset_id"].astype(object).to_numpy() if len(links) else [],
        "from_name": [names[i] for i in links["from_asset_id"]] if len(links) else [],
        "to_asset_id": links["to_asset_id"].astype(object).to_numpy() if len(links) else [],
        "to_name": [names[i] for i in links["to_asset_id"]] if len(links) else [],
        "kind": links["kind"].astype(object).to_numpy() if len(links) else [],
        "note": [mask_contact_details(n) if isinstance(n, str) else None for n in links["note"]] if len(links) else [],
        "created_at": links["created_at"].astype(object).to_numpy() if len(links) else [],
    })
    initiatives = public[(public["building_block"] == INITIATIVE).fillna(False).to_numpy()]
    still = [not is_archived(r) for r in initiatives[["status", "ended_at"]].to_dict("records")]
    initiatives = initiatives[still] if len(initiatives) else initiatives
    since = since or (datetime.now(timezone.utc) - timedelta(days=CHANGES_DAYS)).date().isoformat()
    summary = summarise_changes(ws.history(), since, area=code, assets=public, public_names=names)
    change_table = pd.DataFrame(summary["items"],
                                columns=["at", "kind", "action", "asset_id", "name", "building_block", "area",
                                         "linked_to", "linked_name"])
    contacts = handover_contacts(_in_area(ws.assets(), code))
    contacts = contacts[contacts["id"].isin(names)]
    shown_areas = boundaries if not code else boundaries[
        (boundaries["code"] == code) | boundaries["code"].isin(set(public["buurt_code"].dropna()))]

    folder.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=PREFIX + "handover-", dir=folder))
    try:
        gpkg = tmp / GEOPACKAGE
        pyogrio.write_dataframe(_for_ogr(public.drop(columns=["contact", "added_by", "owners"], errors="ignore")),
                                gpkg, layer="public_assets", driver="GPKG")
        pyogrio.write_dataframe(_for_ogr(gpd.GeoDataFrame(initiatives[list(INITIATIVE_COLUMNS) + ["geometry"]],
                                                          geometry="geometry", crs=public.crs)),
                                gpkg, layer="open_initiatives", driver="GPKG", append=True)
        pyogrio.write_dataframe(_for_ogr(shown_areas), gpkg, layer="boundaries", driver="GPKG", append=True)
        photos = _write_photos(ws, tmp, names)
        for layer, table in (("links", link_table), ("changes", change_table), ("contacts", contacts),
                             ("photos", photos)):
            pyogrio.write_dataframe(_plain(table), gpkg, layer=layer, driver="GPKG", append=True)
        shown_photos: dict[str, list[tuple[str, str]]] = {}
        for row in photos.itertuples():
            shown_photos.setdefault(row.asset_id, []).append((row.file, row.caption))
        fmap = maps.asset_map(public, shown_areas, links=links, lang=lang, photos=shown_photos)
        fmap.save(str(tmp / "kaart.html"))
        (tmp / "changes.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
        area_name = _area_name(boundaries, code)
        (tmp / "README.md").write_text(_readme(area_name, public, initiatives, link_table, summary, contacts, lang),
                                       encoding="utf-8")
        (tmp / "index.html").write_text(_overview(area_name, initiatives, link_table, summary, contacts, lang),
                                        encoding="utf-8")
        check_folder(folder, force=True, workspace=ws.path, names=(*BUNDLE_FILES, PHOTO_FOLDER))  # again, just before
        if (folder / PHOTO_FOLDER).is_dir():  # an earlier bundle's photos: replaced as a whole
            shutil.rmtree(folder / PHOTO_FOLDER)
        for item in tmp.iterdir():
            os.replace(item, folder / item.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Handover(folder, len(public), len(initiatives), len(link_table), len(summary["items"]), len(contacts),
                    len(photos))


def _write_photos(ws, folder: Path, names: dict) -> pd.DataFrame:
    """The approved photos of the bundle's public entries into ``folder/fotos``, and their table."""
    photos = ws.photos(actor=Actor(None, "public"))
    photos = photos[photos["asset_id"].isin(names).to_numpy()] if len(photos) else photos
    rows = []
    for photo in photos.itertuples():
        image = ws.photo_image(photo.id, actor=Actor(None, "public"))
        if image is None:
            continue
        (folder / PHOTO_FOLDER).mkdir(exist_ok=True)
        (folder / PHOTO_FOLDER / f"{photo.id}.jpg").write_bytes(image)
        rows.append({"id": photo.id, "asset_id": photo.asset_id, "name": names[photo.asset_id],
                     "caption": photo.caption, "credit": photo.credit, "licence": photo.licence,
                     "file": f"{PHOTO_FOLDER}/{photo.id}.jpg", "sha256": photo.sha256})
    return pd.DataFrame(rows, columns=["id", "asset_id", "name", "caption", "credit", "licence", "file", "sha256"])


def _in_area(frame: gpd.GeoDataFrame, code: str | None) -> gpd.GeoDataFrame:
    if not code or not len(frame):
        return frame
    inside = pd.Series(False, index=frame.index)
    for column in ("buurt_code", "wijk_code", "gemeente_code"):
        inside |= (frame[column] == code).fillna(False)
    return frame[inside.to_numpy()]


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """An attribute table as GDAL writes it: text as Python strings, missing as None."""
    table = table.reset_index(drop=True)
    return table.astype(object).where(table.notna(), None).astype(
        {c: "object" for c in table.columns}) if len(table.columns) else table


def _area_name(boundaries: gpd.GeoDataFrame, code: str | None) -> str:
    if not code:
        return ""
    found = boundaries[boundaries["code"] == code]
    return f"{found['name'].iloc[0]} ({code})" if len(found) and found["name"].iloc[0] else code


def _readme(area: str, public, initiatives, links, summary, contacts, lang: str) -> str:
    lines = [f"# {t('handover_title', lang)}{': ' + area if area else ''}", "",
             t("handover_intro", lang, gpkg=GEOPACKAGE), "",
             f"## {t('handover_initiatives', lang)} ({len(initiatives)})", ""]
    for row in initiatives.to_dict("records"):
        lines.append(f"- **{row['name']}** ({code_label('status', row.get('status'), lang) or '-'}): {t('seeks', lang)} "
                     f"{codes_label('seek', row.get('seeks'), lang) or '-'}; {t('offers', lang)} "
                     f"{codes_label('seek', row.get('offers'), lang) or '-'}")
    lines += ["", f"## {t('handover_links', lang)} ({len(links)})", ""]
    lines += [f"- {r['from_name']} – {r['to_name']} ({t('link_' + str(r['kind']), lang)})"
              for r in links.to_dict("records")]
    lines += ["", f"## {t('handover_changes', lang, since=summary['since'])}", ""]
    lines += [f"- {t('changes_' + kind, lang)}: {count}" for kind, count in summary["totals"].items()]
    lines += [f"- {i['at'][:10]} {t('changes_' + i['kind'], lang)}: {i['name']} "
              f"({block_label(i['building_block'], lang) if i['building_block'] else '-'})"
              for i in summary["items"][-50:]]
    lines += ["", f"## {t('handover_contacts', lang)} ({len(contacts)})", ""]
    lines += [f"- {r['name']}: {r['contact']}" for r in contacts.to_dict("records")]
    lines += ["", t("handover_entries", lang, count=len(public)), ""]
    return "\n".join(lines)


def _overview(area: str, initiatives, links, summary, contacts, lang: str) -> str:
    esc = html.escape
    title = esc(t("handover_title", lang) + (": " + area if area else ""))
    parts = [f"<!doctype html><html lang='{esc(lang)}'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{title}</title></head>"
             f"<body><main><h1>{title}</h1><p>{esc(t('handover_intro', lang, gpkg=GEOPACKAGE))}</p>"
             f"<p><a href='kaart.html'>{esc(t('handover_map', lang))}</a></p>",
             f"<h2>{esc(t('handover_initiatives', lang))} ({len(initiatives)})</h2><ul>"]
    parts += [f"<li><b>{esc(str(r['name']))}</b> ({esc(code_label('status', r.get('status'), lang) or '-')}): "
              f"{esc(t('seeks', lang))} {esc(codes_label('seek', r.get('seeks'), lang) or '-')}</li>"
              for r in initiatives.to_dict("records")]
    parts.append(f"</ul><h2>{esc(t('handover_links', lang))} ({len(links)})</h2><ul>")
    parts += [f"<li>{esc(str(r['from_name']))} – {esc(str(r['to_name']))}</li>" for r in links.to_dict("records")]
    parts.append(f"</ul><h2>{esc(t('handover_changes', lang, since=summary['since']))}</h2><ul>")
    parts += [f"<li>{esc(t('changes_' + kind, lang))}: {count}</li>" for kind, count in summary["totals"].items()]
    parts.append(f"</ul><h2>{esc(t('handover_contacts', lang))} ({len(contacts)})</h2><ul>")
    parts += [f"<li>{esc(str(r['name']))}: {esc(str(r['contact']))}</li>" for r in contacts.to_dict("records")]
    parts.append("</ul></main></body></html>")
    return "".join(parts)
