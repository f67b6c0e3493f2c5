-- Casualty figures of each document's newest extraction, with their bounds,
-- their document and their section headline.
CREATE VIEW casualties_facts AS
SELECT f.*,
       estimate_low(f.figure, f.qualifier) AS estimate_low,
       estimate_high(f.figure, f.figure_high, f.qualifier) AS estimate_high,
       d.title, d.published_date, d.source_uri, s.headline
FROM casualties f
JOIN latest_extractions USING (doc_id, load_id)
LEFT JOIN latest_documents d USING (doc_id)
LEFT JOIN latest_sections s USING (doc_id, section_id);
