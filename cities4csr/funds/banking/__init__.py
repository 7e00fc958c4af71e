"""Bank transfers to a city's funds, in plain Python (no Django): the ISO 11649 creditor reference
(``rf``), the EPC QR code that banking apps scan (``epc_qr``), bank statements read from ISO 20022
camt.053 XML (``camt053``) or a bank's CSV export (``bank_csv``) into one kind of record
(``records.BankEntry``), and the matcher that pairs statement lines with pending contributions
(``reconcile``). The funds app feeds them and stores what they decide."""
