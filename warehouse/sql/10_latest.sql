-- The newest extraction of each document: the load with its highest extractor_version
-- (the latest load on a tie). A load that wrote a document's sections or facts extracted
-- it, so a document whose newest extraction found no refugees shows none, rather than
-- an older version's.
CREATE VIEW latest_extractions AS
SELECT doc_id, load_id, extractor_version
FROM (
    SELECT s.doc_id, s.load_id, l.extractor_version FROM sections s JOIN loads l USING (load_id)
    UNION SELECT doc_id, load_id, extractor_version FROM refugees
    UNION SELECT doc_id, load_id, extractor_version FROM casualties
    UNION SELECT doc_id, load_id, extractor_version FROM statements
)
QUALIFY row_number() OVER (
    PARTITION BY doc_id ORDER BY version_key(extractor_version) DESC, extractor_version DESC, load_id DESC) = 1;

-- One row per document: its latest load's (the text never changes, the sidecar may).
CREATE VIEW latest_documents AS
SELECT * FROM documents
QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY load_id DESC) = 1;

-- One row per section of a document: its latest load's, as sectioning rules may change.
CREATE VIEW latest_sections AS
SELECT * FROM sections
QUALIFY row_number() OVER (PARTITION BY doc_id, section_id ORDER BY load_id DESC) = 1;

-- The rows of a fact table from each document's newest extraction, with their document's
-- title, date and source and their section's headline: the body of every *_facts view.
CREATE MACRO newest_facts(fact_table) AS TABLE
SELECT f.*, d.title, d.published_date, d.source_uri, s.headline
FROM query_table(fact_table) f
JOIN latest_extractions USING (doc_id, load_id)
LEFT JOIN latest_documents d USING (doc_id)
LEFT JOIN latest_sections s USING (doc_id, section_id);
