"""Write the DOCX agreement templates (cities4csr/documents/docx/<instrument>.docx) with python-docx.

Run: .venv/bin/python scripts/build_agreement_templates.py — then commit the .docx files and, if
the wording changed, bump TEMPLATE_VERSION in cities4csr/documents/rendering.py. The files are
reproducible (fixed core properties and zip dates), so an unchanged run leaves git clean.
"""

import datetime
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402

from cities4csr.documents.rendering import DOCX_DIR, DRAFTABLE, TEMPLATE_VERSION, normalize_zip  # noqa: E402

IT = {
    "title": "BOZZA – {{ instrument_name }}",
    "between": "Tra {{ city_name }} (il Comune) e {{ giver_name }}{% if giver_ids %} ({{ giver_ids }}){% endif %}"
    "{% if partners %}, insieme a {{ partners }}{% endif %} (il soggetto contribuente).",
    "premise": "Premesso che il Comune ha pubblicato il bisogno «{{ need_title }}»: {{ need_description }}",
    "object": "Art. 1 – Oggetto",
    "contributions": "Art. 2 – Contributi e loro valorizzazione (al costo per il contribuente)",
    "total": "Valore complessivo: {{ total }}",
    "returns": "Art. 3 – Che cosa riceve il contribuente",
    "no_returns": "Nessun corrispettivo: il contribuente non riceve alcuna prestazione in cambio.",
    "duration": "Art. 4 – Durata: {{ duration }}",
    "obligations": "Art. 5 – Obblighi e passaggi",
    "legal": "Art. 6 – Riferimenti normativi",
    "approver": "Art. 7 – Approvazione: {{ approver }}",
    "footer": "Bozza generata da Cities4CSR il {{ advised_on }} · regole {{ jurisdiction }} {{ pack_version }} · "
    "modello {{ template_version }} · non è un parere legale: da verificare con l'ufficio legale.",
    "sign": "Per il Comune ____________________        Per il contribuente ____________________",
}
FR = {
    "title": "PROJET – {{ instrument_name }}",
    "between": "Entre {{ city_name }} (la Ville) et {{ giver_name }}{% if giver_ids %} ({{ giver_ids }}){% endif %}"
    "{% if partners %}, avec {{ partners }}{% endif %} (le mécène).",
    "premise": "Considérant que la Ville a publié le besoin « {{ need_title }} » : {{ need_description }}",
    "object": "Article 1 – Objet",
    "contributions": "Article 2 – Apports et leur valorisation (au coût pour le mécène)",
    "total": "Valeur totale : {{ total }}",
    "returns": "Article 3 – Contreparties",
    "no_returns": "Aucune contrepartie.",
    "duration": "Article 4 – Durée : {{ duration }}",
    "obligations": "Article 5 – Obligations et étapes",
    "legal": "Article 6 – Références juridiques",
    "approver": "Article 7 – Acceptation : {{ approver }}",
    "footer": "Projet généré par Cities4CSR le {{ advised_on }} · règles {{ jurisdiction }} {{ pack_version }} · "
    "modèle {{ template_version }} · ceci n'est pas un avis juridique : à vérifier par le service juridique.",
    "sign": "Pour la Ville ____________________        Pour le mécène ____________________",
}
OBJECT = {
    "sponsorship": "Il contribuente, in qualità di sponsor, sostiene l'iniziativa; il Comune gli riconosce il ritorno "
    "d'immagine descritto nel piano di visibilità (art. 3).",
    "technical_sponsorship": "Lo sponsor esegue direttamente i lavori o le forniture descritti, con le qualificazioni "
    "richieste; il Comune gli riconosce il ritorno d'immagine del piano di visibilità (art. 3).",
    "donation": "Il contribuente dona, per spirito di liberalità e senza corrispettivo, quanto indicato all'art. 2.",
    "art_bonus_donation": "Il contribuente effettua un'erogazione liberale in denaro per il bene culturale pubblico "
    "indicato (Art Bonus); il Comune pubblica importo e utilizzo sul portale nazionale.",
    "social_bonus_donation": "Il contribuente effettua un'erogazione in denaro all'ente del Terzo settore per il "
    "progetto di recupero depositato presso il Ministero (Social Bonus).",
    "loan_for_use": "Il comodante consegna gratuitamente i beni indicati, che il comodatario custodisce, usa con "
    "diligenza e restituisce alla scadenza (artt. 1803-1812 c.c.).",
    "concession": "Il Comune concede l'uso del bene indicato alle condizioni del disciplinare, contro canone o obblighi.",
    "collaboration_agreement": "Il contribuente fornisce gratuitamente i servizi aggiuntivi indicati per migliorare "
    "il servizio comunale, senza corrispettivo.",
    "coproduction_agreement": "Le parti realizzano insieme l'iniziativa, condividendo compiti, costi ed eventuali "
    "ricavi come indicato.",
    "partnership_agreement": "Le parti condividono gli obiettivi del programma; ciascuna vi contribuisce con risorse "
    "proprie, regolate da strumenti specifici.",
    "ppp_concession": "L'operatore realizza e gestisce l'opera o il servizio, remunerato dai ricavi della gestione "
    "e assumendo il rischio operativo.",
    "collaboration_pact": "Le parti collaborano alla cura del bene comune indicato, senza alcun pagamento per le "
    "attività svolte.",
    "third_sector_codesign": "Le parti co-progettano e realizzano il servizio indicato; sono rimborsate solo le spese "
    "documentate.",
    "fund_donation": "Il contribuente dona al fondo dedicato quanto indicato all'art. 2, senza corrispettivo.",
    "mecenat": "Le mécène apporte son soutien, sans contrepartie ou avec des contreparties nettement "
    "disproportionnées, à l'activité d'intérêt général décrite.",
}


def build(instrument: str) -> bytes:
    words = FR if instrument == "mecenat" else IT
    document = Document()
    props = document.core_properties
    props.author = "Cities4CSR"
    props.title = f"{instrument} {TEMPLATE_VERSION}"
    props.created = props.modified = datetime.datetime(2000, 1, 1)
    props.last_modified_by = "Cities4CSR"
    props.revision = 1
    document.add_heading(words["title"], level=1)
    document.add_paragraph(words["between"])
    document.add_paragraph(words["premise"])
    document.add_heading(words["object"], level=2)
    document.add_paragraph(OBJECT[instrument])
    document.add_paragraph("{{ explanation }}")
    document.add_heading(words["contributions"], level=2)
    document.add_paragraph("{%p for c in contributions %}")
    document.add_paragraph("{{ c.label }}: {{ c.quantity }} – {{ c.value }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph(words["total"])
    document.add_heading(words["returns"], level=2)
    document.add_paragraph("{%p if returns %}")
    document.add_paragraph("{%p for r in returns %}")
    document.add_paragraph(
        "{{ r.kind }}: {{ r.description }}{% if r.value %} ({{ r.value }}){% endif %}", style="List Bullet"
    )
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p else %}")
    document.add_paragraph(words["no_returns"])
    document.add_paragraph("{%p endif %}")
    document.add_heading(words["duration"], level=2)
    document.add_heading(words["obligations"], level=2)
    document.add_paragraph("{%p for s in steps %}")
    document.add_paragraph("{{ s.label }}{% if s.due_on %} – {{ s.due_on }}{% endif %}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_heading(words["legal"], level=2)
    document.add_paragraph("{%p for ref in legal_basis %}")
    document.add_paragraph("{{ ref }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_heading(words["approver"], level=2)
    document.add_paragraph(words["sign"])
    document.add_paragraph(words["footer"])
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_zip(buffer.getvalue())


def main():
    DOCX_DIR.mkdir(exist_ok=True)
    for instrument in DRAFTABLE:
        (DOCX_DIR / f"{instrument}.docx").write_bytes(build(instrument))
    print(f"wrote {len(DRAFTABLE)} templates to {DOCX_DIR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
