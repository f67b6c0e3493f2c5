-- Macros of the analyst views. Every file under warehouse/sql/ runs, in name order,
-- after the table views each time a run rebuilds crisis.duckdb.

-- The fewest people a figure can mean. Vague words already hold the guide's conservative
-- value ("dozens" = 12); null when the text sets no lower bound ("up to 70,000").
CREATE MACRO estimate_low(figure, qualifier) AS
    CASE WHEN qualifier = 'at_most' THEN NULL ELSE figure END;

-- The most people a figure can mean; null when the text sets no upper bound
-- ("at least 660,000", "hundreds").
CREATE MACRO estimate_high(figure, figure_high, qualifier) AS
    CASE WHEN qualifier = 'range' THEN figure_high
         WHEN qualifier IN ('exact', 'approximate', 'at_most') THEN figure
    END;

-- The rows of a fact table with their document's title, date and source and their
-- section's headline: the body of every *_facts view. The table views already hold
-- only each document's newest extraction (see warehouse/views.py), and a document is
-- stored once, so these joins neither repeat nor resurrect a row.
CREATE MACRO newest_facts(fact_table) AS TABLE
SELECT f.*, d.title, d.published_date, d.source_uri, s.headline
FROM query_table(fact_table) f
LEFT JOIN documents d USING (doc_id)
LEFT JOIN sections s USING (doc_id, section_id);
