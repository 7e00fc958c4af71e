"""Reporting flows as tests need them: the fixtures' folder and a writer of FlussoRiversamento XML."""

from pathlib import Path
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).parent / "fixtures"
MILANO = "01199250158"  # Comune di Milano's codice fiscale


def flow_xml(
    payments, *, total=None, count=None, receiver=MILANO, namespace=True, flow_id="2026-12-04ABCDITMMXXX-0001"
):
    """A FlussoRiversamento with ``payments``: (iuv, iur, amount text, outcome, date) tuples."""
    rows = "".join(
        "<datiSingoliPagamenti>"
        f"<identificativoUnivocoVersamento>{escape(iuv)}</identificativoUnivocoVersamento>"
        f"<identificativoUnivocoRiscossione>{escape(iur)}</identificativoUnivocoRiscossione>"
        f"<singoloImportoPagato>{amount}</singoloImportoPagato>"
        f"<codiceEsitoSingoloPagamento>{outcome}</codiceEsitoSingoloPagamento>"
        f"<dataEsitoSingoloPagamento>{day}</dataEsitoSingoloPagamento>"
        "</datiSingoliPagamenti>\n"
        for iuv, iur, amount, outcome, day in payments
    )
    if total is None:
        cents = sum(
            int(a.replace(".", "").replace("-", "")) * (-1 if a.startswith("-") else 1) for _, _, a, _, _ in payments
        )
        total = f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
    xmlns = ' xmlns="http://www.digitpa.gov.it/schemas/2011/Pagamenti/"' if namespace else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<FlussoRiversamento{xmlns}>\n'
        "<versioneOggetto>1.0</versioneOggetto>\n"
        f"<identificativoFlusso>{flow_id}</identificativoFlusso>\n"
        "<dataOraFlusso>2026-12-04T06:12:45</dataOraFlusso>\n"
        "<identificativoUnivocoRegolamento>TRN-0001</identificativoUnivocoRegolamento>\n"
        "<dataRegolamento>2026-12-04</dataRegolamento>\n"
        "<istitutoMittente><identificativoUnivocoMittente><tipoIdentificativoUnivoco>B</tipoIdentificativoUnivoco>"
        "<codiceIdentificativoUnivoco>ABCDITMMXXX</codiceIdentificativoUnivoco></identificativoUnivocoMittente>"
        "</istitutoMittente>\n"
        "<istitutoRicevente><identificativoUnivocoRicevente><tipoIdentificativoUnivoco>G</tipoIdentificativoUnivoco>"
        f"<codiceIdentificativoUnivoco>{receiver}</codiceIdentificativoUnivoco></identificativoUnivocoRicevente>"
        "</istitutoRicevente>\n"
        f"<numeroTotalePagamenti>{len(payments) if count is None else count}</numeroTotalePagamenti>\n"
        f"<importoTotalePagamenti>{total}</importoTotalePagamenti>\n"
        f"{rows}</FlussoRiversamento>\n"
    ).encode()
