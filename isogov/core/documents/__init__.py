"""Domain-free document helpers: Vietnamese text, the PDF layout and the XLSX writer.

- ``text``: dates, times and money as Vietnamese official documents print them;
- ``pdf``: an fpdf2 document with the embedded DejaVu font, the national letterhead, titles,
  tables, signature blocks and QR codes;
- ``xlsx``: a streaming spreadsheet writer that neutralises formula injection.

Nothing here knows a dossier or a procedure: a form with legal content lives in the app whose
rules it prints (ADR 0006). The modules are imported one by one, so reading ``text`` does not
load fpdf2 or openpyxl.
"""
