-- Macros of the analyst views. Every file under warehouse/sql/ runs, in name order,
-- after the table views each time a run rebuilds crisis.duckdb.

-- Extractor versions compare part by part as numbers, so '0.10.0' is newer than '0.9.2';
-- a part that is not a number ('0rc1') sorts before every number.
CREATE MACRO version_key(version) AS
    list_transform(string_split(version, '.'), lambda part: coalesce(try_cast(part AS BIGINT), -1));

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
