-- Statements of each document's newest extraction, with their document and section headline.
CREATE VIEW statements_facts AS
SELECT f.*, d.title, d.published_date, d.source_uri, s.headline
FROM statements f
JOIN latest_extractions USING (doc_id, load_id)
LEFT JOIN latest_documents d USING (doc_id)
LEFT JOIN latest_sections s USING (doc_id, section_id);
