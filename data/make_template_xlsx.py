"""Regenerate data/workshop_template.xlsx from workshop_template.csv (run by hand after editing the CSV)."""

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
EXPLANATION = [
    ("LET OP", "De voorbeeldrijen liggen in Den Haag (Schilderswijk en Moerwijk). Vervang ze door de plekken van "
               "uw eigen buurt; in een andere werkruimte (zoals het voorbeeld van Delft) liggen ze buiten het "
               "gebied"),
    ("naam", "Naam van de plek, groep, persoon of het verhaal (verplicht)"),
    ("bouwsteen", "individuele capaciteiten, vereniging, instelling, hulpbron of verhaal (of 1-5), "
                  "of initiatief (6) (verplicht)"),
    ("categorie", "Vrij te kiezen, bijvoorbeeld buurthuis, moestuin, koken, herinnering"),
    ("omschrijving", "Korte toelichting of de tekst van het verhaal"),
    ("lat, lon", "Locatie in graden (WGS84), bijvoorbeeld 52,0702 en 4,2967 (Den Haag); Delft: 52,0010 en 4,3710"),
    ("x, y", "Of: locatie in RD-coördinaten (meters), bijvoorbeeld 80350 en 453950"),
    ("buurtcode", "Of: alleen de buurt (zoals BU05183620); de plek komt midden in de buurt"),
    ("ontmoetingsplek", "ja of nee: is dit een laagdrempelige plek waar bewoners elkaar ontmoeten?"),
    ("openingstijden", "Bijvoorbeeld Mo-Fr 09:00-17:00"),
    ("rolstoeltoegankelijk", "ja, beperkt of nee"),
    ("gratis", "ja of nee: gratis toegang?"),
    ("beheerder", "Wie de plek beheert"),
    ("zichtbaarheid", "openbaar, groep of privé. Talenten van personen staan standaard op groep"),
    ("toestemming", "ja als de betrokkene toestemming gaf om dit te delen"),
    ("toegevoegd_door", "Een schuilnaam of tafelnummer, geen echte naam"),
    ("status", "Alleen voor een initiatief of vereniging: idee, gestart, loopt, overgedragen of gestopt"),
    ("zoekt", "Alleen voor een initiatief of vereniging: ruimte, vrijwilligers, geld, opvolger of iets anders "
              "(met ; ertussen). Nooit de hulpvraag van een persoon"),
    ("biedt", "Wat het kan geven: ruimte, vrijwilligers, geld of iets anders (met ; ertussen)"),
    ("tags", "Vrije trefwoorden, zoals koken; muziek; groen"),
    ("eigenaren", "Schuilnamen van wie het initiatief trekken (met ; ertussen)"),
]


def main() -> None:
    table = pd.read_csv(HERE / "workshop_template.csv", dtype=str, keep_default_na=False)
    with pd.ExcelWriter(HERE / "workshop_template.xlsx", engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="assets", index=False)
        pd.DataFrame(EXPLANATION, columns=["kolom", "uitleg"]).to_excel(writer, sheet_name="uitleg", index=False)


if __name__ == "__main__":
    main()
