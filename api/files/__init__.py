"""Evidence files through the API: uploads (`uploadEvidenceFile`, multipart), the
`EvidenceFile` node with its signed links, and the download endpoint (`api.files.downloads`)."""
