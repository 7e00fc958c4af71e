"""The real geography of Milan and Nantes, as loaded by the demo."""

import pytest
from django_scopes import scope

from cities4csr.cities.models import Area
from cities4csr.cities.selectors import areas_locate

# The 88 NIL of the PGT Milano 2030 (Comune di Milano, ds964), as the official list names them.
OFFICIAL_NIL = [
    "DUOMO",
    "BRERA",
    "GIARDINI P.TA VENEZIA",
    "GUASTALLA",
    "PORTA VIGENTINA - PORTA LODOVICA",
    "PORTA TICINESE - CONCA DEL NAVIGLIO",
    "MAGENTA - S. VITTORE",
    "PARCO SEMPIONE",
    "PORTA GARIBALDI - PORTA NUOVA",
    "STAZIONE CENTRALE - PONTE SEVESO",
    "ISOLA",
    "MACIACHINI - MAGGIOLINA",
    "GRECO - SEGNANO",
    "NIGUARDA - CA' GRANDA - PRATO CENTENARO - Q.RE FULVIO TESTI",
    "BICOCCA",
    "GORLA - PRECOTTO",
    "ADRIANO",
    "CIMIANO - ROTTOLE - Q.RE FELTRE",
    "PADOVA - TURRO - CRESCENZAGO",
    "LORETO - CASORETTO - NOLO",
    "BUENOS AIRES - PORTA VENEZIA - PORTA MONFORTE",
    "CITTA' STUDI",
    "LAMBRATE - ORTICA",
    "PARCO FORLANINI - CAVRIANO",
    "CORSICA",
    "XXII MARZO",
    "PTA ROMANA",
    "UMBRIA - MOLISE - CALVAIRATE",
    "ORTOMERCATO",
    "TALIEDO - MORSENCHIO - Q.RE FORLANINI",
    "MONLUE' - PONTE LAMBRO",
    "TRIULZO SUPERIORE",
    "ROGOREDO - SANTA GIULIA",
    "CHIARAVALLE",
    "LODI - CORVETTO",
    "SCALO ROMANA",
    "MORIVIONE",
    "VIGENTINO - Q.RE FATIMA",
    "QUINTOSOLE",
    "RONCHETTO DELLE RANE",
    "GRATOSOGLIO - Q.RE MISSAGLIA - Q.RE TERRAZZE",
    "STADERA - CHIESA ROSSA - Q.RE TORRETTA - CONCA FALLATA",
    "TIBALDI",
    "PORTA TICINESE - CONCHETTA",
    "MONCUCCO - SAN CRISTOFORO",
    "BARONA",
    "CANTALUPA",
    "RONCHETTO SUL NAVIGLIO - Q.RE LODOVICO IL MORO",
    "GIAMBELLINO",
    "PORTA GENOVA",
    "PORTA MAGENTA",
    "BANDE NERE",
    "LORENTEGGIO",
    "MUGGIANO",
    "BAGGIO - Q.RE DEGLI OLMI - Q.RE VALSESIA",
    "FORZE ARMATE",
    "SAN SIRO",
    "DE ANGELI - MONTE ROSA",
    "TRE TORRI",
    "STADIO - IPPODROMI",
    "QUARTO CAGNINO",
    "QUINTO ROMANO",
    "FIGINO",
    "TRENNO",
    "Q.RE GALLARATESE - Q.RE SAN LEONARDO - LAMPUGNANO",
    "QT 8",
    "PORTELLO",
    "PAGANO",
    "SARPI",
    "GHISOLFA",
    "VILLAPIZZONE - CAGNOLA - BOLDINASCO",
    "MAGGIORE - MUSOCCO - CERTOSA",
    "CASCINA MERLATA",
    "ROSERIO",
    "STEPHENSON",
    "QUARTO OGGIARO - VIALBA - MUSOCCO",
    "BOVISA",
    "FARINI",
    "DERGANO",
    "AFFORI",
    "BOVISASCA",
    "COMASINA",
    "BRUZZANO",
    "PARCO NORD",
    "PARCO DELLE ABBAZIE",
    "PARCO DEI NAVIGLI",
    "ASSIANO",
    "PARCO BOSCO IN CITTA'",
]


@pytest.mark.django_db
def test_milan_has_the_88_official_nil_each_inside_a_municipio(in_milano):
    nils = list(Area.objects.filter(kind="nil").select_related("parent"))
    assert len(OFFICIAL_NIL) == 88
    assert {(int(a.code), a.name) for a in nils} == {(i, name) for i, name in enumerate(OFFICIAL_NIL, start=1)}
    assert Area.objects.filter(kind="municipio").count() == 9
    assert all(a.parent is not None and a.parent.kind == "municipio" for a in nils)


@pytest.mark.django_db
def test_piazzale_corvetto_is_in_lodi_corvetto_and_municipio_4(in_milano):
    found = areas_locate(city=in_milano, lon=9.2235, lat=45.4403)
    assert [(a.kind, a.code, a.name) for a in found] == [
        ("municipio", "4", "Municipio 4"),
        ("nil", "35", "LODI - CORVETTO"),
    ]


@pytest.mark.django_db
def test_a_point_outside_the_city_is_in_no_area(in_milano):
    assert areas_locate(city=in_milano, lon=9.7, lat=45.7) == []  # Bergamo


@pytest.mark.django_db
def test_nantes_has_communes_and_quartiers(nantes):
    with scope(city=nantes.pk):
        assert Area.objects.filter(kind="commune").count() == 24
        quartiers = Area.objects.filter(kind="quartier").select_related("parent")
        assert quartiers.count() == 44  # 45 in the source, one without geometry
        nord = quartiers.get(name="Nantes Nord (Nantes)")
        assert nord.parent.name == "Nantes"
        found = areas_locate(city=nantes, lon=-1.5536, lat=47.2173)  # Place du Commerce
        assert [a.name for a in found] == ["Nantes", "Centre Ville (Nantes)"]
