"""The one clause source of every agreement draft (docs/adr/0015-drafts-clause-source.md).

``draft_document(inputs)`` turns the input snapshot of ``services.draft_inputs`` into a
``Document``: a title, the "draft" mark and an ordered list of ``Clause`` (a stable key, a
heading, paragraphs, bullet items). ``rendering`` writes that one list as DOCX (python-docx) and
as PDF (WeasyPrint): neither format has wording of its own, so both hold the same clauses in the
same order. Pure Python: no Django.

What a clause cannot know (an IBAN, the court, an insurance ceiling) is left as ``BLANK`` ("[…]")
for the legal office; nothing is invented. Procedure steps (notices, checks, publications) stay
in the agreement's checklist and are not written as obligations.

Sources checked for the legal content (December 2026):
- Sponsorship: art. 43 L. 449/1997 (public interest, no conflict of interest, savings); art. 119
  D.Lgs. 267/2000 (TUEL); art. 134 c.4 D.Lgs. 36/2023 (notice of at least 30 days above €40,000).
- VAT on sponsorship: Agenzia delle Entrate, risoluzione 88/E of 11 July 2005 — sponsorship is
  commercial advertising, "in every case commercial" even when a public body renders it (art. 4
  c.5 lett. i DPR 633/1972): the city invoices it with VAT. Technical sponsorship is an exchange
  of supplies (operazione permutativa, art. 11 DPR 633/1972): each party invoices its supply at
  normal value (art. 13 c.2 lett. d, art. 14 DPR 633/1972).
- Registration: art. 5 c.2 DPR 131/1986 — a private deed whose provisions all concern operations
  subject to VAT is registered only in case of use. Stamp duty: DPR 642/1972.
- Loan for use: artt. 1803–1812 c.c. (free by definition; recall artt. 1809–1810).
- Donation: art. 769 c.c.; form, artt. 782–783 c.c. (public deed question for large cash gifts:
  Cass. SS.UU. 18725/2017, left to the legal office).
- Art Bonus: art. 1 DL 83/2014 (L. 106/2014); works on a protected asset: art. 21 D.Lgs. 42/2004.
- Social Bonus: art. 81 D.Lgs. 117/2017, operative with DM Lavoro 23 February 2022 n. 89.
- Co-design: art. 55 D.Lgs. 117/2017, DM Lavoro 72/2021. PPP: D.Lgs. 36/2023 Book IV, arts. 174 ff.
- Integrity: L. 190/2012; DPR 62/2013 (code of conduct, art. 2 c.3); art. 53 c.16-ter D.Lgs.
  165/2001; art. 6-bis L. 241/1990. Data protection: Reg. (UE) 2016/679 artt. 13 and 28.
- Mécénat: loi n° 2003-709 du 1er août 2003; art. 238 bis CGI (60 %; 40 % above €2M since loi
  2019-1479); no direct counterpart (BOI-BIC-RICI-20-30-10-20; arrêté du 6 janvier 1989);
  acceptance of gifts, CGCT L2242-1 (delegable, L2122-22 9°; R.M. Sénat n° 04378 of 30 March 2023
  treats unconditioned mécénat as a gift); receipt Cerfa 11580.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .formatting import BLANK

#: the pack's references the premises already cite in their own words
_IT_CITED = re.compile(r"^regolamento comunale", re.IGNORECASE)
_FR_CITED = re.compile(r"2003-709|238 bis|L2242-1", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    key: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    numbered: bool = True


@dataclass(frozen=True)
class Document:
    language: str
    title: str
    mark: str
    clauses: tuple[Clause, ...]
    footer: str
    signatures: tuple[str, ...] = field(default=())

    def headings(self) -> list[str]:
        """The headings as written, numbered ("Art. 3 – Durata")."""
        return [heading for heading, _clause in self.numbered()]

    def numbered(self) -> list[tuple[str, Clause]]:
        out, n = [], 0
        word = "Art." if self.language == "it" else "Article"
        for clause in self.clauses:
            if clause.numbered:
                n += 1
                out.append((f"{word} {n} – {clause.heading}", clause))
            else:
                out.append((clause.heading, clause))
        return out


#: the clauses every draft has, in this order (instrument clauses come after "value")
COMMON_KEYS = (
    "parties",
    "premises",
    "object",
    "giver_obligations",
    "city_obligations",
    "duration",
    "value",
    "withdrawal",
    "liability",
    "data_protection",
    "integrity",
    "jurisdiction",
    "stamp_duty",
    "signatures",
)

# --- Italian ---------------------------------------------------------------------------------

#: a role's forms: (subject, Subject, "of", "to")
ROLES_IT = {
    "sponsor": ("lo Sponsor", "Lo Sponsor", "dello Sponsor", "allo Sponsor"),
    "donor": ("il Donante", "Il Donante", "del Donante", "al Donante"),
    "lender": ("il Comodante", "Il Comodante", "del Comodante", "al Comodante"),
    "concessionaire": ("il Concessionario", "Il Concessionario", "del Concessionario", "al Concessionario"),
    "partner": ("il Partner", "Il Partner", "del Partner", "al Partner"),
    "operator": ("l'Operatore", "L'Operatore", "dell'Operatore", "all'Operatore"),
    "proposer": ("il Proponente", "Il Proponente", "del Proponente", "al Proponente"),
    "ets": ("l'Ente", "L'Ente", "dell'Ente", "all'Ente"),
    "city": ("il Comune", "Il Comune", "del Comune", "al Comune"),
    "recipient": ("l'Ente beneficiario", "L'Ente beneficiario", "dell'Ente beneficiario", "all'Ente beneficiario"),
}

IT_CONTRACT_DATA = (
    "{G1} tratta i dati personali dei referenti {C2} e {C0} quelli dei referenti {G2} come titolari autonomi, "
    "per la sola esecuzione del presente atto e nel rispetto del Regolamento (UE) 2016/679 e del D.Lgs. "
    "196/2003; ciascuna parte fornisce agli interessati l'informativa di cui all'art. 13 del Regolamento."
)
IT_ART28 = (
    "Qualora, nell'esecuzione, {G0} tratti dati personali per conto {C2} (ad esempio dati di utenti o "
    "partecipanti alle attività), le parti stipulano prima dell'avvio l'atto di nomina a responsabile del "
    "trattamento di cui all'art. 28 del Regolamento (UE) 2016/679, che ne disciplina oggetto, durata, natura, "
    "finalità, categorie di dati e di interessati e le misure di sicurezza: {blank}."
)

# Instruments: title, role of the giver, of the other party, object, obligations, value/tax text,
# extra clauses. Texts use {G0..G3} (giver role), {C0..C3} (city/recipient role), {blank}.
IT: dict[str, dict] = {
    "sponsorship": {
        "title": "Contratto di sponsorizzazione",
        "giver": "sponsor",
        "object": (
            "Il presente contratto ha per oggetto la sponsorizzazione dell'iniziativa «{need_title}»: {G0} "
            "sostiene l'iniziativa con le prestazioni indicate all'articolo sul valore e {C0} gli riconosce, "
            "in cambio, il ritorno d'immagine descritto tra i suoi obblighi (art. 43 L. 449/1997; art. 119 "
            "D.Lgs. 267/2000; art. 134 D.Lgs. 36/2023).",
        ),
        "giver_obligations": (
            "versare il corrispettivo della sponsorizzazione nei termini dell'articolo sul valore;",
            "fornire {C3} il proprio marchio e logo in formato vettoriale, con le regole d'uso grafico;",
            "non usare il nome e lo stemma {C2} se non nei modi concordati per iscritto;",
            "astenersi da messaggi pubblicitari in contrasto con le finalità istituzionali {C2}.",
        ),
        "city_returns": True,
        "value": (
            "La sponsorizzazione è un'operazione commerciale soggetta a IVA anche se resa da un ente pubblico "
            "(art. 4 c.5 lett. i D.P.R. 633/1972; Agenzia delle Entrate, ris. 88/E dell'11 luglio 2005): {C0} "
            "emette fattura elettronica {G3} per il corrispettivo, maggiorato dell'IVA all'aliquota ordinaria.",
        ),
        "payment": True,
        "extra": ("logo_licence", "refusal"),
    },
    "technical_sponsorship": {
        "title": "Contratto di sponsorizzazione tecnica",
        "giver": "sponsor",
        "object": (
            "Il presente contratto ha per oggetto la sponsorizzazione tecnica dell'iniziativa «{need_title}»: "
            "{G0} esegue direttamente, a propria cura e spese, i lavori, i servizi o le forniture indicati "
            "all'articolo sul valore e {C0} gli riconosce il ritorno d'immagine descritto tra i suoi obblighi "
            "(art. 43 L. 449/1997; art. 119 D.Lgs. 267/2000; art. 134 D.Lgs. 36/2023).",
        ),
        "giver_obligations": (
            "eseguire le prestazioni a regola d'arte, secondo il progetto o il capitolato concordato: {blank};",
            "eseguirle con imprese in possesso delle qualificazioni richieste per la loro natura e il loro "
            "importo, e nel rispetto delle norme di sicurezza sul lavoro (D.Lgs. 81/2008);",
            "consegnare le opere o le forniture con la documentazione e le certificazioni di legge, per la "
            "verifica di regolare esecuzione {C2};",
            "fornire {C3} il proprio marchio e logo in formato vettoriale, con le regole d'uso grafico.",
        ),
        "city_returns": True,
        "value": (
            "La sponsorizzazione tecnica è una permuta di prestazioni (art. 11 D.P.R. 633/1972; Agenzia delle "
            "Entrate, ris. 88/E dell'11 luglio 2005): {G0} fattura {C3} il valore normale delle prestazioni "
            "eseguite e {C0} fattura {G3} il valore normale del ritorno d'immagine, ciascuno con l'IVA dovuta "
            "(artt. 13 c.2 lett. d e 14 D.P.R. 633/1972). Le fatture si compensano per l'imponibile; l'IVA è "
            "versata da ciascuna parte secondo le regole proprie.",
        ),
        "payment": False,
        "extra": ("logo_licence", "refusal"),
    },
    "donation": {
        "title": "Atto di erogazione liberale",
        "giver": "donor",
        "object": (
            "{G1} dona {C3}, per spirito di liberalità e senza alcun corrispettivo (art. 769 c.c.), quanto "
            "indicato all'articolo sul valore, da destinare all'iniziativa «{need_title}».",
        ),
        "giver_obligations": (
            "trasferire quanto donato nei tempi e modi dell'articolo sul valore;",
            "non chiedere né ricevere alcuna prestazione in cambio.",
        ),
        "city_obligations": (
            "destinare quanto ricevuto all'iniziativa indicata nell'oggetto;",
            "rilasciare ricevuta dell'erogazione e, se {G0} lo consente, ringraziarlo pubblicamente senza "
            "alcuna forma di pubblicità commerciale.",
        ),
        "value": (
            "L'erogazione liberale non è corrispettivo di alcuna prestazione: {C0} non emette fattura. "
            "Forma: l'atto pubblico è necessario salvo per beni mobili di modico valore consegnati (artt. 782 "
            "e 783 c.c.); per le somme di denaro rilevanti la forma va verificata dall'ufficio legale "
            "(Cass. SS.UU. 18725/2017): {blank}.",
        ),
        "payment": True,
        "extra": (),
    },
    "art_bonus_donation": {
        "title": "Atto di erogazione liberale Art Bonus",
        "giver": "donor",
        "object": (
            "{G1} effettua un'erogazione liberale in denaro a favore del bene culturale pubblico indicato "
            "nell'iniziativa «{need_title}», per interventi di manutenzione, protezione e restauro, ai sensi "
            "dell'art. 1 D.L. 83/2014 (Art Bonus).",
        ),
        "giver_obligations": (
            "versare l'erogazione in denaro, con mezzi tracciabili, nei termini dell'articolo sul valore.",
        ),
        "city_obligations": (
            "destinare l'erogazione agli interventi sul bene indicato;",
            "ringraziare pubblicamente {G0}, se lo consente, senza alcuna forma di pubblicità commerciale.",
        ),
        "value": (
            "L'erogazione liberale non è corrispettivo di alcuna prestazione: {C0} non emette fattura e "
            "rilascia ricevuta. Il credito d'imposta spetta a {G0} nei limiti dell'art. 1 D.L. 83/2014.",
        ),
        "payment": True,
        "extra": ("art_bonus",),
    },
    "social_bonus_donation": {
        "title": "Atto di erogazione liberale Social Bonus",
        "giver": "donor",
        "city": "recipient",
        "object": (
            "{G1} effettua un'erogazione liberale in denaro {C3}, per il progetto di recupero dell'immobile "
            "pubblico assegnato a quest'ultimo e depositato presso il Ministero del lavoro e delle politiche "
            "sociali, ai sensi dell'art. 81 D.Lgs. 117/2017 (Social Bonus), nell'ambito dell'iniziativa "
            "«{need_title}».",
        ),
        "giver_obligations": (
            "versare l'erogazione in denaro, con mezzi tracciabili, nei termini dell'articolo sul valore.",
        ),
        "city_obligations": (
            "destinare l'erogazione al progetto di recupero indicato;",
            "rendicontarne l'uso come previsto dal D.M. Lavoro 23 febbraio 2022 n. 89.",
        ),
        "value": (
            "L'erogazione liberale non è corrispettivo di alcuna prestazione: {C0} non emette fattura e "
            "rilascia ricevuta. Il credito d'imposta spetta a {G0} nei limiti dell'art. 81 D.Lgs. 117/2017.",
        ),
        "payment": True,
        "extra": ("social_bonus",),
    },
    "loan_for_use": {
        "title": "Contratto di comodato d'uso gratuito",
        "giver": "lender",
        "object": (
            "{G1} consegna {C3}, che li riceve in comodato gratuito, i beni indicati all'articolo sul valore, "
            "per l'uso connesso all'iniziativa «{need_title}» (artt. 1803–1812 c.c.).",
        ),
        "giver_obligations": (
            "consegnare i beni in buono stato, con il verbale di consistenza e di stato sottoscritto dalle parti;",
            "avvertire {C3} dei vizi dei beni che conosce (art. 1812 c.c.).",
        ),
        "city_obligations": (
            "custodire e conservare i beni con la diligenza del buon padre di famiglia e usarli solo per l'uso "
            "convenuto, senza concederli a terzi (art. 1804 c.c.);",
            "sostenere le spese ordinarie d'uso (art. 1808 c.c.);",
            "restituire i beni alla scadenza, nello stato in cui li ha ricevuti salvo il normale deperimento.",
        ),
        "value": (
            "Il comodato è essenzialmente gratuito (art. 1803 c.c.): nessun corrispettivo è dovuto e nessuna "
            "fattura è emessa. Il valore dei beni è indicato solo ai fini della custodia e dell'assicurazione.",
        ),
        "payment": False,
        "extra": ("return_of_goods",),
    },
    "concession": {
        "title": "Atto di concessione d'uso",
        "giver": "concessionaire",
        "object": (
            "{C1} concede {G3} l'uso del bene indicato nell'iniziativa «{need_title}», per le attività e "
            "alle condizioni del disciplinare allegato: {blank}.",
        ),
        "giver_obligations": (
            "usare il bene solo per le attività concesse, garantendone l'apertura al pubblico nei modi del disciplinare;",
            "eseguire la manutenzione ordinaria e restituire il bene alla scadenza nello stato in cui l'ha ricevuto;",
            "versare il canone o adempiere agli obblighi sostitutivi indicati all'articolo sul valore.",
        ),
        "city_obligations": ("consegnare il bene con il verbale di consistenza e vigilare sull'uso concesso.",),
        "value": (
            "Canone annuo o obblighi sostitutivi, con la stima del valore d'uso del bene e la motivazione "
            "dell'eventuale riduzione per interesse pubblico: {blank}. Il trattamento IVA del canone dipende "
            "dalla natura del bene e va verificato: {blank}.",
        ),
        "payment": True,
        "extra": ("fee_guarantee",),
    },
    "collaboration_agreement": {
        "title": "Accordo di collaborazione",
        "giver": "partner",
        "object": (
            "{G1} fornisce gratuitamente {C3} i servizi aggiuntivi, il know-how o la consulenza indicati "
            "all'articolo sul valore, per migliorare la qualità dei servizi comunali nell'ambito "
            "dell'iniziativa «{need_title}» (art. 43 L. 449/1997; art. 119 D.Lgs. 267/2000).",
        ),
        "giver_obligations": (
            "svolgere le attività indicate con personale qualificato, sotto la propria responsabilità;",
            "coordinarsi con il referente {C2} e non sostituirsi alle sue funzioni.",
        ),
        "city_obligations": (
            "indicare un referente e mettere a disposizione le informazioni necessarie alle attività.",
        ),
        "value": (
            "Le prestazioni sono rese a titolo gratuito: nessun corrispettivo è dovuto dal Comune e nessuna "
            "fattura è emessa tra le parti. Il valore indicato serve solo a rendicontare il contributo.",
        ),
        "payment": False,
        "extra": (),
    },
    "coproduction_agreement": {
        "title": "Accordo di coproduzione",
        "giver": "partner",
        "object": (
            "Le parti realizzano insieme l'iniziativa «{need_title}», ciascuna con i compiti e i costi "
            "indicati; la base giuridica (art. 119 D.Lgs. 267/2000 e autonomia contrattuale) va confermata "
            "dall'ufficio legale: {blank}.",
        ),
        "giver_obligations": (
            "svolgere i compiti e sostenere i costi a proprio carico indicati all'articolo sul valore.",
        ),
        "city_obligations": ("svolgere i compiti e sostenere i costi a proprio carico: {blank}.",),
        "value": (
            "Ripartizione dei costi e degli eventuali ricavi tra le parti: {blank}. Se una parte riceve un "
            "ritorno d'immagine contrattuale, la relativa quota è una sponsorizzazione soggetta a IVA.",
        ),
        "payment": False,
        "extra": ("sharing",),
    },
    "partnership_agreement": {
        "title": "Accordo di partenariato",
        "giver": "partner",
        "object": (
            "Le parti condividono gli obiettivi del programma «{need_title}» e vi contribuiscono ciascuna con "
            "risorse proprie; le prestazioni vincolanti sono regolate da atti specifici per ciascun contributo.",
        ),
        "giver_obligations": (
            "contribuire con le risorse indicate all'articolo sul valore e partecipare al comitato di coordinamento.",
        ),
        "city_obligations": ("coordinare il programma e convocare il comitato di coordinamento.",),
        "value": (
            "Il presente accordo non prevede corrispettivi tra le parti. Il valore indicato è quello dei "
            "contributi annunciati, regolati dagli atti specifici.",
        ),
        "payment": False,
        "extra": ("governance",),
    },
    "ppp_concession": {
        "title": "Contratto di partenariato pubblico-privato (concessione)",
        "giver": "operator",
        "object": (
            "{G1} realizza e gestisce l'opera o il servizio dell'iniziativa «{need_title}», remunerato dai "
            "ricavi della gestione e assumendo il rischio operativo (D.Lgs. 36/2023, Libro IV, artt. 174 ss.).",
        ),
        "giver_obligations": (
            "realizzare l'opera secondo il progetto approvato e gestirla secondo gli standard di servizio del contratto;",
            "mantenere l'equilibrio del piano economico-finanziario e trasmettere i dati di gestione.",
        ),
        "city_obligations": (
            "vigilare sull'esecuzione e sulla gestione e corrispondere gli eventuali contributi pattuiti.",
        ),
        "value": ("Valore della concessione, contributo pubblico, tariffe e piano economico-finanziario: {blank}.",),
        "payment": True,
        "extra": ("risk",),
    },
    "collaboration_pact": {
        "title": "Patto di collaborazione",
        "giver": "proposer",
        "object": (
            "Le parti collaborano alla cura del bene comune indicato nell'iniziativa «{need_title}», secondo il "
            "regolamento comunale sulla collaborazione tra cittadini e amministrazione per i beni comuni.",
        ),
        "giver_obligations": (
            "svolgere le attività di cura concordate, senza alcun compenso;",
            "rispettare le indicazioni di sicurezza e comunicare ogni criticità al referente {C2}.",
        ),
        "city_obligations": ("fornire i materiali, la formazione e le coperture previste dal regolamento: {blank}.",),
        "value": (
            "Le attività sono svolte a titolo gratuito: nessun pagamento è dovuto per esse e nessuna fattura è "
            "emessa. Il valore indicato serve solo a rendicontare il contributo.",
        ),
        "payment": False,
        "extra": ("commons",),
    },
    "third_sector_codesign": {
        "title": "Convenzione di co-progettazione",
        "giver": "ets",
        "object": (
            "Le parti co-progettano e realizzano il servizio dell'iniziativa «{need_title}» ai sensi dell'art. 55 "
            "D.Lgs. 117/2017 e delle linee guida del D.M. Lavoro 72/2021.",
        ),
        "giver_obligations": (
            "realizzare le attività del progetto definitivo condiviso;",
            "rendicontare le spese sostenute con documenti giustificativi.",
        ),
        "city_obligations": ("mettere a disposizione le risorse pubbliche indicate nel progetto: {blank}.",),
        "value": (
            "All'Ente sono rimborsate solo le spese effettivamente sostenute e documentate, senza margine; "
            "il rimborso non è corrispettivo di una prestazione.",
        ),
        "payment": True,
        "extra": ("reporting",),
    },
    "fund_donation": {
        "title": "Atto di erogazione liberale al fondo",
        "giver": "donor",
        "object": (
            "{G1} dona al fondo dedicato gestito {C2}, per spirito di liberalità e senza corrispettivo, quanto "
            "indicato all'articolo sul valore, per l'iniziativa «{need_title}».",
        ),
        "giver_obligations": ("versare quanto donato sul conto del fondo, con mezzi tracciabili.",),
        "city_obligations": (
            "destinare quanto ricevuto alle finalità del fondo e pubblicarne il rendiconto;",
            "rilasciare ricevuta dell'erogazione.",
        ),
        "value": ("L'erogazione liberale non è corrispettivo di alcuna prestazione: nessuna fattura è emessa.",),
        "payment": True,
        "extra": ("fund",),
    },
}

IT_EXTRA = {
    "logo_licence": (
        "Licenza d'uso del marchio",
        (
            "{G1} concede {C3} una licenza non esclusiva, gratuita e limitata alla durata del contratto per "
            "l'uso del proprio marchio e logo, solo per il ritorno d'immagine previsto. {G1} garantisce di "
            "esserne titolare e tiene indenne {C0} da ogni pretesa di terzi.",
            "{C1} autorizza {G3} a citare la sponsorizzazione, con la dicitura concordata, senza usare lo stemma "
            "{C2} in forma che suggerisca un'approvazione dei prodotti {G2}.",
        ),
    ),
    "refusal": (
        "Diritto di rifiuto dei messaggi",
        (
            "{C1} può rifiutare in ogni momento messaggi, immagini o forme di visibilità che ritenga lesivi della "
            "propria immagine o in contrasto con le proprie finalità, o che riguardino propaganda politica, "
            "sindacale o religiosa, tabacco, alcolici, armi, gioco d'azzardo, materiale pornografico, o i settori "
            "esclusi dal regolamento comunale. Il rifiuto non dà diritto ad alcun indennizzo.",
        ),
    ),
    "art_bonus": (
        "Pubblicazione Art Bonus e tutela del bene",
        (
            "{C1} pubblica l'importo ricevuto e la sua destinazione sul portale nazionale Art Bonus, come "
            "previsto dall'art. 1 D.L. 83/2014.",
            "Gli interventi su un bene culturale tutelato sono eseguiti previa autorizzazione della "
            "Soprintendenza competente (art. 21 D.Lgs. 42/2004).",
        ),
    ),
    "social_bonus": (
        "Progetto Social Bonus",
        (
            "{C1} dichiara di aver depositato il progetto di recupero presso il Ministero del lavoro e delle "
            "politiche sociali secondo la procedura del D.M. 23 febbraio 2022 n. 89, con gli estremi: {blank}.",
            "Il Comune, proprietario dell'immobile, non è parte del presente atto: {blank}.",
        ),
    ),
    "return_of_goods": (
        "Restituzione dei beni",
        (
            "{C1} restituisce i beni alla scadenza. {G1} può chiederne la restituzione immediata in caso di "
            "bisogno urgente e imprevisto (art. 1809 c.c.); se il termine non è fissato, in ogni momento "
            "(art. 1810 c.c.).",
        ),
    ),
    "fee_guarantee": (
        "Canone e garanzie",
        (
            "A garanzia degli obblighi, {G0} presta cauzione o fideiussione per l'importo di {blank}. "
            "{C1} può revocare la concessione per sopravvenuti motivi di interesse pubblico (art. 21-quinquies "
            "L. 241/1990).",
        ),
    ),
    "sharing": (
        "Ripartizione di compiti, costi e ricavi",
        ("Compiti, costi e ricavi di ciascuna parte, e il loro rendiconto finale: {blank}.",),
    ),
    "governance": (
        "Comitato di coordinamento",
        ("Un comitato con un rappresentante per parte coordina il programma e ne verifica i risultati: {blank}.",),
    ),
    "risk": (
        "Allocazione dei rischi e piano economico-finanziario",
        (
            "La matrice dei rischi e il piano economico-finanziario allegati definiscono il rischio operativo a "
            "carico {G2} e le cause di riequilibrio: {blank}.",
        ),
    ),
    "commons": (
        "Cura del bene comune",
        (
            "Le attività di cura, la loro frequenza e le forme di riconoscimento pubblico {G2}, senza pubblicità "
            "commerciale, sono descritte nel piano allegato: {blank}.",
        ),
    ),
    "reporting": (
        "Rendicontazione",
        ("{G1} presenta il rendiconto delle spese con i giustificativi entro {blank} dalla fine di ciascuna fase.",),
    ),
    "fund": (
        "Fondo dedicato",
        ("Estremi del fondo (conto del bilancio comunale o fondo presso una fondazione) e sue regole: {blank}.",),
    ),
}


def _bare(role: str) -> str:
    """ "Lo Sponsor" → "Sponsor", "L'Ente" → "Ente": the defined name of a party."""
    for article in ("Il ", "Lo ", "La ", "L'"):
        if role.startswith(article):
            return role[len(article) :]
    return role


def _it(inputs: dict) -> Document:
    spec = IT[inputs["instrument"]]
    g = ROLES_IT[spec["giver"]]
    c = ROLES_IT[spec.get("city", "city")]
    words = {f"G{i}": g[i] for i in range(4)} | {f"C{i}": c[i] for i in range(4)}
    words |= {"blank": BLANK, "need_title": inputs["need_title"] or BLANK}

    def say(text: str) -> str:
        return text.format(**words)

    city, giver = inputs["city"], inputs["giver"]
    parties = (
        f"{city['name']}, con sede in {city['seat']}, C.F. {city['tax_code']}, rappresentato da "
        f"{city['signatory']}, che agisce in forza di {city['signatory_act']} (di seguito «{_bare(c[1])}»)",
        "e",
        f"{giver['name']}, con sede legale in {giver['seat']}, C.F. {giver['tax_code']}, P.IVA {giver['vat']}, "
        f"rappresentata da {giver['signatory']}, che agisce in forza di {giver['signatory_act']} "
        f"(di seguito «{_bare(g[1])}»)",
    )
    if inputs["partners"]:
        parties += (f"con la partecipazione di: {inputs['partners']}.",)
    acts = inputs["acts"]
    premises = [
        f"visto il regolamento comunale {acts['regulation']['ref']} del {acts['regulation']['on']};",
        *(f"visto {ref};" for ref in inputs["legal_basis"] if not _IT_CITED.search(ref)),
        f"il Comune ha pubblicato il bisogno «{inputs['need_title']}»: {inputs['need_description']};",
    ]
    if acts["notice"]["required"] or acts["notice"]["on"] != BLANK:
        premises.append(
            f"l'avviso pubblico {acts['notice']['ref']} è stato pubblicato sul sito istituzionale dal "
            f"{acts['notice']['on']} al {acts['notice']['until']};"
        )
    premises.append(
        f"con determinazione dirigenziale {acts['decision']['ref']} del {acts['decision']['on']} è stato "
        "approvato lo schema del presente atto;"
    )
    premises.append("tutto ciò premesso, le parti convengono e stipulano quanto segue.")

    contributions = tuple(f"{x['label']}: {x['quantity']} – {x['value']}" for x in inputs["contributions"])
    value_paras = [f"Valore complessivo: {inputs['total']}.", *map(say, spec["value"])]
    if spec.get("payment"):
        days = inputs["payment_days"]
        when = f"entro {days} giorni" if days not in (None, "") else f"entro {BLANK} giorni"
        value_paras.append(
            f"Pagamento: {when} dal ricevimento della fattura o, se non è emessa fattura, dalla sottoscrizione, "
            f"mediante bonifico sul conto di tesoreria indicato (IBAN {BLANK})."
        )
    if spec.get("city_returns"):
        returns = tuple(
            f"{r['kind']}: {r['description']}" + (f" (valore stimato {r['value']})" if r["value"] else "")
            for r in inputs["returns"]
        ) or (f"ritorno d'immagine: {BLANK}",)
        city_obligations = (
            "assicurare {G3} il ritorno d'immagine seguente, per la durata del contratto:",
            *returns,
        )
        city_obligations = tuple(map(say, city_obligations))
    else:
        city_obligations = tuple(map(say, spec["city_obligations"]))
    duration = inputs["duration"]
    if duration["starts_on"] != BLANK or duration["ends_on"] != BLANK:
        duration_text = f"Il presente atto ha efficacia dal {duration['starts_on']} al {duration['ends_on']}."
    elif duration["months"]:
        duration_text = f"Il presente atto dura {duration['months']} mesi dalla sottoscrizione, dal {BLANK} al {BLANK}."
    else:
        duration_text = f"Il presente atto ha efficacia dalla sottoscrizione fino al {BLANK}."
    court = f"Per ogni controversia è competente in via esclusiva il Foro di {city['court']}."
    if inputs["instrument"] in ("concession", "ppp_concession"):
        court += (
            " Sono fatte salve le materie di giurisdizione esclusiva del giudice amministrativo (art. 133 "
            "D.Lgs. 104/2010)."
        )
    if inputs["instrument"] in ("sponsorship", "technical_sponsorship"):
        stamp = (
            "Il presente contratto è redatto in forma di scrittura privata ed è soggetto a imposta di bollo "
            f"(D.P.R. 642/1972) a carico {g[2]}; riguardando operazioni soggette a IVA, è registrato solo in caso "
            "d'uso (art. 5 c.2 D.P.R. 131/1986), a spese della parte che lo richiede."
        )
    elif inputs["instrument"] == "loan_for_use":
        stamp = (
            "Imposta di bollo (D.P.R. 642/1972) a carico di " + BLANK + ". Il comodato di beni immobili redatto "
            "per iscritto è soggetto a registrazione in termine fisso (D.P.R. 131/1986); quello di beni mobili "
            "solo in caso d'uso: " + BLANK + "."
        )
    else:
        stamp = (
            f"Imposta di bollo (D.P.R. 642/1972) ed eventuale registrazione (D.P.R. 131/1986), con le esenzioni "
            f"applicabili: {BLANK}, a carico di {BLANK}."
        )
    clauses = [
        Clause("parties", "Tra", parties, numbered=False),
        Clause("premises", "Premesso che", tuple(premises), numbered=False),
        Clause("object", "Oggetto", tuple(map(say, spec["object"]))),
        Clause(
            "giver_obligations",
            say("Obblighi {G2}"),
            (say("{G1} si obbliga a:"),),
            tuple(map(say, spec["giver_obligations"])),
        ),
        Clause("city_obligations", say("Obblighi {C2}"), (say("{C1} si obbliga a:"),), city_obligations),
        Clause("duration", "Durata", (duration_text,)),
        Clause("value", "Valore, pagamento, IVA e fatturazione", tuple(value_paras), contributions),
        *(Clause(key, IT_EXTRA[key][0], tuple(map(say, IT_EXTRA[key][1]))) for key in spec["extra"]),
        Clause(
            "withdrawal",
            "Recesso e risoluzione",
            (
                say(
                    "{C1} può recedere in ogni momento per sopravvenuti motivi di interesse pubblico, con preavviso "
                    "scritto di {blank} giorni, rimborsando le sole spese già sostenute e documentate."
                ),
                say(
                    "Il presente atto si risolve di diritto (art. 1456 c.c.) se {G0} non adempie agli obblighi essenziali "
                    "entro quindici giorni dalla diffida scritta, se vengono meno i requisiti dichiarati o se è "
                    "violata la clausola su conflitto di interessi e prevenzione della corruzione."
                ),
            ),
        ),
        Clause(
            "liability",
            "Responsabilità e assicurazione",
            (
                say(
                    "{G1} risponde dei danni a persone o cose causati nell'esecuzione delle proprie attività e tiene "
                    "indenne {C0} da ogni pretesa di terzi."
                ),
                f"Polizza di responsabilità civile verso terzi, con massimale di {BLANK}, da esibire prima "
                "dell'avvio delle attività.",
            ),
        ),
        Clause("data_protection", "Protezione dei dati personali", (say(IT_CONTRACT_DATA), say(IT_ART28))),
        Clause(
            "integrity",
            "Conflitto di interessi e prevenzione della corruzione",
            (
                say(
                    "{G1} dichiara che non sussistono conflitti di interesse tra l'attività pubblica {C2} e la "
                    "propria attività privata (art. 43 L. 449/1997) e di non avere rapporti di parentela o di "
                    "affari con i dipendenti {C2} che hanno curato l'istruttoria (art. 6-bis L. 241/1990)."
                ),
                say(
                    "{G1} dichiara di non aver conferito incarichi né concluso contratti con ex dipendenti {C2} che "
                    "negli ultimi tre anni abbiano esercitato poteri autoritativi o negoziali nei suoi confronti "
                    "(art. 53 c.16-ter D.Lgs. 165/2001), e si impegna a rispettare il codice di comportamento dei "
                    "dipendenti pubblici (D.P.R. 62/2013, art. 2 c.3), il codice {C2} e il piano di prevenzione "
                    "della corruzione (L. 190/2012), e l'eventuale patto di integrità: {blank}."
                ),
            ),
        ),
        Clause("jurisdiction", "Foro competente", (court,)),
        Clause("stamp_duty", "Imposta di bollo e registrazione", (stamp,)),
        Clause(
            "signatures",
            "Sottoscrizione",
            (
                "Letto, approvato e sottoscritto con firma digitale (D.Lgs. 82/2005).",
                say(
                    "Ai sensi degli artt. 1341 e 1342 c.c., {G0} approva specificamente le clausole su recesso e "
                    "risoluzione, responsabilità e foro competente."
                ),
            ),
        ),
    ]
    return Document(
        language="it",
        title=spec["title"],
        mark="BOZZA – da verificare a cura dell'ufficio legale prima di ogni uso",
        clauses=tuple(clauses),
        footer=(
            f"Bozza generata da Cities4CSR il {inputs['advised_on']} · regole {inputs['jurisdiction']} "
            f"{inputs['pack_version']} · modello {inputs['template_version']} · non è un parere legale."
        ),
        signatures=(f"Per {city['name']}: {city['signatory']}", f"Per {giver['name']}: {giver['signatory']}"),
    )


# --- French ----------------------------------------------------------------------------------


def _fr(inputs: dict) -> Document:
    city, giver = inputs["city"], inputs["giver"]
    acts = inputs["acts"]
    duration = inputs["duration"]
    if duration["starts_on"] != BLANK or duration["ends_on"] != BLANK:
        duration_text = (
            f"La présente convention prend effet le {duration['starts_on']} et s'achève le {duration['ends_on']}."
        )
    else:
        duration_text = f"La présente convention prend effet à sa signature et s'achève le {BLANK}."
    days = inputs["payment_days"]
    when = f"dans un délai de {days} jours" if days not in (None, "") else f"dans un délai de {BLANK} jours"
    returns = tuple(
        f"{r['kind']} : {r['description']}" + (f" (valeur estimée {r['value']})" if r["value"] else "")
        for r in inputs["returns"]
    ) or ("aucune contrepartie.",)
    clauses = [
        Clause(
            "parties",
            "Entre",
            (
                f"{city['name']}, dont le siège est {city['seat']}, SIREN {city['siren']}, représentée par "
                f"{city['signatory']}, dûment habilité(e) par {city['signatory_act']} (ci-après « la Ville »)",
                "et",
                f"{giver['name']}, dont le siège social est {giver['seat']}, SIREN {giver['siren']}, TVA "
                f"{giver['vat']}, représentée par {giver['signatory']}, dûment habilité(e) par "
                f"{giver['signatory_act']} (ci-après « le Mécène »)",
                *((f"avec la participation de : {inputs['partners']}.",) if inputs["partners"] else ()),
            ),
            numbered=False,
        ),
        Clause(
            "premises",
            "Préambule",
            (
                "Vu la loi n° 2003-709 du 1er août 2003 relative au mécénat, aux associations et aux fondations ;",
                "Vu l'article 238 bis du code général des impôts ;",
                "Vu l'article L2242-1 du code général des collectivités territoriales ;",
                *(f"Vu {ref} ;" for ref in inputs["legal_basis"] if not _FR_CITED.search(ref)),
                f"Vu le règlement ou la charte applicable de la Ville : {acts['regulation']['ref']} du "
                f"{acts['regulation']['on']} ;",
                f"Vu l'acte acceptant le don et autorisant la signature de la présente convention : "
                f"{acts['decision']['ref']} du {acts['decision']['on']} ;",
                f"Considérant que la Ville a publié le besoin « {inputs['need_title']} » : "
                f"{inputs['need_description']}, activité d'intérêt général ;",
                "il est convenu ce qui suit.",
            ),
            numbered=False,
        ),
        Clause(
            "object",
            "Objet",
            (
                f"Le Mécène apporte son soutien, sans contrepartie directe, à l'activité d'intérêt général "
                f"« {inputs['need_title']} » menée par la Ville. La présente convention en fixe les modalités.",
            ),
        ),
        Clause(
            "giver_obligations",
            "Engagements du Mécène",
            ("Le Mécène s'engage à :",),
            (
                "effectuer le don décrit à l'article « Montant, versement, TVA et reçu fiscal » ;",
                "ne demander aucune contrepartie autre que celles prévues à l'article suivant ;",
                "ne faire état de son soutien que dans les termes convenus avec la Ville.",
            ),
        ),
        Clause(
            "city_obligations",
            "Engagements de la Ville",
            (
                "La Ville s'engage à affecter le don à l'activité décrite à l'objet, à en rendre compte au Mécène "
                "et à lui accorder, le cas échéant, les contreparties suivantes, dont la valeur reste nettement "
                "disproportionnée par rapport au don (BOI-BIC-RICI-20-30-10-20 ; usage : au plus 25 % du don) :",
            ),
            returns,
        ),
        Clause("duration", "Durée", (duration_text,)),
        Clause(
            "value",
            "Montant, versement, TVA et reçu fiscal",
            (
                f"Montant total du don : {inputs['total']}.",
                f"Versement : {when} à compter de la signature, par virement au comptable public de la Ville "
                f"(IBAN {BLANK}).",
                "Le don, sans contrepartie, n'est pas une opération soumise à la TVA : la Ville n'émet pas de "
                "facture. Elle délivre au Mécène un reçu fiscal (modèle Cerfa n° 11580) permettant la réduction "
                "d'impôt prévue à l'article 238 bis du CGI.",
            ),
            tuple(f"{x['label']} : {x['quantity']} – {x['value']}" for x in inputs["contributions"]),
        ),
        Clause(
            "mention",
            "Mention du Mécène",
            (
                "La Ville peut faire mention du Mécène, de son nom et de son logo, sur les supports de l'activité "
                "soutenue, sans message publicitaire. Le Mécène concède à cette fin à la Ville un droit d'usage "
                "gratuit et non exclusif de sa marque pour la durée de la convention. La Ville peut refuser toute "
                "mention contraire à ses missions ou à son image.",
            ),
        ),
        Clause(
            "withdrawal",
            "Résiliation",
            (
                f"La Ville peut résilier la convention pour motif d'intérêt général, avec un préavis écrit de "
                f"{BLANK} jours. En cas de manquement d'une partie à ses obligations, non réparé dans les quinze "
                "jours d'une mise en demeure, l'autre partie peut résilier la convention de plein droit.",
            ),
        ),
        Clause(
            "liability",
            "Responsabilité et assurance",
            (
                "Chaque partie demeure responsable des dommages causés par ses propres activités. Le Mécène "
                f"justifie, si son don comprend une intervention sur site, d'une assurance de responsabilité "
                f"civile : {BLANK}.",
            ),
        ),
        Clause(
            "data_protection",
            "Protection des données personnelles",
            (
                "Chaque partie traite les données des interlocuteurs de l'autre en responsable de traitement, pour "
                "la seule exécution de la convention, conformément au règlement (UE) 2016/679 et à la loi n° 78-17 "
                "du 6 janvier 1978, et informe les personnes concernées conformément à l'article 13 du règlement.",
                "Si le Mécène traite des données personnelles pour le compte de la Ville, les parties concluent "
                f"au préalable le contrat de sous-traitance prévu à l'article 28 du règlement : {BLANK}.",
            ),
        ),
        Clause(
            "integrity",
            "Conflits d'intérêts et prévention de la corruption",
            (
                "Le Mécène déclare n'avoir, à sa connaissance, aucun lien d'intérêts avec les élus ou agents de la "
                "Ville ayant préparé ou décidé la présente convention (loi n° 2013-907 du 11 octobre 2013, art. 2), "
                "et s'engage à respecter les règles de prévention de la corruption (loi n° 2016-1691 du "
                "9 décembre 2016) ainsi que la charte de déontologie de la Ville : "
                f"{BLANK}.",
            ),
        ),
        Clause(
            "jurisdiction",
            "Règlement des litiges",
            (
                "Les parties recherchent d'abord une solution amiable. À défaut, le litige est porté devant la "
                f"juridiction compétente du ressort de {city['court']} ({BLANK} : tribunal administratif ou "
                "judiciaire selon la qualification du contrat, à vérifier par le service juridique).",
            ),
        ),
        Clause(
            "stamp_duty",
            "Droits de timbre et enregistrement",
            (
                f"La présente convention n'est pas soumise à un enregistrement obligatoire ({BLANK}) ; les frais "
                "d'un enregistrement volontaire sont à la charge de la partie qui le demande.",
            ),
        ),
        Clause(
            "signatures",
            "Signatures",
            (
                "Fait en deux exemplaires originaux, ou signé électroniquement, à "
                + city["court"]
                + ", le "
                + BLANK
                + ".",
            ),
        ),
    ]
    return Document(
        language="fr",
        title="Convention de mécénat",
        mark="PROJET – à vérifier par le service juridique avant toute utilisation",
        clauses=tuple(clauses),
        footer=(
            f"Projet généré par Cities4CSR le {inputs['advised_on']} · règles {inputs['jurisdiction']} "
            f"{inputs['pack_version']} · modèle {inputs['template_version']} · ceci n'est pas un avis juridique."
        ),
        signatures=(f"Pour {city['name']} : {city['signatory']}", f"Pour {giver['name']} : {giver['signatory']}"),
    )


#: instruments with a draft
DRAFTABLE = (*IT, "mecenat")


def draft_document(inputs: dict) -> Document:
    """The draft of ``inputs`` (``services.draft_inputs``): its clauses, in order."""
    if inputs["instrument"] == "mecenat":
        return _fr(inputs)
    if inputs["instrument"] in IT:
        return _it(inputs)
    raise KeyError(inputs["instrument"])
