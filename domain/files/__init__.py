"""Evidence files (证据文件): photos, scans and signed forms stored once by their SHA-256,
and their attachments to records, hazards, plans, exemptions and tip-offs."""
